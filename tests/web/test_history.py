"""Price history over today, the last week or all of it, on a time axis; and the lead's own open
orders drawn on the last round's curves."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from market.models import Round
from market.selectors import history
from tests import factories

pytestmark = pytest.mark.django_db


def settled(market, number, price, volume, ago):
    """A settled round of the market cleared `ago` before now (history rows only)."""
    cleared = timezone.now() - ago
    return Round.objects.create(
        market=market,
        number=number,
        state=Round.State.SETTLED,
        opens_at=cleared - timedelta(minutes=5),
        closes_at=cleared,
        cleared_at=cleared,
        settled_at=cleared,
        tick=Decimal("0.01"),
        rule="midpoint",
        price=None if price is None else Decimal(price),
        volume=volume,
    )


@pytest.fixture
def old_and_new(db):
    market = factories.MarketFactory()
    settled(market, 1, "1.00", 10, timedelta(days=30))
    settled(market, 2, "2.00", 10, timedelta(days=3))
    settled(market, 3, "3.00", 30, timedelta(minutes=20))
    settled(market, 4, None, 0, timedelta(minutes=10))
    return market


@pytest.mark.parametrize(
    ("span", "numbers"), [("today", [3, 4]), ("week", [2, 3, 4]), ("all", [1, 2, 3, 4])]
)
def test_each_range_shows_the_rounds_it_names_oldest_first(old_and_new, span, numbers):
    found = history.price_history(market=old_and_new, span=span)
    assert [p.number for p in found.points] == numbers
    assert found.bucket == "round"


def test_the_chart_gets_a_time_axis_and_prices_as_text(old_and_new):
    chart = history.history_chart(history.price_history(market=old_and_new, span="today"))
    first = Round.objects.get(market=old_and_new, number=3)
    assert chart["price"] == [
        {"x": int(first.cleared_at.timestamp() * 1000), "y": "3.00"},
        {"x": chart["price"][1]["x"], "y": None},
    ]
    assert [v["y"] for v in chart["volume"]] == [30, 0]


def test_more_rounds_than_the_chart_shows_are_summed_per_day_at_their_average_price(
    old_and_new, monkeypatch
):
    monkeypatch.setattr(history, "MAX_POINTS", 2)
    settled(old_and_new, 5, "5.00", 10, timedelta(minutes=5))
    found = history.price_history(market=old_and_new, span="all")
    assert found.bucket == "day"
    today = found.points[-1]
    # rounds 3, 4 and 5 (unless today began in the last 20 minutes): (3×30 + 5×10) / 40 = 3.50
    if today.rounds == 3:
        assert (today.price, today.volume) == (Decimal("3.50"), 40)
    assert sum(p.volume for p in found.points) == 60


def test_a_range_of_rounds_with_no_trade_has_no_price_but_no_error(db, monkeypatch):
    market = factories.MarketFactory()
    monkeypatch.setattr(history, "MAX_POINTS", 1)
    settled(market, 1, None, 0, timedelta(minutes=2))
    settled(market, 2, None, 0, timedelta(minutes=1))
    found = history.price_history(market=market, span="week")
    assert [(p.price, p.volume) for p in found.points] == [(None, 0)]


@pytest.mark.parametrize("span", ["today", "week", "all", "", "yesterday", "w" * 500])
def test_the_market_page_answers_every_range(as_user, buyer, old_and_new, span):
    response = as_user(buyer).get(f"/markets/{old_and_new.slug}/", {"span": span})
    assert response.status_code == 200
    chart = json.loads(json.dumps(response.context["history_chart"]))
    assert chart["span"] == (span if span in history.SPANS else "week")


def test_a_range_with_a_nul_character_is_a_clear_400(as_user, buyer, old_and_new):
    response = as_user(buyer).get(f"/markets/{old_and_new.slug}/", {"span": "\x00"})
    assert response.status_code == 400


def test_the_leads_open_orders_sit_on_the_last_rounds_curves(round_, buyer, seller):
    # given a cleared round: bids 6 at 3.00 and 6 more at 2.50; asks 5 at 2.00
    factories.bid(buyer, round_, 6, "3.00")
    other = factories.trader(Decimal("100.00"))
    factories.bid(other, round_, 6, "2.50")
    factories.ask(seller, round_, 5, "2.00")
    factories.close_and_finish(round_)
    # when the lead has a bid at 2.50 in the next round
    from tests.web.conftest import next_round

    mine = factories.bid(buyer, next_round(round_.market), 4, "2.50")
    points = history.my_orders_on_curves(last=round_, orders=[mine])
    # then it is drawn at 2.50 behind the 12 units bid at or above 2.50
    assert points == [{"from": 12, "to": 16, "y": "2.50", "side": "buy"}]
