"""App config for the domain core."""
from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Perkara netralitas"
    default_auto_field = "django.db.models.BigAutoField"
