"""Fixtures for arbitration: a settled round with two buyers and two sellers, arbiters, helpers."""

import os
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest

from arbitration import services
from arbitration.models import Dispute
from market.models import Fill, Round
from market.selectors import division_holdings
from tests import factories
from tests.factories import ask, bid

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def arbitration_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast factories


def with_email(user):
    user.email = f"{user.username}@example.com"
    user.save(update_fields=["email"])
    return user


@dataclass
class Book:
    """Round settled at 2.45 for 10 units: b1 bought 6, b2 4; s1 and s2 sold 5 each."""

    round: Round
    b1: object
    b2: object
    s1: object
    s2: object

    def fill(self, user) -> Fill:
        return Fill.objects.get(round=self.round, division=user.membership.division)


@pytest.fixture
def book(db) -> Book:
    round_ = factories.open_round()
    asset = round_.market.asset
    b1, b2 = factories.trader(Decimal(100)), factories.trader(Decimal(100))
    s1 = factories.trader(Decimal(0), units=10, asset=asset)
    s2 = factories.trader(Decimal(0), units=10, asset=asset)
    bid(b1, round_, 6, "3.00")
    bid(b2, round_, 6, "2.50")
    ask(s1, round_, 5, "2.00")
    ask(s2, round_, 5, "2.40")
    assert factories.close_and_finish(round_) == "settled"
    return Book(round_, *(with_email(u) for u in (b1, b2, s1, s2)))


@pytest.fixture
def arbiter(db):
    return with_email(factories.management_user())


@pytest.fixture
def second_arbiter(db):
    return with_email(factories.management_user())


def claim(**overrides) -> services.Claim:
    values = {
        "subject": Dispute.Subject.FILL,
        "category": Dispute.Category.PRICING,
        "claimed_remedy": Dispute.Remedy.PRICE_ADJUSTMENT,
        "claimed_amount": Decimal("0.30"),
        "statement": "The clearing price was inflated by a fat-finger ask.",
    }
    return services.Claim(**{**values, **overrides})


def file_fill_dispute(book: Book, user=None, **overrides) -> Dispute:
    user = user or book.b1
    return services.dispute_file(user=user, claim=claim(**overrides), fill_id=book.fill(user).pk)


def taken(book: Book, arbiter, **overrides) -> Dispute:
    dispute = file_fill_dispute(book, **overrides)
    return services.dispute_take(dispute_id=dispute.pk, by=arbiter)


def rule(dispute: Dispute, arbiter, remedy="dismiss", nonce=None, **decision):
    decision = services.Decision(
        remedy=remedy, reasons=decision.pop("reasons", "Heard."), **decision
    )
    return services.dispute_rule(
        dispute_id=dispute.pk, by=arbiter, decision=decision, nonce=nonce or uuid.uuid4()
    )


def balances(user) -> dict[str, Decimal]:
    """Available credits and units of a lead's division."""
    found = {"credits": Decimal("0.00"), "units": Decimal("0.00")}
    for h in division_holdings(division=user.membership.division):
        found["credits" if h.asset.is_credits else "units"] = h.available
    return found
