"""Money: ``Decimal`` yuan quantized to the fen, and exact splits.

Never float. Values from users and files arrive as text, int or Decimal
(TOML floats are parsed as Decimal by the importer) and are checked here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from math import lcm

from .errors import ContractsError

FEN = Decimal("0.01")
LARGEST = Decimal(10) ** 14  # yuan; in fen this still fits a 64-bit integer column with room to add


def quantize(amount: Decimal) -> Decimal:
    """Round to the fen, half up (the convention of Chinese public finance)."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def parse_money(value: object, field: str, *, positive: bool = True, allow_zero: bool = False) -> Decimal:
    """Read an amount of yuan exactly, refusing anything that is not to the fen.

    A ``float`` is refused outright: by the time it reaches us it may already
    have lost the fen (3379113.6 is not exactly representable).
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise ContractsError(field, value, "amounts must be given as text or whole numbers, not floating point")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ContractsError(field, value, "is not an amount of money (e.g. 1716000.00)") from None
    else:
        raise ContractsError(field, value, "is not an amount of money (e.g. 1716000.00)")
    if not amount.is_finite():
        raise ContractsError(field, value, "is not an amount of money (e.g. 1716000.00)")
    if abs(amount) >= LARGEST:
        raise ContractsError(field, value, "is too large for an amount of money here (at most 99,999,999,999,999.99)")
    if amount != amount.quantize(FEN, rounding=ROUND_HALF_UP):
        raise ContractsError(field, value, "has more than two decimals; amounts are kept to the fen (0.01)")
    if positive:
        if amount < 0 or (amount == 0 and not allow_zero):
            raise ContractsError(field, value, "must be more than zero" if not allow_zero else "must not be negative")
    return amount.quantize(FEN)


def to_fen(amount: Decimal) -> int:
    """Decimal yuan (already to the fen) as an integer number of fen."""
    return int(amount * 100)


def from_fen(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)  # exact: the integer's digits with two decimals


def format_money(amount: Decimal) -> str:
    """Two decimals, no grouping: the machine form ("429000.00")."""
    return f"{quantize(amount):.2f}"


def format_money_grouped(amount: Decimal) -> str:
    """Two decimals with thousands separators, for people ("429,000.00")."""
    return f"{quantize(amount):,.2f}"


def round_half_up_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (away from zero for halves), in integers.

    Only used with a positive denominator and a non-negative numerator.
    """
    return (2 * numerator + denominator) // (2 * denominator)


def equal_split(total: int, count: int) -> tuple[int, int]:
    """``total`` fen in ``count`` equal parts: (each part but the last, the last part).

    Every part but the last is rounded half up and the last takes the remainder, so the parts add up to
    the total exactly; where that would leave the last part negative (a total of a few fen over many
    parts), the parts round down instead. The one copy of this rule: ``split_fen`` and the schedule
    engine's fast path both use it.
    """
    part = round_half_up_div(total, count)
    last = total - part * (count - 1)
    if last < 0:
        part = total // count
        last = total - part * (count - 1)
    return part, last


def split_fen(total: int, weights: list[tuple[int, int]]) -> list[int]:
    """Split ``total`` fen by weights given as fractions (numerator, denominator).

    Every part but the last is rounded half up; the last takes the remainder so
    that the parts add up to the total exactly. Where rounding half up would
    leave the last part negative (possible only for sums of a few fen spread
    over many parts), every part but the last is rounded down instead.
    """
    if not weights:
        return []
    if len(weights) == 1:
        return [total]
    if len(set(weights)) == 1:  # equal weights: equal parts, the remainder to the last
        part, last = equal_split(total, len(weights))
        return [part] * (len(weights) - 1) + [last]
    if all(den == 1 for _, den in weights):
        nums = [num for num, _ in weights]
    else:  # put all weights over one common denominator so the shares are integers
        common = lcm(*(den for _, den in weights))
        nums = [num * (common // den) for num, den in weights]
    whole = sum(nums)
    parts = [round_half_up_div(total * n, whole) for n in nums[:-1]]
    rest = total - sum(parts)
    if rest < 0:
        parts = [total * n // whole for n in nums[:-1]]
        rest = total - sum(parts)
    parts.append(rest)
    return parts



def parse_share(value: object, field: str) -> Fraction:
    """A share of an amount: "1/45", "5%", "0.05" (or a Decimal/int); between 0 and 1."""
    if isinstance(value, (bool, float)):
        raise ContractsError(field, value, "give a share as text: '1/45', '5%' or '0.05'")
    text = str(value).strip()
    try:
        if text.endswith("%"):
            share = Fraction(Decimal(text[:-1].strip())) / 100
        elif "/" in text:
            numerator, denominator = text.split("/", 1)
            share = Fraction(int(numerator.strip()), int(denominator.strip()))
        else:
            share = Fraction(Decimal(text))
    except (ValueError, ZeroDivisionError, InvalidOperation):
        raise ContractsError(field, value, "is not a share: write '1/45', '5%' or '0.05'") from None
    if not 0 <= share <= 1:
        raise ContractsError(field, value, "must be between 0 and 1 (0% to 100%)")
    return share


def format_share(share: Fraction) -> str:
    """A share as people write it: 1/45 stays a fraction, 1/20 reads 5%."""
    percent = share * 100
    if percent.denominator in (1, 2, 4, 5, 10, 20, 25, 50, 100):
        text = f"{Decimal(percent.numerator) / Decimal(percent.denominator):f}"
        return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"
    return f"{share.numerator}/{share.denominator}"


def fen_times_share(fen: int, share: Fraction) -> int:
    """An amount in fen times an exact share, rounded half up to the fen."""
    return round_half_up_div(fen * share.numerator, share.denominator)


def parse_decimal(value: object, field: str) -> Decimal:
    """A measured value (an online rate, a score, hours): exact, never float."""
    if isinstance(value, (bool, float)):
        raise ContractsError(field, value, "give the number as text (e.g. 93.4), not floating point")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ContractsError(field, value, "is not a number") from None
    if not number.is_finite():
        raise ContractsError(field, value, "is not a number")
    return number
