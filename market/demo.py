"""Demo data modelled on the product's story; every step is idempotent so seeding twice is safe."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from . import roles
from .models import Division, Membership
from .services import ledger

DEMO_PASSWORD = "tokenhub-demo"  # noqa: S105 - printed for the demo on purpose


@dataclass(frozen=True)
class DemoDivision:
    slug: str
    name: str
    description: str
    budget: Decimal


DIVISIONS = [
    DemoDivision(
        "model-lab", "Model Lab", "Trains the models; sells token supply.", Decimal(200_000)
    ),
    DemoDivision(
        "cloud", "Cloud Infrastructure", "Runs the GPU fleet; sells GPU-hours.", Decimal(150_000)
    ),
    DemoDivision("maas", "MaaS Platform", "Serves models to every product.", Decimal(300_000)),
    DemoDivision(
        "assistant", "Consumer Assistant", "The consumer chat assistant.", Decimal(500_000)
    ),
    DemoDivision(
        "agents", "Enterprise Agents", "Agent products for enterprises.", Decimal(400_000)
    ),
    DemoDivision("innovation", "AI Innovation", "New ventures and experiments.", Decimal(120_000)),
    DemoDivision("ecommerce", "E-commerce", "Shopping assistants and search.", Decimal(250_000)),
]


def _user(username: str, *, staff: bool = False, superuser: bool = False) -> Any:
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"is_staff": staff, "is_superuser": superuser}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


@transaction.atomic
def seed_people_and_budgets() -> list[tuple[str, str]]:
    """Divisions with a lead and a member each, management, an auditor, and budgets granted."""
    roles.ensure_role_groups()
    management = _user("management", staff=True)
    management.groups.add(Group.objects.get(name=roles.MANAGEMENT))
    auditor = _user("auditor", staff=True)
    auditor.groups.add(Group.objects.get(name=roles.AUDITOR))
    _user("admin", staff=True, superuser=True)
    sign_ins = [("management", "management (Django admin)"), ("auditor", "auditor, read-only")]
    for spec in DIVISIONS:
        division, _ = Division.objects.get_or_create(
            slug=spec.slug, defaults={"name": spec.name, "description": spec.description}
        )
        for suffix, role in (("lead", Membership.Role.LEAD), ("member", Membership.Role.MEMBER)):
            user = _user(f"{spec.slug}-{suffix}")
            Membership.objects.get_or_create(
                user=user, defaults={"division": division, "role": role}
            )
        sign_ins.append((f"{spec.slug}-lead", f"lead of {spec.name}"))
        ledger.credits_grant(
            division=division,
            amount=spec.budget,
            by=management,
            memo="Opening budget",
            key=f"demo:grant:{spec.slug}",
        )
    sign_ins.append(("admin", "superuser"))
    return sign_ins


def seed_all() -> list[tuple[str, str]]:
    return seed_people_and_budgets()
