"""App config for intake."""
from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Laporan"
    default_auto_field = "django.db.models.BigAutoField"
