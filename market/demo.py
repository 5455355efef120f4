"""Demo data modelled on the product's story; every step is idempotent so seeding twice is safe."""

import random
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from accounts.models import DEFAULT_TIME_ZONE, Preference
from divisions.models import Division
from ledger import services as ledger
from ledger.models import Asset

from . import demo_sessions, roles
from .errors import MarketError
from .models import Market, Membership, Round
from .services import orders, rounds

DEMO_PASSWORD = "tokenhub-demo"  # noqa: S105 - printed for the demo on purpose


EMAIL_DOMAIN = "tokenhub.example"  # the demo's console e-mail backend prints, sends nothing
CHINESE = "zh-hans"


@dataclass(frozen=True)
class DemoDivision:
    """The slug is the stable code (URLs, usernames, the API); `name` is what the company calls
    the division, `name_en` what an English reader sees; `legacy` the name earlier demos used."""

    slug: str
    name: str
    name_en: str
    description: str
    budget: Decimal
    legacy: str = ""
    lead_language: str = ""  # the lead's saved language ("" follows the browser); members: 中文


DIVISIONS = [
    DemoDivision(
        "model-lab",
        "通义实验室",
        "Tongyi Lab",
        "训练模型，出售 Token 供给。Trains the models; sells token supply.",
        Decimal(200_000),
        "Model Lab",
    ),
    DemoDivision(
        "cloud",
        "云基础设施",
        "Cloud Infrastructure",
        "运营 GPU 集群，出售 GPU 时。Runs the GPU fleet; sells GPU-hours.",
        Decimal(150_000),
        "Cloud Infrastructure",
    ),
    DemoDivision(
        "maas",
        "MaaS 平台",
        "MaaS Platform",
        "为每个产品提供模型服务。Serves models to every product.",
        Decimal(300_000),
        "MaaS Platform",
        CHINESE,
    ),
    DemoDivision(
        "assistant",
        "千问",
        "Qwen",
        "面向消费者的 AI 助手。The consumer assistant.",
        Decimal(500_000),
        "Consumer Assistant",
    ),
    DemoDivision(
        "agents",
        "悟空",
        "Wukong",
        "面向企业的智能体产品。The enterprise agent product.",
        Decimal(400_000),
        "Enterprise Agents",
        CHINESE,
    ),
    DemoDivision(
        "innovation",
        "新业务",
        "New Ventures",
        "新业务与实验。New ventures and experiments.",
        Decimal(120_000),
        "AI Innovation",
        CHINESE,
    ),
    DemoDivision(
        "ecommerce",
        "电商",
        "E-commerce",
        "购物助手与搜索。Shopping assistants and search.",
        Decimal(250_000),
        "E-commerce",
        CHINESE,
    ),
]


def _user(
    username: str, *, staff: bool = False, superuser: bool = False, language: str = ""
) -> Any:
    """A demo person: the demo password, an e-mail address, the company's time zone and, for
    some, Chinese as their saved language (the others follow their browser)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "is_staff": staff,
            "is_superuser": superuser,
            "email": f"{username}@{EMAIL_DOMAIN}",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    elif not user.email:
        user.email = f"{username}@{EMAIL_DOMAIN}"
        user.save(update_fields=["email"])
    Preference.objects.get_or_create(
        user=user,
        defaults={
            "language": language,
            "time_zone": DEFAULT_TIME_ZONE,
            "email_notifications": bool(language),
        },
    )
    return user


def _division(spec: DemoDivision) -> Division:
    """The division, renamed from an earlier demo's English name (never from management's)."""
    division, created = Division.objects.get_or_create(
        slug=spec.slug,
        defaults={"name": spec.name, "name_en": spec.name_en, "description": spec.description},
    )
    if not created and spec.legacy and division.name == spec.legacy:
        division.name, division.name_en = spec.name, spec.name_en
        division.description = spec.description
        division.save(update_fields=["name", "name_en", "description"])
    return division


@transaction.atomic
def seed_people_and_budgets() -> list[tuple[str, str]]:
    """Divisions with a lead and a member each, management, an auditor, and budgets granted."""
    roles.ensure_role_groups()
    management = _user("management", staff=True, language=CHINESE)
    management.groups.add(Group.objects.get(name=roles.MANAGEMENT))
    auditor = _user("auditor", staff=True)
    auditor.groups.add(Group.objects.get(name=roles.AUDITOR))
    _user("admin", staff=True, superuser=True)
    sign_ins = [
        ("management", "management (Django admin), reads 简体中文"),
        ("auditor", "auditor, read-only"),
    ]
    for spec in DIVISIONS:
        division = _division(spec)
        for suffix, role in (("lead", Membership.Role.LEAD), ("member", Membership.Role.MEMBER)):
            language = spec.lead_language if role == Membership.Role.LEAD else CHINESE
            user = _user(f"{spec.slug}-{suffix}", language=language)
            Membership.objects.get_or_create(
                user=user, defaults={"division": division, "role": role}
            )
        reads = ", reads 简体中文" if spec.lead_language else ""
        sign_ins.append((f"{spec.slug}-lead", f"lead of {spec.name} ({spec.name_en}){reads}"))
        ledger.credits_grant(
            division=division,
            amount=spec.budget,
            by=management,
            memo="期初预算 · Opening budget",
            key=f"demo:grant:{spec.slug}",
        )
    sign_ins.append(("admin", "superuser"))
    return sign_ins


@dataclass(frozen=True)
class DemoMarket:
    slug: str
    name: str
    asset: dict[str, Any]
    seller: str
    capacity: int
    buyers: tuple[str, ...]
    price: Decimal


def _demo_markets() -> list[DemoMarket]:
    """The demo's two resources. They trade in delivery windows: the token chain's demo
    (`manage.py seed_chain`, run by `up`) makes a series of each, minted per window."""
    gpu = {"kind": Asset.Kind.GPU, "gpu_type": "H100", "pool": "eu-west"}
    tokens = {"kind": Asset.Kind.TOKENS, "model_name": "tokenhub-large"}
    return [
        DemoMarket(
            "h100-eu-west",
            "H100 算力 · eu-west",
            gpu,
            "cloud",
            2_000,
            ("model-lab", "maas", "innovation"),
            Decimal("2.40"),
        ),
        DemoMarket(
            "tokens-large",
            "tokenhub-large 大模型 Token",
            tokens,
            "model-lab",
            5_000,
            ("assistant", "agents", "ecommerce", "maas"),
            Decimal("0.80"),
        ),
    ]


def seed_markets() -> None:
    """Markets come from the chain's series (one per delivery window); here the trader and
    the session those windows trade in (the chain's demo links its series to it)."""
    _ensure_demo_trader()
    demo_sessions.demo_session()


def _ensure_demo_trader() -> None:
    every, _ = IntervalSchedule.objects.get_or_create(every=20, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.get_or_create(
        name="Demo: place a few orders in each open round",
        defaults={"task": "market.demo_trade", "interval": every},
    )


def demo_trade(*, now: datetime | None = None) -> int:
    """Place a handful of plausible bids and asks in every open round that has none from the
    demo, and a bundle or two in every open session round that has none; returns how many.

    Demo only (seed_demo schedules it), so a newcomer sees rounds clear with real prices.
    """
    placed = 0
    specs = {spec.asset["kind"]: spec for spec in _demo_markets()}
    for round_ in Round.objects.filter(state=Round.State.OPEN).select_related("market__asset"):
        spec = specs.get(round_.market.asset.kind)
        if spec is None or round_.orders.exists():
            continue
        placed += _place_demo_orders(round_, spec)
    prices = {kind: spec.price for kind, spec in specs.items()}
    return placed + demo_sessions.place_demo_bundles(agent=demo_agent, prices=prices)


def demo_agent(division: Division) -> Any:
    """The division's demo agent: an automated member with trade rights that places the demo's
    orders, so no order ever claims a real person (a lead) placed it. It cannot sign in."""
    User = get_user_model()
    agent, created = User.objects.get_or_create(
        username=f"{division.slug}-demo-agent",
        defaults={"first_name": f"{division.name}演示代理", "last_name": "(demo agent)"},
    )
    if created:
        agent.set_unusable_password()
        agent.save(update_fields=["password"])
        group, _ = Group.objects.get_or_create(name=roles.DEMO_AGENTS)
        agent.groups.add(group)
    Membership.objects.get_or_create(
        user=agent,
        defaults={"division": division, "role": Membership.Role.MEMBER, "may_trade": True},
    )
    return agent


def _place_demo_orders(round_: Round, spec: DemoMarket) -> int:
    rng = random.Random(round_.pk)  # noqa: S311 - demo prices, not security
    placed = 0
    slugs = {spec.seller, *spec.buyers}
    users = {d.slug: demo_agent(d) for d in Division.objects.filter(slug__in=slugs)}
    tick = round_.tick
    for slug in spec.buyers:
        limit = (spec.price * Decimal(rng.uniform(0.85, 1.15))).quantize(tick)
        placed += _try_place(users[slug], round_, "buy", rng.randint(50, 400), limit)
    for _ in range(3):
        limit = (spec.price * Decimal(rng.uniform(0.8, 1.1))).quantize(tick)
        placed += _try_place(users[spec.seller], round_, "sell", rng.randint(100, 500), limit)
    return placed


def _try_place(user: Any, round_: Round, side: str, quantity: int, limit: Decimal) -> int:
    try:
        orders.order_place(user=user, round_id=round_.pk, side=side, quantity=quantity, limit=limit)
    except MarketError:
        return 0
    return 1


def seed_all() -> list[tuple[str, str]]:
    sign_ins = seed_people_and_budgets()
    seed_markets()
    for market_id in Market.objects.filter(halted=False).values_list("id", flat=True):
        new = rounds.round_schedule_next(market_id=market_id)
        if new is not None:
            rounds.round_open(round_id=new.pk)
    demo_trade()
    return sign_ins
