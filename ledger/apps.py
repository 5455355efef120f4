from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = "Ledger"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Asset

        auditlog.register(Asset)
