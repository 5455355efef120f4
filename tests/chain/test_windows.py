"""Rolling delivery windows: listed ahead by beat, named by their dates, closed at the gate."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from chain.labels import window_label_local
from chain.models import Window
from chain.services import windows
from ledger import services as ledger
from market.models import Round, Session
from market.services import rounds, sessions
from tests import factories
from tests.chain.factories import SeriesFactory

pytestmark = pytest.mark.django_db


def test_beat_lists_the_next_windows_ahead_once(settings):
    settings.TIME_ZONE = "UTC"
    anchor = datetime(2026, 12, 7, tzinfo=UTC)  # a Monday
    series = SeriesFactory(name="H100 · eu-west", anchor=anchor, window_minutes=7 * 1440)
    now = anchor - timedelta(days=3)
    # when
    first = windows.series_windows_ensure(series_id=series.pk, now=now)
    again = windows.series_windows_ensure(series_id=series.pk, now=now)
    # then
    assert [w.asset.name for w in first] == [
        "H100 · eu-west · 2026-12-07–13",
        "H100 · eu-west · 2026-12-14–20",
    ]
    assert again == []
    market = first[0].market
    assert market.name == "H100 · eu-west · 2026-12-07–13"
    with translation.override("zh-hans"):
        assert first[0].label == "H100 · eu-west · 12月7日–13日"
    with translation.override("en"):
        assert first[0].label == "H100 · eu-west · 7–13 Dec"
    assert market.trading_ends_at == anchor - timedelta(minutes=series.gate_minutes)


def test_a_started_window_is_never_listed_and_the_next_ones_roll_in():
    series = SeriesFactory(window_minutes=60, windows_ahead=2, gate_minutes=10)
    now = series.anchor + timedelta(minutes=95)  # window 1 has started
    created = windows.series_windows_ensure(series_id=series.pk, now=now)
    assert [w.number for w in created] == [2, 3]
    assert all(w.starts_at > now for w in created)


def test_window_names_say_the_dates_without_month_names(settings):
    """Stored names read alike in English and Chinese: numbers only, times with their zone."""
    settings.TIME_ZONE = "UTC"
    day = datetime(2026, 11, 30, tzinfo=UTC)
    assert windows.window_label(day, day + timedelta(days=7)) == "2026-11-30–12-06"
    assert windows.window_label(day, day + timedelta(days=1)) == "2026-11-30"
    start = day + timedelta(hours=14)
    assert windows.window_label(start, start + timedelta(minutes=10)) == (
        "2026-11-30 14:00–14:10 UTC"
    )


@pytest.mark.parametrize(
    ("language", "week", "day", "slot"),
    [
        ("en", "30 Nov–6 Dec", "7–13 Dec", "30 Nov 22:00–22:10 UTC+8"),
        ("zh-hans", "11月30日–12月6日", "12月7日–13日", "11月30日 22:00–22:10 UTC+8"),
    ],
)
def test_pages_show_window_dates_in_the_readers_language_and_zone(language, week, day, slot):
    monday = datetime(2026, 11, 29, 16, tzinfo=UTC)  # 30 Nov 00:00 in Shanghai
    with translation.override(language), timezone.override(ZoneInfo("Asia/Shanghai")):
        assert window_label_local(monday, monday + timedelta(days=7)) == week
        assert window_label_local(monday + timedelta(days=7), monday + timedelta(days=14)) == day
        start = monday + timedelta(hours=22)
        assert window_label_local(start, start + timedelta(minutes=10)) == slot


def test_rounds_stop_at_gate_closure():
    series = SeriesFactory(window_minutes=60, gate_minutes=30, round_minutes=20)
    now = timezone.now()
    series.anchor = now + timedelta(minutes=45)  # gate closes in 15 minutes
    series.save()
    window = windows.series_windows_ensure(series_id=series.pk, now=now)[0]
    # the last round is cut short at the gate, and none follows it
    first = rounds.round_schedule_next(market_id=window.market_id, now=now)
    assert first.closes_at == window.gate_closes_at
    Round.objects.filter(pk=first.pk).update(state=Round.State.SETTLED)
    assert rounds.round_schedule_next(market_id=window.market_id, now=now) is None


def test_the_recurring_mint_gives_each_window_its_capacity_once():
    cloud = factories.DivisionFactory()
    series = SeriesFactory(mint_division=cloud, mint_units=500, window_minutes=60, gate_minutes=5)
    now = series.anchor + timedelta(minutes=1)
    created = windows.series_windows_ensure(series_id=series.pk, now=now)
    windows.series_windows_ensure(series_id=series.pk, now=now)
    for window in created:
        account = ledger.account_get(asset=window.asset, division=cloud, kind="available")
        assert ledger.balances_of([account.pk])[account.pk] == Decimal("500.00")
    assert Window.objects.count() == 2


def test_a_series_in_a_session_lists_windows_that_trade_in_session_rounds():
    session = sessions.session_save(
        user=factories.management_user(), session=Session(name="GPU + tokens", slug="gpu-tok")
    )
    now = timezone.now()
    anchor = now + timedelta(minutes=30)
    gpu = SeriesFactory(anchor=anchor, window_minutes=60, gate_minutes=5, session=session)
    tok = SeriesFactory(
        kind="tokens", model_name="m", anchor=anchor, window_minutes=60, gate_minutes=5
    )
    tok.session = session  # management links it later: the next windows listed join
    tok.save(update_fields=["session"])
    listed = [*windows.series_windows_ensure(series_id=gpu.pk, now=now)]
    listed += windows.series_windows_ensure(series_id=tok.pk, now=now)
    # no round of its own: the session schedules one round of each window together
    assert all(w.market.session_id == session.pk for w in listed)
    assert rounds.round_schedule_next(market_id=listed[0].market_id, now=now) is None
    session_round = sessions.session_round_schedule_next(session_id=session.pk, now=now)
    assert session_round.market_rounds.count() == len(listed) == 4
