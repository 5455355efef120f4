"""In real Chromium: a lead files a dispute from a fill, management rules a refund in admin
(preview, then confirm), and the lead sees the refund on their ledger statement."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests import factories
from tests.arbitration.conftest import Book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, url: str, user) -> None:
    page.goto(url)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Log in", re.I)).click()


def test_a_lead_files_management_rules_a_refund_and_the_lead_sees_it(
    live_server, book: Book, arbiter, browser
):
    lead_page = browser.new_page()
    boss_page = browser.new_page()
    buyer, seller = book.b1.membership.division, book.s1.membership.division
    order = book.fill(book.b1).order

    # a lead files a dispute from their fill
    sign_in(lead_page, f"{live_server.url}/login/", book.b1)
    lead_page.goto(live_server.url + reverse("order", args=[order.public_id]))
    lead_page.get_by_role("link", name="File a dispute about this fill").click()
    lead_page.get_by_label("Category").select_option("pricing")
    lead_page.get_by_label("Remedy you ask for").select_option("compensation")
    lead_page.get_by_label("Amount claimed (credits)").fill("5.00")
    lead_page.get_by_label("Statement").fill("A fat-finger ask moved the price against us.")
    lead_page.get_by_role("button", name="File dispute").click()
    expect(lead_page.get_by_role("status")).to_contain_text("filed. The counterparties are told.")
    number = re.search(r"/disputes/(\d+)/", lead_page.url).group(1)

    # management takes the case in the admin queue, then rules with a preview and a confirm
    sign_in(boss_page, f"{live_server.url}/admin/login/", arbiter)
    boss_page.goto(live_server.url + reverse("admin:arbitration_dispute_changelist"))
    boss_page.locator(f'input[name="_selected_action"][value="{number}"]').check()
    boss_page.locator('select[name="action"]').select_option("take_case")
    boss_page.get_by_role("button", name="Go").click()
    expect(boss_page.locator(".messagelist")).to_contain_text("Taken: 1 dispute.")
    boss_page.goto(live_server.url + reverse("admin:arbitration_dispute_change", args=[number]))
    boss_page.get_by_role("link", name="Rule…").click()
    boss_page.locator("#id_remedy").select_option("compensation")
    boss_page.locator("#id_reasons").fill("The ask was an error; the seller refunds the buyer.")
    boss_page.locator("#id_amount").fill("5.00")
    boss_page.locator("#id_payer").select_option(label=seller.name)
    boss_page.locator("#id_payee").select_option(label=buyer.name)
    boss_page.get_by_role("button", name="Preview ledger effects").click()
    preview = boss_page.locator("#preview")
    expect(preview).to_contain_text("Preview: the ledger legs this ruling will post")
    expect(preview.locator("tr", has_text=buyer.name).first).to_contain_text("+5.00")
    expect(preview.locator("tr", has_text=seller.name).first).to_contain_text("\u22125.00")
    boss_page.get_by_role("button", name="Confirm ruling").click()
    expect(boss_page.locator(".messagelist")).to_contain_text("applied (ledger transaction #")

    # the lead sees the ruling, its effect, and the refund on the ledger statement
    lead_page.reload()
    expect(lead_page.locator("h1")).to_contain_text("Ruled")
    expect(lead_page.locator("table.ledger-effects")).to_contain_text("+5.00")
    lead_page.goto(live_server.url + reverse("ledger"))
    row = lead_page.locator("tr", has_text="Arbitration ruling").first
    expect(row).to_contain_text(f"Ruling on dispute #{number}: Compensation")
    expect(row).to_contain_text("+5.00")
    expect(row).to_contain_text("90.30")  # 85.30 after the trade, plus the refund
