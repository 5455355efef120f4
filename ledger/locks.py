"""Account row locks, taken in one fixed order (by primary key) so two posts never deadlock."""

from collections.abc import Iterable

from .models import Account


def accounts_for_update(ids: Iterable[int]) -> dict[int, Account]:
    accounts = Account.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk")
    return {account.pk: account for account in accounts}
