"""Odd input in the browser gets the form's own error under the field, never a 500 (issue #11)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ledger.models import LedgerTransaction
from market.models import Order
from tests import factories


def place_url(round_):
    return f"/rounds/{round_.pk}/orders/new/"


def preview_url(round_):
    return f"/rounds/{round_.pk}/orders/preview/"


@pytest.mark.parametrize(
    ("quantity", "limit", "field", "message"),
    [
        ("10", "9" * 29, "limit", "larger than any market allows"),
        ("10", "1e400", "limit", "Write an amount with the digits 0-9"),
        ("²", "2.50", "quantity", "Units are a whole number written with the digits 0-9"),
        ("١٢", "2.50", "quantity", "Units are a whole number written with the digits 0-9"),
        ("10", "٣.٥", "limit", "Write an amount with the digits 0-9"),
        ("10", "2.005", "limit", "Use at most 2 decimal places."),
    ],
)
def test_odd_numbers_get_the_fields_error_not_a_500(
    as_user, buyer, round_, quantity, limit, field, message
):
    client = as_user(buyer)
    data = {"side": "buy", "quantity": quantity, "limit": limit}
    response = client.post(place_url(round_), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'id="{field}-error"' in response.content.decode()
    preview = client.get(preview_url(round_), data)
    assert preview.status_code == 200
    assert message in preview.content.decode()
    assert not Order.objects.exists()


def test_every_fields_error_shows_at_once(as_user, buyer, round_):
    client = as_user(buyer)
    data = {"side": "buy", "quantity": "12.5", "limit": "2.005"}
    page = client.post(place_url(round_), data).content.decode()
    assert 'id="quantity-error"' in page
    assert 'id="limit-error"' in page


def test_minus_zero_is_a_bid_at_zero_with_a_warning(as_user, buyer, round_):
    client = as_user(buyer)
    data = {"side": "buy", "quantity": "3", "limit": "-0"}
    preview = client.get(preview_url(round_), data).content.decode()
    assert "A bid at 0.00 can only fill against asks at 0.00." in preview
    page = client.post(place_url(round_), data, follow=True).content.decode()
    assert "Bid placed: 3 at 0.00" in page
    assert "A bid at 0.00 can only fill against asks at 0.00." in page
    assert Order.objects.get().limit == Decimal("0.00")


@pytest.mark.parametrize("order", ["²", "１", "-1", "99999999999999999999999", "x"])
def test_an_odd_order_in_the_preview_is_ignored(as_user, buyer, round_, order):
    client = as_user(buyer)
    response = client.get(preview_url(round_), {"order": order, "quantity": "1", "limit": "1"})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", "１", "99999999999999999999999", "-3"])
def test_filing_a_dispute_about_an_odd_round_is_a_404(as_user, buyer, value):
    response = as_user(buyer).get("/disputes/file/", {"round": value})
    assert response.status_code == 404


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "10000-01-01"])
def test_statement_dates_out_of_range_are_a_form_error(as_user, buyer, day):
    response = as_user(buyer).get("/ledger/", {"until": day, "since": day})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pick a date between" in page or "Enter a valid date" in page


def test_a_mint_of_10_to_the_18_is_refused_under_the_field(client, management, division):
    client.force_login(management)
    asset = factories.GpuAssetFactory()
    url = reverse("admin:divisions_division_mint", args=[division.pk])
    response = client.post(url, {"asset": asset.pk, "quantity": str(10**18)})
    assert response.status_code == 200
    assert "At most 1,000,000,000,000 units at a time." in response.content.decode()
    assert not LedgerTransaction.objects.exists()


def test_a_grant_in_fullwidth_digits_is_refused(client, management, division):
    client.force_login(management)
    url = reverse("admin:divisions_division_grant", args=[division.pk])
    response = client.post(url, {"amount": "５００"})
    assert "Write an amount with the digits 0-9" in response.content.decode()
    assert not LedgerTransaction.objects.exists()


@pytest.mark.parametrize(
    "url", ["/ledger/?division=%00", "/orders/?division=%00", "/dashboard/?division=%00"]
)
def test_a_nul_character_in_a_query_is_a_400_not_a_500(client, management, url):
    client.force_login(management)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_a_nul_character_in_a_form_or_the_api_is_a_400(client, buyer, round_):
    client.force_login(buyer)
    assert client.get(f"/rounds/{round_.pk}/orders/preview/?order=%00").status_code == 400
    assert client.post("/login/", {"username": "\x00", "password": "x"}).status_code == 400
    response = client.get("/api/orders/?division=%00")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
