"""App config for content screening."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "reports.screening"
    label = "screening"
    verbose_name = "Penapisan konten"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reports.screening import home  # noqa: F401  (the reviewer's card on the home page)
        from cases.services import register_notification_kind
        from cases.templatetags.main_nav import register_link

        register_notification_kind("screening_review", _("Tinjauan penapisan"))

        register_link(100, "screening:queue", _("Penapisan"), perm="screening.review")
