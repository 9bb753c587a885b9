"""App config for register import and reconciliation."""
from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "reports.registers"
    label = "registers"
    verbose_name = "Impor register"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reports.registers import rules  # noqa: F401  (who may import, who may reconcile)
