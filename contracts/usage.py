"""Usage of unit-priced services: quantities delivered per period, and what they cost.

A unit-priced contract (印章刻制: 500.00 per set of four seals) is settled per
installment period by the quantity actually delivered. Usage is recorded per
period (a month or a quarter, within one settlement period); an installment's
gross is the sum of its usage times the unit price. Usage in an approved
transition is costed at the transition's price, or at the amount recorded.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

from . import limits
from .errors import ContractsError
from .money import LARGEST, format_money, parse_money, quantize
from .periods import Period, add_months, months_between, quarter_period

_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


@dataclass(frozen=True)
class Usage:
    target: str  # a contract code, or "transition:LINE:START" for a transition
    period: Period
    quantity: int
    amount: Decimal | None = None  # recorded cost, where it is not quantity x price
    note: str = ""


def parse_usage_period(text: str) -> Period:
    """"2023Q3" (a quarter) or "2023-07" (a month)."""
    value = str(text).strip()
    match = _MONTH.match(value)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ContractsError("period", text, "is not a month (e.g. 2023-07) or a quarter (e.g. 2023Q3)")
        start = dt.date(year, month, 1)
        return Period(start, add_months(start, 1))
    try:
        return quarter_period(value, "period")
    except ContractsError:
        raise ContractsError("period", text, "is not a month (e.g. 2023-07) or a quarter (e.g. 2023Q3)") from None


def make_usage(raw: Mapping[str, Any], *, target: str, allowed: Period, settlement: Sequence[Period],
               what: str, priced: bool) -> Usage:
    """Check a usage record against where it belongs: inside ``allowed`` and one settlement period."""
    unknown = sorted(set(raw) - {"contract", "line", "period", "quantity", "amount", "note"})
    if unknown:
        raise ContractsError(unknown[0], None, "is not a usage field (known: line or contract, period, quantity, amount, note)")
    if raw.get("period") in (None, ""):
        raise ContractsError("period", None, "is required (e.g. 2023Q3 or 2023-07)")
    period = raw["period"] if isinstance(raw["period"], Period) else parse_usage_period(raw["period"])
    if raw.get("quantity") in (None, ""):
        raise ContractsError("quantity", None, "is required: the units delivered in the period")
    quantity = limits.whole(raw.get("quantity"), "quantity", minimum=0, maximum=limits.QUANTITY_MAX,
                            what="a whole number of units")
    if not (allowed.start <= period.start and period.end <= allowed.end):
        raise ContractsError("period", f"{period.start.isoformat()} to {period.end.isoformat()}",
                             f"is outside {what} ({allowed.start.isoformat()} to {allowed.end.isoformat()})")
    if settlement and not any(slot.start <= period.start and period.end <= slot.end for slot in settlement):
        raise ContractsError("period", f"{period.start.isoformat()} to {period.end.isoformat()}",
                             f"spans two settlement periods of {what}; record each part on its own")
    amount = raw.get("amount")
    if amount not in (None, ""):
        if priced:
            raise ContractsError("amount", amount, f"is computed from the quantity for {what}; give the quantity only")
        amount = parse_money(amount, "amount", allow_zero=True)
    else:
        amount = None
        if not priced:
            raise ContractsError("amount", None, f"is required: {what} has no unit price")
    return Usage(target, period, quantity, amount, limits.text(raw.get("note"), "usage", "note"))


# What all the usage of a contract (or a transition) may cost together: a twelfth of the money cap, so that
# every amount derived from it (an installment, a year, a year projected from one month's usage) stays within the cap.
TOTAL_COST_MAX = LARGEST / 12


def check_total_cost(new: Usage, recorded: Iterable[Usage], unit_price: Decimal | None, what: str) -> None:
    """Refuse a usage record that would take the cost of all usage of ``what`` past TOTAL_COST_MAX."""
    total = sum((cost(u, unit_price) for u in recorded), cost(new, unit_price))
    if total >= TOTAL_COST_MAX:
        field, value = ("amount", format_money(new.amount)) if new.amount is not None else ("quantity", new.quantity)
        raise ContractsError(field, value, f"would bring the cost of the usage of {what} to {format_money(total)}, past "
                             f"{format_money(TOTAL_COST_MAX)} (a twelfth of the largest amount kept here); check the figure")


def cost(usage: Usage, unit_price: Decimal | None) -> Decimal:
    if usage.amount is not None:
        return usage.amount
    return quantize(Decimal(usage.quantity) * (unit_price or Decimal(0)))


def usage_in(usages: Iterable[Usage], period: Period) -> list[Usage]:
    return [u for u in usages if period.start <= u.period.start and u.period.end <= period.end]


@dataclass(frozen=True)
class CapProjection:
    fiscal_year: int
    cap: Decimal
    spent: Decimal  # usage recorded in the year so far, costed
    projected: Decimal  # spent, plus the average per recorded month for the months of service left
    months_recorded: int
    months_left: int
    exceeds: bool


def project_cap(usages: Sequence[Usage], unit_price: Decimal, cap: Decimal, fiscal_year: int,
                service: Period, as_of: dt.date) -> CapProjection:
    """Whether usage to date in a fiscal year projects past its budget cap.

    The projection is the cost so far plus the average cost per recorded month times
    the months of the year still to come while the contract serves (after ``as_of``).
    """
    year = Period(dt.date(fiscal_year, 1, 1), dt.date(fiscal_year + 1, 1, 1))
    known = [u for u in usages if year.start <= u.period.start < year.end and u.period.end <= as_of]
    spent = sum((cost(u, unit_price) for u in known), Decimal("0.00"))
    months_recorded = sum(months_between(u.period.start, u.period.end) for u in known)
    open_from = max(as_of, year.start, service.start)
    open_to = min(year.end, service.end)
    months_left = 0
    cursor = dt.date(open_from.year, open_from.month, 1)
    if cursor < open_from:
        cursor = add_months(cursor, 1)
    while cursor < open_to:
        months_left += 1
        cursor = add_months(cursor, 1)
    average = spent / months_recorded if months_recorded else Decimal(0)
    projected = quantize(spent + average * months_left)
    return CapProjection(fiscal_year, cap, spent, projected, months_recorded, months_left, projected > cap)
