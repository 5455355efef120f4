"""Guaranteed minimums wired into clearing and settlement; what a division sees of them."""

import uuid
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from arbitration import services as arbitration
from arbitration.models import RulingEffect
from market.errors import MarketError, NotAllowed
from market.models import Fill, Order
from market.selectors import asset_totals
from oversight.models import ClearingInputs, Guarantee, GuaranteeDelivery
from oversight.selectors.replay import round_replay
from oversight.services.guarantees import guarantee_save
from tests import factories
from tests.api.conftest import next_round_open
from tests.arbitration.conftest import claim
from tests.factories import ask, bid

D = Decimal


def grant(management, market, division, units, price=None):
    return guarantee_save(
        user=management,
        guarantee=Guarantee(market=market, division=division, units=units, price=price),
    )


@pytest.fixture
def outbid(db, management):
    """The assistant is guaranteed 4 units and bids 4 @ 3.00; a rival bids 10 @ 5.00 for
    the 10 units asked at 2.00."""
    round_ = factories.open_round()
    assistant = factories.trader(D("100.00"))
    rival = factories.trader(D("100.00"))
    seller = factories.trader(D(0), units=10, asset=round_.market.asset)
    grant(management, round_.market, assistant.membership.division, 4)
    mine = bid(assistant, round_, 4, "3.00")
    theirs = bid(rival, round_, 10, "5.00")
    sold = ask(seller, round_, 10, "2.00")
    assert factories.close_and_finish(round_) == "settled"
    round_.refresh_from_db()
    return round_, assistant, (mine, theirs, sold)


def test_guaranteed_units_are_delivered_before_the_auction_allocates_the_rest(outbid):
    round_, assistant, (mine, theirs, sold) = outbid

    fills = {f.order_id: (f.quantity, f.amount) for f in Fill.objects.filter(round=round_)}
    assert fills[mine.pk] == (4, D("12.00"))  # at 3.50 clipped to its own limit 3.00
    assert fills[theirs.pk] == (6, D("21.00"))  # the auctioned rest: 6 at 3.50
    assert fills[sold.pk] == (10, D("33.00"))
    assert (round_.price, round_.volume) == (D("3.50"), 10)
    assert Order.objects.get(pk=mine.pk).state == "filled"
    delivery = GuaranteeDelivery.objects.get(round=round_)
    assert (delivery.division_id, delivery.units, delivery.price) == (
        assistant.membership.division_id,
        4,
        D("3.00"),
    )
    assert all(total == 0 for total in asset_totals().values())


def test_a_guarantee_is_used_up_across_the_windows_rounds(outbid, management):
    round_, assistant, _ = outbid
    nxt = next_round_open(round_.market)
    seller = factories.trader(D(0), units=10, asset=round_.market.asset)
    bid(assistant, nxt, 4, "3.00")
    bid(factories.trader(D("100.00")), nxt, 10, "5.00")
    ask(seller, nxt, 10, "2.00")

    factories.close_and_finish(nxt)

    # the 4 guaranteed units were used in the first round: now the rival outbids it
    assert not GuaranteeDelivery.objects.filter(round=nxt).exists()
    assert ClearingInputs.objects.get(round=nxt).guarantees == {"left": []}


def test_the_division_sees_its_guarantee_and_what_it_used_on_the_result_page(outbid, client):
    round_, assistant, _ = outbid
    client.force_login(assistant)

    html = client.get(f"/rounds/{round_.pk}/").content.decode()

    assert "guarantees your division 4 units in this market: 4 delivered so far, 0 left" in html
    assert "This round delivered 4 units under the guarantee, at 3.00" in html


def test_replay_serves_the_stored_guarantees_and_can_leave_them_out(outbid, management):
    round_, assistant, (mine, theirs, _) = outbid

    replay = round_replay(user=management, round_id=round_.pk, keep_guarantees=False)

    assert replay.original.fills[mine.pk] == 4
    assert (replay.original.price, replay.original.volume) == (round_.price, round_.volume)
    assert mine.pk not in replay.alternative.fills
    assert replay.alternative.fills[theirs.pk] == 10


def test_only_management_grants_guarantees_and_grants_are_audited(db, management, auditor):
    market, division = factories.MarketFactory(), factories.DivisionFactory()
    with pytest.raises(NotAllowed):
        grant(auditor, market, division, 5)

    guarantee = grant(management, market, division, 5, D("1.50"))

    assert LogEntry.objects.get_for_object(guarantee).get().action == LogEntry.Action.CREATE


def _dispute(user, fill, arbiter, remedy):
    dispute = arbitration.dispute_file(
        user=user, claim=claim(claimed_remedy=remedy), fill_id=fill.pk
    )
    return arbitration.dispute_take(dispute_id=dispute.pk, by=arbiter)


def _rule(dispute, arbiter, remedy, **decision):
    return arbitration.dispute_rule(
        dispute_id=dispute.pk,
        by=arbiter,
        decision=arbitration.Decision(remedy=remedy, reasons="Heard.", **decision),
        nonce=uuid.uuid4(),
    )


def test_voiding_a_mixed_fill_undoes_only_its_auctioned_units_at_the_round_price(
    outbid, management
):
    """The seller's 10 units went 4 to the guarantee at 3.00 and 6 to the auction at 3.50
    (33.00 in all): a void gives back the 6 auctioned units' 21.00, to and from the rival
    who bought them; the assistant's guaranteed units are not touched."""
    round_, assistant, (mine, theirs, sold) = outbid
    arbiter = factories.management_user()
    seller_fill = Fill.objects.get(order=sold)
    seller = factories.lead_of(seller_fill.division)
    dispute = _dispute(seller, seller_fill, arbiter, "void")

    ruling = _rule(dispute, arbiter, "void")

    effects = {
        e.division_id: (e.units, e.credits, e.unit_delta)
        for e in RulingEffect.objects.filter(ruling=ruling)
    }
    assert effects == {
        seller_fill.division_id: (6, D("-21.00"), 6),
        theirs.division_id: (6, D("21.00"), -6),
    }
    assert all(total == 0 for total in asset_totals().values())


def test_a_fill_made_only_of_guaranteed_units_cannot_be_re_priced(outbid, management):
    round_, assistant, (mine, theirs, sold) = outbid
    arbiter = factories.management_user()
    dispute = _dispute(assistant, Fill.objects.get(order=mine), arbiter, "price_adjustment")

    with pytest.raises(MarketError, match="delivered under a guaranteed minimum"):
        arbitration.ruling_preview(
            dispute=dispute,
            decision=arbitration.Decision(
                remedy="price_adjustment", reasons="Heard.", new_price=D("3.20")
            ),
        )
