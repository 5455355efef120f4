"""A division's own orders: lists, one order, a round's result for it, and the hold preview.

Sealed bids: every read here is filtered to one division; another division's order is a 404.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from divisions.models import Division
from ledger.models import Account, Asset
from tokenhub import formatting

from ..errors import MarketError
from ..models import Fill, Order, Round, Side
from ..rules import parse_limit, parse_quantity
from .holdings import CENT
from .outcomes import Outcome, facts_of, order_outcome, round_lines
from .rulings import with_rulings

ZERO = Decimal("0.00")
LIVE_ROUNDS = (Round.State.OPEN, Round.State.CLOSED)


def only_open(orders: QuerySet[Order]) -> QuerySet[Order]:
    """The open ones among these orders, found through the rounds that can hold one (open or
    closed: clearing and cancelling a round end all of its orders). No index holds an order's
    state (models.auction.Order), so this is what keeps the lookup off a division's history."""
    return orders.filter(state=Order.State.OPEN, round__state__in=LIVE_ROUNDS)


def open_orders(*, division: Division) -> QuerySet[Order]:
    return only_open(Order.objects.filter(division=division))


def division_orders(
    *, division: Division, state: str = "", market_slug: str = ""
) -> QuerySet[Order]:
    """The division's orders, newest first; ``state`` is an Order.State or "" for all."""
    if state == Order.State.OPEN:
        orders = open_orders(division=division)
    else:
        orders = Order.objects.filter(division=division)
        if state:
            orders = orders.filter(state=state)
    if market_slug:
        orders = orders.filter(round__market__slug=market_slug)
    return orders.select_related(
        "round__market__asset", "round__market__window__series", "fill"
    ).order_by("-pk")


def division_order(*, division: Division, public_id: str) -> Order:
    """One of the division's orders by its public id; anyone else's is indistinguishable from a
    missing one."""
    orders = Order.objects.select_related(
        "round__market__asset", "round__market__window__series", "fill"
    )
    return get_object_or_404(orders, public_id=public_id, division=division)


@dataclass(frozen=True)
class OrderResult:
    order: Order
    fill: Fill | None
    outcome: Outcome | None

    @property
    def filled(self) -> int:
        return self.fill.quantity if self.fill else 0

    @property
    def summary(self) -> str:
        return outcome_summary(self)

    @property
    def released(self) -> Decimal:
        """Escrow given back at settlement: what was held less what the fill used."""
        used = (self.fill.amount if self.order.is_bid else self.fill.quantity) if self.fill else 0
        return self.order.escrow - used


@dataclass(frozen=True)
class RoundResult:
    round: Round
    lines: list[str]
    orders: list[OrderResult]

    @property
    def bought(self) -> tuple[int, Decimal]:
        """Units and credits paid, after any ruling on the fills."""
        return _totals([r.fill for r in self.orders if r.fill and r.order.is_bid])

    @property
    def sold(self) -> tuple[int, Decimal]:
        """Units and credits received, after any ruling on the fills."""
        return _totals([r.fill for r in self.orders if r.fill and not r.order.is_bid])

    @property
    def ruled(self) -> bool:
        return any(getattr(r.fill, "ruling", None) for r in self.orders if r.fill)


def _totals(fills: list[Fill]) -> tuple[int, Decimal]:
    units, amount = 0, ZERO
    for fill in fills:
        ruling = getattr(fill, "ruling", None)
        units += ruling.units if ruling else fill.quantity
        amount += ruling.amount if ruling else fill.amount
    return units, amount


def outcome_summary(result: OrderResult) -> str:
    """The sentence above an order's outcome lines, as the round page, the order page and the
    API all show it: what the order got, what it paid or received, what came back."""
    order, fill = result.order, result.fill
    if order.state == Order.State.CANCELLED:
        return _("Cancelled before the close; its hold was released.")
    if order.state == Order.State.OPEN:
        return _("Open: sealed until the round closes and clears.")
    if result.outcome is None:
        return _("%(state)s: the round has not cleared yet.") % {"state": order.get_state_display()}
    if fill is None:
        if order.is_bid:
            return _("Nothing bought; the whole hold came back.")
        return _("Nothing sold; the whole hold came back.")
    facts = {
        "filled": formatting.units(fill.quantity),
        "quantity": formatting.units(order.quantity),
        "price": formatting.price(fill.price),
        "amount": formatting.money(fill.amount),
        "released": formatting.money(result.released),
        "escrow": formatting.money(order.escrow),
        "units": formatting.units(result.released),
    }
    if order.is_bid:
        text = _(
            "Bought %(filled)s of %(quantity)s at %(price)s: paid %(amount)s credits; "
            "%(released)s of the %(escrow)s held came back."
        )
    elif result.released:
        text = _(
            "Sold %(filled)s of %(quantity)s at %(price)s: received %(amount)s credits; "
            "%(units)s unsold units came back."
        )
    else:
        text = _("Sold %(filled)s of %(quantity)s at %(price)s: received %(amount)s credits.")
    return text % facts


def _fill_of(order: Order) -> Fill | None:
    try:
        return order.fill
    except Fill.DoesNotExist:
        return None


def order_result(round_: Round, order: Order) -> OrderResult:
    """One order's result; callers that show rulings run `with_rulings` on the fills first."""
    fill = _fill_of(order)
    outcome = None
    if round_.has_result and order.state != Order.State.CANCELLED:
        outcome = order_outcome(
            facts_of(round_),
            side=order.side,
            quantity=order.quantity,
            limit=order.limit,
            filled=fill.quantity if fill else 0,
        )
    return OrderResult(order, fill, outcome)


def round_result(*, round_id: int, division: Division | None) -> RoundResult:
    """A round, what set its price once cleared, and the division's own orders in it (2 queries)."""
    round_ = get_object_or_404(
        Round.objects.select_related("market__asset", "market__window__series"), pk=round_id
    )
    orders: list[Order] = []
    if division is not None:
        orders = list(round_.orders.filter(division=division).select_related("fill").order_by("pk"))
    lines = round_lines(facts_of(round_)) if round_.has_result else []
    with_rulings([fill for fill in map(_fill_of, orders) if fill is not None])
    return RoundResult(round_, lines, [order_result(round_, order) for order in orders])


@dataclass(frozen=True)
class HoldPreview:
    """What an order will hold, next to what the division has available of that asset."""

    is_bid: bool
    quantity: int | None
    limit: Decimal | None
    hold: Decimal
    current: Decimal
    available: Decimal
    unit: str
    error: str = ""

    @property
    def change(self) -> Decimal:
        return self.hold - self.current

    @property
    def left(self) -> Decimal:
        return self.available - self.change

    @property
    def enough(self) -> bool:
        return self.left >= 0

    @property
    def zero_bid(self) -> bool:
        """Allowed, but such a bid can only fill against asks at 0: worth a warning."""
        return self.is_bid and self.limit is not None and self.limit == 0


def available_of(*, division: Division, asset: Asset) -> Decimal:
    """The division's available balance of the asset (its account's stored balance)."""
    balance = (
        Account.objects.filter(division=division, asset=asset, kind=Account.Kind.AVAILABLE)
        .values_list("balance", flat=True)
        .first()
    )
    return (balance or ZERO).quantize(CENT)


def hold_preview(
    *,
    division: Division,
    round_: Round,
    side: str,
    quantity: object,
    limit: object,
    order: Order | None = None,
) -> HoldPreview:
    """The escrow the order would hold (quantity × limit credits, or quantity units); for a
    change, ``current`` is what the order holds now. Invalid input gives the rule's message;
    blank input gives an empty preview (``quantity`` None, no error)."""
    is_bid = side == Side.BUY
    asset = Asset.objects.filter(kind=Asset.Kind.CREDITS).first() if is_bid else round_.market.asset
    available = available_of(division=division, asset=asset) if asset else ZERO
    current = order.escrow if order is not None else ZERO
    unit = pgettext("unit", "credits") if is_bid else round_.market.asset.unit
    blank = HoldPreview(is_bid, None, None, current, current, available, unit)
    typed_limit = str(limit or "").strip()
    if not str(quantity or "").strip() or (is_bid and not typed_limit):
        return blank
    try:
        qty = parse_quantity(quantity)
        price = parse_limit(typed_limit, round_) if typed_limit else None
    except MarketError as error:
        return HoldPreview(is_bid, None, None, current, current, available, unit, error.message)
    hold = qty * price if is_bid and price is not None else Decimal(qty)
    return HoldPreview(is_bid, qty, price, hold.quantize(CENT), current, available, unit)
