"""Two workers finishing one session round with a bundle settle it once; a bundle placed while
the session round closes either goes in before the close (and clears) or is refused."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connections

from ledger.models import LedgerTransaction
from market import tasks
from market.errors import InvalidState
from market.models import Bundle, Round
from market.services import bundles, sessions
from market.services.bundles import LegInput
from tests import factories
from tests.invariants import assert_ledger_reconciles

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def session_book():
    session_round, (gpu, tok) = factories.open_session_round()
    for market in (gpu, tok):
        seller = factories.trader(Decimal(0), units=10, asset=market.asset)
        factories.ask(seller, Round.objects.get(market=market), 10, "1.00")
    buyer = factories.trader(Decimal(100))
    return session_round, gpu, tok, buyer


def run_together(*actions):
    barrier, results = threading.Barrier(len(actions)), [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as error:  # noqa: BLE001 - the refusal is the result
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_workers_finishing_a_session_round_settle_it_once():
    session_round, gpu, tok, buyer = session_book()
    bundles.bundle_place(
        user=buyer,
        session_round_id=session_round.pk,
        limit="30.00",
        legs=[LegInput(gpu.pk, "buy", 10), LegInput(tok.pk, "buy", 10)],
    )
    sessions.session_rounds_tick(now=session_round.closes_at + timedelta(seconds=1))
    finish = lambda: tasks.session_round_finish(session_round.pk)  # noqa: E731
    assert run_together(finish, finish) == ["settled", "settled"]
    assert LedgerTransaction.objects.filter(reason="trade").count() == 1
    assert Bundle.objects.get().state == "accepted"
    assert_ledger_reconciles()


def test_a_bundle_racing_the_close_is_either_in_or_refused():
    session_round, gpu, tok, buyer = session_book()
    later = session_round.closes_at + timedelta(seconds=1)

    def place():
        return bundles.bundle_place(
            user=buyer,
            session_round_id=session_round.pk,
            limit="30.00",
            legs=[LegInput(gpu.pk, "buy", 10), LegInput(tok.pk, "buy", 10)],
        )

    def close():
        return sessions.session_round_close(session_round_id=session_round.pk, now=later)

    placed, closed = run_together(place, close)
    assert closed is True
    tasks.session_round_finish(session_round.pk)
    if isinstance(placed, InvalidState):
        assert Bundle.objects.count() == 0
    else:
        assert Bundle.objects.get().state == "accepted"
    assert_ledger_reconciles()
