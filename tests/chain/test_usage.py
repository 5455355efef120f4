"""Metered consumption: exactly once per external id, overage charged, debts paid first."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connections
from django.db.models import Sum

from chain.errors import UsageRefused
from chain.models import UsageRecord
from chain.services import debts, expiry, usage
from ledger import services as ledger
from ledger.models import Entry
from ledger.reconcile import differences
from market.errors import NotAllowed
from tests import factories
from tests.chain.factories import SeriesFactory, platform_user, use, window_of


def units_of(division, window):
    account = ledger.account_get(asset=window.asset, division=division, kind="available")
    return ledger.balances_of([account.pk])[account.pk]


def credits_of(division):
    account = ledger.account_get(asset=ledger.credits_asset(), division=division, kind="available")
    return ledger.balances_of([account.pk])[account.pk]


def ledger_sums_to_zero():
    sums = Entry.objects.values("account__asset").annotate(total=Sum("amount"))
    return all(row["total"] == 0 for row in sums) and differences() == []


@pytest.fixture
def window(db):
    series = SeriesFactory(window_minutes=60, gate_minutes=5)
    return window_of(series, now=series.anchor - timedelta(minutes=30))


@pytest.fixture
def platform(db):
    return platform_user()


@pytest.mark.django_db
def test_usage_consumes_holdings_and_a_retry_books_nothing_twice(window, platform):
    app = factories.DivisionFactory()
    factories.stocked(app, window.asset, 100)
    # when
    first = use(platform, app, window, 30, "req-1")
    again = use(platform, app, window, 30, "req-1")
    # then
    assert (first.replayed, again.replayed) == (False, True)
    assert again.record.pk == first.record.pk
    assert units_of(app, window) == Decimal("70.00")
    assert first.record.consumed == 30
    assert first.record.overage == 0
    assert ledger_sums_to_zero()


@pytest.mark.django_db
def test_overage_is_charged_and_what_cannot_be_paid_is_a_debt_paid_first_from_income(
    window, platform
):
    app = factories.DivisionFactory()
    factories.stocked(app, window.asset, 10)
    factories.funded(app, Decimal("5.00"))
    # when: 14 units used, 10 held: 4 overage at 2.00 × 1.50 = 12.00, 5.00 paid now
    outcome = use(platform, app, window, 14, "req-2")
    # then
    record = outcome.record
    assert (record.consumed, record.overage, record.charge, record.paid) == (
        10, 4, Decimal("12.00"), Decimal("5.00")
    )  # fmt: skip
    assert units_of(app, window) == 0
    assert credits_of(app) == 0
    assert debts.debt_of(app.pk) == Decimal("7.00")
    # the next income pays the debt first, as it arrives (tests/market/test_income_pays_debts.py)
    factories.funded(app, Decimal("20.00"))
    assert credits_of(app) == Decimal("13.00")
    assert debts.debts_collect(division_id=app.pk) == 0  # beat's tick finds nothing left
    assert debts.debt_of(app.pk) == 0
    assert ledger_sums_to_zero()


@pytest.mark.django_db
def test_a_batch_with_one_bad_record_books_nothing_and_names_it(window, platform):
    app = factories.DivisionFactory()
    factories.stocked(app, window.asset, 100)
    at = window.starts_at + timedelta(minutes=1)
    records = [
        usage.UsageInput("ok-1", app.slug, window.asset.code, 5, at),
        usage.UsageInput("bad-1", "no-such-division", window.asset.code, 5, at),
        usage.UsageInput("late-1", app.slug, window.asset.code, 5, window.ends_at),
    ]
    with pytest.raises(UsageRefused) as refused:
        usage.usage_batch_record(by=platform, records=records)
    assert refused.value.errors == {
        1: "There is no division no-such-division.",
        2: f"The usage time is outside the window {window}.",
    }
    assert UsageRecord.objects.count() == 0
    assert units_of(app, window) == Decimal("100.00")


@pytest.mark.django_db
def test_an_external_id_reused_with_other_values_is_refused(window, platform):
    app = factories.DivisionFactory()
    use(platform, app, window, 5, "req-3")
    with pytest.raises(UsageRefused, match="1 record"):
        use(platform, app, window, 6, "req-3")


@pytest.mark.django_db
def test_only_a_platform_account_reports_usage(window):
    app = factories.DivisionFactory()
    lead = factories.lead_of(app)
    with pytest.raises(NotAllowed, match="Only a platform account"):
        use(lead, app, window, 5, "req-4")


@pytest.mark.django_db
def test_expiry_takes_the_unused_units_once_however_often_it_runs(window, platform):
    app, other = factories.DivisionFactory(), factories.DivisionFactory()
    factories.stocked(app, window.asset, 50)
    factories.stocked(other, window.asset, 7)
    use(platform, app, window, 20, "req-5")
    before_end = window.ends_at - timedelta(seconds=1)
    assert expiry.windows_expire_due(now=before_end) == 0
    # late, and twice
    late = window.ends_at + timedelta(minutes=30)
    assert expiry.windows_expire_due(now=late) == 1
    assert expiry.windows_expire_due(now=late) == 0
    assert expiry.window_expire(window_id=window.pk, now=late) is False
    assert units_of(app, window) == 0
    assert units_of(other, window) == 0
    expired = Entry.objects.filter(transaction__reason="expire", amount__gt=0)
    assert expired.aggregate(total=Sum("amount"))["total"] == Decimal("37.00")
    # usage reported after expiry is overage, never a negative holding
    record = use(platform, app, window, 3, "req-6", at=window.ends_at - timedelta(minutes=1))
    assert record.record.overage == 3
    assert ledger_sums_to_zero()


def _race(n, work):
    barrier = threading.Barrier(n)
    outcomes = []

    def run(i):
        try:
            barrier.wait()
            outcomes.append(work(i))
        except Exception as error:  # noqa: BLE001 - the test counts what happened
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_retries_of_one_batch_at_once_book_it_once():
    series = SeriesFactory(window_minutes=60, gate_minutes=5)
    window = window_of(series, now=series.anchor - timedelta(minutes=30))
    platform = platform_user()
    app = factories.DivisionFactory()
    factories.stocked(app, window.asset, 100)
    at = window.starts_at + timedelta(minutes=1)
    batch = [usage.UsageInput(f"r-{i}", app.slug, window.asset.code, 3, at) for i in range(10)]

    outcomes = _race(8, lambda i: usage.usage_batch_record(by=platform, records=batch))

    assert all(isinstance(o, list) for o in outcomes), outcomes
    assert sum(not r.replayed for o in outcomes for r in o) == 10
    assert UsageRecord.objects.count() == 10
    assert units_of(app, window) == Decimal("70.00")
    assert Entry.objects.filter(transaction__reason="consume").count() == 20
    assert ledger_sums_to_zero()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_usage_racing_expiry_never_consumes_expired_units_nor_expires_twice():
    series = SeriesFactory(window_minutes=60, gate_minutes=5)
    window = window_of(series, now=series.anchor - timedelta(minutes=30))
    platform = platform_user()
    app = factories.DivisionFactory()
    factories.stocked(app, window.asset, 40)
    at = window.ends_at - timedelta(minutes=1)
    late = window.ends_at + timedelta(minutes=1)

    def work(i):
        if i % 2:
            return expiry.window_expire(window_id=window.pk, now=late)
        batch = [usage.UsageInput(f"x-{i}", app.slug, window.asset.code, 10, at)]
        return usage.usage_batch_record(by=platform, records=batch)

    outcomes = _race(8, work)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert [o for o in outcomes if isinstance(o, bool)].count(True) == 1
    records = UsageRecord.objects.all()
    consumed = sum(r.consumed for r in records)
    expired = Entry.objects.filter(transaction__reason="expire", amount__gt=0)
    expired_units = expired.aggregate(total=Sum("amount"))["total"] or 0
    assert consumed + expired_units == 40
    assert sum(r.overage for r in records) == 40 - consumed
    assert units_of(app, window) == 0
    assert ledger_sums_to_zero()
