"""`manage.py ledger_reconcile`: prove every account's balance equals the sum of its entries."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ledger.reconcile import differences


class Command(BaseCommand):
    help = "Check that every ledger account's balance equals the sum of its entries."

    def handle(self, *args: Any, **options: Any) -> None:
        found = differences()
        for difference in found:
            self.stderr.write(str(difference))
        if found:
            raise CommandError(f"{len(found)} account(s) do not reconcile.")
        self.stdout.write("Every account's balance equals the sum of its entries.")
