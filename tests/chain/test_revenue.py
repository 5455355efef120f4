"""External revenue shared along the chain: exactly once, explained, debts paid first."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from chain.models import CurrencyRate, RevenueShare, SharingRule
from chain.services import debts, revenue
from ledger.models import Entry
from market.errors import InvalidState, NotAllowed
from tests import factories
from tests.chain.factories import SeriesFactory, platform_user, use, window_of

pytestmark = pytest.mark.django_db


def credits_of(division):
    from ledger import services as ledger

    account = ledger.account_get(asset=ledger.credits_asset(), division=division, kind="available")
    return ledger.balances_of([account.pk])[account.pk]


def trade(window, seller, buyer, units, price):
    """One settled round of the window's market: `buyer` buys `units` from `seller`."""
    round_ = factories.open_round(window.market)
    factories.ask(factories.lead_of(seller), round_, units, price)
    factories.bid(factories.lead_of(buyer), round_, units, price)
    assert factories.close_and_finish(round_) == "settled"


@pytest.fixture
def chain():
    """Cloud sells the lab 100 GPU-hours at 2.00; the lab sells the app 50 M tokens at 4.00."""
    anchor = timezone.now() + timedelta(hours=2)
    gpu = window_of(SeriesFactory(anchor=anchor, window_minutes=60, gate_minutes=30))
    tokens = window_of(
        SeriesFactory(anchor=anchor, window_minutes=60, gate_minutes=30, kind="tokens")
    )
    cloud, lab, app = (factories.DivisionFactory() for _ in range(3))
    factories.stocked(cloud, gpu.asset, 100)
    factories.stocked(lab, tokens.asset, 50)
    factories.funded(lab, Decimal("1000.00"))
    factories.funded(app, Decimal("1000.00"))
    trade(gpu, cloud, lab, 100, "2.00")
    trade(tokens, lab, app, 50, "4.00")
    SharingRule.objects.create(division=app, pass_up=Decimal("0.3000"))
    SharingRule.objects.create(division=lab, pass_up=Decimal("0.5000"))
    CurrencyRate.objects.create(currency="USD", credits_per_unit=Decimal("10"))
    return {"cloud": cloud, "lab": lab, "app": app, "gpu": gpu, "tokens": tokens}


def book(chain, by, reference="INV-1", amount="100.01"):
    day = chain["gpu"].starts_at.date()
    data = revenue.RevenueInput(
        chain["app"].pk, day, day + timedelta(days=1), Decimal(amount), "USD", "shop", reference
    )
    return revenue.revenue_record(by=by, data=data)


def test_revenue_flows_up_the_chain_to_the_cent_and_says_why(chain):
    before = {name: credits_of(chain[name]) for name in ("cloud", "lab", "app")}
    # when: 100.01 USD at 10 credits = 1000.10 credits
    record, replayed = book(chain, factories.lead_of(chain["app"]))
    # then: the app keeps 70%, the lab half of its 30%, the cloud the rest
    assert not replayed
    shares = {s.division_id: s.amount for s in RevenueShare.objects.filter(record=record)}
    assert shares == {
        chain["app"].pk: Decimal("700.07"),
        chain["lab"].pk: Decimal("150.02"),
        chain["cloud"].pk: Decimal("150.01"),
    }
    assert sum(shares.values()) == record.credits == Decimal("1000.10")
    for name in ("cloud", "lab", "app"):
        assert credits_of(chain[name]) - before[name] == shares[chain[name].pk]
    why = RevenueShare.objects.get(record=record, division=chain["cloud"]).why
    assert [(s["layer"], s["from"], s["to"], s["amount"]) for s in why["steps"]] == [
        ("tokens", chain["app"].pk, chain["lab"].pk, "300.03"),
        ("gpu", chain["lab"].pk, chain["cloud"].pk, "150.01"),
    ]
    assert why["steps"][1]["rounds"][0]["bought"] == 100
    sums = Entry.objects.values("account__asset").annotate(total=Sum("amount"))
    assert all(row["total"] == 0 for row in sums)


def test_the_same_reference_books_once_and_other_values_are_refused(chain):
    lead = factories.lead_of(chain["app"])
    first, _ = book(chain, lead)
    again, replayed = book(chain, lead)
    assert replayed
    assert again.pk == first.pk
    assert RevenueShare.objects.count() == 3
    assert revenue.revenue_share(record_id=first.pk) is False
    with pytest.raises(InvalidState, match="recorded before with other values"):
        book(chain, lead, amount="5.00")


def test_only_the_earners_lead_or_management_records_revenue(chain):
    with pytest.raises(NotAllowed):
        book(chain, factories.lead_of(chain["lab"]))
    record, _ = book(chain, factories.management_user(), reference="INV-9")
    assert record.division_id == chain["app"].pk


def test_a_share_pays_the_divisions_overage_debt_first(chain):
    # the cloud used 5 units of a window it holds none of: a debt of 5 × 2.00 × 1.5 = 15.00
    cloud = chain["cloud"]
    spent = credits_of(cloud)
    factories.management_user()
    window = chain["gpu"]
    from ledger import services as ledger

    ledger.transfer(
        source=cloud, target=chain["lab"], asset=ledger.credits_asset(), amount=spent, by=None
    )
    use(platform_user(), cloud, window, 5, "over-1")
    assert debts.debt_of(cloud.pk) == Decimal("15.00")
    book(chain, factories.lead_of(chain["app"]))
    assert debts.debt_of(cloud.pk) == 0
    assert credits_of(cloud) == Decimal("150.01") - Decimal("15.00")
