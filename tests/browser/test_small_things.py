"""Small things a new user noticed, checked in real Chromium: the dispute page's cards have
room between them, each party reads the dispute in its own words with the order it knows,
the ruling form shows only the chosen remedy's fields, and an auditor's token page offers
nothing it cannot use."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from arbitration import services
from tests import factories
from tests.arbitration.conftest import claim
from tests.browser.test_trading import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LAPTOP = {"width": 1280, "height": 900}

# Cards stacked in one column with less than 8 px between them.
TOUCHING = """() => {
  const cards = [...document.querySelectorAll('main .card')].map(c => c.getBoundingClientRect())
    .filter(r => r.height > 0);
  const found = [];
  cards.forEach((a, i) => cards.forEach((b, j) => {
    const sameColumn = a.left < b.right && b.left < a.right;
    const gap = b.top - a.bottom;
    if (i !== j && sameColumn && gap >= -1 && gap < 8) found.push([i, j, gap]);
  }));
  return found;
}"""


def plain_sign_in(page, base, user, path="/login/"):
    page.goto(base + path)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").or_(
        page.get_by_role("button", name="Log in")
    ).click()


@pytest.fixture
def filed(trading_floor):
    round_, buyer, seller = trading_floor
    order = factories.bid(buyer, round_, 6, "3.00")
    factories.ask(seller, round_, 5, "2.00")
    factories.close_and_finish(round_)
    fill = round_.fills.get(division=buyer.membership.division)
    dispute = services.dispute_file(user=buyer, claim=claim(), fill_id=fill.pk)
    return dispute, order, buyer, seller


def test_each_party_reads_the_dispute_in_its_own_words_on_cards_that_do_not_touch(
    live_server, filed, browser, shoot
):
    dispute, order, buyer, seller = filed
    url = live_server.url + reverse("disputes:detail", args=[dispute.pk])
    filer = browser.new_page(viewport=LAPTOP)
    sign_in(filer, live_server.url, buyer)
    filer.goto(url)
    about = filer.locator("tr", has_text="About")
    expect(about).to_contain_text("One of our fills")
    expect(about.get_by_role("link", name=f"order #{order.public_id}")).to_be_visible()
    expect(filer.locator("main")).not_to_contain_text(f"fill #{dispute.fill_id}")
    assert filer.evaluate(TOUCHING) == []
    shoot(filer, "small-01-dispute-filer")

    other = browser.new_page(viewport=LAPTOP)
    sign_in(other, live_server.url, seller)
    other.goto(url)
    about = other.locator("tr", has_text="About")
    expect(about).to_contain_text(f"A fill of {buyer.membership.division.name}")
    expect(other.locator("main")).not_to_contain_text("One of our fills")
    expect(other.locator("main")).not_to_contain_text(f"order #{order.public_id}")
    other.goto(live_server.url + reverse("disputes:list"))
    expect(other.locator("main tbody tr").first).to_contain_text("A fill of")
    shoot(other, "small-02-disputes-counterparty")


def test_the_ruling_form_shows_only_the_chosen_remedys_fields(live_server, filed, browser, shoot):
    dispute, *_ = filed
    boss = factories.management_user()
    services.dispute_take(dispute_id=dispute.pk, by=boss)
    page = browser.new_page(viewport=LAPTOP)
    plain_sign_in(page, live_server.url, boss, "/admin/login/")
    page.goto(live_server.url + reverse("admin:arbitration_dispute_rule", args=[dispute.pk]))
    fields = {
        name: page.locator(f"#id_{name}") for name in ("amount", "payer", "payee", "new_price")
    }
    shown = {
        "dismiss": set(),
        "compensation": {"amount", "payer", "payee"},
        "price_adjustment": {"new_price"},
        "void": set(),
    }
    for remedy, visible in shown.items():
        page.locator("#id_remedy").select_option(remedy)
        for name, field in fields.items():
            if name in visible:
                expect(field).to_be_visible()
            else:
                expect(field).to_be_hidden()
        shoot(page, f"small-03-ruling-{remedy}")


def test_an_auditors_token_page_offers_only_what_a_token_of_theirs_can_do(
    live_server, browser, shoot, db
):
    auditor = factories.auditor_user()
    page = browser.new_page(viewport=LAPTOP)
    plain_sign_in(page, live_server.url, auditor)
    page.goto(live_server.url + reverse("api-tokens"))
    expect(page.get_by_label("read", exact=False).first).to_be_visible()
    expect(page.get_by_role("checkbox")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("division lead")
    expect(page.get_by_test_id("read-only")).to_contain_text("You trade for no division")
    shoot(page, "small-04-auditor-tokens")
