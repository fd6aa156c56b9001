from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.numerals import capital


@pytest.mark.parametrize("amount, words", [
    ("3379113.60", "叁佰叁拾柒万玖仟壹佰壹拾叁元陆角"),  # the reference writes 叁佰叁拾柒万玖仟壹佰壹拾叁点陆元
    ("1232438.34", "壹佰贰拾叁万贰仟肆佰叁拾捌元叁角肆分"),
    ("4929753.36", "肆佰玖拾贰万玖仟柒佰伍拾叁元叁角陆分"),
    ("576000.00", "伍拾柒万陆仟元整"),  # the reference: 伍拾柒万陆仟元
    ("221400.00", "贰拾贰万壹仟肆佰元整"),
    ("1002003.05", "壹佰万贰仟零叁元零伍分"),  # zeros in the middle, read once
    ("1000203.00", "壹佰万零贰佰零叁元整"),
    ("100010000.00", "壹亿零壹万元整"),
    ("100000000.00", "壹亿元整"),
    ("10.00", "壹拾元整"),
    ("10.50", "壹拾元伍角"),
    ("0.05", "伍分"),
    ("0.00", "零元整"),
    ("-15.20", "负壹拾伍元贰角"),
])
def test_capital_numerals(amount, words):
    assert capital(Decimal(amount)) == words


DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}


def read_back(words: str) -> Decimal:
    """A small reader of the financial style, to check the writer on any amount."""
    sign = -1 if words.startswith("负") else 1
    words = words.lstrip("负").removesuffix("整")
    total, section, number = 0, 0, 0
    small = {"拾": 10, "佰": 100, "仟": 1000}
    fen = 0
    for char in words:
        if char in DIGIT:
            number = DIGIT[char]
        elif char in small:
            section += number * small[char]
            number = 0
        elif char == "万":
            total += (section + number) * 10000 if total < 10**8 or section + number else 0
            section = number = 0
        elif char == "亿":
            total = (total + section + number) * 10**8
            section = number = 0
        elif char == "元":
            total += section + number
            section = number = 0
        elif char == "角":
            fen += number * 10
            number = 0
        elif char == "分":
            fen += number
            number = 0
    return sign * (Decimal(total) + Decimal(fen) / 100)


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_any_amount_reads_back(fen):
    amount = Decimal(fen).scaleb(-2)
    words = capital(amount)
    assert "零零" not in words and not words.startswith("零") or words == "零元整"
    assert read_back(words) == amount
