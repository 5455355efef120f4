"""Income hooks: what must happen, in the same transaction, when a posting raises credits.

The ledger knows nothing of the apps built on it (import contracts in pyproject.toml), yet some of
them must act on a division's income before the division can spend it: the chain's overage debts
are paid first from the next income. Such an app registers one function here when it starts
(`AppConfig.ready`), and `ledger.services` calls it after every posting that raises the total
credits (available + held) of one or more divisions: a budget grant, a round's settlement (the
sellers' proceeds; buyers only get back escrow, which is no income), a revenue share, a ruling or
transfer that pays a division. A posting calls each hook once with every such division, so a
settled round is one call, not one per fill.

A hook runs inside the posting's transaction with the accounts the posting locked (`locked`,
their `balance` current); it may post itself (a posting that lowers a division's credits calls no
hook, so there is no recursion) and locks whatever else it needs after those accounts.
"""

from collections.abc import Callable, Mapping
from typing import Protocol

from .models import Account


class IncomeHook(Protocol):
    def __call__(self, *, division_ids: frozenset[int], locked: Mapping[int, Account]) -> None: ...


_hooks: list[Callable[..., None]] = []


def register(hook: IncomeHook) -> None:
    """Call `hook` after every posting that brings divisions credits; registering twice is once."""
    if hook not in _hooks:
        _hooks.append(hook)


def received(*, division_ids: frozenset[int], locked: Mapping[int, Account]) -> None:
    """Run the registered hooks for divisions whose credits a posting just raised."""
    if not division_ids:
        return
    for hook in _hooks:
        hook(division_ids=division_ids, locked=locked)
