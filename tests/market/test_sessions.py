"""Sessions: markets grouped by management so their rounds open and close together."""

from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from market.errors import NotAllowed
from market.models import Market, Order, Round, Session, SessionRound
from market.services import rounds, sessions
from tests import factories
from tests.factories import ask, bid
from tests.invariants import assert_ledger_reconciles


def new_session(management, *markets, minutes=5):
    session = sessions.session_save(
        user=management,
        session=Session(name="Next week", slug="next-week", round_minutes=minutes),
    )
    Market.objects.filter(pk__in=[m.pk for m in markets]).update(session=session)
    return session


@pytest.fixture
def two_markets(db):
    return factories.MarketFactory(), factories.MarketFactory()


def test_only_management_creates_sessions_and_each_change_is_audited(management, auditor, lead):
    for outsider in (auditor, lead):
        with pytest.raises(NotAllowed):
            sessions.session_save(user=outsider, session=Session(name="x", slug="x"))
    session = new_session(management)
    session.round_minutes = 10
    sessions.session_save(user=management, session=session)
    changes = LogEntry.objects.get_for_object(session).order_by("timestamp")
    assert [entry.action for entry in changes] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]


def test_a_session_schedules_one_round_of_each_market_at_the_same_times(management, two_markets):
    session = new_session(management, *two_markets, minutes=7)
    # a market in a session no longer schedules its own rounds
    assert rounds.round_schedule_next(market_id=two_markets[0].pk) is None
    # when
    assert sessions.session_rounds_tick() == []
    # then
    session_round = SessionRound.objects.get(session=session)
    assert session_round.state == "open"
    market_rounds = list(Round.objects.filter(session_round=session_round))
    assert sorted(r.market_id for r in market_rounds) == sorted(m.pk for m in two_markets)
    assert {(r.state, r.opens_at, r.closes_at) for r in market_rounds} == {
        ("open", session_round.opens_at, session_round.closes_at)
    }
    assert session_round.closes_at - session_round.opens_at == timedelta(minutes=7)
    # and a second tick schedules nothing more
    sessions.session_rounds_tick()
    assert SessionRound.objects.count() == 1


def test_the_rounds_close_together_and_clear_as_plain_rounds(management, two_markets):
    # given: the same book in a market of the session and in a plain market
    new_session(management, *two_markets)
    sessions.session_rounds_tick()
    in_session = Round.objects.get(market=two_markets[0])
    plain = factories.open_round()
    for round_ in (in_session, plain):
        asset = round_.market.asset
        buyer, seller = factories.trader(Decimal(100)), factories.trader(0, 10, asset)
        bid(buyer, round_, 6, "3.00")
        ask(seller, round_, 5, "2.00")
    # when: the session round's time is up
    later = in_session.closes_at + timedelta(seconds=1)
    finishing = sessions.session_rounds_tick(now=later)
    # then: every round of the session round closed in the same tick
    assert Round.objects.filter(session_round__isnull=False, state="closed").count() == 2
    assert rounds.rounds_due(now=later)["finish"] == []  # not finished one by one
    assert sessions.session_round_finish(session_round_id=finishing[0]) == "settled"
    assert sessions.session_round_finish(session_round_id=finishing[0]) == "settled"
    factories.close_and_finish(plain)
    in_session.refresh_from_db()
    expected = (Decimal("2.50"), 5)
    assert (in_session.price, in_session.volume) == (plain.price, plain.volume) == expected
    assert sorted(Order.objects.values_list("state", flat=True)) == ["filled"] * 2 + ["partial"] * 2
    assert_ledger_reconciles()


def test_management_manages_sessions_in_admin_and_auditors_only_read(
    management, auditor, client, two_markets
):
    client.force_login(management)
    response = client.post(
        reverse("admin:market_session_add"),
        {
            "name": "Daily noon",
            "slug": "daily-noon",
            "round_minutes": "60",
            "gap_minutes": "0",
            "markets-TOTAL_FORMS": "0",
            "markets-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LogEntry.objects.get_for_object(Session.objects.get()).get().actor == management
    client.force_login(auditor)
    assert client.get(reverse("admin:market_session_changelist")).status_code == 200
    assert client.get(reverse("admin:market_session_add")).status_code == 403
