from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainConfig(AppConfig):
    name = "chain"
    verbose_name = _("Token chain")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from ledger import income

        from .models import CurrencyRate, RevenueTarget, Series, SharingRule
        from .services import debts

        for model in (Series, CurrencyRate, SharingRule, RevenueTarget):
            auditlog.register(model)
        income.register(debts.income_collect)  # a division's income pays its overage debt first
