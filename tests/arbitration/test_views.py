"""The leads' dispute pages: who sees what, filing, the case actions, evidence files."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from arbitration import services
from arbitration.models import Dispute, Evidence
from tests import factories
from tests.arbitration.conftest import file_fill_dispute, rule, taken

PDF = b"%PDF-1.4\n% a tiny pdf\n"


def detail(dispute):
    return reverse("disputes:detail", args=[dispute.pk])


def act(dispute, name):
    return reverse(f"disputes:{name}", args=[dispute.pk])


def test_the_nav_link_and_the_list_show_only_my_divisions_disputes(client, book):
    mine = file_fill_dispute(book)
    theirs = file_fill_dispute(book, user=book.b2)
    client.force_login(book.b1)
    response = client.get(reverse("disputes:list"))
    assert list(response.context["disputes"]) == [mine]
    assert f'href="{reverse("disputes:list")}"' in response.content.decode()
    client.force_login(book.s1)  # a counterparty to both
    assert set(client.get(reverse("disputes:list")).context["disputes"]) == {mine, theirs}


@pytest.mark.parametrize("who", ["outsider", "other_buyer", "anonymous"])
def test_only_parties_and_management_see_a_dispute(client, book, lead, who):
    dispute = file_fill_dispute(book)
    if who == "outsider":
        client.force_login(lead)
    elif who == "other_buyer":
        client.force_login(book.b2)  # traded in the round but not a party
    response = client.get(detail(dispute))
    assert response.status_code == (302 if who == "anonymous" else 404)
    assert client.post(act(dispute, "message"), {"body": "hi"}).status_code in (302, 404)
    assert not dispute.messages.exists()


def test_parties_members_management_and_auditors_see_it(client, book, auditor, arbiter):
    dispute = file_fill_dispute(book)
    member = factories.member_of(book.s1.membership.division)
    for user in (book.b1, book.s1, member, auditor, arbiter):
        client.force_login(user)
        assert client.get(detail(dispute)).status_code == 200


def test_a_lead_files_from_a_fill(client, book):
    client.force_login(book.b1)
    url = reverse("disputes:file") + f"?fill={book.fill(book.b1).public_id}"
    page = client.get(url)
    assert f"Your fill {book.fill(book.b1).public_id}" in page.content.decode()
    data = {
        "subject": "delivery",
        "category": "delivery",
        "claimed_remedy": "void",
        "claimed_amount": "14.70",
        "statement": "The GPU-hours never arrived.",
    }
    response = client.post(url, data, follow=True)
    dispute = Dispute.objects.get()
    assert response.redirect_chain[-1][0] == detail(dispute)
    assert f"Dispute #{dispute.pk} filed." in response.content.decode()
    assert (dispute.subject, dispute.claimed_amount) == ("delivery", D("14.70"))


def test_filing_refusals_are_shown_on_the_form(client, book):
    file_fill_dispute(book)
    client.force_login(book.b1)
    url = reverse("disputes:file") + f"?fill={book.fill(book.b1).public_id}"
    data = {"subject": "fill", "category": "pricing", "claimed_remedy": "compensation"}
    response = client.post(url, {**data, "claimed_amount": "1", "statement": "Again"})
    assert response.status_code == 400
    assert "already has dispute #" in response.content.decode()


def test_nobody_opens_the_filing_form_for_another_divisions_fill(client, book):
    client.force_login(book.b2)
    url = reverse("disputes:file") + f"?fill={book.fill(book.b1).public_id}"
    assert client.get(url).status_code == 404
    assert client.get(reverse("disputes:file")).status_code == 404


def test_a_party_sees_the_round_and_its_own_orders_in_the_snapshot(client, book, arbiter):
    dispute = file_fill_dispute(book)
    client.force_login(book.s1)
    snapshot = client.get(detail(dispute)).context["case"].evidence[0].snapshot
    assert snapshot["round"]["price"] == "2.45"
    assert list(snapshot["divisions"]) == [str(book.s1.membership.division_id)]
    client.force_login(arbiter)
    full = client.get(detail(dispute)).context["case"].evidence[0].snapshot
    assert len(full["divisions"]) == 3


def test_a_counterparty_responds_and_messages_in_the_thread(client, book):
    dispute = file_fill_dispute(book)
    client.force_login(book.s1)
    response = client.post(act(dispute, "respond"), {"body": "We delivered."}, follow=True)
    assert "Your response is on file." in response.content.decode()
    client.post(act(dispute, "message"), {"body": "Logs attached soon."})
    client.force_login(book.b1)
    html = client.get(detail(dispute)).content.decode()
    assert "We delivered." in html
    assert "Logs attached soon." in html
    assert "Case history" in html


def test_a_member_reads_but_cannot_post(client, book):
    dispute = file_fill_dispute(book)
    member = factories.member_of(book.b1.membership.division, may_trade=True)
    client.force_login(member)
    response = client.post(act(dispute, "message"), {"body": "Hello"})
    assert response.status_code == 403
    assert "Only a division lead may act on a dispute" in response.content.decode()


def test_evidence_files_are_checked_stored_and_served_only_to_parties(client, book, lead):
    dispute = file_fill_dispute(book)
    client.force_login(book.b1)
    upload = SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf")
    response = client.post(
        act(dispute, "evidence"), {"title": "Invoice", "file": upload}, follow=True
    )
    assert "Evidence added." in response.content.decode()
    evidence = Evidence.objects.get(kind="file")
    assert (evidence.filename, evidence.size, evidence.content_type) == (
        "invoice.pdf",
        len(PDF),
        "application/pdf",
    )
    assert "invoice" not in evidence.file.name  # stored under a random name
    url = reverse("disputes:evidence-file", args=[dispute.pk, evidence.pk])
    client.force_login(book.s2)
    download = client.get(url)
    assert b"".join(download.streaming_content) == PDF
    assert 'attachment; filename="invoice.pdf"' in download["Content-Disposition"]
    client.force_login(lead)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ", "Evidence files must be one of: csv, jpeg, jpg, json, pdf, png, txt."),
        ("photo.png", b"not a png", "not a valid png file"),
        ("data.json", b"{broken", "not a valid json file"),
        ("big.txt", b"x" * (5 * 1024 * 1024 + 1), "limited to 5 MB"),
    ],
)
def test_evidence_files_are_refused_by_size_and_type(client, book, name, content, message):
    dispute = file_fill_dispute(book)
    client.force_login(book.b1)
    upload = SimpleUploadedFile(name, content)
    response = client.post(act(dispute, "evidence"), {"title": "Proof", "file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Evidence.objects.filter(kind="file").exists()


def test_the_ruling_and_its_ledger_effects_on_my_division(client, book, arbiter):
    dispute = taken(book, arbiter)
    rule(dispute, arbiter, "price_adjustment", new_price=D("2.40"), reasons="Fat finger.")
    client.force_login(book.b1)
    page = client.get(detail(dispute))
    ruling = page.context["case"].rulings[0]
    assert [e.credits for e in ruling.effects] == [D("0.30")]  # only my division's effects
    assert [e.amount for e in ruling.entries] == [D("0.30")]
    html = page.content.decode()
    assert "Ruling: Price adjustment" in html
    assert "+0.30" in html
    assert "Appeal the ruling" in html


def test_a_lead_appeals_and_the_filer_withdraws_through_the_pages(client, book, arbiter):
    dispute = taken(book, arbiter)
    rule(dispute, arbiter)
    client.force_login(book.s1)
    response = client.post(act(dispute, "appeal"), {"why": "Reconsider."}, follow=True)
    assert "Appeal filed: a different arbiter will hear it." in response.content.decode()
    other = services.dispute_file(
        user=book.b2,
        claim=services.Claim("fill", "pricing", "compensation", D("1"), "Price too high."),
        fill_id=book.fill(book.b2).pk,
    )
    client.force_login(book.b2)
    client.post(act(other, "withdraw"), {"why": ""})
    assert Dispute.objects.get(pk=other.pk).state == "withdrawn"


def test_the_list_and_the_case_take_a_bounded_number_of_queries(
    client, book, arbiter, django_assert_max_num_queries
):
    for user in (book.b1, book.b2):
        dispute = file_fill_dispute(book, user=user)
        services.message_post(dispute_id=dispute.pk, user=book.s1, body="Noted.")
    client.force_login(book.s1)
    with django_assert_max_num_queries(8):
        assert len(client.get(reverse("disputes:list")).context["disputes"]) == 2
    with django_assert_max_num_queries(15):
        assert client.get(detail(dispute)).status_code == 200
