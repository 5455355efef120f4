"""The memos the system writes on ledger transactions, read in the reader's language.

A memo is stored once, in English (the record; a script or an auditor reads it verbatim).
Pages show `memo_display`: a memo written from one of MEMOS is matched back to its template
and rendered in the active language, its parts (a round's name, a side, a remedy) too; a memo
a person typed is shown as typed.
"""

import re
from functools import cache

from django.utils.translation import gettext, gettext_noop

MEMOS = [
    gettext_noop("Escrow for order %(order)s: %(side)s %(quantity)s @ %(limit)s"),
    gettext_noop("Escrow for bundle %(bundle)s (changed)"),
    gettext_noop("Escrow for bundle %(bundle)s"),
    gettext_noop("Escrow released: bundle %(bundle)s cancelled"),
    gettext_noop("Escrow released: %(round)s %(state)s"),
    gettext_noop("Settlement of %(round)s: %(volume)s at %(price)s"),
    gettext_noop("Settlement of %(round)s"),
    gettext_noop("%(market)s · round %(number)s"),
    gettext_noop("Capacity of %(window)s"),
    gettext_noop("%(division)s: %(units)s of %(window)s consumed (%(usage)s)"),
    gettext_noop("%(window)s: %(units)s units consumed by %(count)s usage record(s) (%(usage)s)"),
    gettext_noop("Overage charge of %(usage)s: %(units)s units"),
    gettext_noop("%(units)s unused units of %(window)s expired"),
    gettext_noop("Share of revenue %(reference)s (%(division)s): %(amount)s"),
    gettext_noop("Appeal ruling on dispute #%(id)s: %(remedy)s"),
    gettext_noop("Ruling on dispute #%(id)s: %(remedy)s"),
]

# Codes the templates above carry (a side, a round's end state), read in the reader's words.
WORDS = {
    "buy": gettext_noop("buy"),
    "sell": gettext_noop("sell"),
    "settled": gettext_noop("settled"),
    "cancelled": gettext_noop("cancelled"),
    "halted": gettext_noop("halted"),
}


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for template in MEMOS:
        parts = re.split(r"%\((\w+)\)s", template)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        )
        found.append((template, re.compile(f"^{regex}$", re.S)))
    return found


def memo_display(memo: str) -> str:
    """The memo in the active language (as typed when no template wrote it)."""
    for template, pattern in _patterns():
        matched = pattern.match(memo)
        if matched:
            parts = {name: _part(value) for name, value in matched.groupdict().items()}
            return gettext(template) % parts
    return memo


def _part(value: str) -> str:
    if value in WORDS:
        return gettext(WORDS[value])
    shown = memo_display(value)
    return shown if shown != value else gettext(value) if value else value
