from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainConfig(AppConfig):
    name = "chain"
    verbose_name = _("Token chain")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import CurrencyRate, RevenueTarget, Series, SharingRule

        for model in (Series, CurrencyRate, SharingRule, RevenueTarget):
            auditlog.register(model)
