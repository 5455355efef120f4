"""The demo seeds a session: its GPU and token windows trade in session rounds, and demo agents
place bundles in each open session round, so a newcomer sees linked bids; seeding is idempotent."""

import pytest
from django.db.models import Sum

from chain import demo as chain_demo
from chain.models import Series
from ledger.models import Entry, LedgerTransaction
from market import demo, demo_sessions, roles
from market.models import Bundle, BundleLeg, Market, Order, Session, SessionRound

pytestmark = pytest.mark.django_db


def _seed() -> None:
    demo.seed_all()
    chain_demo.seed_chain()
    chain_demo.start()  # lists the windows, opens the session round, one demo trade


def test_the_demo_trades_its_windows_in_a_session_round_with_bundles():
    # when
    _seed()
    # then
    session = Session.objects.get()
    assert session.slug == demo_sessions.SESSION_SLUG
    assert set(Series.objects.values_list("session", flat=True)) == {session.pk}
    session_round = SessionRound.objects.get(session=session, state="open")
    markets = Market.objects.filter(rounds__session_round=session_round)
    assert {m.asset.kind for m in markets} == {"gpu", "tokens"}
    assert all(r.orders.exists() for r in session_round.market_rounds.all())
    bundles = Bundle.objects.filter(session_round=session_round, state="open")
    assert {b.division.slug for b in bundles} == {"maas", "model-lab"}
    for bundle in bundles:
        assert roles.is_demo_agent(bundle.placed_by)
        legs = list(bundle.legs.select_related("round__market__asset"))
        assert {leg.round.market.asset.kind for leg in legs} == {"gpu", "tokens"}
        # both legs deliver in the same window
        assert len({leg.round.market.asset.delivery_start for leg in legs}) == 1
    maas = bundles.get(division__slug="maas")
    assert {leg.side for leg in maas.legs.all()} == {"buy"}
    lab = bundles.get(division__slug="model-lab")
    assert {leg.side for leg in lab.legs.all()} == {"buy", "sell"}


def test_seeding_and_trading_twice_changes_nothing():
    _seed()
    models = (Session, SessionRound, Bundle, BundleLeg, Order, Market, LedgerTransaction)
    first = {model: model.objects.count() for model in models}
    # when
    _seed()
    demo.demo_trade()
    # then
    assert {model: model.objects.count() for model in models} == first
    sums = Entry.objects.values("account__asset").annotate(total=Sum("amount"))
    assert all(row["total"] == 0 for row in sums)


def test_an_earlier_demos_series_and_its_listed_windows_join_the_session():
    _seed()
    Series.objects.update(session=None)  # as an earlier demo left them
    Market.objects.update(session=None)
    # when
    chain_demo.seed_chain()
    # then
    session = Session.objects.get()
    assert set(Series.objects.values_list("session", flat=True)) == {session.pk}
    listed = Market.objects.filter(window__expired_at=None)
    assert listed.exists()
    assert set(listed.values_list("session", flat=True)) == {session.pk}
