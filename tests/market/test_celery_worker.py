"""A real Celery worker with beat, on a real Redis broker, drives a round from open to settled."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from ledger.models import LedgerTransaction
from market.models import Round
from market.selectors import asset_totals
from tests import factories
from tests.factories import ask, bid

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        not BROKER and not os.environ.get("CI"), reason="set CELERY_TEST_BROKER_URL"
    ),
]


def wait_for(predicate, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def worker(transactional_db):
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "CELERY_BROKER_URL": BROKER, "DEBUG": "true"}
    every, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.update_or_create(
        name="tick", defaults={"task": "market.rounds_tick", "interval": every}
    )
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "tokenhub", "purge", "-f"],
        env=env,
        check=False,
        capture_output=True,
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tokenhub",
            "worker",
            "-B",
            "--pool=solo",
            "--loglevel=INFO",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield proc
    proc.terminate()
    try:
        output, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate()
    print(output[-4000:])


@pytest.mark.django_db(transaction=True)
def test_a_worker_opens_closes_clears_and_settles_a_round(worker):
    # given: a market whose first round the worker will open, with a short life
    market = factories.MarketFactory()
    buyer = factories.trader(Decimal(100))
    seller = factories.trader(Decimal(0), units=10, asset=market.asset)
    assert wait_for(lambda: Round.objects.filter(market=market, state="open").exists(), 30)
    round_ = Round.objects.get(market=market)
    bid(buyer, round_, 10, "3.00")
    ask(seller, round_, 10, "2.00")
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() + timedelta(seconds=2))

    # then: beat's tick closes it and the worker clears and settles it
    assert wait_for(lambda: Round.objects.get(pk=round_.pk).state == "settled", 60), worker.pid
    round_.refresh_from_db()
    assert (round_.price, round_.volume) == (Decimal("2.50"), 10)
    assert LedgerTransaction.objects.filter(reason="trade").count() == 1
    assert all(total == 0 for total in asset_totals().values())
