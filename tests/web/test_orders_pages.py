"""Placing, changing and cancelling orders in the browser, with and without htmx."""

from decimal import Decimal

from market.models import Order
from market.selectors import division_holdings
from market.services import rounds
from tests.factories import bid


def credits(user):
    holding = next(
        h for h in division_holdings(division=user.membership.division) if h.asset.is_credits
    )
    return holding.available, holding.held


def place_url(round_):
    return f"/rounds/{round_.pk}/orders/new/"


def test_a_bid_placed_without_javascript_holds_quantity_times_limit(as_user, buyer, round_):
    client = as_user(buyer)
    # when
    response = client.post(
        place_url(round_), {"side": "buy", "quantity": "10", "limit": "2.50"}, follow=True
    )
    # then
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/markets/{round_.market.slug}/"
    assert "Bid placed: 10 at 2.50; 25.00 credits held." in page
    assert credits(buyer) == (Decimal("975.00"), Decimal("25.00"))
    assert 'data-testid="order-hold">25.00 credits' in page


def test_a_bad_order_shows_the_rule_under_the_field_and_keeps_what_was_typed(
    as_user, buyer, round_
):
    client = as_user(buyer)
    response = client.post(place_url(round_), {"side": "sell", "quantity": "12", "limit": "2.345"})
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<ul class="errorlist" id="limit-error"><li>Use at most 2 decimal places.</li></ul>' in page
    )
    assert 'value="2.345"' in page
    assert 'value="12"' in page
    assert 'aria-invalid="true"' in page
    assert (
        'value="sell" id="id_side_1" checked' in page
        or 'value="sell" id="id_side_1" required checked' in page
    )
    assert Order.objects.count() == 0


def test_a_bid_beyond_the_budget_is_refused_above_the_form_with_the_balance(as_user, buyer, round_):
    client = as_user(buyer)
    response = client.post(place_url(round_), {"side": "buy", "quantity": "1000", "limit": "2.00"})
    page = response.content.decode()
    assert "Insufficient funds:" in page
    assert "has 1,000.00 credits available, needs 2,000.00." in page
    assert 'class="errorlist nonfield" role="alert"' in page
    assert credits(buyer) == (Decimal("1000.00"), Decimal("0.00"))


def test_htmx_gets_the_form_back_on_an_error_and_a_redirect_on_success(as_user, buyer, round_):
    client = as_user(buyer)
    bad = client.post(
        place_url(round_), {"side": "buy", "quantity": "x", "limit": "1"}, HTTP_HX_REQUEST="true"
    )
    assert "<html" not in bad.content.decode()
    assert "Units are a whole number written with the digits 0-9, e.g. 12." in bad.content.decode()
    good = client.post(
        place_url(round_), {"side": "buy", "quantity": "3", "limit": "1.00"}, HTTP_HX_REQUEST="true"
    )
    assert good["HX-Redirect"] == f"/markets/{round_.market.slug}/"


def test_the_preview_shows_the_hold_and_what_is_left(as_user, buyer, round_):
    client = as_user(buyer)
    page = client.get(
        f"/rounds/{round_.pk}/orders/preview/?side=buy&quantity=4&limit=2.50"
    ).content.decode()
    assert 'This bid will hold <b data-testid="hold">10.00 credits</b> (4 × 2.50).' in page
    assert "1,000.00</b> →" in page
    assert "990.00 credits</b> after." in page
    ask = client.get(
        f"/rounds/{round_.pk}/orders/preview/?side=sell&quantity=4&limit="
    ).content.decode()
    assert '<b data-testid="hold">4 GPU-hours</b>' in ask
    assert "Not enough available" in ask


def test_the_no_javascript_preview_button_previews_without_placing(as_user, buyer, round_):
    client = as_user(buyer)
    data = {"side": "buy", "quantity": "4", "limit": "2.50", "action": "preview"}
    page = client.post(place_url(round_), data).content.decode()
    assert '<b data-testid="hold">10.00 credits</b>' in page
    assert Order.objects.count() == 0


def test_changing_a_bid_moves_the_hold_and_cancelling_releases_it(as_user, buyer, round_):
    client = as_user(buyer)
    order = bid(buyer, round_, 10, "2.00")
    page = client.get(f"/orders/{order.public_id}/change/").content.decode()
    assert 'value="10"' in page
    assert 'value="2.00"' in page
    response = client.post(
        f"/orders/{order.public_id}/change/", {"quantity": "5", "limit": "3.00"}, follow=True
    )
    assert (
        f"Order {order.public_id} changed: 5 at 3.00; 15.00 credits held."
        in response.content.decode()
    )
    assert credits(buyer) == (Decimal("985.00"), Decimal("15.00"))
    response = client.post(f"/orders/{order.public_id}/cancel/", follow=True)
    assert (
        f"Order {order.public_id} cancelled; 15.00 credits released." in response.content.decode()
    )
    assert credits(buyer) == (Decimal("1000.00"), Decimal("0.00"))


def test_a_change_that_breaks_a_rule_is_shown_inline(as_user, buyer, round_):
    client = as_user(buyer)
    order = bid(buyer, round_, 10, "2.00")
    page = client.post(
        f"/orders/{order.public_id}/change/", {"quantity": "0", "limit": "2.00"}
    ).content.decode()
    assert "Quantity must be at least 1 unit." in page
    assert 'value="0"' in page
    assert credits(buyer) == (Decimal("980.00"), Decimal("20.00"))


def test_orders_list_filters_by_state_and_says_what_to_do_when_empty(as_user, buyer, round_):
    client = as_user(buyer)
    empty = client.get("/orders/").content.decode()
    assert "No orders yet." in empty
    assert "place a bid or an ask" in empty
    bid(buyer, round_, 10, "2.00")
    assert "2.00" in client.get("/orders/?state=open").content.decode()
    none = client.get("/orders/?state=filled").content.decode()
    assert "No orders in this state." in none


def test_an_order_in_a_closed_round_is_refused_with_the_reason(as_user, buyer, round_):
    rounds.round_close(round_id=round_.pk, now=round_.closes_at)
    client = as_user(buyer)
    data = {"side": "buy", "quantity": "1", "limit": "1.00"}
    # an htmx form left open on the market page gets the service's reason inline
    partial = client.post(place_url(round_), data, HTTP_HX_REQUEST="true").content.decode()
    assert f"Round {round_.number} of {round_.market} is not open for orders (closed)." in partial
    # the plain page says the round takes no orders and points to the market
    page = client.post(place_url(round_), data).content.decode()
    assert f"Round {round_.number} is closed: it does not take orders." in page
    assert Order.objects.count() == 0


def test_an_order_page_shows_its_hold_only_while_the_order_is_open(as_user, buyer, round_):
    client = as_user(buyer)
    order = bid(buyer, round_, 10, "2.00")
    assert "Holds while open" in client.get(f"/orders/{order.public_id}/").content.decode()
    client.post(f"/orders/{order.public_id}/cancel/")
    # when
    page = client.get(f"/orders/{order.public_id}/").content.decode()
    # then: a cancelled (or cleared) order holds nothing
    assert "Holds while open" not in page
    assert "Cancelled" in page
