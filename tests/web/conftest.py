from decimal import Decimal

import pytest

from tests import factories


@pytest.fixture
def round_(db):
    """An open round of a fresh market (no floor or cap, tick 0.01)."""
    return factories.open_round()


@pytest.fixture
def market(round_):
    return round_.market


@pytest.fixture
def buyer(division):
    """The lead of a division with 1,000 credits."""
    factories.funded(division, Decimal("1000.00"))
    return factories.lead_of(division)


@pytest.fixture
def seller(other_division, round_):
    """The lead of another division holding 50 units of the market's resource."""
    factories.stocked(other_division, round_.market.asset, 50)
    return factories.lead_of(other_division)


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def next_round(market):
    """The market's next round, opened at its scheduled time (after the last one closes)."""
    from market.services import rounds

    round_ = rounds.round_schedule_next(market_id=market.pk)
    assert rounds.round_open(round_id=round_.pk, now=round_.opens_at)
    round_.refresh_from_db()
    return round_
