"""App config for content screening."""
from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "reports.screening"
    label = "screening"
    verbose_name = "Penapisan konten"
    default_auto_field = "django.db.models.BigAutoField"
