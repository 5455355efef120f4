from decimal import Decimal

import pytest
from django.utils import translation

from tests import factories
from tests.factories import ask, bid


@pytest.fixture(autouse=True)
def english():
    """Refusals are asserted in English; a page read in Chinese earlier must not leak into it."""
    with translation.override("en"):
        yield


@pytest.fixture
def settled(db):
    """A settled round of four divisions: two buyers, two sellers; returns (round, leads)."""
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
    return round_, (b1, b2, s1, s2)


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
