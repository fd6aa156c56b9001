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
from typing import TYPE_CHECKING, Iterable, Iterator, NamedTuple, Sequence

from .money import equal_split, from_fen, round_half_up_div, split_fen, to_fen
from .periods import Period, add_months, calendar_period_containing, days_in_month
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


class InstallmentFen(NamedTuple):
    """One installment as the fast engine gives it: integers and dates, no Decimal (millions are made)."""

    seq: int
    start: dt.date
    end: dt.date
    due: dt.date
    fen: int


_make = tuple.__new__  # builds an InstallmentFen without the generated __new__'s keyword handling: the hot loop


def year_fee_fen(annual_fee_fen: int, months: int) -> int:
    """What a contract year of ``months`` months costs: the annual fee, or for a partial last year
    the annual fee x months / 12, rounded half up to the fen. The one copy of the proration rule."""
    return annual_fee_fen if months == 12 else round_half_up_div(annual_fee_fen * months, 12)


def contract_years(terms: ContractTerms) -> list[tuple[Period, int]]:
    """Each contract year of the billing period with its fee in fen."""
    fee = to_fen(terms.annual_fee)
    years = []
    for first in range(0, terms.billing_months, 12):
        last = min(first + 12, terms.billing_months)
        years.append((Period(add_months(terms.billing_start, first), add_months(terms.billing_start, last)),
                      year_fee_fen(fee, last - first)))
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
    return [Period(item.start, item.end) for item in installments_fen(terms)]


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
    periods = []  # (start, end, its calendar period)
    cursor = start
    while cursor < end:
        calendar = calendar_period_containing(cursor, step)
        periods.append((cursor, calendar.end if calendar.end < end else end, calendar))
        cursor = periods[-1][1]
    amounts = [0] * len(periods)
    index, count = 0, len(periods)
    for first in range(0, months, 12):
        span = min(12, months - first)
        year_start, year_end = add_months(start, first), add_months(start, first + span)
        year_fee = year_fee_fen(fee, span)
        slots = []  # (period index, days in this year, whole calendar period?, days of its calendar period)
        while index < count:
            piece_start, piece_end, calendar = periods[index]
            if piece_start >= year_end:
                break
            a = piece_start if piece_start > year_start else year_start
            b = piece_end if piece_end < year_end else year_end
            if a < b:
                slots.append((index, (b - a).days, a == calendar.start and b == calendar.end, calendar.days))
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


def installments_fen(terms: ContractTerms, due_from: dt.date | None = None) -> Iterator[InstallmentFen]:
    """Every installment as an ``InstallmentFen`` (seq, start, end, due, fen): the fast engine.

    Streams, so that a province-sized portfolio is projected in constant memory. Anniversary
    schedules (the common case) are computed in integers directly, calendar ones by
    ``_calendar_fen``; either way the year fee, the equal split and month-end clipping come from
    ``year_fee_fen``, ``money.equal_split`` and ``periods.days_in_month``. The tests hold both to the
    plain reference implementation in ``bench/`` and to ``relativedelta`` from 1900 to 2100.
    With ``due_from``, contract years that fall wholly due before it may be skipped (a report
    on one window need not walk a contract's whole past); later installments are all given.
    """
    lag = dt.timedelta(days=terms.payment_lag_days)
    arrears = terms.timing is Timing.arrears
    if terms.alignment is not Alignment.anniversary:
        for seq, (start, end, amount) in enumerate(_calendar_fen(terms), start=1):
            yield _make(InstallmentFen, (seq, start, end, (end if arrears else start) + lag, amount))
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
        part, last = equal_split(year_fee_fen(fee, span), count)
        for j in range(count):
            year, month0 = divmod(base + min(first + (j + 1) * step, months), 12)
            # add_months inlined (this loop makes millions of dates): only the 29th-31st can fall off a month's end
            end = date(year, month0 + 1, day if day <= 28 else min(day, days_in_month(year, month0 + 1)))
            seq += 1
            due = end if arrears else previous
            yield _make(InstallmentFen, (seq, previous, end, due + lag if lag else due, last if j == count - 1 else part))
            previous = end


def build_schedule(terms: ContractTerms, usage: Sequence["Usage"] = ()) -> list[Installment]:
    """Every installment of the contract, seq 1..n, in period order.

    A unit-priced contract's installments cost the usage recorded in their period
    times the unit price (0.00 where none is recorded yet).
    """
    code = terms.code
    if terms.is_unit_priced:
        from .usage import cost, usage_in

        return [Installment(code, item.seq, item.start, item.end, item.due,
                            sum((cost(u, terms.unit_price) for u in usage_in(usage, Period(item.start, item.end))),
                                Decimal("0.00")))
                for item in installments_fen(terms)]
    return [Installment(code, seq, start, end, due, from_fen(amount)) for seq, start, end, due, amount in installments_fen(terms)]


def next_installment(installments: Iterable[Installment], as_of: dt.date) -> Installment | None:
    """The first installment due on or after ``as_of``."""
    return next((item for item in installments if item.due >= as_of), None)
