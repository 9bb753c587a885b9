"""App config for intake."""
from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Laporan"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reports import home, letters  # noqa: F401  (home card; receipt on submission, closing notice on close)
