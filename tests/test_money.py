from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.errors import ContractsError
from contracts.money import format_money, parse_money, split_fen


@pytest.mark.parametrize(
    "given_value, expected",
    [("1716000", "1716000.00"), ("3379113.6", "3379113.60"), ("1,232,438.34", "1232438.34"), (429000, "429000.00"),
     (Decimal("4929753.36"), "4929753.36")],
)
def test_amounts_are_read_exactly(given_value, expected):
    assert format_money(parse_money(given_value, "annual_fee")) == expected


@pytest.mark.parametrize(
    "bad, problem",
    [("12.345", "more than two decimals"), ("-5", "more than zero"), ("0", "more than zero"), ("abc", "not an amount"),
     (12.5, "not floating point"), ("NaN", "not an amount"), ("Infinity", "not an amount")],
)
def test_bad_amounts_name_field_and_value(bad, problem):
    with pytest.raises(ContractsError) as caught:
        parse_money(bad, "annual_fee")
    assert caught.value.field == "annual_fee"
    assert problem in caught.value.line()
    assert str(bad) in caught.value.line()


def test_split_gives_the_remainder_to_the_last_part():
    # 100.00 in three: 33.33, 33.33 and the remainder 33.34.
    assert split_fen(10000, [(1, 1)] * 3) == [3333, 3333, 3334]
    # 200.00 in three: half-up gives 66.67 twice, the last takes 66.66.
    assert split_fen(20000, [(1, 1)] * 3) == [6667, 6667, 6666]


def test_split_never_goes_negative_on_tiny_sums():
    # 0.07 in twelve: half up would give 0.01 x 11 = 0.11 > 0.07; rounding down keeps every part >= 0.
    parts = split_fen(7, [(1, 1)] * 12)
    assert sum(parts) == 7 and min(parts) >= 0


@given(
    total=st.integers(min_value=0, max_value=10**13),
    weights=st.lists(st.tuples(st.integers(1, 400), st.integers(1, 400)), min_size=1, max_size=30),
)
def test_split_adds_up_and_is_never_negative(total, weights):
    parts = split_fen(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    assert all(part >= 0 for part in parts)
