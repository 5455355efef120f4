"""Every admin action, admin change and custom admin URL of both apps, for every role.

Management may do each change (except what nobody may: deleting markets); leads, members,
auditors and anonymous visitors are refused and nothing changes. Auditors and management read.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from arbitration import services
from arbitration.models import Dispute, Message, Ruling
from divisions.models import Division
from ledger.models import LedgerTransaction
from market.models import ApiToken, Market, Membership
from market.services import markets, tokens
from tests import factories
from tests.arbitration.conftest import file_fill_dispute

ROLES = ["lead", "member", "auditor", "management", "anonymous"]


@dataclass
class World:
    management: Any
    market: Market
    halted: Market
    division: Division
    membership: Membership
    filed: Dispute  # nobody has taken it
    taken: Dispute  # taken by `management`, ready for a response request or a ruling
    token: ApiToken
    task: PeriodicTask
    users: dict[str, Any]


@pytest.fixture
def world(book, beat_schedules) -> World:
    management = factories.management_user()
    halted = factories.MarketFactory()
    markets.market_halt(market_id=halted.pk, by=management, reason="incident")
    division = book.b1.membership.division
    filed = file_fill_dispute(book)
    taken = file_fill_dispute(book, user=book.s1)
    services.dispute_take(dispute_id=taken.pk, by=management)
    token = tokens.token_create(user=book.b1, name="bot", scopes=["read"]).token
    task = PeriodicTask.objects.filter(enabled=True).first()
    assert task is not None
    users = {
        "lead": book.b1,
        "member": factories.member_of(division),
        "auditor": factories.auditor_user(),
        "management": management,
    }
    return World(
        management,
        book.round.market,
        halted,
        division,
        book.b1.membership,
        filed,
        taken,
        token,
        task,
        users,
    )


def _changelist(model: str) -> str:
    return reverse(f"admin:{model.replace('.', '_')}_changelist")


def _action(model: str, action: str, pk: int, **extra: Any):
    return lambda c, w: c.post(
        _changelist(model), {"action": action, "_selected_action": [pk], **extra}
    )


def _market_form(market: Market, **changes: Any) -> dict[str, Any]:
    fields = ["name", "slug", "asset", "tick", "rule", "round_minutes", "gap_minutes"]
    fields += ["response_hours", "ruling_hours", "appeal_hours"]
    data = {f: getattr(market, f if f != "asset" else "asset_id") for f in fields}
    return {**data, "floor": "", "cap": "", **changes}


def _act(dispute_of, action: str, **data: Any):
    def run(c, w):
        url = reverse("admin:arbitration_dispute_act", args=[dispute_of(w).pk, action])
        return c.post(url, data)

    return run


def _rule(c, w):
    url = reverse("admin:arbitration_dispute_rule", args=[w.taken.pk])
    data = {"remedy": "dismiss", "reasons": "Heard.", "nonce": uuid.uuid4(), "confirm": "1"}
    return c.post(url, data)


def _grant(c, w):
    url = reverse("admin:divisions_division_grant", args=[w.division.pk])
    return c.post(url, {"amount": "5.00", "memo": "matrix"})


def _mint(c, w):
    url = reverse("admin:divisions_division_mint", args=[w.division.pk])
    return c.post(url, {"asset": w.market.asset_id, "quantity": "3", "memo": "matrix"})


def _state(dispute: Dispute) -> str:
    dispute.refresh_from_db()
    return dispute.state


# name → (request, did it happen?, allowed for management)
CASES: dict[str, tuple[Any, Any, bool]] = {
    "market: halt action": (
        lambda c, w: _action("market.market", "halt", w.market.pk, reason="x")(c, w),
        lambda w: Market.objects.get(pk=w.market.pk).halted,
        True,
    ),
    "market: resume action": (
        lambda c, w: _action("market.market", "resume", w.halted.pk)(c, w),
        lambda w: not Market.objects.get(pk=w.halted.pk).halted,
        True,
    ),
    "market: delete action": (
        lambda c, w: _action("market.market", "delete_selected", w.halted.pk, post="yes")(c, w),
        lambda w: not Market.objects.filter(pk=w.halted.pk).exists(),
        False,
    ),
    "market: change rules": (
        lambda c, w: c.post(
            reverse("admin:market_market_change", args=[w.market.pk]),
            _market_form(w.market, tick="0.05"),
        ),
        lambda w: Market.objects.get(pk=w.market.pk).tick == Decimal("0.05"),
        True,
    ),
    "division: grant credits": (
        _grant,
        lambda w: LedgerTransaction.objects.filter(memo="matrix", reason="grant").exists(),
        True,
    ),
    "division: mint units": (
        _mint,
        lambda w: LedgerTransaction.objects.filter(memo="matrix", reason="mint").exists(),
        True,
    ),
    "membership: grant trade rights": (
        lambda c, w: c.post(
            reverse("admin:market_membership_change", args=[w.membership.pk]),
            {
                "user": w.membership.user_id,
                "division": w.division.pk,
                "role": "member",
                "may_trade": "on",
            },
        ),
        lambda w: Membership.objects.get(pk=w.membership.pk).role == "member",
        True,
    ),
    "api token: revoke action": (
        lambda c, w: _action("market.apitoken", "revoke", w.token.pk)(c, w),
        lambda w: ApiToken.objects.get(pk=w.token.pk).revoked_at is not None,
        True,
    ),
    "beat: disable a periodic task": (
        lambda c, w: _action("django_celery_beat.periodictask", "disable_tasks", w.task.pk)(c, w),
        lambda w: not PeriodicTask.objects.get(pk=w.task.pk).enabled,
        True,
    ),
    "dispute: take action": (
        lambda c, w: _action("arbitration.dispute", "take_case", w.filed.pk)(c, w),
        lambda w: _state(w.filed) == "under_review",
        True,
    ),
    "dispute: request response action": (
        lambda c, w: _action("arbitration.dispute", "request_response", w.taken.pk)(c, w),
        lambda w: _state(w.taken) == "awaiting_response",
        True,
    ),
    "dispute: escalate action": (
        lambda c, w: _action("arbitration.dispute", "escalate", w.filed.pk)(c, w),
        lambda w: Dispute.objects.get(pk=w.filed.pk).escalated_at is not None,
        True,
    ),
    "dispute: rule action": (
        lambda c, w: _action("arbitration.dispute", "rule", w.taken.pk)(c, w),
        lambda w: False,  # only opens the form; checked by the response below
        True,
    ),
    "dispute page: take": (
        _act(lambda w: w.filed, "take"),
        lambda w: _state(w.filed) == "under_review",
        True,
    ),
    "dispute page: request response": (
        _act(lambda w: w.taken, "request_response"),
        lambda w: _state(w.taken) == "awaiting_response",
        True,
    ),
    "dispute page: escalate": (
        _act(lambda w: w.filed, "escalate"),
        lambda w: Dispute.objects.get(pk=w.filed.pk).escalated_at is not None,
        True,
    ),
    "dispute page: message": (
        _act(lambda w: w.filed, "message", body="matrix message"),
        lambda w: Message.objects.filter(body="matrix message").exists(),
        True,
    ),
    "dispute page: rule": (
        _rule,
        lambda w: Ruling.objects.filter(dispute=w.taken).exists(),
        True,
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(CASES))
def test_each_admin_change_is_managements_alone(client, world, role, case):
    run, happened, allowed = CASES[case]
    if role != "anonymous":
        client.force_login(world.users[role])
    response = run(client, world)
    assert response.status_code < 500
    permitted = allowed and role == "management"
    if case == "dispute: rule action":
        rule_form = reverse("admin:arbitration_dispute_rule", args=[world.taken.pk])
        assert (response.get("Location") == rule_form) is permitted
        return
    assert happened(world) is permitted, f"{role} · {case}: {response.status_code}"


READ_PAGES = [
    "market.market",
    "market.round",
    "market.order",
    "market.fill",
    "divisions.division",
    "market.membership",
    "ledger.asset",
    "ledger.ledgertransaction",
    "ledger.entry",
    "ledger.account",
    "market.apitoken",
    "arbitration.dispute",
    "django_celery_beat.periodictask",
]


@pytest.mark.parametrize("role", ROLES)
def test_only_management_and_auditors_read_the_admin(client, world, role):
    if role != "anonymous":
        client.force_login(world.users[role])
    for page in READ_PAGES:
        response = client.get(_changelist(page))
        if role in ("management", "auditor"):
            assert response.status_code == 200, page
        else:
            assert response.status_code == 302, page
            assert "/admin/login/" in response["Location"]
    dispute = reverse("admin:arbitration_dispute_change", args=[world.filed.pk])
    rule_form = reverse("admin:arbitration_dispute_rule", args=[world.taken.pk])
    grant_form = reverse("admin:divisions_division_grant", args=[world.division.pk])
    expected = {"management": 200, "auditor": 403}.get(role, 302)
    assert client.get(rule_form).status_code == expected
    assert client.get(grant_form).status_code == expected
    assert client.get(dispute).status_code == (200 if role == "auditor" else expected)


def test_the_services_refuse_an_auditor_whatever_the_screen(world):
    from market.errors import NotAllowed

    auditor = world.users["auditor"]
    with pytest.raises(NotAllowed, match="Only management"):
        markets.market_halt(market_id=world.market.pk, by=auditor, reason="x")
    with pytest.raises(NotAllowed, match="Only management"):
        markets.market_resume(market_id=world.halted.pk, by=auditor)
    with pytest.raises(NotAllowed, match="Only management"):
        factories.funded(world.division, by=auditor)
    with pytest.raises(NotAllowed, match="Only management"):
        factories.stocked(world.division, world.market.asset, by=world.users["lead"])
    assert not Market.objects.get(pk=world.market.pk).halted


def test_every_admin_action_declares_its_permissions():
    from django.contrib import admin

    undeclared = [
        f"{model._meta.label}.{name}"
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.actions or []
        if not getattr(getattr(model_admin, name), "allowed_permissions", None)
    ]
    assert undeclared == []
