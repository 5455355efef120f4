"""Clearing and settling a session round that has bundles: all its markets at once.

Clearing runs the pure engine `market.session_clearing.clear_session` on the closed rounds'
simple orders and the open bundles, records each market's result and its simple orders'
fills as `rounds.round_clear` does, each bundle's outcome, and one fill per leg of an
accepted bundle. Settlement posts every market's trades and every bundle's legs and escrow
release in ONE ledger transaction (keyed `session-round:<id>:settle`): bundle legs trade
against other markets' simple orders, so only the whole session balances per asset.

Guaranteed minimums (oversight) are not served in a session round that has bundles.
"""

import logging
from collections import defaultdict
from collections.abc import Hashable
from decimal import Decimal

from django.utils import timezone

from events.models import Event
from events.services import Draft, events_emit
from ledger import services as ledger
from ledger.models import Account, Asset, LedgerTransaction
from oversight.services import health

from .. import clearing, memos
from ..locks import round_for_update
from ..models import Bundle, BundleFill, Round, SessionRound
from ..session_clearing import Bundle as EngineBundle
from ..session_clearing import BundleOutcome, Leg, MarketBook, clear_session
from . import feed, rounds

log = logging.getLogger("tokenhub.sessions")
State = Round.State
AVAILABLE, HELD = Account.Kind.AVAILABLE, Account.Kind.HELD


def _locked_rounds(session_round: SessionRound) -> list[Round]:
    ids = session_round.market_rounds.order_by("pk").values_list("pk", flat=True)
    return [round_for_update(pk) for pk in ids]


def _standing_bundles(session_round: SessionRound) -> list[Bundle]:
    return list(
        session_round.bundles.exclude(state=Bundle.State.CANCELLED)
        .prefetch_related("legs__round__market__asset")
        .order_by("pk")
    )


def has_bundles(session_round: SessionRound) -> bool:
    return session_round.bundles.exclude(state=Bundle.State.CANCELLED).exists()


def session_round_clear_with_bundles(*, session_round: SessionRound) -> None:
    """Clear the session round's closed rounds and its open bundles together (the caller
    holds the session round FOR UPDATE, state closed)."""
    closed = [r for r in _locked_rounds(session_round) if r.state == State.CLOSED]
    books, divisions = {}, {}
    for round_ in closed:
        book, owners = rounds._book(round_)
        books[round_.pk] = book
        divisions[round_.pk] = owners
    bundles = _standing_bundles(session_round)
    tradable = [b for b in bundles if all(leg.round_id in books for leg in b.legs.all())]
    result = clear_session(
        [MarketBook(r.pk, tuple(books[r.pk]), r.rule, r.floor, r.cap, r.tick) for r in closed],
        [
            EngineBundle(
                b.pk,
                tuple(Leg(leg.round_id, leg.side, leg.quantity) for leg in b.legs.all()),
                b.limit,
                b.seq,
            )
            for b in tradable
        ],
    )
    for round_ in closed:
        _round_record(round_, books[round_.pk], divisions[round_.pk], result.markets[round_.pk])
    prices = {r.pk: result.markets[r.pk].price for r in closed}
    markets = {r.pk: r.market_id for r in closed}
    for bundle in bundles:
        outcome = result.bundles.get(bundle.pk)
        _bundle_record(bundle, outcome, prices, markets)
    session_round.welfare = result.welfare
    log.info(
        "session round cleared with bundles",
        extra={
            "session_round_id": session_round.pk,
            "bundles": len(bundles),
            "accepted": sum(1 for o in result.bundles.values() if o.accepted),
            "welfare": str(result.welfare),
        },
    )


def _round_record(
    round_: Round,
    book: list[clearing.Order],
    divisions: dict[Hashable, int],
    result: clearing.Clearing,
) -> None:
    """One market's result and its simple orders' fills, as `rounds.round_clear` records them."""
    rounds._record_fills(round_, book, divisions, result, {})
    rounds._order_states_write(round_)
    round_.state = State.CLEARED
    round_.price, round_.volume = result.price, result.volume
    round_.price_low, round_.price_high = result.low, result.high
    round_.demand, round_.supply = rounds._curve(result.demand), rounds._curve(result.supply)
    round_.cleared_at = timezone.now()
    round_.save()
    log.info(
        "round cleared",
        extra={
            "round_id": round_.pk,
            "price": str(result.price),
            "volume": result.volume,
            "orders": len(book),
            "fills": len(result.fills),
        },
    )


def _bundle_record(
    bundle: Bundle,
    outcome: BundleOutcome | None,
    prices: dict[int, Decimal | None],
    markets: dict[int, int],
) -> None:
    """A bundle's outcome; an accepted one gets a fill per leg and an `order.filled` event
    per leg. A bundle with a leg in a round that did not close (its market halted) is
    rejected without clearing."""
    if outcome is None:
        bundle.state, bundle.reason = Bundle.State.REJECTED, Bundle.Reason.MARKET_STOPPED
        bundle.save(update_fields=["state", "reason", "updated_at"])
        return
    bundle.state = Bundle.State.ACCEPTED if outcome.accepted else Bundle.State.REJECTED
    bundle.reason = outcome.reason
    bundle.cost = outcome.cost
    bundle.paradoxical = outcome.paradoxical
    binding = outcome.binding_market
    bundle.binding_market_id = markets.get(binding) if isinstance(binding, int) else None
    bundle.limit_needed = outcome.limit_needed
    bundle.save()
    if not outcome.accepted:
        return
    fills = []
    for leg in bundle.legs.all():
        price = prices[leg.round_id]
        assert price is not None  # an accepted leg traded, so its market has a price
        fills.append(
            BundleFill(
                leg=leg,
                round_id=leg.round_id,
                division_id=bundle.division_id,
                side=leg.side,
                quantity=leg.quantity,
                price=price,
                amount=price * leg.quantity,
            )
        )
    BundleFill.objects.bulk_create(fills)
    _fills_announce(bundle, fills, markets)


def _fills_announce(bundle: Bundle, fills: list[BundleFill], markets: dict[int, int]) -> None:
    """`order.filled` for each leg of an accepted bundle, named by public ids (market.ids)."""
    events_emit(
        drafts=[
            Draft(
                kind=Event.Kind.ORDER_FILLED,
                division_id=bundle.division_id,
                subject=Bundle,
                subject_id=bundle.pk,
                data={
                    "bundle": bundle.public_id,
                    "fill": fill.public_id,
                    "round": fill.round_id,
                    "market": markets[fill.round_id],
                    "side": fill.side,
                    "filled": fill.quantity,
                    "price": str(fill.price),
                    "amount": str(fill.amount),
                    "cost": str(bundle.cost),
                },
            )
            for fill in fills
        ]
    )


Moves = dict[tuple[int, int, str], Decimal]


def _bundle_moves(bundles: list[Bundle], credits: Asset) -> tuple[Moves, dict[int, Asset]]:
    """Each bundle's escrow back to available, then each accepted leg's trade."""
    moves: Moves = defaultdict(Decimal)
    assets: dict[int, Asset] = {credits.pk: credits}
    cr = credits.pk
    fills = {
        f.leg_id: f for f in BundleFill.objects.filter(leg__bundle__in=[b.pk for b in bundles])
    }
    for bundle in bundles:
        d = bundle.division_id
        moves[(d, cr, HELD)] -= bundle.credits_held
        moves[(d, cr, AVAILABLE)] += bundle.credits_held
        for leg in bundle.legs.all():
            asset = leg.round.market.asset
            assets[asset.pk] = asset
            if not leg.is_bid:
                moves[(d, asset.pk, HELD)] -= leg.quantity
                moves[(d, asset.pk, AVAILABLE)] += leg.quantity
            fill = fills.get(leg.pk)
            if fill is None:
                continue
            sign = 1 if leg.is_bid else -1
            moves[(d, cr, AVAILABLE)] -= sign * fill.amount
            moves[(d, asset.pk, AVAILABLE)] += sign * fill.quantity
    return moves, assets


def session_round_settle_with_bundles(*, session_round: SessionRound) -> None:
    """Post every cleared round's trades and every bundle's legs and escrow release in one
    ledger transaction, exactly once (its key); the caller holds the session round FOR
    UPDATE, state cleared."""
    cleared = [r for r in _locked_rounds(session_round) if r.state == State.CLEARED]
    credits = ledger.credits_asset()
    moves, assets = _bundle_moves(_standing_bundles(session_round), credits)
    total: dict[int, Decimal] = defaultdict(Decimal)
    accounts: dict[int, Account] = {}
    for round_ in cleared:
        for leg in rounds._settlement_legs(round_, round_.market):
            total[leg.account.pk] += leg.amount
            accounts[leg.account.pk] = leg.account
    for (division_id, asset_id, kind), amount in sorted(moves.items()):
        if amount != 0:
            account = ledger.account_by_id(division_id, assets[asset_id], kind)
            total[account.pk] += amount
            accounts[account.pk] = account
    legs = [ledger.Leg(accounts[pk], amount) for pk, amount in sorted(total.items()) if amount]
    if legs:
        ledger.transaction_post(
            reason=LedgerTransaction.Reason.TRADE,
            legs=legs,
            reference=session_round,
            memo=memos.session_round_settlement(session_round.session.name, session_round.number),
            key=f"session-round:{session_round.pk}:settle",
        )
    now = timezone.now()
    for round_ in cleared:
        round_.state, round_.settled_at = State.SETTLED, now
        round_.save(update_fields=["state", "settled_at"])
        health.round_stats_record(round_=round_)
        feed.round_settled_announce(round_=round_)
    log.info(
        "session round settled with bundles",
        extra={"session_round_id": session_round.pk, "legs": len(legs)},
    )
