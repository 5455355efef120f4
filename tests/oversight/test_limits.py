"""Position limits: refused at placement and on change, in the browser and the API; audited."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from market.errors import NotAllowed
from market.models import Order
from market.services import orders
from oversight.limits import PositionLimitExceeded
from oversight.models import PositionLimit
from oversight.services.limits import position_limit_save
from tests import factories
from tests.api.conftest import token_client
from tests.factories import ask, bid

D = Decimal


@pytest.fixture
def round_(db):
    return factories.open_round()


@pytest.fixture
def buyer(round_):
    return factories.trader(D("100000.00"))


def limit(management, round_, division=None, **values):
    return position_limit_save(
        user=management,
        limit=PositionLimit(market=round_.market, division=division, **values),
    )


def test_a_bid_beyond_the_per_round_limit_is_refused_naming_the_limit(management, round_, buyer):
    limit(management, round_, max_buy_per_round=100)
    bid(buyer, round_, 60, "1.00")

    with pytest.raises(PositionLimitExceeded) as refused:
        bid(buyer, round_, 41, "1.00")

    assert "at most 100 units in one round" in refused.value.message
    assert "would come to 101" in refused.value.message
    assert Order.objects.filter(round=round_).count() == 1
    bid(buyer, round_, 40, "1.00")  # exactly at the limit is fine


def test_a_divisions_own_limit_takes_the_place_of_the_market_wide_one(management, round_, buyer):
    limit(management, round_, max_buy_per_round=10)
    limit(management, round_, division=buyer.membership.division, max_buy_per_round=500)
    other = factories.trader(D("1000.00"))

    bid(buyer, round_, 400, "1.00")
    with pytest.raises(PositionLimitExceeded):
        bid(other, round_, 11, "1.00")


def test_asks_are_not_limited(management, round_):
    limit(management, round_, max_buy_per_round=1, max_hold=1)
    seller = factories.trader(D(0), units=50, asset=round_.market.asset)

    assert ask(seller, round_, 50, "1.00").quantity == 50


def test_the_holding_limit_counts_units_held_and_units_bid_for(management, round_, buyer):
    factories.stocked(buyer.membership.division, round_.market.asset, 30)
    limit(management, round_, max_hold=50)

    with pytest.raises(PositionLimitExceeded) as refused:
        bid(buyer, round_, 21, "1.00")

    assert "hold at most 50 units" in refused.value.message
    assert "it holds 30" in refused.value.message
    bid(buyer, round_, 20, "1.00")


def test_growing_a_bid_past_the_limit_is_refused_but_shrinking_is_not(management, round_, buyer):
    order = bid(buyer, round_, 50, "1.00")
    limit(management, round_, max_buy_per_round=40)  # set after the bid: it stands

    with pytest.raises(PositionLimitExceeded):
        orders.order_change(user=buyer, order_id=order.pk, quantity=60)
    assert orders.order_change(user=buyer, order_id=order.pk, quantity=45).quantity == 45
    assert orders.order_change(user=buyer, order_id=order.pk, limit="2.00").limit == D("2.00")


def test_the_api_refuses_with_409_and_the_limit_in_the_detail(management, round_, buyer):
    limit(management, round_, max_buy_per_round=5)
    client = token_client(buyer)

    response = client.post(
        "/api/orders/",
        {"round": round_.pk, "side": "buy", "quantity": 6, "limit": "1.00"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "position_limit"
    assert "at most 5 units in one round" in response.json()["detail"]


def test_the_browser_shows_the_refusal_under_the_quantity(management, round_, buyer, client):
    limit(management, round_, max_buy_per_round=5)
    client.force_login(buyer)

    page = client.post(
        f"/rounds/{round_.pk}/orders/new/", {"side": "buy", "quantity": "6", "limit": "1.00"}
    )

    assert "at most 5 units in one round" in page.content.decode()
    assert not Order.objects.filter(round=round_).exists()


def test_only_management_sets_limits_and_every_change_is_audited(management, auditor, round_):
    with pytest.raises(NotAllowed):
        limit(auditor, round_, max_buy_per_round=5)

    row = limit(management, round_, max_buy_per_round=5)
    row.max_buy_per_round = 7
    position_limit_save(user=management, limit=row)

    changes = LogEntry.objects.get_for_object(row).order_by("timestamp")
    assert [entry.action for entry in changes] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert changes.last().changes_dict["max_buy_per_round"] == ["5", "7"]


def test_auditors_see_limits_in_admin_but_cannot_add_them(auditor, management, round_, client):
    limit(management, round_, max_buy_per_round=5)
    client.force_login(auditor)

    assert client.get("/admin/oversight/positionlimit/").status_code == 200
    assert client.get("/admin/oversight/positionlimit/add/").status_code == 403


def test_management_adds_a_limit_in_admin(management, round_, client):
    client.force_login(management)

    response = client.post(
        "/admin/oversight/positionlimit/add/",
        {"market": round_.market.pk, "division": "", "max_buy_per_round": "9", "max_hold": ""},
    )

    assert response.status_code == 302
    assert PositionLimit.objects.get().set_by == management
