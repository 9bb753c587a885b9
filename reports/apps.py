"""App config for intake."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Laporan"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reports import home, letters  # noqa: F401  (home card; receipt on submission, closing notice on close)
        from cases.services import register_notification_kind
        from cases.templatetags.main_nav import register_link

        register_notification_kind("reporter_message", _("Pesan pelapor"))

        register_link(70, "reports:intake_queue", _("Penerimaan laporan"), perm="reports.intake")
