"""Real Chromium (Debian's, never a downloaded one) driven by Playwright against live_server."""

import os
from decimal import Decimal
from pathlib import Path

import pytest

from tests import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def shoot():
    """Save a full-page screenshot under test-artifacts/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return save


@pytest.fixture
def trading_floor(db):
    """An open round; a funded buyer division and a seller division holding 40 units."""
    round_ = factories.open_round()
    market = round_.market
    buyer_division = factories.DivisionFactory(name="Consumer Assistant")
    seller_division = factories.DivisionFactory(name="Cloud Infrastructure")
    factories.funded(buyer_division, Decimal("1000.00"))
    factories.stocked(seller_division, market.asset, 40)
    return round_, factories.lead_of(buyer_division), factories.lead_of(seller_division)
