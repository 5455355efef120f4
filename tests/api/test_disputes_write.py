"""Disputes over the API: file, add evidence, respond, post, appeal, withdraw, follow."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from arbitration import services as arbitration
from arbitration.models import Dispute, Evidence
from tests.api.conftest import session_client, token_client

CLAIM = {
    "subject": "fill",
    "category": "pricing",
    "claimed_remedy": "price_adjustment",
    "claimed_amount": "3.00",
    "statement": "The clearing price was inflated by a fat-finger ask.",
}


def test_a_lead_files_a_dispute_about_a_fill_once_whatever_the_retries(book, lead, other_lead):
    client = token_client(lead)
    headers = {"HTTP_IDEMPOTENCY_KEY": "file-1"}
    body = {**CLAIM, "fill": book.fill.public_id}
    first = client.post("/api/disputes/", body, format="json", **headers)
    assert first.status_code == 201, first.content
    again = client.post("/api/disputes/", body, format="json", **headers)
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Dispute.objects.count() == 1
    filed = first.json()
    assert (filed["state"], filed["fill"], filed["claimed_amount"]) == (
        "filed",
        book.fill.public_id,
        "3.00",
    )
    assert {p["role"] for p in filed["parties"]} == {"filer", "counterparty"}
    # without a key, a second filing about the same fill is refused: one open case per fill
    second = client.post("/api/disputes/", body, format="json")
    assert second.status_code == 409
    assert "already has dispute" in second.json()["detail"]
    # the counterparty sees it and its feed says so
    assert token_client(other_lead).get(f"/api/disputes/{filed['id']}/").status_code == 200


def test_a_lead_files_about_a_round_it_traded_in(book, lead):
    body = {**CLAIM, "subject": "price", "round": book.settled.pk}
    response = token_client(lead).post("/api/disputes/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["fill"] is None


def test_filing_refusals_say_why(book, lead, member, other_lead):
    body = {**CLAIM, "fill": book.fill.public_id}
    refused = session_client(member).post("/api/disputes/", body, format="json")
    assert (refused.status_code, refused.json()["detail"]) == (
        403,
        "Only a division lead may file a dispute.",
    )
    theirs = session_client(other_lead).post("/api/disputes/", body, format="json")
    assert theirs.json()["detail"] == "You can only dispute your own division's fills."
    negative = token_client(lead).post(
        "/api/disputes/", {**body, "claimed_amount": "-1"}, format="json"
    )
    assert negative.status_code == 400
    assert "claimed_amount" in negative.json()["errors"]


def test_evidence_as_text_and_as_a_file_with_the_browsers_limits(dispute, lead, settings):
    client = token_client(lead)
    url = f"/api/disputes/{dispute.pk}/evidence/"
    text = client.post(url, {"title": "Log", "text": "The ask jumped."}, format="json")
    assert text.status_code == 201, text.content
    assert text.json()["kind"] == "text"
    csv = SimpleUploadedFile("book.csv", b"price,units\n2.50,10\n", content_type="text/csv")
    upload = client.post(url, {"title": "Book", "file": csv}, format="multipart")
    assert upload.status_code == 201, upload.content
    assert (upload.json()["kind"], upload.json()["filename"]) == ("file", "book.csv")
    fake = SimpleUploadedFile("shot.png", b"not a png", content_type="image/png")
    refused = client.post(url, {"title": "Shot", "file": fake}, format="multipart")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"file": ["This file's content is not a valid png file."]}
    settings.ARBITRATION_EVIDENCE_MAX_BYTES = 10
    big = SimpleUploadedFile("big.txt", io.BytesIO(b"x" * 11).read(), content_type="text/plain")
    too_big = client.post(url, {"title": "Big", "file": big}, format="multipart")
    assert too_big.status_code == 400
    assert Evidence.objects.filter(dispute=dispute, kind__in=["text", "file"]).count() == 2


def test_the_counterparty_responds_once_before_the_ruling(dispute, lead, other_lead):
    url = f"/api/disputes/{dispute.pk}/respond/"
    filer = token_client(lead).post(url, {"body": "Not us."}, format="json")
    assert (filer.status_code, filer.json()["detail"]) == (403, "Only a counterparty may do this.")
    client = token_client(other_lead)
    answered = client.post(url, {"body": "The ask was genuine."}, format="json")
    assert answered.status_code == 201
    twice = client.post(url, {"body": "Again."}, format="json")
    assert (twice.status_code, twice.json()["detail"]) == (
        409,
        "Your division has already responded to this dispute.",
    )


def test_messages_withdrawal_and_the_history(dispute, lead, other_lead):
    client = token_client(lead)
    sent = client.post(f"/api/disputes/{dispute.pk}/messages/", {"body": "Settle?"}, format="json")
    assert sent.status_code == 201
    other = token_client(other_lead).post(
        f"/api/disputes/{dispute.pk}/withdraw/", {}, format="json"
    )
    assert other.status_code == 403
    withdrawn = client.post(
        f"/api/disputes/{dispute.pk}/withdraw/", {"why": "Settled."}, format="json"
    )
    assert (withdrawn.status_code, withdrawn.json()["state"]) == (200, "withdrawn")
    again = client.post(f"/api/disputes/{dispute.pk}/withdraw/", {}, format="json")
    assert again.status_code == 409
    history = client.get(f"/api/disputes/{dispute.pk}/history/").json()
    assert [(h["action"], h["target"]) for h in history] == [
        ("file", "filed"),
        ("withdraw", "withdrawn"),
    ]


@pytest.fixture
def ruled(dispute, management):
    arbitration.dispute_take(dispute_id=dispute.pk, by=management)
    decision = arbitration.Decision(remedy=Dispute.Remedy.DISMISS, reasons="No fault found.")
    arbitration.dispute_rule(
        dispute_id=dispute.pk, by=management, decision=decision, nonce=uuid.uuid4()
    )
    return dispute


def test_a_party_appeals_a_ruling_once(ruled, lead, other_lead):
    url = f"/api/disputes/{ruled.pk}/appeal/"
    appealed = token_client(lead).post(url, {"why": "The log was ignored."}, format="json")
    assert (appealed.status_code, appealed.json()["state"]) == (200, "appealed")
    twice = token_client(other_lead).post(url, {"why": "Us too."}, format="json")
    assert twice.status_code == 409
