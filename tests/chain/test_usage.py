"""Metered consumption: exactly once per external id, overage charged, debts paid first."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connections
from django.db.models import Sum
from django.utils import timezone

from chain.errors import UsageRefused
from chain.models import UsageRecord
from chain.services import debts, expiry, usage
from ledger import services as ledger
from ledger.models import Entry, LedgerTransaction
from ledger.reconcile import differences
from market.errors import NotAllowed
from tests import factories
from tests.chain.factories import SeriesFactory, current_window, platform_user, use, window_of
from tokenhub.formatting import when


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
        2: f"The usage time {when(window.ends_at, seconds=True)} is after the delivery of "
        f"{window} ended ({when(window.ends_at)}).",
    }
    assert refused.value.codes == {1: "unknown_division", 2: "used_after_window"}
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
    # usage reported after expiry is refused (its units are gone), a retry of a booked one replays
    with pytest.raises(UsageRefused) as refused:
        use(platform, app, window, 3, "req-6", at=window.ends_at - timedelta(minutes=1), now=late)
    assert refused.value.codes == {0: "window_closed"}
    assert use(platform, app, window, 20, "req-5", now=late).replayed
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

    outcomes = _race(8, lambda i: usage.usage_batch_record(by=platform, records=batch, now=at))

    assert all(isinstance(o, list) for o in outcomes), outcomes
    assert sum(not r.replayed for o in outcomes for r in o) == 10
    assert UsageRecord.objects.count() == 10
    assert units_of(app, window) == Decimal("70.00")
    # one consumption posting for the batch: the division's holding gives 30, the window takes it
    consumed = Entry.objects.filter(transaction__reason="consume").order_by("amount")
    assert [e.amount for e in consumed] == [Decimal("-30.00"), Decimal("30.00")]
    assert ledger_sums_to_zero()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_usage_racing_expiry_never_consumes_expired_units_nor_expires_twice():
    series = SeriesFactory(window_minutes=60, gate_minutes=5, usage_grace_minutes=10)
    window = window_of(series, now=series.anchor - timedelta(minutes=30))
    platform = platform_user()
    app = factories.DivisionFactory()
    factories.stocked(app, window.asset, 40)
    at = window.ends_at - timedelta(minutes=1)
    reported = window.ends_at + timedelta(minutes=5)  # late, within the grace period
    expires = window.ends_at + timedelta(minutes=10)

    def work(i):
        if i % 2:
            return expiry.window_expire(window_id=window.pk, now=expires)
        batch = [usage.UsageInput(f"x-{i}", app.slug, window.asset.code, 10, at)]
        return usage.usage_batch_record(by=platform, records=batch, now=reported)

    outcomes = _race(8, work)

    # a batch that came after the expiry is refused: the units it would consume are gone
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, UsageRefused) and o.codes == {0: "window_closed"} for o in refused)
    assert [o for o in outcomes if isinstance(o, bool)].count(True) == 1
    records = UsageRecord.objects.all()
    consumed = sum(r.consumed for r in records)
    expired = Entry.objects.filter(transaction__reason="expire", amount__gt=0)
    expired_units = expired.aggregate(total=Sum("amount"))["total"] or 0
    assert consumed + expired_units == 40
    assert len(records) + len(refused) == 4
    assert sum(r.overage for r in records) == 10 * len(records) - consumed
    assert units_of(app, window) == 0
    assert ledger_sums_to_zero()


@pytest.mark.django_db
def test_usage_dated_in_the_future_or_outside_its_windows_delivery_is_refused_per_record(
    platform,
):
    series = SeriesFactory(window_minutes=60, gate_minutes=5, usage_grace_minutes=15)
    window = window_of(series, now=series.anchor - timedelta(minutes=30))
    app = factories.DivisionFactory()
    factories.stocked(app, window.asset, 100)
    now = window.starts_at + timedelta(minutes=10)

    def record(external_id, at):
        return usage.UsageInput(external_id, app.slug, window.asset.code, 5, at)

    batch = [
        record("ok", now - timedelta(minutes=1)),
        record("skewed", now + timedelta(seconds=30)),  # a platform clock a little ahead: fine
        record("future", now + timedelta(minutes=5)),
        record("early", window.starts_at - timedelta(seconds=1)),
    ]
    with pytest.raises(UsageRefused) as refused:
        usage.usage_batch_record(by=platform, records=batch, now=now)
    assert refused.value.codes == {2: "used_in_future", 3: "used_before_window"}
    assert refused.value.errors[2] == (
        f"The usage time {when(now + timedelta(minutes=5), seconds=True)} is in the future."
    )
    assert UsageRecord.objects.count() == 0  # all or nothing
    assert units_of(app, window) == 100
    # reported within the grace period after the end: dated after the end is refused too
    after = [record("after", window.ends_at)]
    with pytest.raises(UsageRefused) as refused:
        usage.usage_batch_record(
            by=platform, records=after, now=window.ends_at + timedelta(minutes=5)
        )
    assert refused.value.codes == {0: "used_after_window"}
    # the good records alone are booked
    outcomes = usage.usage_batch_record(by=platform, records=batch[:2], now=now)
    assert [o.record.consumed for o in outcomes] == [5, 5]


@pytest.mark.django_db
def test_usage_reported_late_is_booked_within_the_grace_period_and_refused_after_it(platform):
    series = SeriesFactory(window_minutes=60, gate_minutes=5, usage_grace_minutes=15)
    window = window_of(series, now=series.anchor - timedelta(minutes=30))
    app = factories.DivisionFactory()
    factories.stocked(app, window.asset, 100)
    at = window.ends_at - timedelta(minutes=1)
    # 14 minutes after the end: within the grace, the units are still there, nothing expired
    assert expiry.windows_expire_due(now=window.ends_at + timedelta(minutes=14)) == 0
    late = use(
        platform, app, window, 30, "late-1", at=at, now=window.ends_at + timedelta(minutes=14)
    )
    assert (late.record.consumed, late.record.overage) == (30, 0)
    # 15 minutes after: closed for reports, and the rest expires
    closed = window.ends_at + timedelta(minutes=15)
    with pytest.raises(UsageRefused) as refused:
        use(platform, app, window, 5, "late-2", at=at, now=closed)
    assert refused.value.codes == {0: "window_closed"}
    assert refused.value.errors[0] == (
        f"Usage of {window} was accepted until {when(closed)}; the window is closed and its "
        "unused units have expired or are expiring."
    )
    assert expiry.windows_expire_due(now=closed) == 1
    assert units_of(app, window) == 0
    # a retry of what was booked in time still replays
    assert use(platform, app, window, 30, "late-1", at=at, now=closed).replayed
    assert UsageRecord.objects.count() == 1
    assert ledger_sums_to_zero()


@pytest.mark.django_db
def test_a_batch_over_two_windows_and_divisions_posts_one_consumption_per_window(platform):
    first, second = current_window(), current_window()
    app, lab = factories.DivisionFactory(), factories.DivisionFactory()
    for division in (app, lab):
        factories.stocked(division, first.asset, 10)
        factories.stocked(division, second.asset, 10)
    factories.funded(lab, Decimal("100.00"))
    at = timezone.now() - timedelta(minutes=1)
    batch = [
        usage.UsageInput("b-1", app.slug, first.asset.code, 4, at),
        usage.UsageInput("b-2", lab.slug, first.asset.code, 3, at),
        usage.UsageInput("b-3", app.slug, second.asset.code, 2, at),
        usage.UsageInput("b-4", app.slug, first.asset.code, 5, at),
        usage.UsageInput("b-5", lab.slug, second.asset.code, 12, at),  # 2 beyond: overage
    ]
    outcomes = usage.usage_batch_record(by=platform, records=batch)
    assert [(o.record.consumed, o.record.overage) for o in outcomes] == [
        (4, 0), (3, 0), (2, 0), (5, 0), (10, 2)
    ]  # fmt: skip
    assert [units_of(d, w) for d in (app, lab) for w in (first, second)] == [1, 8, 7, 0]
    assert credits_of(lab) == Decimal("94.00")  # 2 × 2.00 × 1.50 paid at once
    assert LedgerTransaction.objects.filter(reason="consume").count() == 2
    assert ledger_sums_to_zero()
