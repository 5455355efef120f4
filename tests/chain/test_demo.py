"""The demo's chain loop on embedded defaults: windows, trading, metering, revenue, expiry."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum

from chain import demo
from chain.models import RevenueShare, UsageRecord, Window
from chain.services import expiry
from ledger.models import Entry
from market import demo as market_demo
from market.models import Round, SessionRound
from market.services import rounds, sessions
from tests.factories import bid

User = get_user_model()


@pytest.mark.django_db
def test_the_demo_runs_the_whole_loop_and_seeding_twice_changes_nothing():
    market_demo.seed_all()
    demo.seed_chain()
    demo.seed_chain()
    demo.start()
    # the next window's gate may have just closed (the last 3 minutes before it starts)
    assert 2 * (demo.AHEAD - 1) <= Window.objects.count() <= 2 * demo.AHEAD
    open_rounds = Round.objects.filter(state="open", market__window__isnull=False)
    assert open_rounds.exists()
    assert all(r.orders.exists() for r in open_rounds)
    # the lab and the assistant outbid everyone once (the demo's own prices are random)
    for round_ in open_rounds:
        kind = round_.market.asset.kind
        who, price = ("model-lab", "9.00") if kind == "gpu" else ("assistant", "5.00")
        bid(User.objects.get(username=f"{who}-lead"), round_, 10, price)
    # the rounds clear and settle: the windows trade in the demo's session, with its bundles
    for round_ in open_rounds.filter(session_round=None):
        rounds.round_close(round_id=round_.pk, now=round_.closes_at)
        rounds.round_finish(round_id=round_.pk)
    session_round = SessionRound.objects.get(state="open")
    assert session_round.bundles.exists()
    sessions.session_round_close(session_round_id=session_round.pk, now=session_round.closes_at)
    assert sessions.session_round_finish(session_round_id=session_round.pk) == "settled"
    assert not session_round.bundles.filter(state="open").exists()
    # delivery: the platform meters, the assistant books revenue, the window expires (the
    # first window that traded: one whose gate closes within the session round does not)
    window = Window.objects.filter(market__rounds__state="settled").order_by("starts_at")[0]
    during = window.starts_at + timedelta(minutes=1)
    assert demo.meter(now=during) > 0
    assert demo.book_revenue(now=during)
    assert not demo.book_revenue(now=during)  # the same five minutes: booked once
    assert expiry.windows_expire_due(now=window.ends_at) >= 1
    assert UsageRecord.objects.exists()
    shares = RevenueShare.objects.values_list("division__slug", flat=True)
    assert {"assistant", "model-lab", "cloud"} <= set(shares)
    sums = Entry.objects.values("account__asset").annotate(total=Sum("amount"))
    assert all(row["total"] == 0 for row in sums)
