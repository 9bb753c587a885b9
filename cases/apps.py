"""App config for the domain core."""
from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Perkara netralitas"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cases.letters import checks, hooks, tasks  # noqa: F401  (letter hooks, harfbuzz check, batch task)
        from cases.api import auth  # noqa: F401  (drops a cached API token when it or its user changes)
