"""The market-health view: figures kept at settlement, a fixed number of queries, alerts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event
from market.models import Round
from oversight.models import AlertRaised, HealthAlert, RoundShare, RoundStats
from oversight.selectors.health import market_health
from tests import factories

D = Decimal


BASE_PRICE = D("2.00")


def synthetic(market, buyers, sellers, rounds, *, start=None, price=BASE_PRICE):
    """``rounds`` settled rounds of figures (no orders): each division buys or sells in turn."""
    start = start or timezone.now() - timedelta(days=300)
    made = Round.objects.bulk_create(
        Round(
            market=market,
            number=10_000 + i,
            state="settled",
            opens_at=start + timedelta(hours=i),
            closes_at=start + timedelta(hours=i, minutes=5),
            tick=D("0.01"),
            rule="midpoint",
            price=price + D(i % 7) / 10,
            volume=10,
        )
        for i in range(rounds)
    )
    RoundStats.objects.bulk_create(
        RoundStats(
            round=r,
            market=market,
            settled_at=r.closes_at,
            price=r.price,
            volume=10,
            bid_units=15,
            ask_units=12,
        )
        for r in made
    )
    RoundShare.objects.bulk_create(
        [
            RoundShare(
                round=r,
                market=market,
                division=who,
                side=side,
                units=10,
                settled_at=r.closes_at,
            )
            for i, r in enumerate(made)
            for who, side in ((buyers[i % len(buyers)], "buy"), (sellers[i % len(sellers)], "sell"))
        ]
    )
    return made


def test_settlement_keeps_the_rounds_figures(db):
    round_ = factories.open_round()
    buyer = factories.trader(D(100))
    seller = factories.trader(D(0), units=10, asset=round_.market.asset)
    factories.bid(buyer, round_, 8, "3.00")
    factories.ask(seller, round_, 5, "2.00")

    factories.close_and_finish(round_)

    stats = RoundStats.objects.get(round=round_)
    assert (stats.volume, stats.unfilled_demand, stats.unsold_supply) == (5, 3, 0)
    shares = set(RoundShare.objects.filter(round=round_).values_list("side", "units"))
    assert shares == {("buy", 5), ("sell", 5)}


def raised_on(rounds, alert):
    """Alerts raised (and announced) on these rounds, as settlement writes them."""
    round_type = ContentType.objects.get_for_model(Round)
    events = Event.objects.bulk_create(
        Event(
            kind="health.alert",
            subject_type=round_type,
            subject_id=r.pk,
            data={"alert_kind": "no_trade", "round": r.pk, "market": r.market_id, "number": 1},
        )
        for r in rounds
    )
    AlertRaised.objects.bulk_create(
        AlertRaised(alert=alert, round=r, kind=alert.kind, event=e, raised_at=r.closes_at)
        for r, e in zip(rounds, events, strict=True)
    )


def queries_for(user):
    with CaptureQueriesContext(connection) as queries:
        market_health(user=user)
    return len(queries)


def test_the_view_costs_the_same_queries_for_a_day_or_a_year_of_rounds(db, management):
    market = factories.MarketFactory()
    divisions = [factories.DivisionFactory() for _ in range(4)]
    HealthAlert.objects.create(kind="price_move", threshold=D("10"))
    HealthAlert.objects.create(kind="division_share", threshold=D("40"))
    HealthAlert.objects.create(kind="no_trade")
    synthetic(market, divisions[:2], divisions[2:], 3)
    queries_for(management)  # the role check's one query is then cached on the user
    few = queries_for(management)

    made = synthetic(factories.MarketFactory(), divisions[:1], divisions[1:], 2000)
    raised_on(made[-50:], HealthAlert.objects.get(kind="no_trade"))
    many = queries_for(management)

    assert few == many <= 16  # 13 + utilisation: per day, per division, the latest windows


def test_concentration_and_shares_per_market_and_month(db, management):
    market = factories.MarketFactory()
    big, small, seller = (factories.DivisionFactory() for _ in range(3))
    synthetic(market, [big, big, big, small], [seller], 8, start=timezone.now() - timedelta(days=2))

    health = market_health(user=management)

    (period,) = next(m for m in health.markets if m.market == market).periods
    assert period.bought == {big.pk: 60, small.pk: 20}
    assert period.hhi_buy == 75 * 75 + 25 * 25  # 6,250
    assert period.top_buyer == (big.name, D("75.0"))
    assert (period.hhi_sell, period.top_seller) == (10_000, (seller.name, D("100.0")))
    assert (period.unfilled_demand, period.unsold_supply) == (8 * 5, 8 * 2)


def test_alerts_management_set_are_shown(db, management, client):
    market = factories.MarketFactory()
    big, seller = factories.DivisionFactory(), factories.DivisionFactory()
    synthetic(market, [big], [seller], 3, start=timezone.now() - timedelta(days=1))
    HealthAlert.objects.create(kind="division_share", threshold=D("90"))
    HealthAlert.objects.create(kind="price_move", threshold=D("4"), market=market)
    client.force_login(management)

    html = client.get("/oversight/health/").content.decode()

    assert f"{big.name} is 100.0% of the volume as buyer" in html
    assert "price moved 5.0%" in html  # 2.00 -> 2.10


def test_division_leads_cannot_see_the_health_view(db, lead, client):
    client.force_login(lead)

    response = client.get("/oversight/health/")

    assert response.status_code == 403


def test_auditors_read_the_view_but_cannot_set_alerts(db, auditor, client):
    client.force_login(auditor)

    assert client.get("/oversight/health/").status_code == 200
    assert client.get("/admin/oversight/healthalert/").status_code == 200
    assert client.get("/admin/oversight/healthalert/add/").status_code == 403


def test_admin_links_to_the_health_view(db, management, client):
    client.force_login(management)

    assert 'href="/oversight/health/"' in client.get("/admin/").content.decode()
    page = client.get("/admin/oversight/healthalert/").content.decode()
    assert 'href="/oversight/health/"' in page


@pytest.mark.parametrize("months", ["x", "-1", "٣", "9999999999999999999"])
def test_odd_periods_do_not_break_the_view(db, management, client, months):
    client.force_login(management)

    assert client.get("/oversight/health/", {"months": months}).status_code == 200


def test_the_view_speaks_chinese_to_a_chinese_reader(db, management, client):
    client.force_login(management)

    html = client.get("/oversight/health/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "市场健康" in html
    assert "事业部份额" in html


def test_management_sets_an_alert_in_admin_with_a_reason_and_it_is_audited(db, management, client):
    from auditlog.models import LogEntry

    client.force_login(management)

    response = client.post(
        "/admin/oversight/healthalert/add/",
        {"kind": "price_move", "threshold": "15", "market": "", "reason": "Watch the spikes"},
    )

    assert response.status_code == 302
    alert = HealthAlert.objects.get()
    assert (alert.set_by, alert.reason, alert.updated_at is not None) == (
        management,
        "Watch the spikes",
        True,
    )
    assert LogEntry.objects.get_for_object(alert).count() == 1
    page = client.get(f"/admin/oversight/healthalert/{alert.pk}/change/").content.decode()
    assert "Watch the spikes" in page
    client.post(f"/admin/oversight/healthalert/{alert.pk}/delete/", {"post": "yes"})
    assert not HealthAlert.objects.exists()
