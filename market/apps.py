from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = "Market"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import roles

        post_migrate.connect(roles.ensure_role_groups, sender=self)
