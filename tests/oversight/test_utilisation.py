"""Utilisation of delivered capacity: kept once per ended window, shown on the health view
per series, division and window, in the same number of queries however many windows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chain.services import expiry
from oversight import tasks
from oversight.models import DivisionUtilisation, WindowUtilisation
from oversight.selectors.health import market_health
from oversight.services.utilisation import utilisation_record, utilisation_record_due
from tests import factories
from tests.chain.factories import SeriesFactory, platform_user, use, window_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended():
    """A window the lab was minted 100 units of and the app 20; the lab used 60 and the app
    5 plus 3 beyond its holdings; then the window ended and the rest expired."""
    series = SeriesFactory(window_minutes=60, gate_minutes=5, overage_price="2.00")
    window = window_of(series, now=series.anchor - timedelta(minutes=30))
    lab, app = factories.DivisionFactory(), factories.DivisionFactory()
    factories.funded(app)
    factories.stocked(lab, window.asset, 100)
    factories.stocked(app, window.asset, 20)
    meter = platform_user()
    use(meter, lab, window, 60, "lab-1")
    use(meter, app, window, 5, "app-1")
    use(meter, app, window, 18, "app-2")  # 15 left: 3 units of overage
    assert expiry.window_expire(window_id=window.pk, now=window.ends_at + timedelta(minutes=1))
    return window, lab, app


def test_an_ended_window_keeps_what_was_delivered_consumed_and_expired(ended):
    window, lab, app = ended

    assert utilisation_record_due() == 1

    kept = WindowUtilisation.objects.get(window=window)
    assert (kept.delivered, kept.consumed, kept.expired, kept.overage) == (120, 80, 40, 3)
    rows = {
        d.division_id: (d.held, d.consumed, d.expired, d.overage)
        for d in DivisionUtilisation.objects.filter(window=window)
    }
    assert rows == {lab.pk: (100, 60, 40, 0), app.pk: (20, 20, 0, 3)}


def test_a_window_is_kept_once_and_only_after_it_expired(ended):
    window, _, _ = ended
    fresh = window_of(window.series, now=window.starts_at)  # not ended: nothing to keep

    assert tasks.utilisation_record() == 1
    assert tasks.utilisation_record() == 0
    assert utilisation_record(window_id=window.pk) is False
    assert utilisation_record(window_id=fresh.pk) is False
    assert WindowUtilisation.objects.count() == 1
    assert DivisionUtilisation.objects.count() == 2


def test_the_health_view_shows_utilisation_per_series_division_and_window(ended, auditor, client):
    window, lab, app = ended
    utilisation_record_due()
    client.force_login(auditor)

    html = client.get("/oversight/health/").content.decode()

    assert 'data-chart="utilisation"' in html
    assert f"{window.series.name}" in html
    assert "66.7% used" in html  # 80 of 120
    assert f'<th scope="row">{lab.name}</th><td class="num">100</td>' in html
    assert '<td class="num">60.0%</td>' in html  # the lab used 60 of its 100
    assert f'<th scope="row">{window.asset.name}</th>' in html


def test_the_view_reads_the_same_queries_for_one_window_or_many(ended, management):
    window, _, _ = ended
    utilisation_record_due()
    health = market_health(user=management)  # the role check's one query is then cached
    (series,) = health.utilisation.series
    assert (series.total.delivered, series.total.utilisation) == (120, Decimal("66.7"))

    with CaptureQueriesContext(connection) as one:
        market_health(user=management)
    later = window
    for _ in range(6):  # six more windows of the series end, each with its own mint
        later = window_of(later.series, now=later.ends_at)
        factories.stocked(factories.DivisionFactory(), later.asset, 10)
        expiry.window_expire(window_id=later.pk, now=later.ends_at + timedelta(minutes=1))
    assert utilisation_record_due() == 6
    with CaptureQueriesContext(connection) as seven:
        market_health(user=management)

    assert len(one) == len(seven)
    assert len(market_health(user=management).utilisation.latest) == 7
