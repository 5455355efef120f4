from typing import Any

from django.core.management.base import BaseCommand

from ... import demo


class Command(BaseCommand):
    help = "The token chain's demo: series, sharing rules, rate, target, metering. Safe to rerun."

    def handle(self, *args: Any, **options: Any) -> None:
        sign_ins = demo.seed_chain()
        demo.start()
        self.stdout.write(self.style.SUCCESS("The token chain's demo is in place."))
        for username, what in sign_ins:
            self.stdout.write(f"  {username:<22} {what}")
