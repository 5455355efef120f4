"""API fixtures: clients by token or session; a book with a settled and an open round."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from market.models import Fill, Market, Order, Round
from market.services import rounds, tokens
from tests import factories
from tests.factories import ask, bid


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Factory users get a password each; a fast hasher keeps the role matrix quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Throttle counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def token_of(user, scopes=("read", "trade")):
    return tokens.token_create(user=user, name="test bot", scopes=scopes).secret


def token_client(user, scopes=("read", "trade")):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_of(user, scopes)}")
    return client


def session_client(user):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def api():
    return APIClient()


def next_round_open(market):
    """Schedule the market's next round and open it now, whatever its scheduled start."""
    round_ = rounds.round_schedule_next(market_id=market.pk)
    assert rounds.round_open(round_id=round_.pk, now=round_.opens_at)
    round_.refresh_from_db()
    return round_


@dataclass
class Book:
    market: Market
    settled: Round
    current: Round
    order: Order  # the division's open bid in the current round
    fill: Fill  # the division's fill in the settled round
    other_fill: Fill


@pytest.fixture
def book(division, other_division, lead, other_lead):
    """`division` bought 10 from `other_division` at 2.50 and bids again in the next round."""
    market = factories.MarketFactory()
    factories.funded(division, Decimal("1000.00"))
    factories.funded(other_division, Decimal("1000.00"))
    factories.stocked(other_division, market.asset, 100)
    settled = factories.open_round(market)
    bought = bid(lead, settled, 10, "3.00")
    sold = ask(other_lead, settled, 10, "2.00")
    factories.close_and_finish(settled)
    current = next_round_open(market)
    return Book(
        market=market,
        settled=settled,
        current=current,
        order=bid(lead, current, 5, "2.50"),
        fill=Fill.objects.get(order=bought),
        other_fill=Fill.objects.get(order=sold),
    )


def file_dispute(lead, fill):
    from arbitration import services as arbitration
    from arbitration.models import Dispute

    claim = arbitration.Claim(
        subject=Dispute.Subject.FILL,
        category=Dispute.Category.PRICING,
        claimed_remedy=Dispute.Remedy.PRICE_ADJUSTMENT,
        claimed_amount=Decimal("3.00"),
        statement="The clearing price was inflated by a fat-finger ask.",
    )
    return arbitration.dispute_file(user=lead, claim=claim, fill_id=fill.pk)


@pytest.fixture
def dispute(book, lead):
    """`division` disputes the price of its fill in the settled round; `other_division` answers."""
    return file_dispute(lead, book.fill)
