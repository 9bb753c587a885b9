"""App config for personal-data protection."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "reports.privacy"
    label = "privacy"
    verbose_name = "Pelindungan data pribadi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reports.privacy import home  # noqa: F401  (open requests on the responsible officer's home)
        from cases.models import Role
        from cases.templatetags.main_nav import register_link

        register_link(120, "privacy:access", _("Catatan akses"), {Role.AUDITOR, Role.ADMIN})
