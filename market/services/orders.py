"""Placing, changing and cancelling sealed orders, each with its escrow kept in step.

Locks: the round FOR SHARE first (so it cannot close mid-change), then the order, then the
division's accounts by pk (in the ledger). Settlement takes the round FOR UPDATE first too, so
the two never wait on each other in opposite orders. Placing also queues behind the division's
other placements in the round, bundles included (`round_for_share(placing_for=...)`), so the
self-trade check sees an opposite order or bundle leg placed a moment before.
"""

import logging
import time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from divisions.models import Division
from ledger import services as ledger
from oversight import limits

from .. import memos, roles
from ..errors import InvalidState, MarketError, NotAllowed
from ..locks import round_for_share
from ..models import Market, Order, Round, Side
from ..rules import parse_limit, parse_quantity
from . import placement_sql

log = logging.getLogger("tokenhub.orders")


def _seq() -> int:
    """Time priority among orders at the same marginal limit: microseconds since the epoch."""
    return time.time_ns() // 1000


def _trading_division(user: Any) -> Division:
    membership = roles.membership_of(user)
    if membership is None:
        raise NotAllowed(_("Only a division's lead (or a member with trade rights) places orders."))
    if not membership.can_trade:
        raise NotAllowed(
            _("You are a member of %(division)s without trade rights; ask your lead.")
            % {"division": membership.division}
        )
    return membership.division


def _open_round(round_id: int, division: Division) -> tuple[Round, Market]:
    try:
        round_ = round_for_share(round_id, placing_for=division.pk)
    except Round.DoesNotExist:
        raise MarketError(
            _("There is no round %(round)s.") % {"round": round_id}, field="round"
        ) from None
    _refuse_unless_open(round_, round_.market)
    return round_, round_.market


def _refuse_unless_open(round_: Round, market: Market) -> None:
    if market.halted:
        if market.halt_reason:
            raise InvalidState(
                _("%(market)s is halted by management: %(reason)s.")
                % {"market": market, "reason": market.halt_reason}
            )
        raise InvalidState(_("%(market)s is halted by management.") % {"market": market})
    if round_.state != Round.State.OPEN or round_.closes_at <= timezone.now():
        state = (
            round_.get_state_display().lower()
            if round_.state != Round.State.OPEN
            else _("its time is up")
        )
        raise InvalidState(
            _("Round %(number)s of %(market)s is not open for orders (%(state)s).")
            % {"number": round_.number, "market": market, "state": state}
        )


def _ids(order: Order) -> dict[str, object]:
    return {
        "order_id": order.pk,
        "round_id": order.round_id,
        "division_id": order.division_id,
        "side": order.side,
        "quantity": order.quantity,
        "limit": str(order.limit),
    }


def _escrow_asset(order: Order, market: Market) -> Any:
    """Bids escrow credits (by code: no query for the asset), asks the market's units."""
    return ledger.CREDITS if order.is_bid else market.asset


@transaction.atomic
def order_place(*, user: Any, round_id: int, side: str, quantity: Any, limit: Any) -> Order:
    """Place a sealed order and escrow what it could cost (bid) or deliver (ask); all or nothing."""
    division = _trading_division(user)
    if side not in Side.values:
        raise MarketError(
            _("Side must be 'buy' or 'sell', not %(side)r.") % {"side": side}, field="side"
        )
    round_, market = _open_round(round_id, division)
    order = Order(
        round=round_,
        division=division,
        side=side,
        quantity=parse_quantity(quantity),
        limit=parse_limit(limit, round_),
        placed_by=user,
        seq=_seq(),
    )
    if side == Side.BUY:
        limits.bid_check(round_=round_, division=division, quantity=order.quantity)
    order.created_at = order.updated_at = timezone.now()
    opposite = Side.SELL if side == Side.BUY else Side.BUY
    refused = placement_sql.order_insert_unless_opposite(order, opposite)
    if refused is not None:
        raise MarketError(_self_trade_text(division, opposite, refused), field="side")
    order_escrow_adjust(order=order, market=market, delta=order.escrow, by=user)
    log.info("order placed", extra=_ids(order))
    return order


def _self_trade_text(division: Division, opposite: str, refused: placement_sql.Opposite) -> str:
    """The refusal in the words of what stands on the other side: an order or a bundle's leg."""
    if refused.bundle is None:
        if opposite == Side.SELL:
            text = _(
                "%(division)s already has an open ask in this round; "
                "a division cannot trade with itself."
            )
        else:
            text = _(
                "%(division)s already has an open bid in this round; "
                "a division cannot trade with itself."
            )
        return text % {"division": division}
    if opposite == Side.SELL:
        text = _(
            "%(division)s already has an open bundle (%(bundle)s) with a sell leg in this "
            "round; a division cannot trade with itself."
        )
    else:
        text = _(
            "%(division)s already has an open bundle (%(bundle)s) with a buy leg in this "
            "round; a division cannot trade with itself."
        )
    return text % {"division": division, "bundle": refused.bundle}


def _own_open_order(user: Any, order_id: int) -> tuple[Order, Round, Market]:
    round_id = Order.objects.filter(pk=order_id).values_list("round_id", flat=True).first()
    if round_id is None:
        raise MarketError(_("There is no order %(order)s.") % {"order": order_id})
    round_ = round_for_share(round_id)
    order = Order.objects.select_for_update().get(pk=order_id)
    division = _trading_division(user)
    if order.division_id != division.pk:
        raise NotAllowed(_("You can only change your own division's orders."))
    if order.state != Order.State.OPEN:
        raise InvalidState(
            _("Order %(order)s is %(state)s.")
            % {"order": order.public_id, "state": order.get_state_display().lower()}
        )
    _refuse_unless_open(round_, round_.market)
    return order, round_, round_.market


@transaction.atomic
def order_change(*, user: Any, order_id: int, quantity: Any = None, limit: Any = None) -> Order:
    """Change quantity and/or limit; the escrow grows (if affordable) or shrinks to match."""
    order, round_, market = _own_open_order(user, order_id)
    if quantity is None and limit is None:
        raise MarketError(_("Give a new quantity or a new price to change the order."))
    before, before_quantity = order.escrow, order.quantity
    if quantity is not None:
        order.quantity = parse_quantity(quantity)
        if order.is_bid and order.quantity > before_quantity:
            limits.bid_check(
                round_=round_, division=order.division, quantity=order.quantity, order_id=order.pk
            )
    if limit is not None:
        order.limit = parse_limit(limit, round_)
    after = order.escrow
    order.seq = _seq()
    order.save(update_fields=["quantity", "limit", "seq", "updated_at"])
    order_escrow_adjust(order=order, market=market, delta=after - before, by=user)
    log.info("order changed", extra=_ids(order))
    return order


def order_escrow_adjust(
    *, order: Order, market: Market, delta: Decimal, by: Any, memo: str = ""
) -> None:
    """Hold more (delta > 0) or release (delta < 0) for an order, inside the caller's transaction.

    A zero delta posts nothing: a bid at 0.00 holds nothing, and an unchanged escrow moves nothing.
    """
    if delta == 0:
        return
    ledger.escrow_move(
        division=order.division,
        asset=_escrow_asset(order, market),
        amount=delta,
        by=by,
        reference=order,
        memo=memo
        or memos.escrow_for_order(order.public_id, order.side, order.quantity, order.limit),
    )


@transaction.atomic
def order_cancel(*, user: Any, order_id: int) -> Order:
    """Cancel an open order in an open round and release all of its escrow."""
    order, _, market = _own_open_order(user, order_id)
    order.state = Order.State.CANCELLED
    order.save(update_fields=["state", "updated_at"])
    order_escrow_adjust(order=order, market=market, delta=-order.escrow, by=user)
    log.info("order cancelled", extra=_ids(order))
    return order
