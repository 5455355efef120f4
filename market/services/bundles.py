"""Placing, changing and cancelling bundle (linked) orders, with their escrow kept in step.

A bundle holds its worst case while open: max(limit, 0) credits, and the units of each of its
sell legs. Locks: the session round FOR SHARE first (closing takes it FOR UPDATE, so it waits
for bundles in flight and a bundle placed after the close sees it closed), then the bundle
row (to change or cancel it), then the division's placing lock in each new leg's round (the one
a simple order takes with its round, so the self-trade checks see what the division placed a
moment before; only account locks ever follow it, so it closes no circle), then the division's
accounts, asset by asset in code order (so two bundles of one division never lock them in
opposite orders).
"""

import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger import services as ledger

from .. import memos
from ..errors import InvalidState, MarketError, NotAllowed
from ..models import Bundle, BundleLeg, SessionRound
from ..parsing import parse_id, parse_money
from . import bundle_legs
from .bundle_legs import LegInput
from .orders import _trading_division

log = logging.getLogger("tokenhub.bundles")


def _session_round_for_share(session_round_id: int) -> SessionRound:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM market_sessionround WHERE id = %s FOR SHARE", [session_round_id]
            )
            if cursor.fetchone() is None:
                raise SessionRound.DoesNotExist
    return SessionRound.objects.select_related("session").get(pk=session_round_id)


def _open_session_round(session_round_id: Any) -> SessionRound:
    pk = parse_id(session_round_id)
    try:
        if pk is None:
            raise SessionRound.DoesNotExist
        session_round = _session_round_for_share(pk)
    except SessionRound.DoesNotExist:
        raise MarketError(
            _("There is no session round %(id)s.") % {"id": session_round_id},
            field="session_round",
        ) from None
    if session_round.state != SessionRound.State.OPEN or session_round.closes_at <= timezone.now():
        raise InvalidState(
            _("%(round)s is not open for bundles.") % {"round": session_round},
        )
    return session_round


def bundle_escrow(limit: Decimal, legs: Sequence[BundleLeg]) -> dict[str, Decimal]:
    """What a bundle holds while open, by asset code: max(limit, 0) credits and the units of
    each sell leg."""
    held: dict[str, Decimal] = defaultdict(Decimal)
    held[ledger.CREDITS] += max(limit, Decimal("0.00"))
    for leg in legs:
        if not leg.is_bid:
            held[leg.round.market.asset.code] += leg.quantity
    return dict(held)


def _escrow_adjust(
    bundle: Bundle, before: dict[str, Decimal], after: dict[str, Decimal], by: Any, memo: str
) -> None:
    """Hold or release the difference per asset, in asset-code order (see the module's locks)."""
    for code in sorted(set(before) | set(after)):
        delta = after.get(code, Decimal(0)) - before.get(code, Decimal(0))
        if delta != 0:
            ledger.escrow_move(
                division=bundle.division,
                asset=code,
                amount=delta,
                by=by,
                reference=bundle,
                memo=memo,
            )


def _seq() -> int:
    return time.time_ns() // 1000


def _ids(bundle: Bundle) -> dict[str, object]:
    return {
        "bundle_id": bundle.pk,
        "session_round_id": bundle.session_round_id,
        "division_id": bundle.division_id,
        "limit": str(bundle.limit),
    }


@transaction.atomic
def bundle_place(
    *, user: Any, session_round_id: Any, limit: Any, legs: Sequence[LegInput]
) -> Bundle:
    """Place an all-or-none bundle in an open session round and escrow its worst case
    (max(limit, 0) credits, the units of each sell leg); all or nothing."""
    division = _trading_division(user)
    session_round = _open_session_round(session_round_id)
    value = parse_money(limit, field="limit", negative=True)
    built = bundle_legs.legs_from_input(session_round, legs)
    bundle_legs.legs_check(division, built)
    bundle = Bundle.objects.create(
        session_round=session_round, division=division, limit=value, placed_by=user, seq=_seq()
    )
    for leg in built:
        leg.bundle = bundle
    BundleLeg.objects.bulk_create(built)
    memo = memos.bundle_escrow(bundle.public_id)
    _escrow_adjust(bundle, {}, bundle_escrow(bundle.limit, built), user, memo)
    log.info("bundle placed", extra=_ids(bundle))
    return bundle


def _own_open_bundle(user: Any, bundle_id: int) -> Bundle:
    session_round_id = (
        Bundle.objects.filter(pk=bundle_id).values_list("session_round_id", flat=True).first()
    )
    if session_round_id is None:
        raise MarketError(_("There is no bundle %(id)s.") % {"id": bundle_id})
    division = _trading_division(user)
    session_round = _session_round_for_share(session_round_id)
    bundle = Bundle.objects.select_for_update().select_related("division").get(pk=bundle_id)
    if bundle.division_id != division.pk:
        raise NotAllowed(_("You can only change your own division's bundles."))
    if bundle.state != Bundle.State.OPEN:
        raise InvalidState(
            _("Bundle %(id)s is %(state)s.")
            % {"id": bundle.public_id, "state": bundle.get_state_display().lower()}
        )
    if session_round.state != SessionRound.State.OPEN or session_round.closes_at <= timezone.now():
        raise InvalidState(_("%(round)s is not open for bundles.") % {"round": session_round})
    bundle.session_round = session_round
    return bundle


def _current_legs(bundle: Bundle) -> list[BundleLeg]:
    return list(bundle.legs.select_related("round__market__asset").order_by("pk"))


@transaction.atomic
def bundle_change(
    *, user: Any, bundle_id: int, limit: Any = None, legs: Sequence[LegInput] | None = None
) -> Bundle:
    """Change a bundle's limit and/or replace its legs while its session round is open; the
    escrow grows (if affordable) or shrinks to match, and the bundle loses its time priority."""
    bundle = _own_open_bundle(user, bundle_id)
    if limit is None and legs is None:
        raise MarketError(_("Give a new limit or new legs to change the bundle."))
    old_legs = _current_legs(bundle)
    before = bundle_escrow(bundle.limit, old_legs)
    if limit is not None:
        bundle.limit = parse_money(limit, field="limit", negative=True)
    new_legs = old_legs
    if legs is not None:
        new_legs = bundle_legs.legs_from_input(bundle.session_round, legs)
        bundle_legs.legs_check(bundle.division, new_legs, bundle)
        bundle.legs.all().delete()
        for leg in new_legs:
            leg.bundle = bundle
        BundleLeg.objects.bulk_create(new_legs)
    bundle.seq = _seq()
    bundle.save(update_fields=["limit", "seq", "updated_at"])
    memo = memos.bundle_escrow(bundle.public_id, changed=True)
    _escrow_adjust(bundle, before, bundle_escrow(bundle.limit, new_legs), user, memo)
    log.info("bundle changed", extra=_ids(bundle))
    return bundle


@transaction.atomic
def bundle_cancel(*, user: Any, bundle_id: int) -> Bundle:
    """Cancel an open bundle while its session round is open and release all of its escrow."""
    bundle = _own_open_bundle(user, bundle_id)
    held = bundle_escrow(bundle.limit, _current_legs(bundle))
    bundle.state = Bundle.State.CANCELLED
    bundle.save(update_fields=["state", "updated_at"])
    memo = memos.bundle_escrow_released(bundle.public_id)
    _escrow_adjust(bundle, held, {}, user, memo)
    log.info("bundle cancelled", extra=_ids(bundle))
    return bundle
