"""Sealed bids and rights are checked on the server: the tests request the URLs directly."""

from decimal import Decimal

import pytest

from market.models import Order
from tests import factories
from tests.factories import ask, bid

PAGES = ["/dashboard/", "/markets/", "/orders/", "/ledger/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_every_page_asks_a_stranger_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_a_lead_never_sees_another_divisions_sealed_order(as_user, buyer, seller, round_):
    theirs = ask(seller, round_, 7, "3.33")
    client = as_user(buyer)
    for url in (
        f"/markets/{round_.market.slug}/",
        f"/rounds/{round_.pk}/",
        "/orders/",
        "/dashboard/",
    ):
        page = client.get(url).content.decode()
        assert "3.33" not in page, url
    for url in (
        f"/orders/{theirs.public_id}/",
        f"/orders/{theirs.public_id}/change/",
        f"/orders/{theirs.public_id}/cancel/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/orders/{theirs.public_id}/cancel/").status_code == 404
    assert (
        client.post(
            f"/orders/{theirs.public_id}/change/", {"quantity": 1, "limit": "1.00"}
        ).status_code
        == 404
    )
    preview = client.get(
        f"/rounds/{round_.pk}/orders/preview/?order={theirs.public_id}&quantity=1&limit=1"
    )
    assert preview.status_code == 404
    assert Order.objects.get(pk=theirs.pk).state == "open"


def test_a_member_without_trade_rights_sees_the_division_but_cannot_place_orders(
    as_user, division, buyer, round_
):
    order = bid(buyer, round_, 4, "2.00")
    member = factories.member_of(division)
    client = as_user(member)
    market_page = client.get(f"/markets/{round_.market.slug}/").content.decode()
    assert "placing them needs trade rights: ask your lead" in market_page
    assert 'id="order-form"' not in market_page
    assert "2.00" in client.get("/orders/").content.decode()
    refused = "without trade rights: you can see its orders but not place, change or cancel them"
    for method, url, data in [
        ("get", f"/rounds/{round_.pk}/orders/new/", {}),
        (
            "post",
            f"/rounds/{round_.pk}/orders/new/",
            {"side": "buy", "quantity": "1", "limit": "1.00"},
        ),
        ("get", f"/rounds/{round_.pk}/orders/preview/", {"quantity": "1", "limit": "1.00"}),
        ("post", f"/orders/{order.public_id}/change/", {"quantity": "1", "limit": "1.00"}),
        ("post", f"/orders/{order.public_id}/cancel/", {}),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, url
        assert refused in response.content.decode()
    assert list(Order.objects.values_list("quantity", "state")) == [(4, "open")]


def test_a_member_with_trade_rights_may_place_orders(as_user, division, buyer, round_):
    client = as_user(factories.member_of(division, may_trade=True))
    response = client.post(
        f"/rounds/{round_.pk}/orders/new/", {"side": "buy", "quantity": "1", "limit": "1.00"}
    )
    assert response.status_code == 302
    assert Order.objects.get().placed_by.membership.role == "member"


def test_management_and_auditors_place_no_orders_but_read_any_division(
    as_user, auditor, division, buyer, round_
):
    client = as_user(auditor)
    response = client.post(
        f"/rounds/{round_.pk}/orders/new/", {"side": "buy", "quantity": "1", "limit": "1.00"}
    )
    assert response.status_code == 403
    assert (
        "Only a division&#x27;s lead (or a member with trade rights) places orders."
        in response.content.decode()
    )
    picker = client.get("/ledger/").content.decode()
    assert f"?division={division.slug}" in picker
    statement = client.get(f"/ledger/?division={division.slug}").content.decode()
    assert "1,000.00" in statement
    assert "Budget grant" in statement


def test_a_lead_cannot_open_another_divisions_ledger_or_orders(as_user, buyer, other_division):
    client = as_user(buyer)
    for url in ("/ledger/", "/orders/"):
        response = client.get(f"{url}?division={other_division.slug}")
        assert response.status_code == 403
        assert (
            "You can see only your own division&#x27;s orders and ledger."
            in response.content.decode()
        )


def test_staff_without_a_division_get_told_where_to_work(as_user, management):
    page = as_user(management).get("/dashboard/").content.decode()
    assert "You are not a member of a division." in page
    assert "management workspace" in page


def test_after_clearing_a_lead_still_sees_only_aggregates_of_others(as_user, buyer, seller, round_):
    ask(seller, round_, 7, "3.33")
    bid(buyer, round_, 5, "4.00")
    factories.close_and_finish(round_)
    page = as_user(buyer).get(f"/rounds/{round_.pk}/").content.decode()
    assert seller.membership.division.name not in page
    assert "Every price from 3.33 (the marginal ask) to 4.00 (the marginal bid)" in page
    assert Decimal("3.66") == Decimal(page.split('data-testid="clearing-price">')[1].split("<")[0])
