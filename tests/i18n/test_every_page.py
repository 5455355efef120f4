"""Every page reads in 简体中文: each URL of the URLconf is rendered in `zh-hans` for each role
that may open it (nobody, a division lead, a member, an auditor, management), the admin's too
(index, each app, the changelist, add, change and history pages of every registered model, and
the custom admin views: ruling, grant, mint, …), over one realistic data set built by the
demo's seed and the services (settled rounds with fills, a ruled dispute and one under review,
windows, usage, revenue, limits, guarantees, alerts, webhooks, tokens, notifications).

The rule, for each HTML page:
- its visible text (tags, scripts, styles and comments stripped; plus the attributes a reader
  meets: title, placeholder, aria-label and the label of buttons) may hold no English word
  of three letters or more, once these are taken out: the names people gave things (divisions,
  people, markets, assets, series, sessions, tokens, beat tasks, …, read from the database),
  ids and codes (public ids, hex tokens, identifiers with `_` or `.`, addresses, URLs), units
  and product names in ALLOWED (GPU, H100, API, CSV, JSON, …) and nothing else;
- and every catalogue entry has a translation (no msgid without msgstr, nothing fuzzy).

A new page is covered the day its URL is added: the URLconf is walked, each URL keyword is
filled from KWARGS (a new keyword fails the test until it is listed there), and only the
URLs in SKIP (not pages: files, JSON, redirects of the machinery) are left out.
"""

import re
import uuid
import zoneinfo
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from typing import Any

import polib
import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
ROLES = ("anonymous", "lead", "member", "auditor", "management")

# Units, product and format names a Chinese page may show as they are; and "English", the
# language switch's name for English in English itself (a switch names each language in
# itself, so a reader who cannot read the page's language still finds theirs).
ALLOWED = {
    "Tokenhub", "English", "UTC", "GPU", "H100", "A100", "API", "CSV", "JSON", "PDF", "PNG",
    "JPG", "JPEG", "TXT", "MaaS", "HTTPS", "URL", "USD", "CNY", "HTTP", "Webhook", "Webhooks",
    "SVG", "HHI", "ISO", "IDs", "Celery", "Django", "SQL", "UUID", "Cron", "cron", "crontab",
    "csv", "jpeg", "jpg", "json", "pdf", "png", "txt", "Token", "Tokens", "PostgreSQL", "Redis",
    "RabbitMQ", "AMQP", "GET", "POST", "Qwen",
}  # fmt: skip

# What django_celery_beat writes without marking it for translation (its PeriodicTask admin's
# "Task Name" field and "Crontab translation" and "Scheduler" columns): nothing can translate it.
UNMARKED_BY_THEIR_PACKAGE = {"Task Name", "Crontab translation", "Scheduler", "chord counter"}

# URL names that are not pages a person reads: files, JSON, the language switch, the machinery.
SKIP = {
    "health", "javascript-catalog", "set_language", "live", "logout",
    "admin:jsi18n", "admin:autocomplete", "admin:view_on_site", "admin:", "admin:logout",
    "disputes:evidence-file",
}  # fmt: skip


# ---------------------------------------------------------------- the data set


@dataclass
class World:
    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    clients: dict[str, Any] = field(default_factory=dict)


def _build() -> World:
    """Through factories and services: two delivery windows traded (the cloud sells the lab
    GPU-hours, the lab sells 千问 tokens), usage and revenue booked along the chain, the next
    round open with a bid of 千问's lead, a dispute ruled and one under review, oversight's
    rules, a webhook, a token, a session, preferences and notifications."""
    from accounts.services import preferences_set
    from arbitration import services as arbitration
    from chain.models import CurrencyRate, RevenueTarget, SharingRule
    from chain.services import platform, revenue
    from events.models import Event
    from events.services import subscription_create
    from ledger import services as ledger
    from market import roles
    from market.models import Fill, Market, Session, SessionRound
    from market.services import bundles, rounds, sessions, tokens
    from notifications.services import notifications_fan_out
    from oversight.models import Guarantee, HealthAlert, PositionLimit
    from tests import factories
    from tests.chain.factories import SeriesFactory, platform_user, use, window_of

    roles.ensure_role_groups()
    management, auditor = factories.management_user(), factories.auditor_user()
    cloud, lab, app, agent = (
        factories.DivisionFactory(name=name, slug=slug)
        for name, slug in (
            ("MaaS 平台", "maas"),
            ("通义实验室", "model-lab"),
            ("千问", "assistant"),
            ("悟空", "wukong"),
        )
    )
    lead, member = factories.lead_of(app), factories.member_of(app)
    anchor = timezone.now() + timedelta(hours=2)
    gpu = window_of(
        SeriesFactory(name="H100 · 华东", anchor=anchor, window_minutes=60, gate_minutes=30)
    )
    tokens_window = window_of(
        SeriesFactory(
            name="通义 Token · 大模型", anchor=anchor, window_minutes=60, gate_minutes=30,
            kind="tokens", gpu_type="", pool="", model_name="qwen-max",
        )
    )  # fmt: skip
    # memos typed by management: in Chinese, as the company writes them
    ledger.units_mint(division=cloud, asset=gpu.asset, quantity=100, by=management, memo="算力配额")
    ledger.units_mint(
        division=lab, asset=tokens_window.asset, quantity=50, by=management, memo="模型产能"
    )
    for division in (lab, app, agent):
        ledger.credits_grant(
            division=division, amount=Decimal("100000.00"), by=management, memo="期初预算"
        )
    lab_lead, cloud_lead, agent_lead = (factories.lead_of(d) for d in (lab, cloud, agent))
    first = factories.open_round(gpu.market)
    factories.ask(cloud_lead, first, 100, "2.00")
    factories.bid(lab_lead, first, 100, "2.00")
    factories.close_and_finish(first)
    traded = factories.open_round(tokens_window.market)
    factories.ask(lab_lead, traded, 50, "4.00")
    factories.bid(lead, traded, 40, "4.50")
    factories.bid(agent_lead, traded, 20, "4.00")
    factories.close_and_finish(traded)
    following = rounds.round_schedule_next(market_id=tokens_window.market_id)
    assert rounds.round_open(round_id=following.pk, now=following.opens_at)
    order = factories.bid(lead, following, 2, "1.00")
    # the chain: usage metered, revenue booked and shared
    meter = platform_user()
    use(meter, app, tokens_window, 10, "usage-1")
    SharingRule.objects.create(division=app, pass_up=Decimal("0.3000"))
    SharingRule.objects.create(division=lab, pass_up=Decimal("0.5000"))
    CurrencyRate.objects.create(currency="USD", credits_per_unit=Decimal("10"))
    day = gpu.starts_at.date()
    RevenueTarget.objects.create(
        division=app, period_start=day, period_end=day + timedelta(days=30), amount=10000
    )
    record, _replayed = revenue.revenue_record(
        by=lead,
        data=revenue.RevenueInput(
            app.pk, day, day + timedelta(days=1), Decimal("12345.67"), "USD", "商城", "INV-1"
        ),
    )
    revenue.revenue_share(record_id=record.pk)
    platform.platform_account_create(by=management, username="platform-meter")
    # a dispute ruled (compensation) and one under review
    fill = Fill.objects.get(round=traded, division=app)
    claim = arbitration.Claim("fill", "pricing", "compensation", Decimal("1234.50"), "成交价偏高。")
    ruled = arbitration.dispute_file(user=lead, claim=claim, fill_id=fill.pk)
    arbitration.message_post(dispute_id=ruled.pk, user=lead, body="请尽快处理。")
    arbitration.evidence_add(dispute_id=ruled.pk, user=lead, title="价格记录", text="见附件。")
    arbitration.response_submit(dispute_id=ruled.pk, user=lab_lead, body="报价真实有效。")
    arbitration.dispute_take(dispute_id=ruled.pk, by=management)
    arbitration.dispute_rule(
        dispute_id=ruled.pk,
        by=management,
        decision=arbitration.Decision(
            remedy="compensation",
            reasons="卖方应赔偿差价。",
            amount=Decimal("1000.00"),
            payer_id=lab.pk,
            payee_id=app.pk,
        ),
        nonce=uuid.uuid4(),
    )
    price_claim = arbitration.Claim(
        "price", "pricing", "price_adjustment", Decimal(0), "价格异常。"
    )
    open_dispute = arbitration.dispute_file(user=lead, claim=price_claim, round_id=traded.pk)
    arbitration.dispute_take(dispute_id=open_dispute.pk, by=management)
    # oversight, a session, webhooks, tokens, preferences, notifications
    market = tokens_window.market
    PositionLimit.objects.create(
        market=market, division=app, max_buy_per_round=500, reason="试行", set_by=management
    )
    Guarantee.objects.create(
        market=market, division=app, units=1, price=Decimal("1.00"), set_by=management
    )
    HealthAlert.objects.create(
        kind=HealthAlert.Kind.NO_TRADE, threshold=Decimal("0.50"), set_by=management
    )
    # a session round of two markets, open, with a bundle of 千问's lead
    session = sessions.session_save(
        user=management, session=Session(name="周一场次", slug="monday")
    )
    gpu_market, token_market = factories.MarketFactory(), factories.MarketFactory()
    Market.objects.filter(pk__in=[gpu_market.pk, token_market.pk]).update(session=session)
    sessions.session_rounds_tick()
    session_round = SessionRound.objects.get(session=session)
    bundle = bundles.bundle_place(
        user=lead,
        session_round_id=session_round.pk,
        limit="50.00",
        legs=[
            bundles.LegInput(gpu_market.pk, "buy", 2),
            bundles.LegInput(token_market.pk, "buy", 3),
        ],
    )
    subscription_create(user=lead, url="https://hooks.example.com/tokenhub")
    issued = tokens.token_create(user=lead, name="交易机器人", scopes=["read", "trade"])
    preferences_set(user=lead, language="zh-hans", email_notifications=True)
    notifications_fan_out(event_ids=list(Event.objects.values_list("pk", flat=True)))
    users = {"lead": lead, "member": member, "auditor": auditor, "management": management}
    for user in users.values():
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    world = World(users=users)
    world.objects = {
        "market": market,
        "round": traded,
        "order": order,
        "dispute": ruled,
        "open_dispute": open_dispute,
        "division": app,
        "markets": Market.objects.count(),
        "token": issued.secret,
        "session_round": session_round,
        "bundle": bundle,
    }
    world.names = _names()
    return world


def _names() -> list[str]:
    """What people named things: taken out of the text before looking for English."""
    from auditlog.models import LogEntry
    from django.contrib.auth.models import Group
    from django_celery_beat.models import PeriodicTask

    from arbitration.models import Evidence
    from chain.models import CurrencyRate, RevenueRecord, Series
    from divisions.models import Division
    from events.models import Subscription
    from ledger.models import Asset
    from market.models import ApiToken, Market, Scope

    found: set[str] = set()
    for user in get_user_model().objects.all():
        found |= {user.username, user.email, user.get_full_name()}
    rows = [
        Division.objects.values_list("name", "slug"),
        Market.objects.values_list("name", "slug"),
        Asset.objects.values_list("name", "code", "gpu_type", "pool", "model_name"),
        Series.objects.values_list("name", "slug"),
        PeriodicTask.objects.values_list("name", "task", "description"),
        LogEntry.objects.values_list("object_repr"),
        Group.objects.values_list("name"),
        ApiToken.objects.values_list("name", "prefix"),
        CurrencyRate.objects.values_list("currency"),
        RevenueRecord.objects.values_list("reference", "source"),
        Evidence.objects.values_list("title", "filename"),
        Subscription.objects.values_list("url"),
    ]
    try:
        from market.models import Session

        rows.append(Session.objects.values_list("name", "slug"))
    except ImportError:  # pragma: no cover
        pass
    for queryset in rows:
        for row in queryset:
            found |= {str(value) for value in row if value}
    found |= set(Scope.values)  # API token scopes are codes the API reads
    found |= zoneinfo.available_timezones()  # the time zone picker lists them by name
    return sorted((n for n in found if n), key=len, reverse=True)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One data set for the whole module, rolled back at its end (each test's own changes
    roll back to it), with a signed-in client per role."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = _build()
        for role in ROLES:
            client = Client()
            if role != "anonymous":
                client.force_login(built.users[role])
            built.clients[role] = client
        yield built
        transaction.set_rollback(True)


# ---------------------------------------------------------------- the pages


@dataclass(frozen=True)
class Page:
    name: str
    route: str
    keywords: tuple[str, ...]
    model: Any = None
    app_label: str = ""

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")


def _route_keywords(route: str) -> tuple[str, ...]:
    found = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    return tuple(a or b for a, b in found)


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[Page]:
    pages = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            pages += _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            continue
        assert isinstance(pattern, URLPattern)
        route = prefix + str(pattern.pattern)
        name = namespace + (pattern.name or "")
        model_admin = getattr(pattern.callback, "model_admin", None)
        model = model_admin.model if model_admin is not None else None
        keywords = _route_keywords(route)
        if "app_label" in keywords:  # the admin's app index: one page per app
            labels = re.search(r"\(\?P<app_label>([^)]*)\)", route)
            assert labels is not None
            for label in labels.group(1).split("|"):
                pages.append(Page(name, route, keywords, None, label))
            continue
        pages.append(Page(name, route, keywords, model))
    return pages


# The model admin's own screens read are the changelist and the change form (add, history and
# delete share their templates and words); every custom admin view is read too.
ADMIN_SKIPPED_SUFFIXES = ("_add", "_history", "_delete")


def _is_page(page: Page) -> bool:
    if page.name in SKIP or (page.route.startswith("api/") and page.name != "api-tokens"):
        return False
    return not (page.model is not None and page.name.endswith(ADMIN_SKIPPED_SUFFIXES))


def all_pages() -> list[Page]:
    return [p for p in _walk(get_resolver().url_patterns) if _is_page(p)]


def _first_pk(model: Any, world: World) -> Any:
    from arbitration.models import Dispute

    if model is Dispute:
        return world.objects["dispute"].pk
    found = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    return found


# How each URL keyword is filled; a URL with a keyword missing here fails the test.
KWARGS = {
    "slug": lambda w, page: w.objects["market"].slug,
    "round_id": lambda w, page: w.objects["round"].pk,
    "order_id": lambda w, page: w.objects["order"].public_id,
    "pk": lambda w, page: w.objects["dispute"].pk,
    "evidence_id": lambda w, page: w.objects["dispute"].evidence.first().pk,
    "dispute_id": lambda w, page: w.objects["open_dispute"].pk,
    "action": lambda w, page: "take",
    "division_id": lambda w, page: w.objects["division"].pk,
    "object_id": lambda w, page: _first_pk(page.model, w),
    "id": lambda w, page: w.users["lead"].pk,
    "session_round_id": lambda w, page: w.objects["session_round"].pk,
    "bundle_id": lambda w, page: w.objects["bundle"].public_id,
    "app_label": lambda w, page: page.app_label,
}


def url_of(page: Page, world: World) -> str | None:
    """The page's address with its keywords filled; None when there is nothing to show (a
    model without a single row)."""
    missing = [k for k in page.keywords if k not in KWARGS]
    assert not missing, f"{page.route}: add {missing} to KWARGS"
    values = {k: KWARGS[k](world, page) for k in page.keywords}
    if any(v is None for v in values.values()):
        return None
    path = page.route
    for key, value in values.items():
        path = re.sub(rf"<(?:\w+:)?{key}>|\(\?P<{key}>[^)]*\)", str(value), path)
    path = path.replace("^", "").replace("$", "")
    return "/" + path


def roles_for(page: Page) -> tuple[str, ...]:
    return ("management",) if page.is_admin else ROLES


PAGES = all_pages()
CASES = [(role, page) for page in PAGES for role in roles_for(page)]


# ---------------------------------------------------------------- reading a page


class _Reader(HTMLParser):
    """The text a person meets on the page, attributes they read included."""

    SHOWN = {"title", "placeholder", "aria-label"}
    HIDDEN = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        values = dict(attrs)
        for name in self.SHOWN:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button", "reset"):
            self.parts.append(str(values.get("value") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    return re.sub(r"\s+", " ", unescape(" ".join(reader.parts)))


CODES = [
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",  # uuids
    r"https?://\S+",  # addresses
    r"\S+@\S+",  # e-mail
    r"\b[0-9a-z]{16}\b",  # public ids
    r"\b[0-9a-f]{8,}\b",  # hex tokens, hashes
    r"\b\w+(?:[._:/]\w+)+\b",  # identifiers: snake_case, dotted, paths
    r"\b[A-Za-z]+_\w*",  # snake_case codes and token prefixes (thk_…)
    r"\S*\*{3,}\S*",  # masked secrets (the password hash's summary)
    r"\b[A-Za-z]+-\d+\b",  # external ids such as usage-1
    r"(?<![A-Za-z])(?:None|True|False)(?![A-Za-z])",  # Python's values (records, help texts)
    r"(?<![A-Za-z])[A-Za-z]+\d\w*",  # codes with digits (arg1, v2)
    r"\?\w+=<\w+>",  # a query parameter as typed in an address
    r"\bwhsec_\w+",
]


def english_left(html: str, names: list[str]) -> list[str]:
    text = visible_text(html)
    for name in [*names, *UNMARKED_BY_THEIR_PACKAGE]:
        if len(name) > 1:
            text = text.replace(name, " ")
    while re.search(r"\{[^{}]*\}", text):  # records' data shown as JSON (events, revenue)
        text = re.sub(r"\{[^{}]*\}", " ", text)
    for code in CODES:
        text = re.sub(code, " ", text)
    words = re.findall(r"[A-Za-z][A-Za-z'’-]{2,}", text)
    return sorted({w for w in words if w not in ALLOWED and w.strip("'’-") not in ALLOWED})


def where(html: str, words: list[str]) -> str:
    """Each word with the text around it, to find the template or code that wrote it."""
    text = visible_text(html)
    lines = []
    for word in words[:15]:
        found = re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", text)
        if found:
            lines.append(f"  {word}: …{text[max(0, found.start() - 60) : found.end() + 60]}…")
    return "\n".join(lines)


# ---------------------------------------------------------------- the tests


def test_every_catalogue_entry_is_translated():
    for domain in ("django", "djangojs"):
        path = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"
        if not path.exists():
            continue
        untranslated = [
            e.msgid
            for e in polib.pofile(str(path))
            if not e.obsolete
            and ("fuzzy" in e.flags or not (e.msgstr or all(e.msgstr_plural.values())))
        ]
        assert untranslated == [], f"{domain}: {untranslated[:20]}"


def test_the_pages_are_found_from_the_urlconf():
    """Each part's pages are in the list, the admin's custom views too."""
    names = {p.name for p in PAGES}
    for name in (
        "dashboard",
        "market",
        "disputes:detail",
        "chain:windows",
        "oversight:health",
        "notifications:inbox",
        "preferences",
        "admin:index",
        "admin:arbitration_dispute_rule",
        "admin:divisions_division_grant",
        "admin:arbitration_dispute_changelist",
        "admin:arbitration_dispute_change",
    ):
        assert name in names, name
    registered = {m._meta.label for m in admin.site._registry}
    assert registered <= {p.model._meta.label for p in PAGES if p.model is not None}


@pytest.mark.parametrize(
    ("role", "page"), CASES, ids=[f"{role}:{page.name or page.route}" for role, page in CASES]
)
def test_the_page_reads_in_chinese(world, role, page, db):
    url = url_of(page, world)
    if url is None:
        pytest.skip(f"no {page.model._meta.label} to show")  # pragma: no cover
    response = world.clients[role].get(url, **ZH)
    assert response.status_code < 500, (url, response.status_code)
    if response.status_code in (301, 302, 405) or "html" not in response.get("Content-Type", ""):
        return
    html = response.content.decode()
    if "<html" in html:  # a whole page (not an htmx fragment) says its language
        assert 'lang="zh-hans"' in html, url
    left = english_left(html, world.names)
    assert left == [], f"{role} {url}: {left}\n{where(html, left)}"


def test_the_ruling_preview_reads_in_chinese(world, client, db):
    """The ruling form's second step, with its ledger legs and effects."""
    dispute = world.objects["open_dispute"]
    client.force_login(world.users["management"])
    url = f"/admin/arbitration/dispute/{dispute.pk}/rule/"
    form = client.get(url, **ZH).context["form"]
    response = client.post(
        url,
        {
            "remedy": "price_adjustment",
            "reasons": "重新定价。",
            "new_price": "1.00",
            "nonce": form["nonce"].initial,
            "preview": "1",
        },
        **ZH,
    )
    html = response.content.decode()
    assert "预览：此裁决将记入的账务分录" in html
    assert "重新定价为" in html
    assert english_left(html, world.names) == []


def test_the_snapshot_shows_times_with_their_zone_and_no_microseconds(world, client, db):
    client.force_login(world.users["lead"])
    html = client.get(f"/disputes/{world.objects['dispute'].pk}/", **ZH).content.decode()
    text = visible_text(html)
    assert "记录于" in text
    assert re.search(r"记录于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\+8", text)
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d+", text)


def test_an_api_refusal_reads_in_chinese_with_an_english_code(world, db):
    """The API's `code` stays a stable English identifier; `detail` follows Accept-Language."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {world.objects['token']}")
    dispute = world.objects["open_dispute"]
    response = api.post(
        f"/api/disputes/{dispute.pk}/appeal/",
        {"why": "不服。"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    body = response.json()
    assert response.status_code in (400, 409), body
    assert re.fullmatch(r"[a-z_]+", body["code"]), body
    assert "争议" in body["detail"], body
    assert english_left(body["detail"], world.names) == []
