"""A ruling's exact effects, computed before anything is posted: the preview is the plan.

Re-pricing and voiding work per unit of a fill. A uniform-price round has no bilateral
matches, so the disputed units are matched to the counterparties' fills on the other side pro
rata to their quantity (whole units, largest remainder, ties by fill id). Each unit of a fill
can be re-priced or voided by one standing ruling only.

Units a fill got under a guaranteed minimum (``oversight/guarantees.py``) were priced by
management's rule, not by the auction, and its credits for them are not ``price`` per unit:
a ruling re-prices or voids only a fill's auction units, which are all at ``fill.price``.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from divisions.models import Division
from ledger import services as ledger
from ledger.models import Account, Asset
from market.errors import InvalidState, MarketError
from market.models import Fill, Side
from oversight.selectors.guarantees import guaranteed_units
from tokenhub import formatting as fmt

from ..models import Dispute, Party, Ruling, RulingEffect
from ..models.disputes import Remedy
from ..models.rulings import describe_effect

Kind = RulingEffect.Kind


@dataclass(frozen=True)
class Decision:
    remedy: str
    reasons: str
    amount: Decimal | None = None
    payer_id: int | None = None
    payee_id: int | None = None
    new_price: Decimal | None = None
    reverse_previous: bool = False


@dataclass(frozen=True)
class Line:
    """One effect to record: what one division gains (+) or gives (−), and why."""

    kind: str
    division_id: int
    credits: Decimal
    unit_delta: int
    note: str
    fill: Fill | None = None
    units: int = 0
    old_price: Decimal | None = None
    new_price: Decimal | None = None
    reverses: RulingEffect | None = None
    counterpart_name: str = ""

    @property
    def description(self) -> str:
        return describe_effect(self)


@dataclass(frozen=True)
class LegView:
    """One ledger leg of the ruling: a division's available balance of one asset, before/after."""

    division: Division
    asset: Asset
    account: Account
    amount: Decimal
    before: Decimal

    @property
    def after(self) -> Decimal:
        return self.before + self.amount

    @property
    def problem(self) -> str:
        if self.after >= 0:
            return ""
        if self.asset.is_credits:
            return _("%(division)s has %(before)s credits available, needs %(need)s.") % {
                "division": self.division,
                "before": fmt.money(self.before),
                "need": fmt.money(-self.amount),
            }
        return _("%(division)s has %(before)s %(unit)s of %(asset)s available, needs %(need)s.") % {
            "division": self.division,
            "before": fmt.units(self.before),
            "unit": self.asset.unit,
            "asset": self.asset,
            "need": fmt.units(-self.amount),
        }


@dataclass(frozen=True)
class Plan:
    decision: Decision
    lines: list[Line]
    legs: list[LegView]
    previous: Ruling | None = None
    divisions: dict[int, Division] = field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        return [leg.problem for leg in self.legs if leg.problem]

    def rows(self) -> list[tuple[Division | None, Line]]:
        """Each effect line with its division, for the preview."""
        return [(self.divisions.get(line.division_id), line) for line in self.lines]

    def ledger_legs(self) -> list[ledger.Leg]:
        return [ledger.Leg(leg.account, leg.amount) for leg in self.legs]


def allocate(total: int, capacities: dict[int, int]) -> dict[int, int]:
    """Split `total` whole units over keys pro rata to capacity; largest remainder, then key."""
    whole = sum(capacities.values())
    if total > whole:
        raise MarketError(
            _("Only %(whole)s units are on the other side; %(total)s are disputed.")
            % {"whole": fmt.units(whole), "total": fmt.units(total)}
        )
    if total == 0 or whole == 0:
        return {}
    shares = {key: divmod(total * cap, whole) for key, cap in capacities.items()}
    result = {key: units for key, (units, _) in shares.items()}
    leftover = total - sum(result.values())
    by_remainder = sorted(shares, key=lambda key: (-shares[key][1], key))
    for key in by_remainder[:leftover]:
        result[key] += 1
    return {key: units for key, units in result.items() if units}


def _units_taken(fills: list[Fill], previous: Ruling | None) -> dict[int, int]:
    """Units of each fill already re-priced or voided by a ruling that still stands."""
    effects = RulingEffect.objects.filter(
        fill__in=fills, kind__in=(Kind.REPRICE, Kind.VOID), ruling__reversed_by__isnull=True
    )
    if previous is not None:
        effects = effects.exclude(ruling=previous)
    rows = effects.values("fill_id").annotate(units=Sum("units"))
    return {row["fill_id"]: row["units"] for row in rows}


def disputed_fills(dispute: Dispute) -> list[Fill]:
    if dispute.fill_id is not None:
        return [Fill.objects.get(pk=dispute.fill_id)]
    return list(Fill.objects.filter(round=dispute.round, division=dispute.filer).order_by("id"))


def fill_lines(dispute: Dispute, decision: Decision, previous: Ruling | None) -> list[Line]:
    mine = disputed_fills(dispute)
    if not mine:
        raise MarketError(
            _("%(division)s has no fills in this round to re-price or void.")
            % {"division": dispute.filer}
        )
    counterparties = dispute.parties.filter(role=Party.Role.COUNTERPARTY).values("division")
    lines: list[Line] = []
    carved = guaranteed_units(round_id=dispute.round_id)  # order id: its guaranteed units
    for side in sorted({f.side for f in mine}):
        own = [f for f in mine if f.side == side]
        other = list(
            Fill.objects.filter(round=dispute.round, division__in=counterparties)
            .exclude(side=side)
            .order_by("id")
        )
        taken = _units_taken(own + other, previous)
        for fill in own + other:
            taken[fill.pk] = taken.get(fill.pk, 0) + carved.get(fill.order_id, 0)
        auctioned = [f for f in own if carved.get(f.order_id, 0) < f.quantity]
        if not auctioned or (dispute.fill_id is not None and len(auctioned) < len(own)):
            raise InvalidState(
                _(
                    "Fill %(fill)s was delivered under a guaranteed minimum at management's "
                    "price; a ruling cannot re-price or void it."
                )
                % {"fill": own[0].public_id}
            )
        own = auctioned  # a round's fills: those with auction units
        for fill in own:
            if taken.get(fill.pk, 0) >= fill.quantity:
                raise InvalidState(
                    _("Fill %(fill)s was already re-priced or voided by a ruling.")
                    % {"fill": fill.public_id}
                )
        disputed = sum(f.quantity - taken.get(f.pk, 0) for f in own)
        free = {f.pk: f.quantity - taken.get(f.pk, 0) for f in other}
        shares = allocate(disputed, {pk: units for pk, units in free.items() if units > 0})
        matched = [(f, f.quantity - taken.get(f.pk, 0)) for f in own]
        matched += [(f, shares[f.pk]) for f in other if f.pk in shares]
        lines += [_fill_line(fill, units, decision) for fill, units in matched]
    return lines


def _fill_line(fill: Fill, units: int, decision: Decision) -> Line:
    sign = 1 if fill.side == Side.BUY else -1
    old = fill.price
    if decision.remedy == Remedy.VOID:
        return Line(
            kind=Kind.VOID,
            division_id=fill.division_id,
            credits=sign * old * units,
            unit_delta=-sign * units,
            note=f"Voided {units} units of fill {fill.public_id} "
            f"({fill.get_side_display()}) at {old}",
            fill=fill,
            units=units,
            old_price=old,
        )
    new = decision.new_price
    assert new is not None
    return Line(
        kind=Kind.REPRICE,
        division_id=fill.division_id,
        credits=sign * (old - new) * units,
        unit_delta=0,
        note=f"Re-priced {units} units of fill {fill.public_id} ({fill.get_side_display()}) "
        f"from {old} to {new}",
        fill=fill,
        units=units,
        old_price=old,
        new_price=new,
    )


def reversal_lines(previous: Ruling) -> list[Line]:
    return [
        Line(
            kind=Kind.REVERSAL,
            division_id=effect.division_id,
            credits=-effect.credits,
            unit_delta=-effect.unit_delta,
            note=f"Reversal of ruling #{previous.pk}: {effect.note}"[:300],
            fill=effect.fill,
            units=effect.units,
            old_price=effect.new_price,
            new_price=effect.old_price,
            reverses=effect,
        )
        for effect in previous.effects.select_related("fill")
    ]


def compensation_lines(decision: Decision) -> list[Line]:
    amount = decision.amount
    assert amount is not None
    divisions = Division.objects.in_bulk([decision.payer_id, decision.payee_id])
    payer, payee = divisions[decision.payer_id], divisions[decision.payee_id]
    return [
        Line(
            Kind.COMPENSATION,
            payer.pk,
            -amount,
            0,
            f"Compensation paid to {payee}",
            counterpart_name=str(payee),
        ),
        Line(
            Kind.COMPENSATION,
            payee.pk,
            amount,
            0,
            f"Compensation received from {payer}",
            counterpart_name=str(payer),
        ),
    ]
