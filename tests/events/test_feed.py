"""The event feed: what each division learns about its orders, rounds and disputes."""

from decimal import Decimal

import pytest

from events.models import Event
from tests import factories
from tests.api.conftest import file_dispute, session_client, token_client
from tests.factories import ask, bid


def kinds(client, **params):
    body = client.get("/api/events/", params).json()
    return [(e["kind"], e["subject"]["type"], e["subject"]["id"]) for e in body["results"]]


def test_a_fill_and_a_settlement_reach_both_divisions_feeds(book, lead, other_lead):
    fill, other = book.fill, book.other_fill
    assert kinds(token_client(lead)) == [
        ("order.filled", "order", fill.order.public_id),
        ("round.settled", "round", str(book.settled.pk)),
    ]
    event = token_client(other_lead).get("/api/events/").json()["results"][0]
    assert event["data"] == {
        "order": other.order.public_id,
        "fill": other.public_id,
        "round": book.settled.pk,
        "market": book.market.pk,
        "side": "sell",
        "filled": 10,
        "price": "2.50",
        "amount": "25.00",
    }
    assert event["division"] == other_lead.membership.division_id


def test_a_division_never_sees_anothers_events_and_management_sees_all(book, management):
    outsider = factories.lead_of(factories.DivisionFactory())
    assert token_client(outsider).get("/api/events/").json()["results"] == []
    every = session_client(management).get("/api/events/").json()["results"]
    assert len(every) == Event.objects.count() == 4  # two fills, two settlements
    one = session_client(management).get("/api/events/", {"division": book.fill.division_id})
    assert {e["division"] for e in one.json()["results"]} == {book.fill.division_id}


def test_the_cursor_reads_each_event_once_and_waits_for_new_ones(book, lead, other_lead):
    client = token_client(lead)
    first = client.get("/api/events/", {"limit": 1}).json()
    assert first["has_more"] is True
    second = client.get("/api/events/", {"limit": 1, "after": first["cursor"]}).json()
    assert second["has_more"] is False
    assert first["results"][0]["id"] != second["results"][0]["id"]
    # nothing new yet: the same cursor comes back, so the agent can poll with it
    empty = client.get("/api/events/", {"after": second["cursor"]}).json()
    assert (empty["results"], empty["cursor"]) == ([], second["cursor"])
    # a dispute is filed: the poller's next read has it
    file_dispute(lead, book.fill)
    later = client.get("/api/events/", {"after": second["cursor"]}).json()["results"]
    assert [(e["kind"], e["data"]["action"]) for e in later] == [("dispute.changed", "file")]


def test_every_dispute_move_reaches_every_party(dispute, lead, other_lead, management):
    from arbitration import services as arbitration

    arbitration.dispute_take(dispute_id=dispute.pk, by=management)
    arbitration.response_submit(dispute_id=dispute.pk, user=other_lead, body="It was fair.")
    arbitration.dispute_withdraw(dispute_id=dispute.pk, by=lead, why="Settled between us.")
    for user in (lead, other_lead):
        events = token_client(user).get("/api/events/", {"kind": "dispute.changed"}).json()
        steps = [(e["data"]["action"], e["data"]["state"]) for e in events["results"]]
        assert steps == [
            ("file", "filed"),
            ("take", "under_review"),
            ("response", "under_review"),
            ("withdraw", "withdrawn"),
        ]


@pytest.mark.parametrize("cursor", ["x", "1-", "-1", "١-٢", "1-2-3", "9" * 50])
def test_a_malformed_cursor_is_a_400(db, lead, cursor):
    response = token_client(lead).get("/api/events/", {"after": cursor})
    assert response.status_code == 400
    assert response.json()["errors"] == {"after": [response.json()["errors"]["after"][0]]}


def test_an_event_is_written_with_its_change_or_not_at_all(db, division, other_division):
    # a round that clears: fills and their events commit together
    round_ = factories.open_round()
    factories.funded(division, Decimal("100.00"))
    factories.stocked(other_division, round_.market.asset, 5)
    bid(factories.lead_of(division), round_, 5, "2.00")
    ask(factories.lead_of(other_division), round_, 5, "1.00")
    factories.close_and_finish(round_)
    filled = Event.objects.filter(kind=Event.Kind.ORDER_FILLED, data__round=round_.pk)
    assert filled.count() == 2
    # events are append-only
    event = filled.first()
    event.data = {}
    with pytest.raises(ValueError, match="append-only"):
        event.save()
