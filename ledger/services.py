"""Posting to the ledger: grants, mints, holds, releases and transfers.

Every function here is atomic, locks the accounts it touches in primary-key order, and refuses
anything that would take a division's account below zero.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from divisions.models import Division
from tokenhub import formatting

from . import income
from . import sql as ledger_sql
from .errors import InsufficientFunds, NotAllowed, Refusal
from .locks import accounts_for_update
from .models import AMOUNT_PLACES, QUANT, Account, Asset, LedgerTransaction

Reason = LedgerTransaction.Reason


@dataclass(frozen=True)
class Leg:
    account: Account
    amount: Decimal


def to_amount(value: Decimal | int | str) -> Decimal:
    """A money or unit amount with the ledger's fixed places; refuses more precision than that."""
    amount = Decimal(value)
    if not amount.is_finite():
        raise Refusal(_("%(value)s is not a finite amount.") % {"value": value})
    if amount != amount.quantize(QUANT):
        raise Refusal(
            _("%(value)s has more than %(places)s decimal places.")
            % {"value": value, "places": AMOUNT_PLACES}
        )
    return amount.quantize(QUANT)


def account_get(*, asset: Asset, division: Division | None, kind: str) -> Account:
    """The account, created on first use; safe when two requests create it at once."""
    if division is None:
        kind = Account.Kind.ISSUANCE
    account = Account.objects.filter(asset=asset, division=division, kind=kind).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(asset=asset, division=division, kind=kind)
    except IntegrityError:
        return Account.objects.get(asset=asset, division=division, kind=kind)


def balances_of(account_ids: Iterable[int]) -> dict[int, Decimal]:
    """The accounts' balances (one row each, not a sum of their history)."""
    return defaultdict(lambda: Decimal("0.00"), ledger_sql.balances(account_ids))


def balance_of(account: Account) -> Decimal:
    return balances_of([account.pk])[account.pk]


def _check_legs(legs: Sequence[Leg]) -> None:
    if not legs:
        raise Refusal("A ledger transaction needs entries.")
    per_asset: dict[int, Decimal] = defaultdict(Decimal)
    for leg in legs:
        if leg.amount == 0:
            raise Refusal("A ledger entry cannot be zero.")
        per_asset[leg.account.asset_id] += leg.amount
    unbalanced = [asset for asset, total in per_asset.items() if total != 0]
    if unbalanced:
        raise Refusal(f"Entries do not balance for asset(s) {unbalanced}.")


def _post(
    *,
    reason: str,
    legs: Sequence[Leg],
    by: Any = None,
    reference: models.Model | None = None,
    memo: str = "",
    key: str | None = None,
    locked: dict[int, Account] | None = None,
) -> LedgerTransaction:
    """Post balanced entries; the caller holds the transaction.

    Locks every account involved (by pk) unless the caller already did (`locked`, read with their
    balances under the lock), then refuses if any division account would go below zero (the
    database's CHECK refuses it too). Issuance accounts need no lock: they have no floor, and
    the posting's own update moves their balance atomically. With a `key`, a second post under
    the same key returns the first, unchanged.
    """
    _check_legs(legs)
    if key is not None:
        existing = LedgerTransaction.objects.filter(key=key).first()
        if existing is not None:
            return existing
    if locked is None:
        locked = accounts_for_update(leg.account.pk for leg in legs)
    moved: dict[int, Decimal] = defaultdict(Decimal)
    for leg in legs:
        moved[leg.account.pk] += leg.amount
    for pk, delta in moved.items():
        account = locked[pk]
        if account.division_id is not None and account.balance + delta < 0:
            raise _insufficient(account, account.balance, -delta)
    txn = ledger_sql.transaction_insert(
        reason=reason,
        memo=memo[:300],
        created_at=timezone.now(),
        created_by_id=by.pk if getattr(by, "is_authenticated", False) else None,
        reference_type_id=ContentType.objects.get_for_model(reference).pk if reference else None,
        reference_id=reference.pk if reference else None,
        key=key,
        entries=[(pk, delta) for pk, delta in moved.items() if delta != 0],
    )
    for pk, delta in moved.items():
        if locked[pk].division_id is not None:  # locked: its balance was read under the lock
            locked[pk].balance += delta
    income.received(division_ids=_credits_raised(moved, locked), locked=locked)
    return txn


def _credits_raised(moved: dict[int, Decimal], locked: dict[int, Account]) -> frozenset[int]:
    """The divisions whose credits (available + held together) a posting raised: income, not
    escrow moving between a division's own accounts."""
    net: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for pk, delta in moved.items():
        account = locked[pk]
        if account.division_id is not None:
            net[(account.division_id, account.asset_id)] += delta
    raised = {key for key, total in net.items() if total > 0}
    if not raised:
        return frozenset()
    credits_id = Asset.objects.filter(code=CREDITS).values_list("pk", flat=True).first()
    return frozenset(division for division, asset in raised if asset == credits_id)


# Public, atomic; the functions below call `_post` inside their own transaction (one savepoint).
transaction_post = transaction.atomic(_post)


def _insufficient(account: Account, balance: Decimal, needed: Decimal) -> InsufficientFunds:
    held = account.kind == Account.Kind.HELD
    asset = account.asset
    if asset.is_credits:
        values = {
            "division": account.division,
            "balance": formatting.money(balance),
            "needed": formatting.money(needed),
        }
        if held:
            text = _(
                "Insufficient funds: %(division)s has %(balance)s credits held in escrow, "
                "needs %(needed)s."
            )
        else:
            text = _(
                "Insufficient funds: %(division)s has %(balance)s credits available, "
                "needs %(needed)s."
            )
        return InsufficientFunds(text % values)
    holdings: dict[str, object] = {
        "division": account.division,
        "balance": formatting.units(balance),
        "needed": formatting.units(needed),
        "unit": asset.unit,
        "asset": asset,
    }
    if held:
        text = _(
            "Insufficient holdings: %(division)s has %(balance)s %(unit)s of %(asset)s held in "
            "escrow, needs %(needed)s."
        )
    else:
        text = _(
            "Insufficient holdings: %(division)s has %(balance)s %(unit)s of %(asset)s "
            "available, needs %(needed)s."
        )
    return InsufficientFunds(text % holdings)


def _division_accounts(
    division: Division, asset: Asset | str, *, lock: bool = False
) -> tuple[Account, Account]:
    """The division's available and held accounts of the asset (or the asset with that code).

    One query once they exist; with `lock`, it takes both rows FOR UPDATE in pk order (as
    `accounts_for_update`). By code, the asset is not looked up first.
    """
    kinds = (Account.Kind.AVAILABLE, Account.Kind.HELD)
    asset_key = asset if isinstance(asset, str) else asset.pk
    rows = ledger_sql.division_accounts(division.pk, asset_key, lock=lock, kinds=kinds)
    found = {a.kind: a for a in rows}
    if len(found) == len(kinds):
        return found[kinds[0]], found[kinds[1]]
    if isinstance(asset, str):
        asset = credits_asset() if asset == CREDITS else Asset.objects.get(code=asset)
    available, held = (
        found.get(kind) or account_get(asset=asset, division=division, kind=kind) for kind in kinds
    )
    return available, held


def _positive(amount: Decimal | int | str, what: str) -> Decimal:
    """`what` names the amount: "quantity", "grant", "hold", "release" or "transfer"."""
    value = to_amount(amount)
    if value <= 0:
        message = _POSITIVE.get(what, _POSITIVE["amount"])()
        raise Refusal(message % {"value": formatting.number(value)})
    return value


_POSITIVE = {
    "amount": lambda: _("The amount must be positive, not %(value)s."),
    "quantity": lambda: _("The quantity must be positive, not %(value)s."),
    "grant": lambda: _("The grant must be positive, not %(value)s."),
    "hold": lambda: _("The hold must be positive, not %(value)s."),
    "release": lambda: _("The release must be positive, not %(value)s."),
    "transfer": lambda: _("The transfer must be positive, not %(value)s."),
}


def _units(quantity: Decimal | int | str) -> Decimal:
    value = _positive(quantity, "quantity")
    if value != value.to_integral_value():
        raise Refusal(_("Units come in whole numbers, not %(value)s.") % {"value": quantity})
    return value


def _require(by: Any, permission: str) -> None:
    """Refuse anyone without the ledger permission (management has it; auditors only read).

    None is the product itself acting (seeding, beat)."""
    if by is not None and not by.has_perm(permission):
        raise NotAllowed(_("Only management may do this; auditors and divisions cannot."))


CREDITS = "credits"  # the credits asset's code


def credits_asset() -> Asset:
    asset, _ = Asset.objects.get_or_create(
        code=CREDITS, defaults={"name": "Credits", "kind": Asset.Kind.CREDITS}
    )
    return asset


@transaction.atomic
def credits_grant(
    *,
    division: Division,
    amount: Decimal | int | str,
    by: Any,
    memo: str = "",
    key: str | None = None,
) -> LedgerTransaction:
    """Management grants a budget: credits move from issuance to the division's available.

    `by` is management, or None when the product itself grants (demo seeding)."""
    _require(by, "ledger.grant_credits")
    value = _positive(amount, "grant")
    asset = credits_asset()
    available, _held = _division_accounts(division, asset)
    issuance = account_get(asset=asset, division=None, kind=Account.Kind.ISSUANCE)
    legs = [Leg(issuance, -value), Leg(available, value)]
    return _post(reason=Reason.GRANT, legs=legs, by=by, memo=memo, reference=division, key=key)


@transaction.atomic
def units_mint(
    *,
    division: Division,
    asset: Asset,
    quantity: Decimal | int | str,
    by: Any,
    memo: str = "",
    key: str | None = None,
) -> LedgerTransaction:
    """Management mints capacity (GPU-hours, tokens) into a division's holdings.

    `by` is management, or None when the product itself mints (demo seeding)."""
    _require(by, "ledger.mint_units")
    if asset.is_credits:
        raise Refusal(_("Credits are granted, not minted."))
    value = _units(quantity)
    available, _held = _division_accounts(division, asset)
    issuance = account_get(asset=asset, division=None, kind=Account.Kind.ISSUANCE)
    legs = [Leg(issuance, -value), Leg(available, value)]
    return _post(reason=Reason.MINT, legs=legs, by=by, memo=memo, reference=division, key=key)


def escrow_move(
    *,
    division: Division,
    asset: Asset | str,
    amount: Decimal,
    by: Any = None,
    reference: models.Model | None = None,
    memo: str = "",
) -> LedgerTransaction:
    """Hold (amount > 0) or release (amount < 0) within the caller's transaction.

    For services that are atomic themselves (placing, changing, cancelling orders): no savepoint
    of its own, and the two accounts are read and locked in one query.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("escrow_move joins a transaction: call it inside transaction.atomic.")
    value = _positive(abs(amount), "hold" if amount > 0 else "release")
    available, held = _division_accounts(division, asset, lock=True)
    delta = value if amount > 0 else -value
    return _post(
        reason=Reason.HOLD if amount > 0 else Reason.RELEASE,
        legs=[Leg(available, -delta), Leg(held, delta)],
        by=by,
        reference=reference,
        memo=memo,
        locked={available.pk: available, held.pk: held},
    )


@transaction.atomic
def hold(
    *,
    division: Division,
    asset: Asset,
    amount: Decimal | int | str,
    by: Any = None,
    reference: models.Model | None = None,
    memo: str = "",
) -> LedgerTransaction:
    """Escrow: move from available to held; refused if available cannot cover it."""
    value = _positive(amount, "hold")
    return escrow_move(
        division=division, asset=asset, amount=value, by=by, reference=reference, memo=memo
    )


@transaction.atomic
def release(
    *,
    division: Division,
    asset: Asset,
    amount: Decimal | int | str,
    by: Any = None,
    reference: models.Model | None = None,
    memo: str = "",
) -> LedgerTransaction:
    """Give escrow back: move from held to available."""
    value = _positive(amount, "release")
    return escrow_move(
        division=division, asset=asset, amount=-value, by=by, reference=reference, memo=memo
    )


@transaction.atomic
def transfer(
    *,
    source: Division,
    target: Division,
    asset: Asset,
    amount: Decimal | int | str,
    by: Any,
    reason: str = Reason.TRANSFER,
    reference: models.Model | None = None,
    memo: str = "",
    key: str | None = None,
) -> LedgerTransaction:
    """Move from one division's available to another's; refused if the source cannot cover it."""
    value = _positive(amount, "transfer")
    if source.pk == target.pk:
        raise Refusal(_("A transfer needs two different divisions."))
    source_available, _held = _division_accounts(source, asset)
    target_available, _held = _division_accounts(target, asset)
    legs = [Leg(source_available, -value), Leg(target_available, value)]
    return _post(reason=reason, legs=legs, by=by, reference=reference, memo=memo, key=key)


def account_by_id(division_id: int, asset: Asset, kind: str) -> Account:
    try:
        return Account.objects.get(asset=asset, division_id=division_id, kind=kind)
    except Account.DoesNotExist:
        return account_get(asset=asset, division=Division.objects.get(pk=division_id), kind=kind)


AccountKey = tuple[int, int, str]  # (division id, asset id, kind)


def division_accounts_for_update(keys: Iterable[AccountKey]) -> dict[AccountKey, Account]:
    """These division accounts, created where missing, locked FOR UPDATE in primary-key order
    with their balances: one query when they all exist (two more when some do not), whatever
    their number. Pass the result as ``locked`` to ``transaction_post``."""
    wanted = set(keys)
    if not wanted:
        return {}

    def read() -> dict[AccountKey, Account]:
        rows = (
            Account.objects.select_for_update()
            .filter(
                division_id__in={key[0] for key in wanted},
                asset_id__in={key[1] for key in wanted},
                kind__in={key[2] for key in wanted},
            )
            .order_by("pk")
        )
        found = {(a.division_id, a.asset_id, a.kind): a for a in rows}
        return {key: account for key, account in found.items() if key in wanted}

    found = read()
    missing = sorted(wanted - found.keys())
    if not missing:
        return found
    Account.objects.bulk_create(  # a racing creator of the same account wins; we read its row
        [Account(division_id=d, asset_id=a, kind=kind) for d, a, kind in missing],
        ignore_conflicts=True,
    )
    return read()
