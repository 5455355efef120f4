from typing import Any

from django.core.management.base import BaseCommand

from ... import demo


class Command(BaseCommand):
    help = "Create demo divisions, people, budgets, capacity and markets. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        sign_ins = demo.seed_all()
        self.stdout.write(self.style.SUCCESS("Demo data is in place. Sign in at /login/ with:"))
        for username, what in sign_ins:
            self.stdout.write(f"  {username:<22} password {demo.DEMO_PASSWORD:<15} {what}")
