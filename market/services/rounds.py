"""A round's life: scheduled → open → closed → cleared → settled, or halted/cancelled.

Every transition locks the round row FOR UPDATE and checks the state it finds, so a repeated
call, a retried task or a second worker does nothing. Clearing and settling are separate
transactions: a crash between them leaves a cleared round that the next tick settles.
"""

import logging
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np
from django.db import connection, transaction
from django.db.models import Case, DecimalField, Exists, F, Max, OuterRef, Sum, Value, When
from django.utils import timezone

from ledger import services as ledger
from ledger.models import Account, LedgerTransaction
from oversight.services import books, guarantees, health

from .. import clearing, clearing_columns, memos
from ..ids import new_public_ids
from ..locks import round_for_update
from ..models import Fill, Market, Order, Round
from . import clearing_sql, feed, orders

log = logging.getLogger("tokenhub.rounds")
State = Round.State
UPCOMING = (State.SCHEDULED, State.OPEN)
MONEY = DecimalField(max_digits=30, decimal_places=2)
FILL_COLUMNS = (
    "public_id",
    "order_id",
    "round_id",
    "division_id",
    "side",
    "quantity",
    "price",
    "amount",
)
FILL_COPY = f"COPY market_fill ({', '.join(FILL_COLUMNS)}) FROM STDIN"


@transaction.atomic
def round_schedule_next(*, market_id: int, now: datetime | None = None) -> Round | None:
    """Create the market's next round if it has none scheduled or open; None if halted."""
    market = Market.objects.select_for_update().get(pk=market_id)
    if market.halted or market.rounds.filter(state__in=UPCOMING).exists():
        return None
    if market.session_id is not None:  # its session schedules it (services/sessions.py)
        return None
    now = now or timezone.now()
    last = market.rounds.aggregate(number=Max("number"), closes=Max("closes_at"))
    opens_at = now
    if last["closes"] is not None:
        opens_at = max(now, last["closes"] + timedelta(minutes=market.gap_minutes))
    closes_at = opens_at + timedelta(minutes=market.round_minutes)
    if market.trading_ends_at is not None:  # gate closure: a shorter last round, then none
        if opens_at >= market.trading_ends_at:
            return None
        closes_at = min(closes_at, market.trading_ends_at)
    round_ = Round.objects.create(
        market=market,
        number=(last["number"] or 0) + 1,
        opens_at=opens_at,
        closes_at=closes_at,
        tick=market.tick,
        floor=market.floor,
        cap=market.cap,
        rule=market.rule,
    )
    log.info("round scheduled", extra={"round_id": round_.pk, "market_id": market.pk})
    return round_


@transaction.atomic
def round_open(*, round_id: int, now: datetime | None = None) -> bool:
    round_ = round_for_update(round_id)
    if round_.state != State.SCHEDULED or round_.opens_at > (now or timezone.now()):
        return False
    round_.state = State.OPEN
    round_.save(update_fields=["state"])
    log.info("round opened", extra={"round_id": round_id})
    return True


@transaction.atomic
def round_close(*, round_id: int, now: datetime | None = None) -> bool:
    """Close an open round whose time is up; waits for orders in flight (they hold FOR SHARE)."""
    round_ = round_for_update(round_id)
    if round_.state != State.OPEN or round_.closes_at > (now or timezone.now()):
        return False
    round_.state = State.CLOSED
    round_.save(update_fields=["state"])
    log.info("round closed", extra={"round_id": round_id})
    return True


def _book(round_: Round) -> tuple[list[clearing.Order], dict[Hashable, int]]:
    """The round's open orders for the engine, and which division placed each."""
    rows = Order.objects.filter(round=round_, state=Order.State.OPEN).values_list(
        "id", "side", "quantity", "limit", "seq", "division_id"
    )
    book: list[clearing.Order] = []
    divisions: dict[Hashable, int] = {}
    for pk, side, qty, limit, seq, division_id in rows:
        book.append(clearing.Order(pk, side, qty, limit, seq))
        divisions[pk] = division_id
    return book, divisions


def _curve(points: list[tuple[Decimal, int]]) -> list[list[str | int]]:
    return [[str(price), units] for price, units in points]


@dataclass(frozen=True)
class _Cleared:
    """What round_clear records on the round once the fills are written."""

    price: Decimal | None
    volume: int
    low: Decimal | None
    high: Decimal | None
    demand: list[tuple[Decimal, int]]
    supply: list[tuple[Decimal, int]]
    orders: int
    fills: int


@transaction.atomic
def round_clear(*, round_id: int, in_session: bool = False) -> bool:
    """Run the pure clearing rule on a closed round and record the result and every fill.

    A round of a session round clears only with its session (`in_session`, from
    services/sessions.py), where bundles may trade in it.

    On PostgreSQL a round without guaranteed minimums goes the column path: the book is read
    into NumPy columns and the fills written back in bulk (clearing_sql); anything else (other
    backends, guarantees, a book the columns cannot hold) goes through ``clearing.clear`` on
    ``Order`` objects. Both give the same fills, states, events and stored inputs.
    """
    round_ = round_for_update(round_id)
    if round_.state != State.CLOSED or (round_.session_round_id is not None and not in_session):
        return False
    cleared = _clear_columns(round_) if connection.vendor == "postgresql" else None
    if cleared is None:
        cleared = _clear_objects(round_)
    _order_states_write(round_)
    round_.state = State.CLEARED
    round_.price, round_.volume = cleared.price, cleared.volume
    round_.price_low, round_.price_high = cleared.low, cleared.high
    round_.demand, round_.supply = _curve(cleared.demand), _curve(cleared.supply)
    round_.cleared_at = timezone.now()
    round_.save()
    log.info(
        "round cleared",
        extra={
            "round_id": round_id,
            "price": str(cleared.price),
            "volume": cleared.volume,
            "orders": cleared.orders,
            "fills": cleared.fills,
        },
    )
    return True


def _clear_objects(round_: Round) -> _Cleared:
    book, divisions = _book(round_)
    # guaranteed minimums are served before the auction; the book is kept for replays
    result, amounts = guarantees.round_clearing(round_=round_, book=book, divisions=divisions)
    _record_fills(round_, book, divisions, result, amounts)
    return _Cleared(
        result.price,
        result.volume,
        result.low,
        result.high,
        result.demand,
        result.supply,
        orders=len(book),
        fills=len(result.fills),
    )


def _clear_columns(round_: Round) -> _Cleared | None:
    """The column path (PostgreSQL); None, having written nothing, where it does not apply."""
    if any(g.units > 0 for g in guarantees.guarantees_left(market_id=round_.market_id)):
        return None
    book = clearing_sql.read_book(round_)
    if book is None:
        return None
    grid = clearing.Grid(round_.tick)  # a ClearingError here is the object path's too
    floor = None if round_.floor is None else grid.ticks(round_.floor, "floor")
    cap = None if round_.cap is None else grid.ticks(round_.cap, "cap")
    columns = clearing_columns.Book(book.ids, book.buy, book.quantity, book.ticks, book.seq)
    try:
        result = clearing_columns.clear_book(columns, rule=round_.rule, floor=floor, cap=cap)
    except clearing_columns.BookError:
        return None  # the object path names the invalid order (or parameter)
    books.book_store_columns(
        round_=round_,
        columns=clearing_sql.book_columns_json(book, grid),
        guarantees=guarantees.to_json([]),
    )
    demand, supply = clearing.curve(result.demand, grid), clearing.curve(result.supply, grid)
    if result.price is None:
        return _Cleared(None, 0, None, None, demand, supply, orders=len(book), fills=0)
    price = grid.decimal(result.price)
    assert result.low is not None
    assert result.high is not None
    where = np.flatnonzero(result.filled)
    order_ids, units = book.ids[where], result.filled[where]
    if log.isEnabledFor(logging.DEBUG):
        for order_id, filled in zip(order_ids.tolist(), units.tolist(), strict=True):
            log.debug(
                "order filled",
                extra={
                    "round_id": round_.pk,
                    "order_id": order_id,
                    "units": filled,
                    "price": str(price),
                },
            )
    written = clearing_sql.fills_write(price=price, order_ids=order_ids, units=units)
    feed.fills_announce_sql(round_=round_)
    return _Cleared(
        price,
        result.volume,
        grid.decimal(result.low),
        grid.decimal(result.high),
        demand,
        supply,
        orders=len(book),
        fills=written,
    )


def _order_states_write(round_: Round) -> None:
    """Every order still open: filled, partial or unfilled by its fill (one statement)."""
    if connection.vendor == "postgresql":
        clearing_sql.order_states_write(round_)
        return
    fills = Fill.objects.filter(order_id=OuterRef("pk"))
    Order.objects.filter(round=round_, state=Order.State.OPEN).update(
        state=Case(
            When(Exists(fills.filter(quantity=OuterRef("quantity"))), then=Value("filled")),
            When(Exists(fills), then=Value("partial")),
            default=Value("unfilled"),
        )
    )


def _record_fills(
    round_: Round,
    book: list[clearing.Order],
    divisions: dict[Hashable, int],
    result: clearing.Clearing,
    amounts: dict[Hashable, Decimal],
) -> None:
    """Fills at the round's price; ``amounts`` has the credits of those that also hold
    guaranteed units at a guarantee price (oversight/guarantees.py)."""
    price = result.price
    if price is None:
        return
    sides = {o.id: o.side for o in book}
    if log.isEnabledFor(logging.DEBUG):
        for order_id, units in result.fills.items():
            log.debug(
                "order filled",
                extra={
                    "round_id": round_.pk,
                    "order_id": order_id,
                    "units": units,
                    "price": str(price),
                },
            )
    public_ids = new_public_ids(len(result.fills))
    rows = [
        (
            public_id,
            order_id,
            round_.pk,
            divisions[order_id],
            sides[order_id],
            units,
            price,
            amounts.get(order_id, price * units),
        )
        for public_id, (order_id, units) in zip(public_ids, result.fills.items(), strict=True)
    ]
    feed.fills_announce(round_=round_, rows=rows)
    if connection.vendor == "postgresql":  # COPY: ten times faster than INSERT for big rounds
        with connection.cursor() as cursor, cursor.cursor.copy(FILL_COPY) as copy:
            for row in rows:
                copy.write_row(row)
        return
    Fill.objects.bulk_create(
        (Fill(**dict(zip(FILL_COLUMNS, row, strict=True))) for row in rows), batch_size=2000
    )


@transaction.atomic
def round_settle(*, round_id: int, in_session: bool = False) -> bool:
    """Post the round's trades in one ledger transaction, exactly once.

    Buyers pay price × filled units from escrow and get the rest of their escrow back; sellers
    are credited and deliver the units they sold from escrow, unsold units returning to them.
    """
    round_ = round_for_update(round_id)
    if round_.state != State.CLEARED or (round_.session_round_id is not None and not in_session):
        return False  # a session's round settles with its session (services/sessions.py)
    market = round_.market
    legs = _settlement_legs(round_, market)  # their accounts locked, balances read
    if legs:
        ledger.transaction_post(
            reason=LedgerTransaction.Reason.TRADE,
            legs=legs,
            reference=round_,
            memo=memos.round_settlement(
                round_.market.name, round_.number, round_.volume, round_.price
            ),
            key=f"round:{round_.pk}:settle",
            locked={leg.account.pk: leg.account for leg in legs},
        )
    round_.state = State.SETTLED
    round_.settled_at = timezone.now()
    round_.save(update_fields=["state", "settled_at"])
    health.round_stats_record(round_=round_)  # the market-health view reads these
    feed.round_settled_announce(round_=round_)
    log.info("round settled", extra={"round_id": round_id, "legs": len(legs)})
    return True


def _settlement_legs(round_: Round, market: Market) -> list[ledger.Leg]:
    """The legs, their accounts locked FOR UPDATE with their balances (one query for all of
    them once they exist)."""
    credits, units = ledger.credits_asset(), market.asset
    escrow = (
        Order.objects.filter(round=round_)
        .exclude(state=Order.State.CANCELLED)
        .values("division_id", "side")
        .annotate(
            credits=Sum(F("quantity") * F("limit"), output_field=MONEY), units=Sum("quantity")
        )
    )
    traded = (
        Fill.objects.filter(round=round_)
        .values("division_id", "side")
        .annotate(credits=Sum("amount", output_field=MONEY), units=Sum("quantity"))
    )
    moves: dict[tuple[int, int, str], Decimal] = defaultdict(Decimal)
    avail, held = Account.Kind.AVAILABLE, Account.Kind.HELD
    for row in escrow:
        if row["side"] == "buy":  # the whole bid escrow comes out of held, back to available
            moves[(row["division_id"], credits.pk, held)] -= row["credits"]
            moves[(row["division_id"], credits.pk, avail)] += row["credits"]
        else:
            moves[(row["division_id"], units.pk, held)] -= row["units"]
            moves[(row["division_id"], units.pk, avail)] += row["units"]
    for row in traded:
        if row["side"] == "buy":  # buyer pays from available what escrow just gave back
            moves[(row["division_id"], credits.pk, avail)] -= row["credits"]
            moves[(row["division_id"], units.pk, avail)] += row["units"]
        else:
            moves[(row["division_id"], credits.pk, avail)] += row["credits"]
            moves[(row["division_id"], units.pk, avail)] -= row["units"]
    wanted = sorted(key for key, amount in moves.items() if amount != 0)
    accounts = ledger.division_accounts_for_update(wanted)
    return [ledger.Leg(accounts[key], moves[key]) for key in wanted]


@transaction.atomic
def round_cancel(*, round_id: int, state: str = State.CANCELLED, by: object = None) -> bool:
    """Stop a scheduled or open round: every open order is cancelled and its escrow released."""
    round_ = round_for_update(round_id)
    if round_.state not in (*UPCOMING, State.CLOSED):
        return False
    market = Market.objects.select_related("asset").get(pk=round_.market_id)
    for order in Order.objects.filter(round=round_, state=Order.State.OPEN).select_related(
        "division"
    ):
        order.state = Order.State.CANCELLED
        order.save(update_fields=["state", "updated_at"])
        orders.order_escrow_adjust(
            order=order,
            market=market,
            delta=-order.escrow,
            by=by,
            memo=memos.round_escrow_released(market.name, round_.number, state),
        )
    round_.state = state
    round_.save(update_fields=["state"])
    log.info("round stopped", extra={"round_id": round_id, "state": state})
    return True


def rounds_due(*, now: datetime | None = None) -> dict[str, list[int]]:
    """Ids of rounds with work due: to open, to close, to clear or settle."""
    now = now or timezone.now()
    # rounds of a session open, close and finish with their session (services/sessions.py)
    rounds = Round.objects.filter(market__halted=False, session_round__isnull=True)
    return {
        "open": list(
            rounds.filter(state=State.SCHEDULED, opens_at__lte=now).values_list("id", flat=True)
        ),
        "close": list(
            rounds.filter(state=State.OPEN, closes_at__lte=now).values_list("id", flat=True)
        ),
        "finish": list(
            Round.objects.filter(
                state__in=(State.CLOSED, State.CLEARED), session_round__isnull=True
            ).values_list("id", flat=True)
        ),
    }


def round_finish(*, round_id: int) -> str:
    """Clear and settle a closed round; safe to call any number of times, from any worker."""
    round_clear(round_id=round_id)
    round_settle(round_id=round_id)
    return Round.objects.values_list("state", flat=True).get(pk=round_id)
