"""A delivery window's market is named with its window's times in the reader's language and
time zone wherever a page names it; its stored name keeps the times it was created with (UTC)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from accounts.services import preferences_set
from market.forms_bundles import BundleForm
from market.models import Market, Session, SessionRound
from market.services import bundles, sessions
from market.services.bundles import LegInput
from tests import factories
from tests.chain.factories import SeriesFactory, window_of

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")
SHANGHAI_TIMES = "08:00–08:10 UTC+8"
UTC_TIMES = "00:00–00:10 UTC"


def window_market():
    """A 10-minute window tomorrow 00:00–00:10 UTC (08:00–08:10 in Shanghai), listed by beat
    in the server's zone (UTC)."""
    now = timezone.now()
    anchor = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    series = SeriesFactory(
        name="H100 · eu-west", anchor=anchor, window_minutes=10, gate_minutes=5, windows_ahead=1
    )
    with timezone.override(UTC):
        return window_of(series, now=now).market


def reader(division, time_zone):
    user = factories.lead_of(division)
    preferences_set(user=user, language="zh-hans", time_zone=time_zone)
    return user


def page(client, user, url):
    client.force_login(user)
    return client.get(url).content.decode()


def test_a_window_market_reads_in_the_readers_time_zone_on_every_page(client):
    # given a window market whose stored name fixed its times in UTC, an order in it and
    # units of its window held
    market = window_market()
    assert market.name.endswith(UTC_TIMES)
    lead = factories.trader()
    order = factories.bid(lead, factories.open_round(market), 1, "1.00")
    division = factories.stocked(lead.membership.division, market.asset, 5)
    in_shanghai, in_utc = reader(division, "Asia/Shanghai"), reader(division, "UTC")
    urls = ["/markets/", f"/markets/{market.slug}/", "/dashboard/", "/orders/"]
    urls += [f"/orders/{order.public_id}/", f"/ledger/?asset={market.asset.code}"]
    for url in urls:
        # when a reader in Shanghai and one in UTC look at the same page
        shanghai, utc = page(client, in_shanghai, url), page(client, in_utc, url)
        # then each sees the window's times in their own zone, 8 hours apart
        assert SHANGHAI_TIMES in shanghai, url
        assert UTC_TIMES not in shanghai, url
        assert UTC_TIMES in utc, url
        assert SHANGHAI_TIMES not in utc, url


def test_bundle_pages_name_a_window_market_in_the_readers_time_zone(client):
    # given a window market trading in a session, and a bundle with a leg in it
    market = window_market()
    session = sessions.session_save(
        user=factories.management_user(), session=Session(name="Windows", slug="windows")
    )
    Market.objects.filter(pk=market.pk).update(session=session)
    sessions.session_rounds_tick()
    session_round = SessionRound.objects.get()
    lead = factories.trader()
    bundle = bundles.bundle_place(
        user=lead,
        session_round_id=session_round.pk,
        limit="5.00",
        legs=[LegInput(market.pk, "buy", 1)],
    )
    division = lead.membership.division
    in_shanghai, in_utc = reader(division, "Asia/Shanghai"), reader(division, "UTC")
    urls = ["/bundles/", f"/bundles/{bundle.public_id}/"]
    urls.append(f"/session-rounds/{session_round.pk}/bundles/new/")
    for url in urls:
        shanghai, utc = page(client, in_shanghai, url), page(client, in_utc, url)
        assert SHANGHAI_TIMES in shanghai, url
        assert UTC_TIMES not in shanghai, url
        assert UTC_TIMES in utc, url


def test_the_bundle_forms_market_names_read_in_the_readers_zone():
    market = window_market()
    round_ = factories.open_round(market)
    with translation.override("zh-hans"), timezone.override(ZoneInfo("Asia/Shanghai")):
        names = BundleForm(rounds=[round_]).market_names
        assert names[str(market.pk)].endswith(SHANGHAI_TIMES)
        assert str(market).startswith("H100 · eu-west · ")
    # the stored name, a record, is left as it was written
    market.refresh_from_db()
    assert market.name.endswith(UTC_TIMES)


def test_a_market_without_a_window_keeps_its_name_without_a_lookup(django_assert_num_queries):
    market = factories.MarketFactory(name="H100 spot")
    with django_assert_num_queries(0):
        assert market.display_name == "H100 spot"
        assert str(market) == "H100 spot"
