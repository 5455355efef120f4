"""The chain's API: the platform meters usage, leads read windows and book revenue."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from chain.models import CurrencyRate, UsageRecord
from market.errors import NotAllowed
from market.services import tokens
from tests import factories
from tests.api.conftest import token_client
from tests.chain.factories import current_window, platform_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def window():
    return current_window()


def record(division, window, external_id="u-1", units=4, **extra):
    at = (window.starts_at + timedelta(minutes=2)).isoformat()
    return {
        "external_id": external_id, "division": division.slug, "window": window.asset.code,
        "units": units, "used_at": at, **extra,
    }  # fmt: skip


def test_the_platform_meters_usage_once_and_a_retry_replays(window):
    app = factories.DivisionFactory()
    factories.stocked(app, window.asset, 10)
    meter = token_client(platform_user(), scopes=("meter",))
    body = {"records": [record(app, window), record(app, window, "u-2", 8)]}
    first = meter.post("/api/usage/", body, format="json")
    again = meter.post("/api/usage/", body, format="json")
    assert first.status_code == 201, first.json()
    assert [(r["consumed"], r["overage"], r["replayed"]) for r in first.json()["records"]] == [
        (4, 0, False), (6, 2, False)
    ]  # fmt: skip
    assert again.status_code == 200
    assert all(r["replayed"] for r in again.json()["records"])
    assert UsageRecord.objects.count() == 2


def test_a_bad_record_refuses_the_batch_with_its_index(window):
    app = factories.DivisionFactory()
    meter = token_client(platform_user(), scopes=("meter",))
    body = {"records": [record(app, window), {**record(app, window, "u-2"), "window": "nope"}]}
    response = meter.post("/api/usage/", body, format="json")
    assert response.status_code == 422
    assert response.json()["errors"] == {"records.1": ["There is no delivery window nope."]}
    strict = meter.post("/api/usage/", {"records": [record(app, window, units="4")]}, format="json")
    assert strict.status_code == 400
    assert UsageRecord.objects.count() == 0


def test_usage_dated_in_the_future_is_refused_with_a_stable_code_in_the_readers_language(window):
    app = factories.DivisionFactory()
    factories.stocked(app, window.asset, 10)
    meter = token_client(platform_user(), scopes=("meter",))
    ahead = timezone.now() + timedelta(minutes=10)  # still inside the window, but not yet
    body = {"records": [record(app, window), {**record(app, window, "u-2"), "used_at": ahead}]}
    response = meter.post("/api/usage/", body, format="json")
    assert response.status_code == 422
    assert response.json()["code"] == "usage_refused"
    assert response.json()["codes"] == {"records.1": "used_in_future"}
    assert response.json()["errors"]["records.1"][0].endswith("is in the future.")
    chinese = meter.post("/api/usage/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.json()["codes"] == {"records.1": "used_in_future"}
    assert chinese.json()["errors"]["records.1"][0].endswith("晚于当前时间。")
    assert UsageRecord.objects.count() == 0


def test_only_a_meter_token_reports_usage_and_it_can_do_nothing_else(window):
    app = factories.DivisionFactory()
    lead = factories.lead_of(app)
    trader = token_client(lead)
    refused = trader.post("/api/usage/", {"records": [record(app, window)]}, format="json")
    assert refused.status_code == 403
    meter = token_client(platform_user(), scopes=("meter",))
    assert meter.get("/api/markets/").status_code == 403
    assert meter.get("/api/windows/").status_code == 403
    with pytest.raises(NotAllowed, match="only platform accounts"):
        tokens.token_create(user=lead, name="x", scopes=["meter"])
    with pytest.raises(NotAllowed, match="meter scope and nothing else"):
        tokens.token_create(user=platform_user(), name="x", scopes=["read"])


def test_a_lead_sees_what_its_division_did_with_each_window(window):
    app = factories.DivisionFactory()
    factories.stocked(app, window.asset, 10)
    token_client(platform_user(), scopes=("meter",)).post(
        "/api/usage/", {"records": [record(app, window, units=4)]}, format="json"
    )
    response = token_client(factories.lead_of(app)).get("/api/windows/")
    assert response.status_code == 200
    row = next(r for r in response.json() if r["id"] == window.pk)
    assert (row["minted"], row["consumed"], row["utilisation"]) == (10, 4, "40.0")


def test_revenue_is_booked_idempotently_and_everyone_on_the_chain_sees_it():
    app = factories.DivisionFactory()
    lead = factories.lead_of(app)
    CurrencyRate.objects.create(currency="USD", credits_per_unit=Decimal("2"))
    body = {
        "division": app.slug, "period_start": "2026-12-01", "period_end": "2026-12-07",
        "amount": "10.50", "currency": "USD", "source": "shop", "reference": "INV-7",
    }  # fmt: skip
    client = token_client(lead)
    first = client.post("/api/revenue/", body, format="json")
    again = client.post("/api/revenue/", body, format="json")
    assert first.status_code == 201, first.json()
    assert again.status_code == 200
    assert first.json()["credits"] == "21.00"
    assert first.json()["shares"][0]["amount"] == "21.00"
    listed = client.get("/api/revenue/").json()["results"]
    assert [r["reference"] for r in listed] == ["INV-7"]
    other = token_client(factories.lead_of(factories.DivisionFactory()))
    assert other.get("/api/revenue/").json()["results"] == []
    clash = client.post("/api/revenue/", {**body, "amount": "11.00"}, format="json")
    assert clash.status_code == 409
