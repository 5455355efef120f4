"""Session clearing with bundles: hand-worked sessions, validation, and properties."""

import itertools
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market.clearing import ClearingError, Order, clear
from market.session_clearing import Bundle, Leg, MarketBook, clear_session
from market.session_search import Search, better

D = Decimal


def buy(id, quantity, limit, seq=0):
    return Order(id, "buy", quantity, D(limit), seq)


def sell(id, quantity, limit, seq=0):
    return Order(id, "sell", quantity, D(limit), seq)


def bundle(id, limit, *legs, seq=0):
    return Bundle(id, tuple(Leg(m, side, q) for m, side, q in legs), D(limit), seq)


GPU = MarketBook("gpu", (sell("a1", 10, "2.00"), buy("b1", 5, "2.50"), sell("a2", 5, "10.00")))
TOKENS = MarketBook("tokens", (buy("t1", 10, "1.00"), sell("t2", 10, "0.50")))


# ---------------------------------------------------------------- hand-worked sessions


def test_without_bundles_each_market_clears_by_section_7():
    result = clear_session([GPU, TOKENS], [])

    assert result.markets == {"gpu": clear(GPU.orders), "tokens": clear(TOKENS.orders)}
    assert result.bundles == {}
    assert result.welfare == D("7.50")  # 5 × (2.50 − 2.00) + 10 × (1.00 − 0.50)


def test_a_bundle_buying_gpu_hours_and_selling_tokens_trades_both_legs():
    linked = bundle("x", "12.00", ("gpu", "buy", 5), ("tokens", "sell", 5))

    result = clear_session([GPU, TOKENS], [linked])

    gpu, tokens = result.markets["gpu"], result.markets["tokens"]
    # GPU: 10 asked at 2.00 meet b1's 5 and the leg's 5; prices 2.00-2.50 reach 10 units
    assert (gpu.price, gpu.volume, gpu.fills) == (D("2.25"), 10, {"a1": 10, "b1": 5})
    # tokens: t1 buys 10 from t2 (5) and the leg (5)
    assert (tokens.price, tokens.volume, tokens.fills) == (D("0.75"), 10, {"t1": 10, "t2": 5})
    outcome = result.bundles["x"]
    assert (outcome.accepted, outcome.reason, outcome.cost) == (True, "accepted", D("7.50"))
    assert result.welfare == D("12.00")  # −7.50 in GPU + 7.50 in tokens + the bundle's 12.00


def test_prices_move_inside_the_clearing_interval_to_meet_an_accepted_bundle():
    # the leg alone sets GPU's interval to [2.00, 10.00] (midpoint 6.00); 5 units at 3.00 fit
    result = clear_session([GPU], [bundle("x", "15.00", ("gpu", "buy", 5))])

    gpu = result.markets["gpu"]
    assert (gpu.low, gpu.high, gpu.price) == (D("2.00"), D("2.50"), D("2.25"))
    assert gpu.fills == {"a1": 10, "b1": 5}
    alone = MarketBook("gpu", (sell("a1", 10, "2.00"), sell("a2", 5, "10.00")))
    result = clear_session([alone], [bundle("x", "15.00", ("gpu", "buy", 5))])
    gpu = result.markets["gpu"]
    assert (gpu.low, gpu.high, gpu.price) == (D("2.00"), D("10.00"), D("3.00"))
    assert result.bundles["x"].cost == D("15.00")


def test_prices_are_moved_market_by_market_in_key_order_each_as_little_as_possible():
    # each market alone with the leg: interval [1.00, 5.00], §7 price 3.00; the bundle
    # needs p_a + p_b <= 5.00, so "a" keeps 3.00 (b can still fit) and "b" moves to 2.00
    books = [
        MarketBook(m, (sell(f"{m}1", 10, "1.00"), sell(f"{m}2", 5, "5.00"))) for m in ("b", "a")
    ]

    result = clear_session(books, [bundle("x", "25.00", ("b", "buy", 5), ("a", "buy", 5))])

    assert (result.markets["a"].price, result.markets["b"].price) == (D("3.00"), D("2.00"))
    assert result.bundles["x"].cost == D("25.00")


def test_the_solver_prints_nothing_on_the_workers_stdout():
    # HiGHS greets from C++ on its first instance; a worker's stdout carries JSON log lines
    code = (
        "from decimal import Decimal as D;"
        "from market.clearing import Order;"
        "from market.session_clearing import Bundle, Leg, MarketBook, clear_session;"
        "book = MarketBook('m', (Order(1, 'sell', 5, D('1.00')),));"
        "clear_session([book], [Bundle('x', (Leg('m', 'buy', 5),), D('9'))])"
    )
    root = Path(__file__).resolve().parents[2]

    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)

    assert (done.returncode, done.stdout) == (0, "")


def test_a_bundle_that_would_lift_the_price_above_its_limit_is_rejected_paradoxically():
    # alone: b1's 3 units meet a1 at 1.25. With the bundle's 6 units the price must reach
    # 3.00 (6 × 3.00 = 18.00 > 14.00), although its welfare (14 − 8) beats the book's 1.50
    book = MarketBook("gpu", (sell("a1", 5, "1.00"), sell("a2", 5, "3.00"), buy("b1", 3, "1.50")))

    result = clear_session([book], [bundle("x", "14.00", ("gpu", "buy", 6))])

    assert result.markets["gpu"] == clear(book.orders)
    outcome = result.bundles["x"]
    assert not outcome.accepted
    assert (outcome.reason, outcome.paradoxical, outcome.cost) == (
        "paradoxically_rejected",
        True,
        D("7.50"),  # 6 × 1.25: its limit covers it at the final price
    )
    assert result.welfare == D("1.50")


def test_a_rejected_bundle_names_the_leg_that_made_it_too_expensive():
    linked = bundle("x", "10.00", ("gpu", "buy", 5), ("tokens", "buy", 5))

    result = clear_session([GPU, TOKENS], [linked])

    outcome = result.bundles["x"]
    assert outcome.reason == "too_expensive"
    assert not outcome.paradoxical
    assert outcome.binding_market == "gpu"  # 5 × 2.25 of the 15.00 it would cost
    assert outcome.limit_needed == outcome.cost == D("15.00")  # 5 × 2.25 + 5 × 0.75
    assert result.markets == clear_session([GPU, TOKENS], []).markets


def test_a_leg_nobody_can_fill_has_no_counterparty():
    result = clear_session([GPU, TOKENS], [bundle("x", "999", ("gpu", "buy", 16))])

    outcome = result.bundles["x"]
    assert (outcome.reason, outcome.binding_market, outcome.cost) == (
        "no_counterparty",
        "gpu",
        None,
    )


def test_a_net_seller_bundle_takes_at_least_its_least_receipt():
    book = MarketBook("tokens", (buy("t1", 10, "1.00"), buy("t2", 10, "0.40")))

    result = clear_session([book], [bundle("x", "-6.00", ("tokens", "sell", 10))])

    tokens = result.markets["tokens"]
    assert tokens.fills == {"t1": 10}
    assert tokens.price * 10 >= D("6.00")
    assert result.bundles["x"].cost == -tokens.price * 10


def test_two_bundles_can_trade_with_each_other_alone():
    books = [
        MarketBook("gpu", ()),
        MarketBook("tokens", (buy("t", 1, "1.00"), sell("s", 1, "1.00"))),
    ]
    buyer = bundle("buyer", "0.00", ("gpu", "buy", 4))
    seller = bundle("seller", "0.00", ("gpu", "sell", 4))

    result = clear_session(books, [buyer, seller])

    assert result.bundles["buyer"].accepted
    assert result.bundles["seller"].accepted
    assert result.markets["gpu"].volume == 4
    assert result.markets["gpu"].price == D("0.00")


@pytest.mark.parametrize(
    ("bundles", "message"),
    [
        ([bundle("x", "1", ("fpga", "buy", 1))], "bundle 'x': leg in market 'fpga'"),
        ([bundle("x", "1", ("gpu", "buy", 1), ("gpu", "sell", 1))], "two legs in market 'gpu'"),
        ([bundle("x", "1", ("gpu", "hold", 1))], "side 'hold' is not 'buy' or 'sell'"),
        ([bundle("x", "1", ("gpu", "buy", 0))], "quantity 0 is not a positive int"),
        ([bundle("x", "1")], "bundle 'x': no legs"),
        ([Bundle("x", (Leg("gpu", "buy", 1),), 1.5)], "limit 1.5 is not a finite Decimal"),
        ([bundle("x", "1", ("gpu", "buy", 1))] * 2, "bundle 'x': duplicate id"),
    ],
)
def test_invalid_bundles_are_refused_by_name(bundles, message):
    with pytest.raises(ClearingError, match=message):
        clear_session([GPU, TOKENS], bundles)


def test_an_invalid_book_is_refused_naming_its_market_and_order():
    bad = MarketBook("gpu", (buy("b", 1, "1.001"),))

    with pytest.raises(ClearingError, match="market 'gpu': order 'b': limit 1.001 is not on"):
        clear_session([bad], [])
    with pytest.raises(ClearingError, match="market 'gpu': two books"):
        clear_session([GPU, GPU], [])


# ------------------------------------------------------------------------ properties

MARKETS = ("gpu", "tokens", "cpu")


@st.composite
def books(draw, markets=MARKETS):
    result = []
    for market in markets[: draw(st.integers(1, len(markets)))]:
        orders = []
        for i in range(draw(st.integers(0, 7))):
            side = draw(st.sampled_from(["buy", "sell"]))
            cents = draw(st.integers(90, 130))
            limit = D(cents) / 100
            orders.append(
                Order(f"{market}{i}", side, draw(st.integers(1, 9)), limit, draw(st.integers(0, 3)))
            )
        floor = draw(st.sampled_from([None, D("1.00")]))
        cap = draw(st.sampled_from([None, D("1.20")]))
        rule = draw(st.sampled_from(["midpoint", "pay_as_clear"]))
        result.append(MarketBook(market, tuple(orders), rule, floor, cap))
    return result


@st.composite
def sessions(draw):
    markets = draw(books())
    names = [book.market for book in markets]
    bundles = []
    for i in range(draw(st.integers(0, 4))):
        legs = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
        legs = tuple(
            Leg(m, draw(st.sampled_from(["buy", "sell"])), draw(st.integers(1, 8))) for m in legs
        )
        limit = D(draw(st.integers(-1200, 1200))) / 100
        bundles.append(Bundle(f"x{i}", legs, limit, draw(st.integers(0, 2))))
    return markets, bundles


def check_session(markets, bundles, result):
    """Balanced markets, fills within limits, no bundle paradoxically accepted, exact welfare."""
    by_market = {book.market: book for book in markets}
    welfare = D(0)
    for market, clearing in result.markets.items():
        book = by_market[market]
        bought = sold = 0
        for order in book.orders:
            units = clearing.fills.get(order.id, 0)
            assert 0 <= units <= order.quantity
            if not units:
                continue
            if order.side == "buy":
                assert order.limit >= clearing.price
                assert order.limit >= (book.floor or 0)
                bought, welfare = bought + units, welfare + units * order.limit
            else:
                assert order.limit <= clearing.price
                assert book.cap is None or order.limit <= book.cap
                sold, welfare = sold + units, welfare - units * order.limit
        for b in bundles:
            for leg in b.legs:
                if leg.market == market and result.bundles[b.id].accepted:
                    bought += leg.quantity if leg.side == "buy" else 0
                    sold += leg.quantity if leg.side == "sell" else 0
        assert bought == sold == clearing.volume
        if clearing.price is not None:
            assert clearing.low <= clearing.price <= clearing.high
    for b in bundles:
        outcome = result.bundles[b.id]
        if outcome.accepted:
            prices = {leg.market: result.markets[leg.market].price for leg in b.legs}
            cost = sum(
                (
                    leg.quantity * prices[leg.market] * (1 if leg.side == "buy" else -1)
                    for leg in b.legs
                ),
                D(0),
            )
            assert outcome.cost == cost <= b.limit
            welfare += b.limit
        elif outcome.reason == "too_expensive":
            assert outcome.cost == outcome.limit_needed > b.limit
        else:
            assert outcome.reason in ("paradoxically_rejected", "no_counterparty")
            assert outcome.paradoxical == (outcome.reason == "paradoxically_rejected")
    assert result.welfare == welfare


@settings(max_examples=150, deadline=None)
@given(sessions())
def test_sessions_balance_respect_limits_and_never_lose_welfare(session):
    markets, bundles = session

    result = clear_session(markets, bundles)

    check_session(markets, bundles, result)
    separate = clear_session(markets, [])
    assert result.welfare >= separate.welfare
    if not any(outcome.accepted for outcome in result.bundles.values()):
        assert result.markets == separate.markets


@settings(max_examples=150, deadline=None)
@given(books())
def test_without_bundles_every_market_is_section_7_order_for_order(markets):
    result = clear_session(markets, [])

    for book in markets:
        alone = clear(book.orders, rule=book.rule, floor=book.floor, cap=book.cap, tick=book.tick)
        assert result.markets[book.market] == alone


@settings(max_examples=60, deadline=None)
@given(sessions(), st.randoms(use_true_random=False))
def test_the_same_session_in_any_order_gives_the_same_result(session, rng):
    markets, bundles = session
    first = clear_session(markets, bundles)

    shuffled = [
        MarketBook(b.market, tuple(rng.sample(b.orders, len(b.orders))), b.rule, b.floor, b.cap)
        for b in markets
    ]
    rng.shuffle(shuffled)
    again = clear_session(shuffled, rng.sample(bundles, len(bundles)))

    assert again == first
    assert clear_session(markets, bundles) == first


@settings(max_examples=80, deadline=None)
@given(sessions())
def test_the_search_finds_the_best_admissible_set_of_bundles(session):
    markets, bundles = session
    result = clear_session(markets, bundles, gap=0)

    # brute force over every set of bundles, by the rule's own steps 1-4
    from market.session_clearing import _markets, _plans

    states = _markets(markets)
    plans = _plans(bundles, {state.book.market: m for m, state in enumerate(states)})
    search = Search(states, plans, max_rounds=0)
    best = None
    for size in range(len(plans) + 1):
        for accepted in itertools.combinations(range(len(plans)), size):
            candidate, _ = search.evaluate(frozenset(accepted))
            if candidate is not None and (best is None or better(candidate, best)):
                best = candidate
    assert result.welfare == best.welfare
    accepted = {plans[b].bundle.id for b in best.accepted}
    assert {i for i, o in result.bundles.items() if o.accepted} == accepted


def test_a_larger_session_is_deterministic_and_balanced():
    rng = random.Random(5)
    markets = [
        MarketBook(
            market,
            tuple(
                Order(
                    i,
                    rng.choice(["buy", "sell"]),
                    rng.randint(1, 20),
                    D(rng.randint(150, 250)) / 100,
                    i,
                )
                for i in range(200)
            ),
        )
        for market in MARKETS
    ]
    bundles = [
        Bundle(
            i,
            tuple(
                Leg(m, rng.choice(["buy", "sell"]), rng.randint(1, 10))
                for m in rng.sample(MARKETS, 2)
            ),
            D(rng.randint(-3000, 3000)) / 100,
            i,
        )
        for i in range(30)
    ]

    result = clear_session(markets, bundles)

    check_session(markets, bundles, result)
    assert result == clear_session(markets[::-1], bundles[::-1])
    assert result.welfare >= clear_session(markets, []).welfare
