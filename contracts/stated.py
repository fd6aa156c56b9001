"""Amounts as a source states them: in yuan or in 万元 (wan), with the precision that implies.

Chinese budget documents state most amounts in 万元 with two decimals, so 543.17
万元 is any amount from 5,431,650.00 to 5,431,750.00 yuan: a total may differ from
the sum of its items by rounding alone. ``Stated`` keeps the exact yuan value,
the text as written and its unit, so that a check knows how precise it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .errors import ContractsError
from .money import FEN, LARGEST, read_amount

UNITS = {"yuan": Decimal(1), "wan": Decimal(10000)}


@dataclass(frozen=True)
class Stated:
    yuan: Decimal
    text: str
    unit: str = "yuan"

    @property
    def precision(self) -> Decimal:
        """Half the last stated digit, in yuan: how far the true figure may be from the stated one."""
        digits = Decimal(self.text).as_tuple().exponent
        return (Decimal(1).scaleb(digits) / 2) * UNITS[self.unit]

    def shown(self) -> str:
        return f"{self.text} {'万元' if self.unit == 'wan' else '元'}"


def parse_stated(value: object, unit: str, field: str, *, allow_zero: bool = True) -> Stated:
    """An amount as stated, refusing negatives and amounts finer than the fen once in yuan."""
    unit = (unit or "yuan").strip().lower()
    if unit not in UNITS:
        raise ContractsError("unit", unit, "must be yuan or wan (万元)")
    if isinstance(value, (bool, float)):
        raise ContractsError(field, value, "give the amount as text (e.g. 543.17), not floating point")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    else:
        number = read_amount(str(value), field)  # strict: ASCII digits, commas only between groups of three
    if not number.is_finite() or abs(number) >= LARGEST:
        raise ContractsError(field, value, "is not an amount" if not number.is_finite() else "is too large for an amount of money here")
    if number < 0 or (number == 0 and not allow_zero):
        raise ContractsError(field, value, "must not be negative")
    number = number + 0 if number == 0 else number  # -0 is 0
    yuan = number * UNITS[unit]
    if yuan >= LARGEST:
        raise ContractsError(field, value, "is too large for an amount of money here")
    if yuan != yuan.quantize(FEN):
        raise ContractsError(field, value, f"is finer than the fen once in yuan ({unit})")
    places = 2 if unit == "yuan" else 6  # what the fen is in the unit: the stated text keeps no more decimals than that
    if number.as_tuple().exponent < -places:
        number = number.quantize(Decimal(1).scaleb(-places))
    text = f"{number:f}"  # the digits as stated, without grouping or leading zeros
    return Stated(yuan.quantize(FEN), text, unit)


@dataclass(frozen=True)
class Comparison:
    stated: Stated
    items_total: Decimal
    difference: Decimal  # stated - items
    tolerance: Decimal  # what rounding alone can explain

    @property
    def within_rounding(self) -> bool:
        return abs(self.difference) <= self.tolerance


def compare_total(total: Stated, items: list[Stated]) -> Comparison:
    """A stated total against the sum of its stated items, knowing the precision of each."""
    items_total = sum((item.yuan for item in items), Decimal("0.00"))
    tolerance = total.precision + sum((item.precision for item in items), Decimal(0))
    return Comparison(total, items_total, total.yuan - items_total, tolerance)
