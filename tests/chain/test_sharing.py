"""The sharing rule as its docstring states it: exact, deterministic, never negative."""

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chain.sharing import RoundTrades, SharingError, attribute, share, split

ids = st.integers(min_value=1, max_value=12)
money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False)
fractions = st.fractions(min_value=0, max_value=1, max_denominator=1000)
weights = st.dictionaries(ids, st.dictionaries(ids, st.integers(0, 10**6), max_size=5), max_size=6)


@st.composite
def chains(draw):
    return {
        "revenue": draw(money),
        "earner": draw(ids),
        "passes": draw(st.dictionaries(ids, fractions, max_size=12)),
        "layers": draw(st.lists(weights, min_size=0, max_size=3)),
    }


@given(chains())
def test_parts_sum_to_the_revenue_exactly(chain):
    result = share(chain["revenue"], **{k: v for k, v in chain.items() if k != "revenue"})
    assert sum(result.parts.values(), Decimal("0.00")) == chain["revenue"]
    assert all(part > 0 for part in result.parts.values())
    assert all(flow.amount > 0 for flow in result.flows)


@given(chains(), st.randoms(use_true_random=False))
def test_the_order_of_the_inputs_changes_nothing(chain, rng):
    def shuffled(mapping):
        items = list(mapping.items())
        rng.shuffle(items)
        return {k: shuffled(v) if isinstance(v, dict) else v for k, v in items}

    first = share(
        chain["revenue"], earner=chain["earner"], passes=chain["passes"], layers=chain["layers"]
    )
    again = share(
        chain["revenue"],
        earner=chain["earner"],
        passes=shuffled(chain["passes"]),
        layers=[shuffled(layer) for layer in chain["layers"]],
    )
    assert again == first


@given(chains())
def test_only_the_earner_and_upstream_sellers_receive(chain):
    result = share(
        chain["revenue"], earner=chain["earner"], passes=chain["passes"], layers=chain["layers"]
    )
    sellers = {
        seller
        for layer in chain["layers"]
        for sold in layer.values()
        for seller, weight in sold.items()
        if weight > 0
    }
    assert set(result.parts) <= {chain["earner"], *sellers}


@given(chains())
def test_what_each_division_keeps_is_what_came_in_less_what_it_passed(chain):
    result = share(
        chain["revenue"], earner=chain["earner"], passes=chain["passes"], layers=chain["layers"]
    )
    net: dict[int, Decimal] = {chain["earner"]: chain["revenue"]}
    for flow in result.flows:
        net[flow.payer] = net.get(flow.payer, Decimal(0)) - flow.amount
        net[flow.payee] = net.get(flow.payee, Decimal(0)) + flow.amount
    assert {d: v for d, v in net.items() if v} == result.parts


def test_a_two_step_chain_by_hand():
    # the app (1) passes 30% to its token sellers, the lab (2) passes half of that to the cloud (3)
    result = share(
        Decimal("1000.00"),
        earner=1,
        passes={1: Decimal("0.3"), 2: Decimal("0.5")},
        layers=[{1: {2: Decimal("800"), 4: Decimal("200")}}, {2: {3: Decimal("50")}}],
    )
    assert result.parts == {
        1: Decimal("700.00"),
        2: Decimal("120.00"),
        3: Decimal("120.00"),
        4: Decimal("60.00"),
    }
    assert [(f.layer, f.payer, f.payee, f.amount) for f in result.flows] == [
        (0, 1, 2, Decimal("240.00")),
        (0, 1, 4, Decimal("60.00")),
        (1, 2, 3, Decimal("120.00")),
    ]


def test_leftover_cents_go_to_the_largest_remainder_then_the_lower_id():
    assert split(100, {7: Fraction(1), 3: Fraction(1), 5: Fraction(1)}) == {3: 34, 5: 33, 7: 33}
    assert split(2, {1: Fraction(1), 2: Fraction(2)}) == {1: 1, 2: 1}  # 0.67 and 1.33: 1 wins


def test_a_holder_with_no_seller_keeps_everything():
    result = share(Decimal("10.00"), earner=1, passes={1: Decimal(1)}, layers=[{}])
    assert result.parts == {1: Decimal("10.00")}
    assert result.flows == ()


def test_rounds_attribute_each_payment_pro_rata_to_units_sold():
    weights = attribute(
        [
            RoundTrades(paid={1: Decimal("30.00")}, sold={2: 2, 3: 1}),
            RoundTrades(paid={1: Decimal("10.00"), 4: Decimal("5.00")}, sold={2: 5}),
        ]
    )
    assert weights == {1: {2: Fraction(30), 3: Fraction(10)}, 4: {2: Fraction(5)}}


@pytest.mark.parametrize(
    ("revenue", "passes", "message"),
    [
        (Decimal("-1"), {}, "cannot be negative"),
        (Decimal("1.001"), {}, "more than 2 decimal places"),
        (Decimal("NaN"), {}, "finite Decimal"),
        (Decimal("1"), {1: Decimal("1.5")}, "must be in [0, 1]"),
    ],
)
def test_bad_input_is_refused_with_a_message(revenue, passes, message):
    with pytest.raises(SharingError, match=message.replace("[", r"\[").replace("]", r"\]")):
        share(revenue, earner=1, passes=passes, layers=[{1: {2: 1}}])


def test_float_weights_are_refused():
    with pytest.raises(SharingError, match="Decimal, Fraction or int"):
        share(Decimal("1"), earner=1, passes={1: 0.5}, layers=[{1: {2: 1}}])  # type: ignore[dict-item]


def test_a_random_book_is_the_same_every_run():
    rng = random.Random(4)
    layers = [{b: {s: rng.randint(0, 99) for s in range(1, 6)} for b in range(1, 6)}]
    runs = [
        share(Decimal("999.99"), earner=1, passes={1: Decimal("0.37")}, layers=layers)
        for _ in range(3)
    ]
    assert runs[0] == runs[1] == runs[2]
    assert sum(runs[0].parts.values()) == Decimal("999.99")
