"""Obligations forecast by fiscal year and quarter, per contract, line and programme.

By default installments count in the quarter they fall due; on request (accrual)
each is spread over the quarters its period covers, by days, exactly. Gross is
the schedule; expected net is the assessed net where an assessment exists, the
gross less a stated expected deduction rate for installments still to be
assessed, and the gross otherwise. Unit-priced contracts are projected from the
usage recorded so far (its average cost per month).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Iterable, Mapping, NamedTuple, Sequence

import numpy as np

from . import bulk
from .bulk import isum
from .money import fen_times_share, from_fen, split_fen, to_fen
from .payables import AWAITING, AWAITING_USAGE, SETTLED_BEFORE, Ledger, build_ledger
from .periods import Period, calendar_period_containing, months_between
from .schedule import installments_fen
from .terms import ContractTerms
from .basis import Basis, described
from .deductions import RulesByDay
from .usage import Usage, cost

if TYPE_CHECKING:
    from .contract import Contract

ZERO = Decimal("0.00")


class ForecastRow(NamedTuple):
    """One contract's obligations in one quarter (a tuple: a province makes hundreds of thousands)."""

    contract: str
    line: str
    programme: str
    year: int
    quarter: int
    gross_fen: int | None  # None: unknown (installments awaiting usage, left out)
    net_fen: int | None
    basis: str  # schedule, assessed, expected rate, usage, usage projection
    ends_in_window: bool

    @property
    def gross(self) -> Decimal | None:
        return None if self.gross_fen is None else from_fen(self.gross_fen)

    @property
    def expected_net(self) -> Decimal | None:
        return None if self.net_fen is None else from_fen(self.net_fen)

    def record(self) -> dict:
        return {"contract": self.contract, "line": self.line, "programme": self.programme, "year": self.year,
                "quarter": self.quarter, "gross": self.gross, "expected_net": self.expected_net, "basis": self.basis,
                "ends_in_window": self.ends_in_window}


def _quarter_pieces(period: Period, amount_fen: int) -> list[tuple[int, int, int]]:
    """(year, quarter, fen) for each calendar quarter the period covers, split by days exactly."""
    pieces, cursor = [], period.start
    while cursor < period.end:
        quarter = calendar_period_containing(cursor, 3)
        end = min(quarter.end, period.end)
        pieces.append((cursor, end))
        cursor = end
    parts = split_fen(amount_fen, [((end - start).days, 1) for start, end in pieces])
    return [(start.year, (start.month - 1) // 3 + 1, part) for (start, _), part in zip(pieces, parts)]


def _monthly_average(usage: Sequence[Usage], unit_price: Decimal | None) -> Fraction:
    months = sum(months_between(u.period.start, u.period.end) for u in usage)
    if not months:
        return Fraction(0)
    return Fraction(to_fen(sum((cost(u, unit_price) for u in usage), ZERO))) / months


PROJECTED = "assumed: projected from the usage recorded"
AWAITING_NOTE = "awaiting usage"  # a unit-priced period whose quantity no one knows yet: left out, never 0.00


def _flows(terms: ContractTerms, ledger: Ledger | None, usage: Sequence[Usage], deduction_rate: Fraction | None,
           project_usage: bool = False):
    """(due, period start, period end, gross fen, expected net fen, basis) of each installment; a unit-priced one
    awaiting its usage has None for its amounts (unknown), unless ``project_usage`` projects it from the usage
    recorded so far (its average per month: an assumption, said so)."""
    if ledger is None and not terms.is_unit_priced:
        # Terms alone (no rules, assessments or usage): the schedule is the answer, straight from the engine.
        for _, start, end, due, fen in installments_fen(terms):
            yield due, start, end, fen, fen, "schedule"
        return
    ledger = ledger or build_ledger(terms, usage=usage)
    average = _monthly_average(usage, terms.unit_price) if terms.is_unit_priced and project_usage else None
    for item in ledger.payables:
        if item.seq == 0 or item.period_start is None:
            continue
        if terms.is_unit_priced:
            if item.state == AWAITING_USAGE:
                if not average:
                    yield item.due, item.period_start, item.period_end, None, None, AWAITING_NOTE
                    continue
                months = months_between(item.period_start, item.period_end)
                gross_fen, basis = int(round(average * months)), PROJECTED
            else:
                gross_fen, basis = to_fen(item.gross), "usage"
            net_fen = gross_fen if item.net is None else to_fen(item.net)
        else:
            gross_fen = to_fen(item.gross)
            if item.net is not None and item.state != AWAITING:
                net_fen, basis = to_fen(item.net), "assessed" if item.assessment else "schedule"
            elif deduction_rate is not None:
                net_fen, basis = gross_fen - fen_times_share(gross_fen, deduction_rate), "expected rate"
            else:
                net_fen, basis = gross_fen, NOT_YET_ASSESSED
            if item.settled_by == SETTLED_BEFORE:  # before tracking: what was paid then is not recorded
                basis = "schedule, settled before tracking (opening balance)"
            elif item.basis.startswith(Basis.UPPER_BOUND):
                basis = described(Basis.UPPER_BOUND, [f"{basis}, deducted per assessment, the rules not recorded"])
        yield item.due, item.period_start, item.period_end, gross_fen, net_fen, basis


NOT_YET_ASSESSED = "schedule (not yet assessed)"


class Awaiting(NamedTuple):
    """What a contract's ledger would give in a window where every installment falling due awaits its assessment:
    (due, gross fen) of each, and no net (``awaiting_in_window``)."""

    installments: list[tuple[dt.date, int]]


def awaiting_in_window(contract: "Contract", window: Period, as_of: dt.date) -> Awaiting | None:
    """The installments of ``contract`` falling due in ``window``, when each of them awaits its assessment on ``as_of``
    and nothing recorded can change that; None otherwise (its ledger is needed).

    Why it holds: an installment awaits its assessment when a rule in force at its start needs one and none of its
    seq is known by ``as_of`` (``payables.ledger_of``); its ledger entry is then the schedule's gross, with no net, no
    deduction and the same basis, whatever was paid. An opening balance (which settles installments), usage (a unit
    price) and amendments (another schedule) change that, so a contract with any of them takes the ledger. A
    contract with facts is usually like this beyond its last assessment, and a budget's window is beyond it: its
    ledger from the first installment is not built (``tests/test_forecast_awaiting.py`` holds the two equal)."""
    terms, rules = contract.terms, contract.rules
    if not rules or contract.opening is not None or contract.usage or contract.amendments or terms.is_unit_priced:
        return None
    assessed = {item.seq for item in contract.assessments if item.assessed_on <= as_of}
    rules_on = RulesByDay(rules).on
    first, last, due = window.start, window.end, []
    for seq, start, _, day, fen in installments_fen(terms, due_from=first):
        if day < first:
            continue
        if day >= last:
            break
        if seq in assessed:
            return None
        if not rules_on(start)[1]:  # no rule in force then needs an assessment
            return None
        due.append((day, fen))
    return Awaiting(due)


Source = tuple[ContractTerms, "Ledger | Awaiting | None", Sequence[Usage]]


class Forecast:
    """Obligations per (contract, year, quarter), kept as integers until someone asks for rows or totals.

    Two kinds of cells: those of contracts with facts, in ``cells`` (a dict), and those of the contracts with terms
    only, in ``bulk`` (arrays: a province has hundreds of thousands, summed and sorted by NumPy). What is unknown (a
    unit-priced installment awaiting its usage) is counted apart, in ``unknown``, never as 0.00: the rows and totals
    it touches say how many installments they leave out.
    """

    def __init__(self, cells: dict, meta: dict, unknown: dict | None = None, bulk: "BulkCells | None" = None) -> None:
        self.cells = cells  # (contract, year, quarter) -> [gross fen, net fen, basis or set of bases]
        self.meta = meta  # contract -> (line, programme, ends in the window)
        self.unknown = unknown or {}  # (contract, year, quarter) -> installments left out (awaiting usage)
        self.bulk = bulk
        self.ends_on: dict[str, dt.date] = {}  # the service end of each contract that ends in the window
        self._cache: dict[str, _Grouped] = {}  # by -> the sums of totals(by) (the cells do not change)

    def rows(self) -> list[ForecastRow]:
        meta, rows = self.meta, []
        for key in set(self.cells) | set(self.unknown):
            code, year, quarter = key
            gross, net, bases = self.cells.get(key, (None, None, set()))
            basis = bases if isinstance(bases, str) else ", ".join(sorted(bases))
            if key in self.unknown:
                basis = described(Basis.UNKNOWN, [f"{self.unknown[key]} installment(s) awaiting usage, left out", basis])
            rows.append(ForecastRow(code, meta[code][0], meta[code][1], year, quarter, gross, net, basis, meta[code][2]))
        if self.bulk is not None:
            rows.extend(self.bulk.rows())
        rows.sort(key=_row_key)
        return rows

    def totals(self, by: str) -> list[dict]:
        """Sums per (contract|line|programme|all, year): per quarter, gross and expected net, and what they leave out."""
        grouped = self._grouped(by)
        return [grouped.row(at) for at in grouped.order().tolist()]

    def count(self, by: str) -> int:
        """How many rows ``totals(by)`` has."""
        return int(self._grouped(by).present.sum())

    def largest(self, by: str, count: int) -> list[dict]:
        """The ``count`` rows of ``totals(by)`` with the largest gross (ties in the rows' order, a gross no one knows
        last): ``sorted(totals(by), key=gross, descending)[:count]``, without making the other rows."""
        grouped = self._grouped(by)
        at = grouped.order()
        gross = grouped.sums[..., 4].reshape(-1)[at]
        unknown = grouped.gross_unknown().reshape(-1)[at]
        ranked = at[np.lexsort((np.arange(at.size), -gross, unknown))][:count]
        return [grouped.row(index) for index in ranked.tolist()]

    def _grouped(self, by: str) -> "_Grouped":
        cached = self._cache.get(by)
        if cached is None:
            cached = self._cache[by] = _Grouped(self, by)
        return cached

    def ending_on(self) -> list[tuple[str, dt.date]]:
        """(code, service end) of the contracts whose service ends inside the window, soonest first: a successor must
        be budgeted (``ends_on`` holds exactly those whose meta says they end)."""
        return sorted(self.ends_on.items(), key=itemgetter(1, 0))

    def year_totals(self, by: str) -> list[dict]:
        """The grand total of each year, quarter by quarter (exactly: the sums of ``totals(by)``'s rows, added in fen:
        an amount a row leaves empty is one no cell holds, so it adds nothing either way)."""
        left_out: dict[int, dict[str, int]] = {}
        for (code, year, _), count in self.unknown.items():
            left_out.setdefault(year, {})[code] = left_out.get(year, {}).get(code, 0) + count
        grouped = self._grouped(by)
        bounded: dict[int, set[str]] = {}  # the contracts whose amounts are upper bounds, by year (from the slots')
        for slot, codes in grouped.bounded.items():
            bounded.setdefault(grouped.first + slot % grouped.span, set()).update(codes)
        sums = grouped.sums.sum(axis=0)  # (years, 6): int64, exact
        present = grouped.present.any(axis=0)
        # per year, the amounts some row knows: a sum of nothing known stays None
        quarter_known = (~grouped.quarter_unknown() & grouped.present[..., None]).any(axis=0)  # (years, 4)
        sum_known = (~grouped.gross_unknown() & grouped.present).any(axis=0)  # (years,)
        keys = ("Q1", "Q2", "Q3", "Q4", "gross", "expected_net")
        rows = []
        for index in np.flatnonzero(present).tolist():
            year = grouped.first + index
            known = [bool(quarter_known[index, q]) for q in range(4)] + [bool(sum_known[index])] * 2
            rows.append({by: "TOTAL", "year": year, **{key: from_fen(int(fen)) if seen else None
                                                        for key, fen, seen in zip(keys, sums[index].tolist(), known)},
                         "basis": _left_out(left_out.get(year), bounded.get(year))})
        return rows


def _row_key(row: ForecastRow) -> tuple:
    return row[0], row[3], row[4]


class BulkCells:
    """The cells of the contracts with terms only (``bulk.quarter_sums``): gross = expected net = the schedule."""

    def __init__(self, sums: "bulk.QuarterSums", codes: list[str], meta: list[tuple[str, str, bool]],
                 service_ends: dict[int, dt.date]) -> None:
        self.sums, self.codes, self.meta = sums, codes, meta  # meta: (line, programme, ends), by position
        self.service_ends = service_ends  # by position, of those that end in the window

    def rows(self) -> list[ForecastRow]:
        codes, meta, make = self.codes, self.meta, tuple.__new__
        s = self.sums
        return [make(ForecastRow, (codes[o], *meta[o][:2], y, q, f, f, "schedule", meta[o][2]))
                for o, y, q, f in zip(s.owner.tolist(), s.year.tolist(), s.quarter.tolist(), s.fen.tolist())]


class _Grouped:
    """The sums behind ``Forecast.totals(by)``: one slot per (group, year), groups in name order, in NumPy arrays
    (``sums``: quarters 1-4, gross, net in fen; ``known``: the quarters some cell holds), and what the few cells of
    contracts with facts add to them in dicts (what is left out, whose amounts are upper bounds)."""

    def __init__(self, forecast: Forecast, by: str) -> None:
        self.by = by
        column = {"contract": None, "line": 0, "programme": 1, "all": "all"}[by]
        meta = forecast.meta

        def group(code: str) -> str:
            return code if column is None else "all" if column == "all" else meta[code][column] or "(none)"

        keys = list(forecast.cells) + list(forecast.unknown)
        years = [key[1] for key in keys]
        bulk = forecast.bulk
        if bulk is not None and bulk.sums.year.size:
            years += [int(bulk.sums.year.min()), int(bulk.sums.year.max())]
        self.first = min(years) if years else 0
        span = max(years) - self.first + 1 if years else 0
        names = {group(key[0]) for key in keys}
        present, present_names = np.zeros(0, np.int64), []  # the contracts by arrays with a cell, and their groups
        if bulk is not None and bulk.sums.owner.size:
            present = bulk.sums.present
            if column is None:
                present_names = [bulk.codes[position] for position in present.tolist()]
            else:
                present_names = ["all" if column == "all" else bulk.meta[position][column] or "(none)"
                                 for position in present.tolist()]
        # In name order, each once: the arrays' come in the store's order of codes, most often sorted already, which
        # sorted() merges with the few others rather than sorting afresh (a set's order would be no order at all).
        present_number = _numbered(present_names, names) if column is None else None
        if present_number is not None:  # by contract: every code once, a province of them numbered by one sort
            self.names, number, present_number = present_number
        else:
            self.names = list(dict.fromkeys(sorted(present_names + sorted(names))))
            number = {name: index for index, name in enumerate(self.names)}
        size = len(self.names) * span
        self.span = span
        quarter_slot, quarter_fen, gross_slot, net_fen = [], [], [], []
        self.bounded: dict[int, set[str]] = {}  # slot -> contracts whose amounts are upper bounds
        for (code, year, quarter), (gross, net, bases) in forecast.cells.items():
            slot = number[group(code)] * span + year - self.first
            quarter_slot.append(slot * 4 + quarter - 1)
            quarter_fen.append(gross)
            gross_slot.append(slot)
            net_fen.append(net)
            if _upper_bound(bases):
                self.bounded.setdefault(slot, set()).add(code)
        quarter_slot_a = np.array(quarter_slot, np.int64)
        quarter_fen_a = np.array(quarter_fen, np.int64)
        gross_slot_a = np.array(gross_slot, np.int64)
        net_fen_a = np.array(net_fen, np.int64)
        if bulk is not None and bulk.sums.owner.size:
            s = bulk.sums
            if present_number is None:
                present_number = np.array([number[name] for name in present_names], np.int64)
            present_slot = present_number * span
            slot = present_slot[np.searchsorted(present, s.owner)] + (s.year - self.first)
            quarter_slot_a = np.concatenate([quarter_slot_a, slot * 4 + s.quarter - 1])
            quarter_fen_a = np.concatenate([quarter_fen_a, s.fen])
            gross_slot_a = np.concatenate([gross_slot_a, slot])
            net_fen_a = np.concatenate([net_fen_a, s.fen])
        quarters = isum(quarter_slot_a, quarter_fen_a, size * 4).reshape(size, 4)
        self.sums = np.zeros((size, 6), np.int64)
        self.sums[:, :4] = quarters
        self.sums[:, 4] = quarters.sum(axis=1)
        self.sums[:, 5] = isum(gross_slot_a, net_fen_a, size)
        self.known = np.bincount(quarter_slot_a, minlength=size * 4).reshape(size, 4) > 0
        self.present = self.known.any(axis=1)
        self.left_out: dict[int, dict[str, int]] = {}
        self.unknown_quarters = np.zeros((size, 4), bool)
        for (code, year, quarter), count in forecast.unknown.items():
            slot = number[group(code)] * span + year - self.first
            self.present[slot] = True
            per_contract = self.left_out.setdefault(slot, {})
            per_contract[code] = per_contract.get(code, 0) + count
            self.unknown_quarters[slot, quarter - 1] = True
        self.sums = self.sums.reshape(len(self.names), span, 6)
        self.present = self.present.reshape(len(self.names), span)

    def order(self) -> np.ndarray:
        """The slots with a row, in the rows' order (name, then year)."""
        return np.flatnonzero(self.present.reshape(-1))

    def quarter_unknown(self) -> np.ndarray:
        """Per slot and quarter: the amount is no one's to know (no cell, but installments left out)."""
        return (~self.known & self.unknown_quarters).reshape(len(self.names), self.span, 4)

    def gross_unknown(self) -> np.ndarray:
        """Per slot: nothing known at all (the row's gross and net are empty)."""
        return (~self.known.any(axis=1)).reshape(len(self.names), self.span)

    def row(self, slot: int) -> dict:
        name, year = self.names[slot // self.span], self.first + slot % self.span
        fen = self.sums.reshape(-1, 6)[slot].tolist()
        seen = self.known[slot]
        if not seen.any():
            figures = [None] * 6
            for quarter in range(4):
                if not self.unknown_quarters[slot, quarter]:
                    figures[quarter] = from_fen(fen[quarter])
        elif self.unknown_quarters[slot].any():
            figures = [None if not seen[q] and self.unknown_quarters[slot, q] else from_fen(fen[q]) for q in range(4)]
            figures += [from_fen(fen[4]), from_fen(fen[5])]
        else:  # every amount known (the common case): no question to ask of each
            figures = [from_fen(value) for value in fen]
        lo, bd = self.left_out.get(slot), self.bounded.get(slot)
        return {self.by: name, "year": year, "Q1": figures[0], "Q2": figures[1], "Q3": figures[2], "Q4": figures[3],
                "gross": figures[4], "expected_net": figures[5],
                "basis": _left_out(lo, bd, named=self.by != "contract") if lo or bd else "computed"}


_UPPER_BOUND = Basis.UPPER_BOUND.value  # a plain str: startswith of an enum member takes several times as long


NUMBERED_FROM = 10_000  # contracts by arrays with a cell: from here, numbered by a NumPy sort rather than a dict


def _numbered(present_names: list[str], names: set[str]) -> tuple[list[str], dict[str, int], np.ndarray] | None:
    """By contract: (every code in order, each of ``names``' place in it, each of ``present_names``' place in it), by
    one NumPy sort of them all (code point order, as Python's; a code holds no NUL). None where there are few, or
    where a code is in both (a contract's cells are either the arrays' or its own: never, but then the dicts say)."""
    if len(present_names) < NUMBERED_FROM:
        return None
    others = sorted(names)
    every = np.array(present_names + others)
    order = np.argsort(every, kind="stable")
    ordered = every[order]
    if ordered.size > 1 and bool((ordered[1:] == ordered[:-1]).any()):
        return None
    place = np.empty(order.size, np.int64)
    place[order] = np.arange(order.size)
    count = len(present_names)
    return ordered.tolist(), dict(zip(others, place[count:].tolist())), place[:count]


def _upper_bound(bases: str | set[str]) -> bool:
    """Whether a cell's basis (one text, or a set of them) has an upper bound in it."""
    if bases.__class__ is str:
        return bases.startswith(_UPPER_BOUND)
    return any(basis.startswith(_UPPER_BOUND) for basis in bases)


def _left_out(counts: dict[str, int] | None, bounded: set[str] | None = None, named: bool = True) -> str:
    """The basis of a sum: what it leaves out (unknown), and whose amounts in it are upper bounds (``named``: say whose,
    where the sum is of several contracts)."""
    notes = [f"{code}: {count} installment(s) awaiting usage, left out" if named else
             f"{count} installment(s) awaiting usage, left out" for code, count in sorted((counts or {}).items())]
    if bounded:
        notes.append(f"{', '.join(sorted(bounded))}: upper bounds, deducted per assessment, the rules not recorded" if named
                     else "deducted per assessment, the rules not recorded")
    if not notes:
        return "computed"
    return described(Basis.UNKNOWN if counts else Basis.UPPER_BOUND, notes)


def forecast_portfolio(contracts: Iterable["Contract"], programme_of: Mapping[str, str], first_year: int, years: int, *,
                       as_of: dt.date, accrual: bool = False, deduction_rate: Fraction | None = None,
                       project_usage: bool = False, terms_only: "bulk.TermsOnly | None" = None) -> Forecast:
    """The forecast of whole contracts: each by its terms in force, its ledger as of ``as_of`` where it has
    facts beyond its terms (assessed nets, usage), straight from the schedule engine where it has none.

    ``terms_only``: more contracts of the window, with terms only and a fixed fee, as columns: by due date their
    schedules are summed by ``bulk`` all at once (the few it leaves, and all of them by accrual, are taken whole)."""
    cells = None
    if terms_only is not None and len(terms_only):
        if accrual:  # split by days over the quarters: the per-contract engine does it
            contracts = chain(contracts, terms_only.contracts_of(terms_only.codes))
        else:
            cells = _bulk_cells(terms_only, programme_of, first_year, years)
            left = [terms_only.codes[i] for i in np.flatnonzero(cells.sums.uncovered).tolist()]
            if left:
                contracts = chain(contracts, terms_only.contracts_of(left))
    window = Period(dt.date(first_year, 1, 1), dt.date(first_year + years, 1, 1))

    def ledger(contract: "Contract") -> "Ledger | Awaiting | None":
        if contract.terms_only:
            return None
        awaiting = None if accrual else awaiting_in_window(contract, window, as_of)
        return contract.ledger(as_of) if awaiting is None else awaiting

    sources = ((c.current_terms, ledger(c), c.usage) for c in contracts)
    result = forecast(sources, programme_of, first_year, years, accrual=accrual, deduction_rate=deduction_rate,
                      project_usage=project_usage)
    if cells is not None:
        result.bulk = cells
        present = cells.sums.present.tolist()  # the contracts by arrays with a cell
        codes, meta = cells.codes, cells.meta
        result.meta.update(zip(map(codes.__getitem__, present), map(meta.__getitem__, present)))
        for position in sorted(set(present).intersection(cells.service_ends)):  # those that end in the window
            result.ends_on[codes[position]] = cells.service_ends[position]
    return result


def _bulk_cells(terms_only: "bulk.TermsOnly", programme_of: Mapping[str, str], first_year: int, years: int) -> "BulkCells":
    columns = terms_only.columns
    low, high = bulk.day_number(dt.date(first_year, 1, 1)), bulk.day_number(dt.date(first_year + years, 1, 1))
    service_end = columns.service_end()
    ending = (service_end >= low) & (service_end < high)
    meta = [(line, programme_of.get(code, ""), end)
            for code, line, end in zip(terms_only.codes, terms_only.lines, ending.tolist())]
    ends_on = {position: bulk.EPOCH + dt.timedelta(days=day)
               for position, day in zip(np.flatnonzero(ending).tolist(), service_end[ending].tolist())}
    return BulkCells(bulk.quarter_sums(columns, first_year, years), terms_only.codes, meta, ends_on)


def forecast(sources: Iterable[Source], programme_of: Mapping[str, str], first_year: int, years: int, *,
             accrual: bool = False, deduction_rate: Fraction | None = None, project_usage: bool = False) -> Forecast:
    """Each source is (terms, ledger or None for terms alone, usage)."""
    window = Period(dt.date(first_year, 1, 1), dt.date(first_year + years, 1, 1))
    rows: dict[tuple[str, int, int], list] = {}
    unknown: dict[tuple[str, int, int], int] = {}
    meta: dict[str, tuple[str, str, bool]] = {}
    service_ends: dict[str, dt.date] = {}
    for terms, ledger, usage in sources:
        last_due = terms.billing_end + dt.timedelta(days=terms.payment_lag_days)
        if last_due < window.start or terms.billing_start >= window.end:
            continue  # nothing of it can fall in the window
        meta[terms.code] = (terms.line_code, programme_of.get(terms.code, ""), window.start <= terms.service_end < window.end)
        service_ends[terms.code] = terms.service_end
        if ledger is None and not accrual and not terms.is_unit_priced:
            _schedule_by_quarter(terms, window, rows)  # the common case, kept lean for a province
            continue
        if ledger.__class__ is Awaiting:
            _awaiting_by_quarter(terms.code, ledger.installments, rows, deduction_rate)
            continue
        for due, start, end, gross_fen, net_fen, basis in _flows(terms, ledger, usage, deduction_rate, project_usage):
            if gross_fen is None:  # unknown: counted apart, in the quarter it falls due (or, by accrual, where it starts)
                day = max(start, window.start) if accrual else due
                if window.start <= day < window.end and (not accrual or start < window.end and window.start < end):
                    key = (terms.code, day.year, (day.month - 1) // 3 + 1)
                    unknown[key] = unknown.get(key, 0) + 1
                continue
            if accrual:
                if not (start < window.end and window.start < end):
                    continue
                period = Period(start, end)
                pieces = zip(_quarter_pieces(period, gross_fen), _quarter_pieces(period, net_fen))
            else:
                if not window.start <= due < window.end:
                    continue
                quarter = (due.year, (due.month - 1) // 3 + 1)
                pieces = [((*quarter, gross_fen), (*quarter, net_fen))]
            for (year, quarter, gross_part), (_, _, net_part) in pieces:
                if not first_year <= year < first_year + years:
                    continue
                slot = rows.setdefault((terms.code, year, quarter), [0, 0, set()])
                slot[0] += gross_part
                slot[1] += net_part
                slot[2].add(basis)
    result = Forecast(rows, {code: meta[code] for code in {key[0] for key in rows} | {key[0] for key in unknown}}, unknown)
    result.ends_on = {code: service_ends[code] for code in result.meta if result.meta[code][2]}
    return result


def _schedule_by_quarter(terms: ContractTerms, window: Period, rows: dict) -> None:
    """Terms alone, by due date: gross = expected net = the schedule, summed per quarter."""
    first, last, code = window.start, window.end, terms.code
    quarters: dict[int, int] = {}
    for _, _, _, due, fen in installments_fen(terms, due_from=first):
        if due < first:
            continue
        if due >= last:
            break
        key = due.year * 4 + (due.month - 1) // 3
        quarters[key] = quarters.get(key, 0) + fen
    for key, fen in quarters.items():
        year, quarter0 = divmod(key, 4)
        rows[(code, year, quarter0 + 1)] = [fen, fen, "schedule"]


def _awaiting_by_quarter(code: str, installments: list[tuple[dt.date, int]], rows: dict,
                         deduction_rate: Fraction | None) -> None:
    """Installments awaiting assessment, by due date (``_flows`` of their ledger entries): gross, and as expected net the
    gross less the expected deduction rate, or the gross itself."""
    basis = NOT_YET_ASSESSED if deduction_rate is None else "expected rate"
    for due, fen in installments:
        net = fen if deduction_rate is None else fen - fen_times_share(fen, deduction_rate)
        slot = rows.setdefault((code, due.year, (due.month - 1) // 3 + 1), [0, 0, set()])
        slot[0] += fen
        slot[1] += net
        slot[2].add(basis)
