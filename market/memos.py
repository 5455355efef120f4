"""The market's own ledger memos, shown in the reader's language.

Services store a memo once, in English, in one of the fixed forms below (so a memo never depends
on the language of whoever happened to trigger the posting: a lead's request, beat, an admin).
Statements and their CSV show it through `memo_for_reader`: a known form is re-told in the
active language with its numbers formatted; anything else (management's own words on a grant,
other apps' memos) is shown as it was written.
"""

import re
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _

from ledger.memos import memo_display
from tokenhub import formatting

from .models import Round, Side


def escrow_for_order(public_id: str, side: str, quantity: int, limit: Decimal) -> str:
    return f"Escrow for order {public_id}: {side} {quantity} @ {limit}"


def round_settlement(market: str, number: int, volume: int, price: Decimal | None) -> str:
    return f"Settlement of {market} · round {number}: {volume} at {price}"


def round_escrow_released(market: str, number: int, state: str) -> str:
    return f"Escrow released: {market} · round {number} {state}"


def session_round_settlement(session: str, number: int) -> str:
    return f"Settlement of {session} · session round {number}"


def bundle_escrow(public_id: str, *, changed: bool = False) -> str:
    return f"Escrow for bundle {public_id}" + (" (changed)" if changed else "")


def bundle_escrow_released(public_id: str) -> str:
    return f"Escrow released: bundle {public_id} cancelled"


def _order(m: re.Match[str]) -> str:
    return _("Escrow for order %(order)s: %(side)s %(quantity)s @ %(limit)s") % {
        "order": m["order"],
        "side": Side(m["side"]).label,
        "quantity": formatting.units(m["quantity"]),
        "limit": formatting.price(m["limit"]),
    }


def _settlement(m: re.Match[str]) -> str:
    values = {"market": m["market"], "number": m["number"], "volume": formatting.units(m["volume"])}
    if m["price"] == "None":
        return _("Settlement of %(market)s · round %(number)s: nothing traded") % values
    return _("Settlement of %(market)s · round %(number)s: %(volume)s at %(price)s") % {
        **values,
        "price": formatting.price(m["price"]),
    }


def _released(m: re.Match[str]) -> str:
    return _("Escrow released: %(market)s · round %(number)s %(state)s") % {
        "market": m["market"],
        "number": m["number"],
        "state": Round.State(m["state"]).label,
    }


def _session(m: re.Match[str]) -> str:
    return _("Settlement of %(session)s · session round %(number)s") % {
        "session": m["session"],
        "number": m["number"],
    }


def _bundle(m: re.Match[str]) -> str:
    if m["changed"]:
        return _("Escrow for bundle %(bundle)s (changed)") % {"bundle": m["bundle"]}
    return _("Escrow for bundle %(bundle)s") % {"bundle": m["bundle"]}


def _bundle_released(m: re.Match[str]) -> str:
    return _("Escrow released: bundle %(bundle)s cancelled") % {"bundle": m["bundle"]}


NUMBER = r"[0-9]+(?:\.[0-9]+)?"
FORMS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(
            rf"Escrow for order (?P<order>\S+): (?P<side>buy|sell) (?P<quantity>[0-9]+) "
            rf"@ (?P<limit>{NUMBER})"
        ),
        _order,
    ),
    (
        re.compile(
            rf"Settlement of (?P<market>.+) · round (?P<number>[0-9]+): "
            rf"(?P<volume>[0-9]+) at (?P<price>{NUMBER}|None)"
        ),
        _settlement,
    ),
    (
        re.compile(
            r"Escrow released: (?P<market>.+) · round (?P<number>[0-9]+) "
            r"(?P<state>halted|cancelled)"
        ),
        _released,
    ),
    (
        re.compile(r"Settlement of (?P<session>.+) · session round (?P<number>[0-9]+)"),
        _session,
    ),
    (re.compile(r"Escrow for bundle (?P<bundle>\S+)(?P<changed> \(changed\))?"), _bundle),
    (re.compile(r"Escrow released: bundle (?P<bundle>\S+) cancelled"), _bundle_released),
]


def memo_for_reader(memo: str) -> str:
    """A memo in the reader's language when it is one of the market's own forms."""
    for pattern, tell in FORMS:
        match = pattern.fullmatch(memo)
        if match is not None:
            return tell(match)
    return memo_display(memo)  # the other apps' forms (chain, arbitration), or as written
