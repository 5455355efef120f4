"""The chain's browser pages and admin: what a lead and management see and do."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from chain.models import CurrencyRate, PlatformAccount, RevenueRecord, RevenueTarget
from market.models import ApiToken
from tests import factories
from tests.chain.factories import SeriesFactory, platform_user, use, window_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_lead_sees_each_windows_utilisation(client):
    series = SeriesFactory(name="H100 · eu-west", window_minutes=60, gate_minutes=5)
    window = window_of(series, now=series.anchor - timedelta(minutes=30))
    app = factories.DivisionFactory()
    factories.stocked(app, window.asset, 8)
    use(platform_user(), app, window, 6, "p-1")
    client.force_login(factories.lead_of(app))
    page = client.get("/chain/windows/").content.decode()
    with timezone.override(ZoneInfo("Asia/Shanghai")):  # the reader's zone (the default)
        assert window.label in page  # the dates in the reader's language and zone
    assert "75.0%" in page


def test_a_lead_records_revenue_in_the_browser_and_sees_its_target(client):
    app = factories.DivisionFactory(name="Assistant")
    CurrencyRate.objects.create(currency="USD", credits_per_unit=Decimal("1"))
    RevenueTarget.objects.create(
        division=app, period_start="2026-12-01", period_end="2026-12-31", amount=Decimal("400")
    )
    client.force_login(factories.lead_of(app))
    form = {
        "period_start": "2026-12-01", "period_end": "2026-12-07", "amount": "100.00",
        "currency": "USD", "source": "app store", "reference": "AS-1",
    }  # fmt: skip
    response = client.post("/chain/revenue/new/", form, follow=True)
    assert RevenueRecord.objects.get().credits == Decimal("100.00")
    page = response.content.decode()
    assert "Recorded and shared: AS-1." in page
    assert "100.00 of 400.00 credits booked (25.0%)" in page


def test_a_member_cannot_record_revenue(client):
    client.force_login(factories.member_of(factories.DivisionFactory()))
    assert client.get("/chain/revenue/new/").status_code == 403


def test_management_grants_the_platform_role_in_admin_and_sees_the_token_once(client):
    client.force_login(factories.management_user())
    response = client.post(
        "/admin/chain/platformaccount/add/", {"username": "metering"}, follow=True
    )
    assert response.status_code == 200
    assert "The meter token (shown once" in response.content.decode()
    account = PlatformAccount.objects.get(username="metering")
    assert ApiToken.objects.get(user=account).scopes == "meter"


def test_management_books_revenue_in_admin(client):
    app = factories.DivisionFactory()
    CurrencyRate.objects.create(currency="EUR", credits_per_unit=Decimal("1.5"))
    client.force_login(factories.management_user())
    form = {
        "division": app.pk, "period_start": "2026-12-01", "period_end": "2026-12-01",
        "amount": "10.00", "currency": "EUR", "source": "b2b", "reference": "B-1",
        "shares-TOTAL_FORMS": 0, "shares-INITIAL_FORMS": 0,
    }  # fmt: skip
    response = client.post("/admin/chain/revenuerecord/add/", form, follow=True)
    assert response.status_code == 200
    record = RevenueRecord.objects.get()
    assert record.credits == Decimal("15.00")
    assert record.shares.get().amount == Decimal("15.00")


def test_the_admin_pages_open_for_management(client):
    SeriesFactory()
    client.force_login(factories.management_user())
    for model in ("series", "window", "usagerecord", "revenuerecord", "currencyrate",
                  "sharingrule", "revenuetarget", "platformaccount"):  # fmt: skip
        assert client.get(f"/admin/chain/{model}/").status_code == 200, model
