"""Self-refreshing pages: the poll says "changed" exactly when a round the page shows moves on,
and the beat tick never leaves a market without a round between two of them."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from market import tasks
from market.models import Round
from market.selectors.live import live_stamp
from tests import factories

pytestmark = pytest.mark.django_db


def poll(client, scope, key, stamp):
    return client.get("/live/", {"scope": scope, "key": key, "stamp": stamp})


def page_stamp(client, url):
    """The stamp a page was drawn with, read from its poller the way htmx would use it."""
    html = client.get(url).content.decode()
    assert 'data-testid="live-poll"' in html, f"{url} does not refresh itself"
    return html.split("stamp=", 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("scope", ["market", "round", "dashboard"])
def test_the_poll_is_quiet_until_the_round_closes_then_asks_the_page_to_redraw(
    as_user, buyer, round_, scope
):
    client = as_user(buyer)
    url, key = {
        "market": (f"/markets/{round_.market.slug}/", round_.market.slug),
        "round": (f"/rounds/{round_.pk}/", str(round_.pk)),
        "dashboard": ("/dashboard/", ""),
    }[scope]
    stamp = page_stamp(client, url)
    # while nothing changes, the poll answers 204 and htmx does nothing
    assert poll(client, scope, key, stamp).status_code == 204
    # when the round closes, the answer asks the page to redraw itself
    factories.close_and_finish(round_)
    changed = poll(client, scope, key, stamp)
    assert changed.status_code == 200
    assert "roundchanged" in json.loads(changed["HX-Trigger"])


def test_a_settled_round_page_stops_polling(as_user, buyer, round_):
    factories.close_and_finish(round_)
    html = as_user(buyer).get(f"/rounds/{round_.pk}/").content.decode()
    assert "live-poll" not in html


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"scope": "orders"},
        {"scope": "round", "key": "１２"},
        {"scope": "round", "key": "9" * 40},
        {"scope": "market", "key": ""},
        {"scope": "market", "key": "no-such-market\x00", "stamp": "x" * 5000},
    ],
)
def test_odd_polls_are_refused_or_answered_never_a_5xx(as_user, buyer, params):
    status = as_user(buyer).get("/live/", params).status_code
    assert status in (200, 204, 400)


def test_the_poll_needs_a_signed_in_user(client, round_):
    response = client.get("/live/", {"scope": "dashboard"})
    assert response.status_code == 302


def test_a_tick_closes_a_round_and_opens_the_next_one_at_once(monkeypatch, round_):
    # given a round of a market with no gap whose time is up
    finished = []
    monkeypatch.setattr(tasks.round_finish, "delay", finished.append)
    past = timezone.now() - timedelta(seconds=1)
    Round.objects.filter(pk=round_.pk).update(opens_at=past - timedelta(minutes=5), closes_at=past)
    # when beat ticks once
    tasks.rounds_tick()
    # then it is closed, sent to be finished, and the next round is already open
    states = dict(round_.market.rounds.values_list("number", "state"))
    assert states == {round_.number: "closed", round_.number + 1: "open"}
    assert finished == [round_.pk]


def test_between_rounds_the_market_page_never_says_no_round_scheduled(as_user, buyer, round_):
    rounds_ = Round.objects.filter(pk=round_.pk)
    rounds_.update(state=Round.State.CLOSED)
    html = as_user(buyer).get(f"/markets/{round_.market.slug}/").content.decode()
    assert "No round scheduled" not in html
    assert "Closed: clearing now" in html
    assert live_stamp(scope="market", key=round_.market.slug)
