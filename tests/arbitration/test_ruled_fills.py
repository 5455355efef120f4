"""Every page that shows what a fill cost shows a ruling's effect and links the dispute."""

from decimal import Decimal as D

from django.urls import reverse

from market.models import Order
from tests.arbitration.conftest import rule, taken


def test_a_price_adjustment_shows_on_the_order_round_and_dashboard(client, book, arbiter):
    # given: b1 bought 6 at 2.45 (paid 14.70); the ruling re-prices its fill to 2.00
    dispute = taken(book, arbiter)
    rule(dispute, arbiter, remedy="price_adjustment", new_price=D("2.00"))
    order = Order.objects.get(round=book.round, division=book.b1.membership.division)
    fill = book.fill(book.b1)
    link = reverse("disputes:detail", args=[dispute.pk])
    client.force_login(book.b1)
    # then: the order page, the round's "You" card and the dashboard say 12.00 and link it
    for url in [
        reverse("order", args=[order.public_id]),
        reverse("round_detail", args=[book.round.pk]),
        reverse("dashboard"),
    ]:
        page = client.get(url).content.decode()
        assert "12.00" in page, url
        assert link in page, url
    order_page = client.get(reverse("order", args=[order.public_id])).content.decode()
    assert f'data-testid="ruling-{fill.public_id}"' in order_page
    assert "After a ruling: 6 units, 12.00 credits (price 2.00)" in order_page
    round_page = client.get(reverse("round_detail", args=[book.round.pk])).content.decode()
    assert "paid 12.00 credits" in round_page


def test_a_voided_fill_says_so(client, book, arbiter):
    dispute = taken(book, arbiter)
    rule(dispute, arbiter, remedy="void")
    client.force_login(book.b1)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Voided by a ruling" in page
    assert reverse("disputes:detail", args=[dispute.pk]) in page
