"""App config for the domain core."""
from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Perkara netralitas"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cases.letters import batch, checks, hooks  # noqa: F401  (batch task, harfbuzz check, letter hooks)
        from cases.api import auth  # noqa: F401  (drops a cached API token when it or its user changes)
