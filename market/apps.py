from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = _("Market")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import post_migrate

        from divisions.models import Division

        from . import roles
        from .models import Market, Membership, Session

        post_migrate.connect(roles.ensure_role_groups, sender=self)
        for model in (Division, Market, Membership, Session):
            auditlog.register(model)
