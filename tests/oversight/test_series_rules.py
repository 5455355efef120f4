"""Limits and guarantees set on a series apply to each of its windows' markets; one set on
the window's own market takes their place. Enforced in the API as in the browser."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from market.errors import MarketError
from market.models import Order
from oversight.models import Guarantee, GuaranteeDelivery, PositionLimit
from oversight.services.guarantees import guarantee_save
from oversight.services.limits import position_limit_save
from tests import factories
from tests.api.conftest import token_client
from tests.chain.factories import SeriesFactory, window_of
from tests.factories import ask, bid

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def series():
    return SeriesFactory(
        anchor=timezone.now() + timedelta(hours=2), window_minutes=60, gate_minutes=30
    )


@pytest.fixture
def round_(series):
    """An open round of the series' first window."""
    return factories.open_round(window_of(series).market)


@pytest.fixture
def buyer():
    return factories.trader(D("10000.00"))


def test_a_series_limit_refuses_a_bid_in_its_windows_market_in_the_api(
    management, series, round_, buyer
):
    position_limit_save(user=management, limit=PositionLimit(series=series, max_buy_per_round=5))

    response = token_client(buyer).post(
        "/api/orders/",
        {"round": round_.pk, "side": "buy", "quantity": 6, "limit": "1.00"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "position_limit"
    assert "at most 5 units in one round" in response.json()["detail"]


def test_a_series_limit_refuses_a_bid_in_the_browser(management, series, round_, buyer, client):
    position_limit_save(user=management, limit=PositionLimit(series=series, max_buy_per_round=5))
    client.force_login(buyer)

    page = client.post(
        f"/rounds/{round_.pk}/orders/new/", {"side": "buy", "quantity": "6", "limit": "1.00"}
    )

    assert "at most 5 units in one round" in page.content.decode()
    assert not Order.objects.filter(round=round_).exists()


def test_a_limit_on_the_windows_own_market_takes_the_series_place(
    management, series, round_, buyer
):
    position_limit_save(user=management, limit=PositionLimit(series=series, max_buy_per_round=5))
    position_limit_save(
        user=management, limit=PositionLimit(market=round_.market, max_buy_per_round=50)
    )

    bid(buyer, round_, 40, "1.00")  # beyond the series' 5, within the market's 50

    assert Order.objects.filter(round=round_).count() == 1


def test_a_limit_needs_a_market_or_a_series_not_both(management, series, round_):
    with pytest.raises(MarketError, match="Choose a market or a series"):
        position_limit_save(
            user=management,
            limit=PositionLimit(market=round_.market, series=series, max_buy_per_round=5),
        )
    with pytest.raises(MarketError, match="Choose a market or a series"):
        position_limit_save(user=management, limit=PositionLimit(max_buy_per_round=5))


def test_a_series_guarantee_is_served_in_each_window_and_the_market_one_overrides(
    management, series, round_
):
    """4 units guaranteed on the series are served in the first window; the second window's
    own guarantee of 1 unit takes the series' place there."""
    assistant, rival = factories.trader(D("100.00")), factories.trader(D("100.00"))
    division = assistant.membership.division
    guarantee_save(user=management, guarantee=Guarantee(series=series, division=division, units=4))
    seller = factories.trader(D(0), units=10, asset=round_.market.asset)
    bid(assistant, round_, 4, "3.00")
    bid(rival, round_, 10, "5.00")
    ask(seller, round_, 10, "2.00")
    assert factories.close_and_finish(round_) == "settled"
    second = series.windows.exclude(market=round_.market).order_by("number").first()
    guarantee_save(
        user=management, guarantee=Guarantee(market=second.market, division=division, units=1)
    )
    later = factories.open_round(second.market)
    seller = factories.trader(D(0), units=10, asset=later.market.asset)
    bid(assistant, later, 4, "3.00")
    bid(rival, later, 10, "5.00")
    ask(seller, later, 10, "2.00")
    assert factories.close_and_finish(later) == "settled"

    delivered = dict(
        GuaranteeDelivery.objects.filter(division=division).values_list("round_id", "units")
    )
    assert delivered == {round_.pk: 4, later.pk: 1}
