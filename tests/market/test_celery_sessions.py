"""A real Celery worker with beat, on a real Redis broker, drives a session round with a
bundle from open to settled: the tick opens and closes its rounds together and one
`market.session_round_finish` task clears and settles them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ledger.models import LedgerTransaction
from market.models import Bundle, Market, Round, Session, SessionRound
from market.services import bundles, sessions
from market.services.bundles import LegInput
from tests import factories
from tests.factories import ask
from tests.invariants import assert_ledger_reconciles
from tests.market.test_celery_worker import pytestmark, wait_for, worker  # noqa: F401

__all__ = ["pytestmark", "worker"]


@pytest.mark.django_db(transaction=True)
def test_a_worker_opens_closes_clears_and_settles_a_session_round(worker):  # noqa: F811
    # given: a session of two markets whose first session round the worker opens
    session = sessions.session_save(
        user=factories.management_user(), session=Session(name="Next week", slug="next-week")
    )
    gpu, tok = factories.MarketFactory(session=session), factories.MarketFactory(session=session)
    assert wait_for(lambda: SessionRound.objects.filter(state="open").exists(), 30)
    session_round = SessionRound.objects.get()
    for market, limit in ((gpu, "2.00"), (tok, "3.00")):
        seller = factories.trader(Decimal(0), units=10, asset=market.asset)
        ask(seller, Round.objects.get(market=market), 10, limit)
    buyer = factories.trader(Decimal(100))
    bundles.bundle_place(
        user=buyer,
        session_round_id=session_round.pk,
        limit="50.00",
        legs=[LegInput(gpu.pk, "buy", 10), LegInput(tok.pk, "buy", 5)],
    )
    soon = timezone.now() + timedelta(seconds=2)
    SessionRound.objects.filter(pk=session_round.pk).update(closes_at=soon)
    Round.objects.filter(session_round=session_round).update(closes_at=soon)

    # then: the tick closes both rounds and the worker clears and settles them with the bundle
    settled = lambda: SessionRound.objects.get(pk=session_round.pk).state == "settled"  # noqa: E731
    assert wait_for(settled, 60), worker.pid
    assert Bundle.objects.get().state == "accepted"
    assert set(
        Round.objects.filter(session_round=session_round).values_list("state", flat=True)
    ) == {"settled"}
    assert LedgerTransaction.objects.filter(reason="trade").count() == 1
    assert Market.objects.filter(session=session).count() == 2
    assert_ledger_reconciles()
