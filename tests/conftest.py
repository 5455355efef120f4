import importlib
import os

import pytest
from django.db import connection
from django.utils import timezone, translation

from tests import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only tests skip on a laptop's SQLite, but never in CI: there they must run."""
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    if on_postgres:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("CI must run the suite on PostgreSQL: set DATABASE_URL.")
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _default_language_and_zone():
    """Each test starts in English and UTC: a request in Chinese (or by someone whose time zone
    is Asia/Shanghai) leaves its language and zone active in the thread after it is answered."""
    translation.deactivate()
    timezone.deactivate()
    yield
    translation.deactivate()
    timezone.deactivate()


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


BEAT_SCHEDULE_MIGRATIONS = (
    "arbitration.migrations.0002_beat_schedule",
    "chain.migrations.0002_beat_schedule",
    "events.migrations.0002_beat_schedule",
    "ledger.migrations.0005_reconcile_schedule",
    "market.migrations.0004_beat_schedule",
    "market.migrations.0006_idempotency_prune_schedule",
    "notifications.migrations.0002_beat_schedule",
    "oversight.migrations.0008_utilisation_schedule",
)


@pytest.fixture
def beat_schedules(db):
    """The beat schedules the migrations write, written again (each is a get_or_create): a
    transactional test (the browser tests) ends with a flush that empties every table, so a
    test after it in the same database would find none."""
    from django.apps import apps

    for module in BEAT_SCHEDULE_MIGRATIONS:
        importlib.import_module(module).forward(apps, None)


@pytest.fixture
def management(db):
    return factories.management_user()


@pytest.fixture
def auditor(db):
    return factories.auditor_user()


@pytest.fixture
def division(db):
    return factories.DivisionFactory()


@pytest.fixture
def other_division(db):
    return factories.DivisionFactory()


@pytest.fixture
def lead(division):
    return factories.lead_of(division)


@pytest.fixture
def other_lead(other_division):
    return factories.lead_of(other_division)


@pytest.fixture
def member(division):
    return factories.member_of(division)
