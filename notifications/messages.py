"""What a notification says, in the reader's language, built from its event's data."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arbitration.models import Dispute
from divisions.models import shown_name
from events.models import Event
from market.models import Market
from tokenhub import formatting

ACTIONS = {  # lazy: the reader's language is known only when a notification is shown
    "file": gettext_lazy("filed"),
    "take": gettext_lazy("taken up by an arbiter"),
    "take_appeal": gettext_lazy("the appeal was taken up by an arbiter"),
    "resume_review": gettext_lazy("back under review"),
    "rule_on_appeal": gettext_lazy("ruled on appeal"),
    "request_response": gettext_lazy("waiting for the counterparties' responses"),
    "escalate": gettext_lazy("escalated"),
    "rule": gettext_lazy("ruled on"),
    "appeal": gettext_lazy("appealed"),
    "withdraw": gettext_lazy("withdrawn"),
    "evidence": gettext_lazy("new evidence"),
    "response": gettext_lazy("a new response"),
    "message": gettext_lazy("a new message"),
    "finalise": gettext_lazy("final"),
}


@dataclass(frozen=True)
class Said:
    title: str
    text: str
    link: str


def _market_name(market_id: Any, markets: dict[int, str] | None) -> str:
    if markets is not None and market_id in markets:
        return markets[market_id]
    found = Market.objects.select_related("window__series").filter(pk=market_id).first()
    return found.display_name if found else "?"


def describe(event: Event, markets: dict[int, str] | None = None) -> Said:
    d = event.data or {}
    values: dict[str, Any]
    if event.kind == Event.Kind.HEALTH_ALERT:
        return Said(_("Market-health alert"), _alert_text(d, markets), reverse("oversight:health"))
    if event.kind == Event.Kind.ORDER_FILLED:
        values = {
            "units": formatting.units(d.get("filled")),
            "price": formatting.price(d.get("price")),
            "amount": formatting.money(d.get("amount")),
            "market": _market_name(d.get("market"), markets),
        }
        if d.get("side") == "buy":
            text = _("Your bid bought %(units)s at %(price)s (%(amount)s credits) in %(market)s.")
        else:
            text = _("Your ask sold %(units)s at %(price)s (%(amount)s credits) in %(market)s.")
        link = reverse("round_detail", args=[d.get("round")])
        return Said(_("Your order filled"), text % values, link)
    if event.kind == Event.Kind.ROUND_SETTLED:
        values = {
            "number": str(d.get("number")),
            "market": _market_name(d.get("market"), markets),
            "price": formatting.price(d.get("price")),
            "volume": formatting.units(d.get("volume")),
        }
        if d.get("price") is None:
            text = _("Round %(number)s of %(market)s settled with no trade.") % values
        else:
            text = (
                _("Round %(number)s of %(market)s settled at %(price)s; %(volume)s units traded.")
                % values
            )
        return Said(
            _("A round you traded in settled"), text, reverse("round_detail", args=[d.get("round")])
        )
    number = d.get("dispute")
    state = str(d.get("state", ""))
    values = {
        "number": number,
        "action": ACTIONS.get(str(d.get("action")), str(d.get("action", ""))),
        "state": Dispute.State(state).label if state in Dispute.State.values else state,
    }
    text = _("Dispute #%(number)s: %(action)s; it is now %(state)s.") % values
    return Said(
        _("A dispute you are party to changed"), text, reverse("disputes:detail", args=[number])
    )


def _alert_text(d: dict[str, Any], markets: dict[int, str] | None) -> str:
    """What a market-health alert found in a round (data: oversight/services/alerts.py)."""
    values: dict[str, Any] = {
        "number": str(d.get("number")),
        "market": _market_name(d.get("market"), markets),
        "n": formatting.number(d.get("threshold")),
    }
    kind = d.get("alert_kind")
    if kind == "no_trade":
        return _("Round %(number)s of %(market)s settled with no trade.") % values
    if kind == "price_move":
        values.update(
            change=formatting.number(d.get("change")),
            before=formatting.price(d.get("before")),
            price=formatting.price(d.get("price")),
        )
        return (
            _(
                "Round %(number)s of %(market)s: the price moved %(change)s%%, from %(before)s "
                "to %(price)s (alert above %(n)s%%)."
            )
            % values
        )
    said = []
    for row in d.get("over", []):
        shown = {**values, "division": shown_name(row.get("name", "?"), row.get("name_en", ""))}
        shown["share"] = formatting.number(row.get("share"))
        if row.get("side") == "buy":
            text = _(
                "%(division)s bought %(share)s%% of the units of round %(number)s of %(market)s "
                "(alert above %(n)s%%)."
            )
        else:
            text = _(
                "%(division)s sold %(share)s%% of the units of round %(number)s of %(market)s "
                "(alert above %(n)s%%)."
            )
        said.append(text % shown)
    return formatting.join_sentences(said)
