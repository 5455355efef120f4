from decimal import Decimal

import pytest
from django.urls import reverse

from ledger.models import LedgerTransaction
from market.selectors import division_holdings
from tests import factories


def test_landing_page_signs_a_lead_in_and_shows_their_division(client, lead, division):
    factories.funded(division, Decimal("42.00"))
    response = client.get("/", follow=True)
    assert b"Sign in to Tokenhub" in response.content
    response = client.post(
        reverse("login"), {"username": lead.username, "password": factories.PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert division.name.encode() in response.content
    assert b"42.00" in response.content


def test_a_wrong_password_is_refused_with_a_message(client, lead):
    response = client.post(reverse("login"), {"username": lead.username, "password": "nope"})
    assert b"didn't match" in response.content


def test_management_grants_credits_as_a_ledger_transaction(client, management, division):
    client.force_login(management)
    url = reverse("admin:divisions_division_grant", args=[division.pk])
    response = client.post(url, {"amount": "500.00", "memo": "Q3"})
    assert response.status_code == 302
    txn = LedgerTransaction.objects.get(reason="grant")
    assert (txn.created_by, txn.memo) == (management, "Q3")
    assert division_holdings(division=division)[0].available == Decimal("500.00")


def test_management_mints_units(client, management, division):
    gpu = factories.GpuAssetFactory()
    client.force_login(management)
    url = reverse("admin:divisions_division_mint", args=[division.pk])
    response = client.post(url, {"asset": gpu.pk, "quantity": "64"})
    assert response.status_code == 302
    assert division_holdings(division=division)[0].available == 64


@pytest.mark.parametrize("page", ["grant", "mint"])
def test_auditor_cannot_grant_or_mint(client, auditor, division, page):
    client.force_login(auditor)
    url = reverse(f"admin:divisions_division_{page}", args=[division.pk])
    assert client.post(url, {"amount": "1", "quantity": "1"}).status_code == 403
    assert not LedgerTransaction.objects.exists()


def test_auditor_reads_every_admin_page_but_changes_nothing(client, auditor, division):
    factories.funded(division)
    client.force_login(auditor)
    for app, model in [
        ("divisions", "division"),
        ("market", "membership"),
        ("ledger", "ledgertransaction"),
        ("ledger", "entry"),
        ("ledger", "account"),
        ("ledger", "asset"),
    ]:
        assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    change = reverse("admin:divisions_division_change", args=[division.pk])
    assert client.get(change).status_code == 200  # a read-only view
    response = client.post(change, {"name": "Renamed", "slug": division.slug})
    assert response.status_code == 403
    assert client.get(reverse("admin:divisions_division_add")).status_code == 403


def test_nobody_edits_the_ledger_in_admin(client, management, division):
    factories.funded(division)
    client.force_login(management)
    txn = LedgerTransaction.objects.get()
    assert client.get(reverse("admin:ledger_ledgertransaction_add")).status_code == 403
    delete = reverse("admin:ledger_ledgertransaction_delete", args=[txn.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_division_lead_has_no_admin(client, lead):
    client.force_login(lead)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_seed_demo_is_idempotent(db):
    from market import demo
    from market.selectors import asset_totals

    demo.seed_all()
    first = LedgerTransaction.objects.count()
    demo.seed_all()
    assert LedgerTransaction.objects.count() == first
    assert all(total == 0 for total in asset_totals().values())


def test_management_halts_a_market_in_admin_and_the_change_is_audited(client, management):
    from auditlog.models import LogEntry

    from market.models import Market, Round

    round_ = factories.open_round()
    buyer = factories.trader(Decimal(100))
    factories.bid(buyer, round_, 10, "5.00")
    client.force_login(management)
    url = reverse("admin:market_market_changelist")
    data = {"action": "halt", "_selected_action": [round_.market_id], "reason": "Bad prices"}
    response = client.post(url, data)
    assert response.status_code == 302
    market = Market.objects.get()
    assert (market.halted, market.halt_reason) == (True, "Bad prices")
    assert Round.objects.get().state == "halted"
    assert division_holdings(division=buyer.membership.division)[0].held == 0
    entry = LogEntry.objects.get_for_object(market).first()
    assert entry.actor == management
    assert "halted" in entry.changes_dict
    # and resuming schedules a new round
    client.post(url, {"action": "resume", "_selected_action": [market.pk]})
    assert Round.objects.filter(state__in=["scheduled", "open"]).count() == 1


def test_a_rule_change_applies_from_the_next_round(client, management):
    from market.models import Market

    round_ = factories.open_round()
    market = Market.objects.get()
    market.tick = Decimal("0.50")
    market.save()
    buyer = factories.trader(Decimal(100))
    factories.bid(buyer, round_, 1, "1.01")  # the open round keeps its 0.01 tick


def test_demo_orders_are_placed_by_each_divisions_demo_agent(client, db):
    from chain import demo as chain_demo
    from market import demo, roles
    from market.models import Order

    demo.seed_all()
    chain_demo.seed_chain()
    chain_demo.start()  # the windows' rounds open and the demo trades in them
    placed = Order.objects.select_related("placed_by", "division")
    assert placed.exists()
    for order in placed:
        assert order.placed_by.username == f"{order.division.slug}-demo-agent"
        assert roles.is_demo_agent(order.placed_by)
        assert not order.placed_by.has_usable_password()
    order = placed.first()
    client.force_login(factories.lead_of(order.division))
    page = client.get(reverse("order", args=[order.public_id])).content.decode()
    assert f"by {order.placed_by.username}" in page
    assert "an automated trader of the demo, not a person" in page
