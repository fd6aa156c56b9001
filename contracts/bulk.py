"""The schedule engine over many contracts at once: NumPy arrays of terms in, every installment out, in integer fen.

A province's portfolio is mostly contracts with nothing recorded but their terms and a fixed fee: their obligations
are their schedules. Made one contract at a time in Python (``schedule.installments_fen``) they cost microseconds
each, which a million contracts turn into seconds; made here by array arithmetic over all of them at once, the same
installments cost a tenth of that (issue #17, bench/RESULTS.md). The rules are the schedule module's, word for word
(its docstring states them): contract years from the billing start, a partial last year at the annual fee x months /
12 half up, equal parts half up with the remainder to the year's last (rounded down where that would go negative),
month ends clipped to the anchor's day; calendar alignment cut at calendar periods, whole periods at the annual fee /
periods a year and the stubs sharing the rest of the year's fee by their days.

A few rare contracts are not done here (``Installments.uncovered`` names them, and the caller gives them to the
per-contract engine): a calendar year whose stubs would share a negative leftover (only tiny fees), a period running
over three contract years, a fee past 2**52 fen a year, and dates the month tables do not cover (1900 to 2399). Dates are integer days since 1970-01-01, months integer months since 1970-01.
``tests/test_bulk.py`` holds every installment equal to ``installments_fen``'s, to the fen, for any terms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import numpy as np

from .money import to_fen
from .terms import Alignment, Timing

if TYPE_CHECKING:
    from .contract import Contract

EPOCH = dt.date(1970, 1, 1)
FIRST_MONTH = (1900 - 1970) * 12  # the months the tables below cover: 1900-01 .. 2399-12
LAST_MONTH = FIRST_MONTH + 500 * 12
MONTH_STARTS = np.arange(FIRST_MONTH, LAST_MONTH + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
FIRST_DAY = int(MONTH_STARTS[0])
MONTH_OF_DAY = np.repeat(np.arange(FIRST_MONTH, LAST_MONTH), np.diff(MONTH_STARTS))  # day -> its month
CHUNK = 20_000  # contracts whose installments are made at once (some 350,000 installments, ~30 MB of arrays)
_LIMIT = float(1 << 62)  # sums of more fen than this would pass int64 (isum refuses them)


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def month_start(months: np.ndarray) -> np.ndarray:
    """The first day of each month (months since 1970-01), in days since 1970-01-01."""
    return MONTH_STARTS[months - FIRST_MONTH]


def month_of(days: np.ndarray) -> np.ndarray:
    """The month of each day."""
    return MONTH_OF_DAY[days - FIRST_DAY]


def add_months(start_month: np.ndarray, start_day: np.ndarray, k: np.ndarray) -> np.ndarray:
    """start + k months, the day clipped to the month's end (anchored on the original day), in days:
    ``periods.add_months`` over arrays."""
    target = start_month + k - FIRST_MONTH
    first = MONTH_STARTS[target]
    length = MONTH_STARTS[target + 1] - first
    return first + np.minimum(start_day, length) - 1


def isum(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Sums of integer fen per index (0 <= index < size), exactly, in int64 (``np.add.at``: since NumPy 1.25 as fast as
    ``np.bincount``, which adds in float64). Refused (OverflowError) only where a sum could pass 2**62 fen, some 46
    million billion yuan: no budget's, and far from int64's end."""
    values = np.asarray(values, np.int64)
    index = np.asarray(index)
    if values.size and float(np.abs(values.astype(np.float64)).sum()) >= _LIMIT:
        raise OverflowError("sums beyond 2**62 fen")
    if index.size and (int(index.min()) < 0 or int(index.max()) >= size):
        raise IndexError(f"an index outside 0..{size - 1}")
    sums = np.zeros(size, np.int64)
    np.add.at(sums, index, values)
    return sums


@dataclass
class TermsColumns:
    """The schedule terms of many contracts, one array each (position = the contract)."""

    start: np.ndarray  # billing start, days since 1970-01-01
    months: np.ndarray  # billing months
    service_months: np.ndarray
    fee: np.ndarray  # annual fee, fen
    step: np.ndarray  # months an installment covers: 1, 3, 6, 12
    anniversary: np.ndarray  # bool: anniversary alignment (else calendar)
    arrears: np.ndarray  # bool: due at the period's end (else at its start)
    lag: np.ndarray  # payment lag, days

    @classmethod
    def from_rows(cls, rows: Sequence[tuple]) -> "TermsColumns":
        """From (billing start day, billing months, service months, fee fen, step months, anniversary 0/1,
        arrears 0/1, lag days) tuples of integers, as ``db.columns`` reads them."""
        table = np.asarray(rows, np.int64).reshape(-1, 8)
        return cls(
            start=table[:, 0].copy(), months=table[:, 1].copy(), service_months=table[:, 2].copy(), fee=table[:, 3].copy(),
            step=table[:, 4].copy(), anniversary=table[:, 5] == 1, arrears=table[:, 6] == 1, lag=table[:, 7].copy())

    def __len__(self) -> int:
        return int(self.start.size)

    def take(self, index) -> "TermsColumns":
        return TermsColumns(**{name: getattr(self, name)[index] for name in self.__dataclass_fields__})

    @property
    def start_month(self) -> np.ndarray:
        return month_of(self.start)

    @property
    def start_day(self) -> np.ndarray:
        return self.start - month_start(self.start_month) + 1

    def service_end(self) -> np.ndarray:
        """Each contract's service end (day number); for those outside ``in_range`` a stand-in (they are the engine's)."""
        last_day = int(MONTH_STARTS[-1]) - 1
        start = np.clip(self.start, FIRST_DAY, last_day)
        month = month_of(start)
        months = np.clip(self.service_months, 0, LAST_MONTH - 1 - month)
        return add_months(month, start - month_start(month) + 1, months)

    def in_range(self) -> np.ndarray:
        """Contracts whose dates the month tables cover (1900 to 2399, with room for lags): the rest go elsewhere."""
        last_day = int(MONTH_STARTS[-1]) - 1
        known = (self.start >= FIRST_DAY) & (self.start <= last_day)
        month = np.where(known, month_of(np.clip(self.start, FIRST_DAY, last_day)), LAST_MONTH)
        return known & (month + np.maximum(self.months, self.service_months) + self.lag // 28 + 24 < LAST_MONTH) \
            & (self.fee >= 0) & (self.fee < (1 << 52)) & (self.lag >= 0)  # 2 x fee x 366 days within int64


@dataclass
class Installments:
    """Every installment of the covered contracts: owner (position in the columns), seq, start, end, due (days),
    amount (fen); ``uncovered`` (per contract) marks the contracts left to the per-contract engine."""

    owner: np.ndarray
    seq: np.ndarray
    start: np.ndarray
    end: np.ndarray
    due: np.ndarray
    amount: np.ndarray
    uncovered: np.ndarray
    unmade: np.ndarray | None = None  # with ``made_from``: per contract, the fen of the installments not made


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For contracts with these numbers of items: each item's contract (position) and its index within it."""
    owner = np.repeat(np.arange(counts.size), counts)
    first = np.cumsum(counts) - counts
    return owner, np.arange(owner.size) - first[owner]


def _equal_parts(total: np.ndarray, count: np.ndarray, position: np.ndarray) -> np.ndarray:
    """``money.equal_split`` over arrays: each part half up, the remainder to the last (down where it goes negative)."""
    part = (2 * total + count) // (2 * count)
    last = total - part * (count - 1)
    part = np.where(last < 0, total // count, part)
    last = total - part * (count - 1)
    return np.where(position == count - 1, last, part)


def _year_fee(fee: np.ndarray, months: np.ndarray, year: np.ndarray) -> np.ndarray:
    """``schedule.year_fee_fen``: the annual fee, or for a partial last year fee x months / 12 half up."""
    span = np.minimum(12, months - 12 * year)
    return np.where(span == 12, fee, (2 * fee * span + 12) // 24)


def _anniversary(t: TermsColumns, due_from: int | None = None, due_before: int | None = None) -> dict[str, np.ndarray]:
    step, months = t.step, t.months
    count = np.maximum(-(-months // step), 0)
    unmade = None
    if due_from is None and due_before is None:
        owner, k = _expand(count)
    else:
        low, high = _k_window(t, count, due_from, due_before)
        owner, k = _expand(high - low)
        k = k + low[owner]
        unmade = _first_installments(t, low)
    s, m = step[owner], months[owner]
    first = k * s
    sm, sd = t.start_month[owner], t.start_day[owner]
    start = add_months(sm, sd, first)
    end = add_months(sm, sd, np.minimum(first + s, m))
    year = first // 12
    count = -(-np.minimum(12, m - 12 * year) // s)
    amount = _equal_parts(_year_fee(t.fee[owner], m, year), count, (first - 12 * year) // s)
    return {"owner": owner, "seq": k + 1, "start": start, "end": end, "amount": amount,
            "bad": np.zeros(len(t), bool), "unmade": unmade}


def _first_installments(t: TermsColumns, low: np.ndarray) -> np.ndarray:
    """Per contract of an anniversary schedule, what its installments k < ``low`` add up to (fen), without making them.
    The step divides 12, so a contract year y holds 12 / step installments (its last year, partial, fewer) adding up
    to its fee (``_year_fee``): the first ``low`` are Y whole years and j more of year Y, each of those j an equal
    part of its year (the last part, with the remainder, only when j is all of the year)."""
    fee, months, step = t.fee, t.months, t.step
    per_year = 12 // step
    year, more = np.divmod(low, per_year)
    whole_years = months // 12  # the years of 12 months; a partial one after them when months % 12
    years_fee = fee * np.minimum(year, whole_years)
    # All of a partial last year, as a year of its own (terms make_terms accepts never get here: their partial year
    # has fewer installments than a whole one, so ``more`` says it; kept for any columns given)
    years_fee += np.where(year > whole_years, _year_fee(fee, months, np.minimum(year - 1, whole_years)), 0)
    in_year = np.maximum(-(-np.minimum(12, months - 12 * year) // step), 1)  # the installments of year Y (1 where none)
    fee_of_year = _year_fee(fee, months, year)
    part = _equal_parts(fee_of_year, in_year, np.zeros_like(low))  # a part that is not the last
    return years_fee + np.where(more == 0, 0, np.where(more == in_year, fee_of_year, part * more))


def _month_number(day: int) -> int:
    """The month of one day number (months since 1970-01), for any day a date can be."""
    date = EPOCH + dt.timedelta(days=min(max(day, _FIRST_DATE), _LAST_DATE))
    return (date.year - 1970) * 12 + date.month - 1


_FIRST_DATE, _LAST_DATE = (dt.date.min - EPOCH).days, (dt.date.max - EPOCH).days


def _k_window(t: TermsColumns, count: np.ndarray, due_from: int | None, due_before: int | None):
    """Per contract of an anniversary schedule, a range [low, high) of installment indexes k holding every one that can
    fall due in [due_from, due_before) (either end open where None), with room to spare: the caller keeps the exact
    ones. Installment k runs from month M = start month + k x step, clipped to its day, and ends within month
    M + step, so it falls due on or after the first of M (a lag is never negative) and before the first of month
    M + step + 1 + lag // 28 + 1 (every month has at least 28 days)."""
    sm, step = t.start_month, t.step
    low = np.zeros_like(count)
    high = count
    if due_from is not None:
        first_month = _month_number(due_from)
        # due >= due_from needs M + step + 2 + lag // 28 > first_month; one more step spare
        low = np.clip((first_month - sm - step - 2 - t.lag // 28) // step - 1, 0, count)
    if due_before is not None:
        last_month = _month_number(due_before)
        # due < due_before needs the first of M before it: M <= last_month; one more step spare
        high = np.clip((last_month - sm) // step + 2, low, count)
    return low, high


def _calendar(t: TermsColumns) -> dict[str, np.ndarray]:
    step, months = t.step, t.months
    sm, sd = t.start_month, t.start_day
    bill_end = add_months(sm, sd, months)
    end_month = month_of(bill_end)
    first_after = np.where(bill_end == month_start(end_month), end_month, end_month + 1)  # first month start >= the end
    period0 = sm // step * step  # the calendar period holding the billing start (the step divides 12)
    owner, p = _expand(np.where(months > 0, -(-(first_after - period0) // step), 0))
    s = step[owner]
    cal_start = month_start(period0[owner] + p * s)
    cal_end = month_start(period0[owner] + (p + 1) * s)
    start = np.where(p == 0, t.start[owner], cal_start)
    end = np.minimum(cal_end, bill_end[owner])
    # Each period's slot(s) in the contract years: the year holding its start, and the next one if it runs on.
    osm, osd, om = sm[owner], sd[owner], months[owner]
    year = (month_of(start) - osm) // 12
    year = np.where(start < add_months(osm, osd, 12 * year), year - 1, year)
    year_end = add_months(osm, osd, np.minimum(12 * year + 12, om))
    runs_on = end > year_end
    bad = np.zeros(len(t), bool)
    three = runs_on & (end > add_months(osm, osd, np.minimum(12 * year + 24, om)))
    bad[owner[three]] = True  # a period over three contract years: left to the per-contract engine
    period = np.arange(owner.size)
    slot_period = np.concatenate([period, period[runs_on]])
    slot_year = np.concatenate([year, year[runs_on] + 1])
    slot_a = np.concatenate([start, year_end[runs_on]])
    slot_b = np.concatenate([np.minimum(end, year_end), end[runs_on]])
    slot_owner = owner[slot_period]
    order = np.lexsort((slot_period, slot_year, slot_owner))
    slot_period, slot_year, slot_a, slot_b, slot_owner = (x[order] for x in (slot_period, slot_year, slot_a, slot_b, slot_owner))
    whole = (slot_a == cal_start[slot_period]) & (slot_b == cal_end[slot_period])
    days = slot_b - slot_a
    # Groups: one contract year of one contract.
    new = np.ones(slot_owner.size, bool)
    new[1:] = (slot_owner[1:] != slot_owner[:-1]) | (slot_year[1:] != slot_year[:-1])
    group = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    n = np.bincount(group, minlength=starts.size)
    wholes = isum(group, whole.astype(np.int64), starts.size)
    position = np.arange(group.size) - starts[group]
    group_owner = slot_owner[starts]
    fee = t.fee[group_owner]
    per_year = 12 // step[group_owner]
    year_fee = _year_fee(fee, months[group_owner], slot_year[starts])
    period_fee = (2 * fee + per_year) // (2 * per_year)
    leftover = year_fee - period_fee * wholes
    all_whole = wholes == n
    bad[group_owner[~all_whole & (leftover < 0)]] = True  # stubs sharing a negative leftover: the engine's own rule
    equal = _equal_parts(year_fee[group], n[group], position)
    # The stubs share the leftover by their days: half up, the remainder to the last stub (down where negative).
    stub = ~whole
    stub_days = isum(group, np.where(stub, days, 0), starts.size)
    stub_count = n - wholes
    stub_rank = np.cumsum(stub) - 1
    stub_rank = stub_rank - np.concatenate([[0], np.cumsum(stub)])[starts][group]
    total = np.maximum(stub_days[group], 1)
    share = (2 * leftover[group] * days + total) // (2 * total)
    share_down = leftover[group] * days // total
    not_last = stub & (stub_rank < stub_count[group] - 1)
    rest = leftover - isum(group, np.where(not_last, share, 0), starts.size)
    share = np.where((rest < 0)[group], share_down, share)
    rest = leftover - isum(group, np.where(not_last, share, 0), starts.size)
    part = np.where(all_whole[group], equal, np.where(whole, period_fee[group], np.where(not_last, share, rest[group])))
    amount = isum(slot_period, part, owner.size)
    return {"owner": owner, "seq": p + 1, "start": start, "end": end, "amount": amount, "bad": bad}


def installments(terms: TermsColumns, *, due_from: int | None = None, due_before: int | None = None,
                 ordered: bool = True, made_from: int | None = None) -> Installments:
    """Every installment of every contract the arrays can do, ordered by contract and then seq (due order).

    With ``due_from`` / ``due_before`` (day numbers), only those falling due in [due_from, due_before): an anniversary
    schedule is not even made outside it. Without ``ordered`` they come in no particular order (for sums). With
    ``made_from`` instead of ``due_from``: those falling due before it as well, but an anniversary schedule's first
    installments, all due before it, are only summed (``Installments.unmade``), not made."""
    if made_from is not None and due_from is not None:
        raise ValueError("made_from is instead of due_from")
    inside = terms.in_range()
    uncovered = ~inside
    unmade = np.zeros(len(terms), np.int64) if made_from is not None else None
    parts = []
    window = due_from is not None or due_before is not None or made_from is not None
    for mask, make in ((terms.anniversary & inside, _anniversary), (~terms.anniversary & inside, _calendar)):
        index = np.flatnonzero(mask)
        if index.size:
            taken = terms.take(index)
            made = make(taken, due_from if made_from is None else made_from, due_before) \
                if window and make is _anniversary else make(taken)
            uncovered[index[made.pop("bad")]] = True
            summed = made.pop("unmade", None)
            if unmade is not None and summed is not None:
                unmade[index] = summed
            made["owner"] = index[made["owner"]]
            parts.append(made)
    empty = np.zeros(0, np.int64)
    if not parts:
        return Installments(empty, empty, empty, empty, empty, empty, uncovered, unmade)
    out = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    if ordered:
        order = np.lexsort((out["seq"], out["owner"]))
        out = {key: value[order] for key, value in out.items()}
    keep = ~uncovered[out["owner"]]
    owner = out["owner"]
    due = np.where(terms.arrears[owner], out["end"], out["start"]) + terms.lag[owner]
    if due_from is not None:
        keep &= due >= due_from
    if due_before is not None:
        keep &= due < due_before
    owner = owner[keep]
    return Installments(owner, out["seq"][keep], out["start"][keep], out["end"][keep], due[keep], out["amount"][keep],
                        uncovered, unmade)


@dataclass
class QuarterSums:
    """What the covered contracts fall due for per calendar quarter of a window: one entry per (contract, quarter)
    with anything due, ordered by contract and quarter; ``uncovered`` as in ``Installments``."""

    owner: np.ndarray
    year: np.ndarray
    quarter: np.ndarray  # 1..4
    fen: np.ndarray
    uncovered: np.ndarray

    @cached_property
    def present(self) -> np.ndarray:
        """The contracts (positions) with a cell, in order: each one's first cell starts a run of ``owner``."""
        owner = self.owner
        return owner[np.flatnonzero(np.concatenate([[True], owner[1:] != owner[:-1]]))] if owner.size else owner


def _chunks(terms: TermsColumns):
    """(first position, the columns of CHUNK contracts from there): the installments of a chunk at a time, so that a
    million contracts' arrays stay within a hundred MB or so."""
    for first in range(0, len(terms), CHUNK):
        yield first, terms.take(slice(first, first + CHUNK))


def quarter_sums(terms: TermsColumns, first_year: int, years: int) -> QuarterSums:
    """Installments falling due in [first_year-01-01, first_year+years-01-01), summed per contract and quarter
    (``forecast``'s cells of a contract with terms only, by due date)."""
    low, high = day_number(dt.date(first_year, 1, 1)), day_number(dt.date(first_year + years, 1, 1))
    parts, uncovered = [], np.zeros(len(terms), bool)
    for first, chunk in _chunks(terms):
        items = installments(chunk, due_from=low, due_before=high, ordered=False)
        uncovered[first:first + len(chunk)] = items.uncovered
        owner, due, amount = items.owner, items.due, items.amount
        month = month_of(due)
        cell = owner * (4 * years) + (month // 12 + 1970 - first_year) * 4 + month % 12 // 3
        unique, inverse = np.unique(cell, return_inverse=True)
        fen = isum(inverse.reshape(-1), amount, unique.size)
        owner, slot = np.divmod(unique, 4 * years)
        parts.append((owner + first, first_year + slot // 4, slot % 4 + 1, fen))
    if not parts:
        empty = np.zeros(0, np.int64)
        return QuarterSums(empty, empty, empty, empty, uncovered)
    return QuarterSums(*(np.concatenate([part[i] for part in parts]) for i in range(4)), uncovered)


@dataclass
class TermsOnly:
    """The contracts of a window with nothing recorded but their terms and a fixed fee, as the store reads them for
    whole-portfolio answers: their codes, their lines (the code where none) and their terms as columns, position for
    position; ``contracts_of(codes)`` gives whole contracts for some of them (those the arrays leave to the engine)."""

    codes: list[str]
    lines: list[str]
    columns: TermsColumns
    contracts_of: Callable[[list[str]], Iterable["Contract"]]
    # With the rest of the window, in the store's order of codes: a position here, or -1 for the next of the rest
    # (for rows written in the order the whole portfolio would give them); None when not known.
    order: list[int] | None = None

    @classmethod
    def of(cls, codes: list[str], lines: list[str], batches: Sequence[Sequence[tuple]],
           contracts_of: Callable[[list[str]], Iterable["Contract"]], order: list[int] | None = None) -> "TermsOnly":
        """From the rows ``TermsColumns.from_rows`` takes, in batches (each made an array on its own, so that a
        million contracts are never a million Python tuples at once)."""
        tables = [np.array(batch, np.int64).reshape(-1, 8) for batch in batches if len(batch)]
        return cls(codes, lines, TermsColumns.from_rows(np.concatenate(tables) if tables else []), contracts_of, order)

    def __len__(self) -> int:
        return len(self.codes)


BUCKET_LIMITS = (30, 90, 180, 365)  # payables.BUCKETS' days: 0-30, 31-90, 91-180, 181-365, and over 365


@dataclass
class ArrearsSums:
    """Per contract (position): what is owed on a day in each aging bucket (fen, the five columns of
    ``payables.BUCKET_NAMES``) and how many installments."""

    owed: np.ndarray  # (contracts, 5)
    rows: np.ndarray  # (contracts,)
    uncovered: np.ndarray


def arrears_sums(terms: TermsColumns, as_of: dt.date, dues: dict[dt.date, int]) -> ArrearsSums:
    """``fastpath.arrears_rows`` summed (``arrears_chunks``' rows, per contract and bucket); the rows' due days are
    counted into ``dues`` (for the recording gap, as ``ledgers.LastPayment`` counts rows)."""
    size = len(terms)
    owed, rows, uncovered = np.zeros((size, 5), np.int64), np.zeros(size, np.int64), np.zeros(size, bool)
    for items in arrears_chunks(terms, as_of):
        first, end = items.first, items.first + items.size
        uncovered[first:end] = items.uncovered
        owner = items.owner - first
        owed[first:end] = isum(owner * 5 + items.bucket, items.fen, items.size * 5).reshape(items.size, 5)
        rows[first:end] = np.bincount(owner, minlength=items.size)
        count_days(items.due, dues)
    return ArrearsSums(owed, rows, uncovered)


def count_days(days: np.ndarray, into: dict[dt.date, int]) -> dict[dt.date, int]:
    """Adds to ``into`` how many of ``days`` (day numbers) fall on each date; gives it back."""
    found, counts = np.unique(days, return_counts=True)
    for day, count in zip(found.tolist(), counts.tolist()):
        date = EPOCH + dt.timedelta(days=day)
        into[date] = into.get(date, 0) + count
    return into


def years_sums(terms: TermsColumns, years: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``budget.schedule_years_figures``' sums for every covered contract, in one pass over the installments: (due in
    each year, due before each year), both (contracts, len(years)), and ``uncovered``."""
    size, count = len(terms), len(years)
    of_year, before, uncovered = np.zeros((size, count), np.int64), np.zeros((size, count), np.int64), np.zeros(size, bool)
    starts = [day_number(dt.date(year, 1, 1)) for year in years]
    after = day_number(dt.date(max(years) + 1, 1, 1)) if years else None  # what falls due later counts in no sum
    made_from = min(starts) if starts else None  # what falls due before the first year: in every "before", summed
    for first, chunk in _chunks(terms):
        items = installments(chunk, due_before=after, ordered=False, made_from=made_from)
        end = first + len(chunk)
        uncovered[first:end] = items.uncovered
        due_year = month_of(items.due) // 12 + 1970
        unmade = items.unmade if items.unmade is not None else 0
        for column, (year, start) in enumerate(zip(years, starts)):
            of_year[first:end, column] = isum(items.owner, np.where(due_year == year, items.amount, 0), len(chunk))
            before[first:end, column] = unmade + isum(items.owner, np.where(items.due < start, items.amount, 0), len(chunk))
    return of_year, before, uncovered


_EPOCH_ORDINAL = EPOCH.toordinal()


def split_contracts(contracts: Iterable["Contract"]) -> tuple[TermsOnly, list["Contract"]]:
    """The contracts with terms only and a fixed fee as columns (for callers that hold whole contracts already), and
    the rest as they were."""
    alone, rest, rows = [], [], []
    for contract in contracts:
        terms = contract.terms
        if not contract.terms_only or terms.is_unit_priced:
            rest.append(contract)
            continue
        alone.append(contract)
        rows.append((terms.billing_start.toordinal() - _EPOCH_ORDINAL, terms.billing_months, terms.service_months,
                     to_fen(terms.annual_fee), terms.frequency.months, int(terms.alignment is Alignment.anniversary),
                     int(terms.timing is Timing.arrears), terms.payment_lag_days))
    by_code = {contract.code: contract for contract in alone}
    return (TermsOnly.of([c.code for c in alone], [c.terms.line_code for c in alone], [rows],
                         lambda codes: [by_code[code] for code in codes]), rest)


def installments_due(terms: TermsColumns, first: dt.date, last: dt.date) -> Installments:
    """The installments of the covered contracts falling due in ``[first, last)`` (a quarter's payables), ordered by
    contract and seq, ``owner`` a position in ``terms``; ``uncovered`` as in ``Installments``. Made a chunk at a
    time: only what falls due in the window is kept."""
    low, high = day_number(first), day_number(last)
    uncovered = np.zeros(len(terms), bool)
    parts = []
    for start, chunk in _chunks(terms):
        kept = installments(chunk, due_from=low, due_before=high)
        uncovered[start:start + len(chunk)] = kept.uncovered
        parts.append((kept.owner + start, kept.seq, kept.start, kept.end, kept.due, kept.amount))
    if not parts:
        empty = np.zeros(0, np.int64)
        return Installments(empty, empty, empty, empty, empty, empty, uncovered)
    return Installments(*(np.concatenate(column) for column in zip(*parts)), uncovered)


def due_counts(terms: TermsColumns, first: dt.date, last: dt.date) -> tuple[dict[dt.date, int], np.ndarray]:
    """How many installments fall due on each day of ``[first, last]`` (``ledgers.DueCounter``), and ``uncovered``."""
    low, high = day_number(first), day_number(last)
    counts: dict[dt.date, int] = {}
    uncovered = np.zeros(len(terms), bool)
    for start, chunk in _chunks(terms):
        items = installments(chunk, due_from=low, due_before=high + 1, ordered=False)
        uncovered[start:start + len(chunk)] = items.uncovered
        count_days(items.due, counts)
    return counts, uncovered


@dataclass
class ArrearsItems:
    """The installments in arrears of a chunk of contracts (``fastpath.arrears_rows``' rows as arrays): each due by
    the day with something in it, owed whole, in contract and seq order; ``bucket`` indexes ``BUCKET_LIMITS``' buckets
    (4: over 365 days)."""

    first: int  # the chunk's first position
    size: int
    owner: np.ndarray  # positions in the columns
    seq: np.ndarray
    due: np.ndarray
    fen: np.ndarray
    days: np.ndarray
    bucket: np.ndarray
    uncovered: np.ndarray  # per contract of the chunk

    def span(self, position: int) -> tuple[int, int]:
        """Where the rows of the contract at ``position`` are (start, end)."""
        return self._starts[position - self.first], self._starts[position - self.first + 1]

    def __post_init__(self) -> None:
        self._starts = np.searchsorted(self.owner, np.arange(self.first, self.first + self.size + 1)).tolist()


def arrears_chunks(terms: TermsColumns, as_of: dt.date):
    """``ArrearsItems`` a chunk of contracts at a time, in position order (for rows written as they are made)."""
    day = day_number(as_of)
    limits = np.array(BUCKET_LIMITS)
    for first, chunk in _chunks(terms):
        items = installments(chunk, due_before=day + 1)
        late = items.amount > 0
        due = items.due[late]
        yield ArrearsItems(first, len(chunk), items.owner[late] + first, items.seq[late], due, items.amount[late],
                           day - due, np.searchsorted(limits, day - due, side="left"), items.uncovered)
