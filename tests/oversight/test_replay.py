"""What-if replay of a settled round, in the database and in the browser."""

from decimal import Decimal

import pytest

from ledger.models import Entry, LedgerTransaction
from market.models import Fill
from market.services import orders
from oversight.models import ClearingInputs
from oversight.replay import Params, book_from_columns
from oversight.selectors.replay import round_replay
from tests import factories
from tests.factories import ask, bid

D = Decimal


def test_the_book_is_kept_as_it_stood_at_close_although_orders_change_in_place(db):
    round_ = factories.open_round()
    buyer = factories.trader(D(100))
    seller = factories.trader(D(0), units=10, asset=round_.market.asset)
    order = bid(buyer, round_, 6, "3.00")
    ask(seller, round_, 5, "2.00")
    orders.order_change(user=buyer, order_id=order.pk, quantity=4, limit="2.80")

    factories.close_and_finish(round_)

    stored = book_from_columns(ClearingInputs.objects.get(round=round_).book)
    mine = next(o for o in stored if o.id == order.pk)
    assert (mine.side, mine.quantity, mine.limit) == ("buy", 4, D("2.80"))
    assert mine.division == buyer.membership.division_id
    assert len(stored) == 2


def test_replay_with_the_original_parameters_reproduces_the_stored_result(settled, management):
    round_, _ = settled
    round_.refresh_from_db()

    replay = round_replay(user=management, round_id=round_.pk)

    assert replay.alternative.price == round_.price == D("2.45")
    assert replay.alternative.volume == round_.volume == 10
    stored_fills = dict(Fill.objects.filter(round=round_).values_list("order_id", "quantity"))
    assert replay.alternative.fills == replay.original.fills == stored_fills
    assert replay.welfare_change == 0


def test_replay_changes_nothing_in_the_ledger(settled, management):
    round_, _ = settled
    before = (LedgerTransaction.objects.count(), Entry.objects.count(), Fill.objects.count())

    round_replay(
        user=management,
        round_id=round_.pk,
        params=Params(rule="pay_as_clear", floor=None, cap=D("2.20"), tick=D("0.01")),
    )

    after = (LedgerTransaction.objects.count(), Entry.objects.count(), Fill.objects.count())
    assert after == before


def test_removing_a_division_shows_what_the_round_would_have_cleared_without_it(
    settled, management
):
    round_, (b1, *_rest) = settled
    b1_division = b1.membership.division_id

    replay = round_replay(user=management, round_id=round_.pk, without=[b1_division])

    # without b1's 6 @ 3.00 only b2's 6 @ 2.50 bids: 5 from s1 @ 2.00 and 1 from s2 @ 2.40
    assert (replay.alternative.volume, replay.alternative.price) == (6, D("2.45"))
    line = next(line for line in replay.lines if line.division.pk == b1_division)
    assert line.removed
    assert line.bought == (6, 0)
    # welfare: 6x3.00 + 4x2.50 - 5x2.00 - 5x2.40 = 6.00; then 6x2.50 - 5x2.00 - 1x2.40 = 2.60
    assert (replay.original.welfare, replay.alternative.welfare) == (D("6.00"), D("2.60"))
    assert replay.welfare_change == D("-3.40")


def test_a_division_lead_cannot_replay_a_round(settled, as_user):
    round_, (b1, *_rest) = settled

    response = as_user(b1).get(f"/oversight/rounds/{round_.pk}/replay/")

    assert response.status_code == 403
    assert "Only management and auditors" in response.content.decode()


@pytest.mark.parametrize("who", ["management", "auditor"])
def test_management_and_auditors_see_the_replay_side_by_side(settled, as_user, who, request):
    round_, _ = settled
    user = request.getfixturevalue(who)

    page = as_user(user).get(
        f"/oversight/rounds/{round_.pk}/replay/", {"rule": "pay_as_clear", "floor": "", "cap": ""}
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="price-original">2.45<' in html
    assert 'data-testid="price-replay">2.40<' in html


@pytest.mark.parametrize("cap", ["1e3", "٣", "-1", "2.345", "x" * 500])
def test_odd_prices_are_refused_inline_not_with_a_server_error(settled, as_user, management, cap):
    round_, _ = settled

    page = as_user(management).get(
        f"/oversight/rounds/{round_.pk}/replay/", {"rule": "midpoint", "cap": cap}
    )

    assert page.status_code == 200
    assert "errorlist" in page.content.decode()


def test_a_round_still_open_cannot_be_replayed(db, as_user, management):
    round_ = factories.open_round()

    page = as_user(management).get(f"/oversight/rounds/{round_.pk}/replay/")

    assert page.status_code == 403
    assert "Only a cleared or settled round" in page.content.decode()
