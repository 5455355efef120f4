from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """Management's visible hand: what-if replay, position limits, guarantees, market health."""

    name = "oversight"
    verbose_name = _("Oversight")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import post_migrate

        from market import roles

        from . import models

        # the role groups get this app's permissions, created after market's migrate
        post_migrate.connect(roles.ensure_role_groups, sender=self)

        for model in models.AUDITED:
            auditlog.register(model)
