"""Installment schedules, derived from contract terms by pure functions.

How a fee becomes installments (the README says the same for users):

* The billing period is cut into contract years counted from the billing start.
  A full year costs the annual fee; a partial last year costs the annual fee
  times its months / 12, rounded half up to the fen.
* Each contract year's fee is split over the installment periods (or the parts
  of them) that fall in that year. Whole periods share it equally: every part
  but the year's last is rounded half up to the fen and the last takes the
  remainder. Under calendar alignment, a whole calendar period costs the annual
  fee / periods per year and the stubs at the year's edges share the rest of the
  year's fee by their days. Either way the parts add up to the year's fee and the
  schedule's total equals the contract's total, to the fen.
* Internally amounts are integer fen; they leave this module as ``Decimal``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from .money import from_fen, round_half_up_div, split_fen, to_fen
from .periods import Period, add_months, calendar_period_containing
from .terms import Alignment, ContractTerms, Timing

if TYPE_CHECKING:
    from .usage import Usage


@dataclass(frozen=True)
class Installment:
    """One scheduled payment, identified by (contract, seq); seq counts from 1."""

    contract: str
    seq: int
    period_start: dt.date
    period_end: dt.date
    due: dt.date
    amount: Decimal

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end)


def contract_years(terms: ContractTerms) -> list[tuple[Period, int]]:
    """Each contract year of the billing period with its fee in fen."""
    fee = to_fen(terms.annual_fee)
    years = []
    for first in range(0, terms.billing_months, 12):
        last = min(first + 12, terms.billing_months)
        months = last - first
        year_fee = fee if months == 12 else round_half_up_div(fee * months, 12)
        years.append((Period(add_months(terms.billing_start, first), add_months(terms.billing_start, last)), year_fee))
    return years


def contract_total(terms: ContractTerms, usage: Sequence["Usage"] = ()) -> Decimal:
    """What the whole billing period costs: the sum of its contract years' fees.

    For a unit-priced contract: what the usage recorded so far costs.
    """
    if terms.is_unit_priced:
        return sum((item.amount for item in build_schedule(terms, usage)), Decimal("0.00"))
    return from_fen(sum(fee for _, fee in contract_years(terms)))


def billing_periods(terms: ContractTerms) -> list[Period]:
    """The installment periods, in order, covering the billing period without gaps."""
    step = terms.frequency.months
    start, months = terms.billing_start, terms.billing_months
    if terms.alignment is Alignment.anniversary:
        return [
            Period(add_months(start, first), add_months(start, min(first + step, months)))
            for first in range(0, months, step)
        ]
    end = terms.billing_end
    periods = []
    cursor = start
    while cursor < end:
        boundary = calendar_period_containing(cursor, step).end
        periods.append(Period(cursor, min(boundary, end)))
        cursor = periods[-1].end
    return periods


def _due(terms: ContractTerms, period: Period) -> dt.date:
    anchor = period.end if terms.timing is Timing.arrears else period.start
    return anchor + dt.timedelta(days=terms.payment_lag_days)


def _calendar_fen(terms: ContractTerms) -> list[tuple[dt.date, dt.date, int]]:
    """(period start, period end, fen) of a schedule cut at calendar boundaries.

    Each contract year's fee is shared among the pieces of the periods that fall in it.
    When every piece is a whole calendar period they share it equally. Otherwise the
    year holds stubs at its edges: every whole calendar period costs the annual fee /
    periods per year, and the stubs share what is left of the year's fee by their days
    (if that leftover would be negative, which only tiny fees can do, the whole year is
    shared by each piece's share of its calendar period).
    """
    start, months, step = terms.billing_start, terms.billing_months, terms.frequency.months
    end = terms.billing_end
    fee = to_fen(terms.annual_fee)
    period_fee = round_half_up_div(fee, 12 // step)
    date = dt.date
    periods = []  # (start, end, start of its calendar period, end of its calendar period)
    cursor = start
    while cursor < end:
        month0 = (cursor.month - 1) // step * step
        year, next0 = divmod(cursor.year * 12 + month0 + step, 12)
        calendar_end = date(year, next0 + 1, 1)
        periods.append((cursor, calendar_end if calendar_end < end else end, date(cursor.year, month0 + 1, 1), calendar_end))
        cursor = periods[-1][1]
    amounts = [0] * len(periods)
    index, count = 0, len(periods)
    for first in range(0, months, 12):
        span = min(12, months - first)
        year_start, year_end = add_months(start, first), add_months(start, first + span)
        year_fee = fee if span == 12 else (2 * fee * span + 12) // 24
        slots = []  # (period index, days in this year, whole calendar period?, days of its calendar period)
        while index < count:
            piece_start, piece_end, calendar_start, calendar_end = periods[index]
            if piece_start >= year_end:
                break
            a = piece_start if piece_start > year_start else year_start
            b = piece_end if piece_end < year_end else year_end
            if a < b:
                slots.append((index, (b - a).days, a == calendar_start and b == calendar_end, (calendar_end - calendar_start).days))
            if piece_end <= year_end:
                index += 1
            else:
                break  # this period runs into the next contract year as well
        wholes = sum(1 for slot in slots if slot[2])
        if wholes == len(slots):
            parts = split_fen(year_fee, [(1, 1)] * len(slots))
        elif year_fee - period_fee * wholes < 0:
            parts = split_fen(year_fee, [(days, whole_days) for _, days, _, whole_days in slots])
        else:
            stubs = iter(split_fen(year_fee - period_fee * wholes, [(days, 1) for _, days, whole, _ in slots if not whole]))
            parts = [period_fee if whole else next(stubs) for _, _, whole, _ in slots]
        for slot, part in zip(slots, parts):
            amounts[slot[0]] += part
    return [(period[0], period[1], amount) for period, amount in zip(periods, amounts)]


_DAYS_IN_MONTH = ((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31))


def installments_fen(terms: ContractTerms, due_from: dt.date | None = None) -> Iterator[tuple[int, dt.date, dt.date, dt.date, int]]:
    """(seq, period start, period end, due, amount in fen) for every installment: the fast engine.

    Streams, so that a province-sized portfolio is projected in constant memory. Anniversary
    schedules (the common case) are computed in integers directly, calendar ones by
    ``_calendar_fen``. The tests hold both to the plain reference implementation in ``bench/``.
    With ``due_from``, contract years that fall wholly due before it may be skipped (a report
    on one window need not walk a contract's whole past); later installments are all given.
    """
    lag = dt.timedelta(days=terms.payment_lag_days)
    arrears = terms.timing is Timing.arrears
    if terms.alignment is not Alignment.anniversary:
        for seq, (start, end, amount) in enumerate(_calendar_fen(terms), start=1):
            yield seq, start, end, (end if arrears else start) + lag, amount
        return
    start, months, step = terms.billing_start, terms.billing_months, terms.frequency.months
    base, day = start.year * 12 + start.month - 1, start.day
    fee = to_fen(terms.annual_fee)
    date = dt.date
    previous, seq = start, 0
    skip_before = None if due_from is None else due_from - lag
    for first in range(0, months, 12):
        span = min(12, months - first)
        count = -(-span // step)
        if skip_before is not None:
            year_end = add_months(start, first + span)
            if year_end < skip_before:
                seq += count  # every installment of this contract year falls due before due_from
                previous = year_end
                continue
            skip_before = None  # from here on, every installment is given
        year_fee = fee if span == 12 else (2 * fee * span + 12) // 24  # prorated by months, half up
        part = (2 * year_fee + count) // (2 * count)  # equal parts, half up ...
        last = year_fee - part * (count - 1)  # ... and the remainder to the year's last installment
        if last < 0:
            part = year_fee // count
            last = year_fee - part * (count - 1)
        for j in range(count):
            offset = min(first + (j + 1) * step, months)
            year, month0 = divmod(base + offset, 12)
            if day <= 28:
                end = date(year, month0 + 1, day)
            else:
                leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
                end = date(year, month0 + 1, min(day, _DAYS_IN_MONTH[leap][month0]))
            seq += 1
            due = end if arrears else previous
            yield seq, previous, end, due + lag if lag else due, last if j == count - 1 else part
            previous = end


def build_schedule(terms: ContractTerms, usage: Sequence["Usage"] = ()) -> list[Installment]:
    """Every installment of the contract, seq 1..n, in period order.

    A unit-priced contract's installments cost the usage recorded in their period
    times the unit price (0.00 where none is recorded yet).
    """
    if terms.is_unit_priced:
        from .usage import cost, usage_in

        return [
            Installment(terms.code, seq, period.start, period.end, _due(terms, period),
                        sum((cost(u, terms.unit_price) for u in usage_in(usage, period)), Decimal("0.00")))
            for seq, period in enumerate(billing_periods(terms), start=1)
        ]
    code = terms.code
    return [Installment(code, seq, start, end, due, from_fen(amount)) for seq, start, end, due, amount in installments_fen(terms)]


def installments_due_between(
    installments: Iterable[Installment], first: dt.date | None, last: dt.date | None
) -> list[Installment]:
    """The installments whose due date lies in ``[first, last]`` (both ends included; None is open)."""
    return [
        item
        for item in installments
        if (first is None or item.due >= first) and (last is None or item.due <= last)
    ]


def next_installment(installments: Iterable[Installment], as_of: dt.date) -> Installment | None:
    """The first installment due on or after ``as_of``."""
    return next((item for item in installments if item.due >= as_of), None)
