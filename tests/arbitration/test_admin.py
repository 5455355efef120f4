"""Management's queue and ruling form in Django admin; auditors read; leads have no admin."""

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from arbitration.models import Dispute
from ledger.models import LedgerTransaction
from tests import factories
from tests.arbitration.conftest import balances, file_fill_dispute, taken

QUEUE = reverse("admin:arbitration_dispute_changelist")


def rule_url(dispute):
    return reverse("admin:arbitration_dispute_rule", args=[dispute.pk])


def change_url(dispute):
    return reverse("admin:arbitration_dispute_change", args=[dispute.pk])


def shown(response):
    return {
        int(pk)
        for pk in re.findall(r'name="_selected_action" value="(\d+)"', response.content.decode())
    }


def compensation(book, dispute, nonce, amount="5.00"):
    return {
        "remedy": "compensation",
        "reasons": "The ask was a fat finger.",
        "amount": amount,
        "payer": book.s1.membership.division_id,
        "payee": book.b1.membership.division_id,
        "nonce": nonce,
    }


@pytest.fixture
def two_disputes(book, arbiter):
    small = file_fill_dispute(book, claimed_amount=D("20"))
    large = file_fill_dispute(book, user=book.b2, claimed_amount=D("2500"))
    Dispute.objects.filter(pk=large.pk).update(ruling_due=timezone.now() - timedelta(hours=1))
    return small, large


def test_the_queue_filters_by_state_market_amount_and_overdue(client, arbiter, two_disputes, book):
    small, large = two_disputes
    client.force_login(arbiter)
    assert shown(client.get(QUEUE)) == {small.pk, large.pk}
    assert shown(client.get(QUEUE, {"overdue": "yes"})) == {large.pk}
    assert shown(client.get(QUEUE, {"overdue": "no"})) == {small.pk}
    assert shown(client.get(QUEUE, {"amount": "large"})) == {large.pk}
    assert shown(client.get(QUEUE, {"amount": "small"})) == {small.pk}
    assert shown(client.get(QUEUE, {"state__exact": "filed"})) == {small.pk, large.pk}
    assert shown(client.get(QUEUE, {"market__id__exact": book.round.market_id})) == {
        small.pk,
        large.pk,
    }
    other_market = factories.MarketFactory()
    assert shown(client.get(QUEUE, {"market__id__exact": other_market.pk})) == set()


def test_actions_take_request_response_and_escalate(client, arbiter, two_disputes):
    small, large = two_disputes
    client.force_login(arbiter)
    both = [small.pk, large.pk]
    response = client.post(QUEUE, {"action": "take_case", "_selected_action": both}, follow=True)
    assert "Taken: 2 disputes." in response.content.decode()
    assert set(Dispute.objects.values_list("state", "arbiter")) == {("under_review", arbiter.pk)}
    client.post(QUEUE, {"action": "request_response", "_selected_action": [small.pk]})
    client.post(QUEUE, {"action": "escalate", "_selected_action": [large.pk]})
    small.refresh_from_db()
    large.refresh_from_db()
    assert small.state == "awaiting_response"
    assert (large.state, large.escalated_at is not None) == ("under_review", True)
    # a refused move says which case and why
    response = client.post(
        QUEUE, {"action": "take_case", "_selected_action": [small.pk]}, follow=True
    )
    assert (
        f"#{small.pk}: Dispute #{small.pk} is awaiting response: it cannot be taken"
        in response.content.decode()
    )


def test_the_rule_action_opens_the_ruling_form_for_one_case(client, arbiter, two_disputes):
    small, large = two_disputes
    client.force_login(arbiter)
    response = client.post(
        QUEUE, {"action": "rule", "_selected_action": [small.pk, large.pk]}, follow=True
    )
    assert "Rule on one dispute at a time" in response.content.decode()
    response = client.post(QUEUE, {"action": "rule", "_selected_action": [small.pk]})
    assert response["Location"] == rule_url(small)


def test_the_ruling_form_previews_every_leg_then_confirms_once(client, arbiter, book):
    dispute = taken(book, arbiter)
    client.force_login(arbiter)
    page = client.get(rule_url(dispute))
    nonce = page.context["form"]["nonce"].value()
    # preview: the legs per division and asset with balances before and after; nothing posted
    preview = client.post(rule_url(dispute), {**compensation(book, dispute, nonce), "preview": "1"})
    html = preview.content.decode()
    assert "Preview: the ledger legs this ruling will post" in html
    legs = {
        (leg.division.name, leg.amount, leg.before, leg.after)
        for leg in preview.context["plan"].legs
    }
    s1, b1 = book.s1.membership.division.name, book.b1.membership.division.name
    assert legs == {
        (s1, D("-5.00"), D("12.25"), D("7.25")),
        (b1, D("5.00"), D("85.30"), D("90.30")),
    }
    assert "Confirm ruling" in html
    assert not LedgerTransaction.objects.filter(reason="ruling").exists()
    # confirm, twice (a double submit): applied once
    data = {**compensation(book, dispute, nonce), "confirm": "1"}
    first = client.post(rule_url(dispute), data, follow=True)
    second = client.post(rule_url(dispute), data, follow=True)
    assert "applied (ledger transaction #" in first.content.decode()
    assert "applied (ledger transaction #" in second.content.decode()
    assert LedgerTransaction.objects.filter(reason="ruling").count() == 1
    assert balances(book.b1)["credits"] == D("90.30")
    assert Dispute.objects.get(pk=dispute.pk).state == "ruled"


def test_a_refused_ruling_shows_why_and_offers_no_confirm(client, arbiter, book):
    dispute = taken(book, arbiter)
    client.force_login(arbiter)
    nonce = client.get(rule_url(dispute)).context["form"]["nonce"].value()
    preview = client.post(
        rule_url(dispute), {**compensation(book, dispute, nonce, "50.00"), "preview": "1"}
    )
    html = preview.content.decode()
    s1 = book.s1.membership.division
    assert f"Refused: {s1} has 12.25 credits available, needs 50.00." in html
    assert "Confirm ruling" not in html
    forced = client.post(
        rule_url(dispute), {**compensation(book, dispute, nonce, "50.00"), "confirm": "1"}
    )
    assert forced.status_code == 400
    assert (
        f"The ruling cannot be applied: {s1} has 12.25 credits available" in forced.content.decode()
    )
    assert not LedgerTransaction.objects.filter(reason="ruling").exists()


def test_the_case_page_shows_thread_history_and_workflow_buttons(client, arbiter, book):
    dispute = taken(book, arbiter)
    client.force_login(arbiter)
    client.post(
        reverse("admin:arbitration_dispute_act", args=[dispute.pk, "message"]),
        {"body": "Send the logs."},
    )
    html = client.get(change_url(dispute)).content.decode()
    for text in ("Send the logs.", "Case history", "Request response", "Rule…"):
        assert text in html
    assert "Snapshot of" in html  # the round's snapshot, in full for management


def test_a_closed_case_is_read_only(client, arbiter, book):
    dispute = file_fill_dispute(book)
    from arbitration import services

    services.dispute_withdraw(dispute_id=dispute.pk, by=book.b1)
    client.force_login(arbiter)
    html = client.get(change_url(dispute)).content.decode()
    for text in ("Take case", "Rule…", 'name="_save"'):
        assert text not in html
    response = client.post(
        reverse("admin:arbitration_dispute_act", args=[dispute.pk, "take"]), follow=True
    )
    assert "is withdrawn: it cannot be taken" in response.content.decode()
    assert client.post(change_url(dispute), {}).status_code == 403


def test_an_auditor_reads_the_queue_but_cannot_act(client, auditor, book, arbiter):
    dispute = taken(book, arbiter)
    client.force_login(auditor)
    assert client.get(QUEUE).status_code == 200
    assert client.get(change_url(dispute)).status_code == 200
    assert client.get(rule_url(dispute)).status_code == 403
    act = reverse("admin:arbitration_dispute_act", args=[dispute.pk, "escalate"])
    assert client.post(act).status_code == 403
    response = client.post(QUEUE, {"action": "escalate", "_selected_action": [dispute.pk]})
    assert Dispute.objects.get(pk=dispute.pk).escalated_at is None
    assert response.status_code in (200, 302)


def test_a_lead_has_no_dispute_admin(client, book):
    dispute = file_fill_dispute(book)
    client.force_login(book.b1)
    assert "/admin/login/" in client.get(change_url(dispute))["Location"]
    assert "/admin/login/" in client.get(rule_url(dispute))["Location"]
