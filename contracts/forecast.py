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
from typing import TYPE_CHECKING, Iterable, Mapping, NamedTuple, Sequence

from .money import fen_times_share, from_fen, split_fen, to_fen
from .payables import AWAITING, AWAITING_USAGE, Ledger, build_ledger
from .periods import Period, calendar_period_containing, months_between
from .schedule import installments_fen
from .terms import ContractTerms
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
    gross_fen: int
    net_fen: int
    basis: str  # schedule, assessed, expected rate, usage, usage projection
    ends_in_window: bool

    @property
    def gross(self) -> Decimal:
        return from_fen(self.gross_fen)

    @property
    def expected_net(self) -> Decimal:
        return from_fen(self.net_fen)

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


def _flows(terms: ContractTerms, ledger: Ledger | None, usage: Sequence[Usage], deduction_rate: Fraction | None):
    """(due, period start, period end, gross fen, expected net fen, basis) of each installment."""
    if ledger is None and not terms.is_unit_priced:
        # Terms alone (no rules, assessments or usage): the schedule is the answer, straight from the engine.
        for _, start, end, due, fen in installments_fen(terms):
            yield due, start, end, fen, fen, "schedule"
        return
    ledger = ledger or build_ledger(terms, usage=usage)
    average = _monthly_average(usage, terms.unit_price) if terms.is_unit_priced else None
    for item in ledger.payables:
        if item.seq == 0 or item.period_start is None:
            continue
        if terms.is_unit_priced:
            if item.state == AWAITING_USAGE:
                months = months_between(item.period_start, item.period_end)
                gross_fen = int(round(average * months)) if average else 0
                basis = "usage projection" if average else "no usage to project from"
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
                net_fen, basis = gross_fen, "schedule (not yet assessed)"
        yield item.due, item.period_start, item.period_end, gross_fen, net_fen, basis


Source = tuple[ContractTerms, "Ledger | None", Sequence[Usage]]


class Forecast:
    """Obligations per (contract, year, quarter), kept as integers until someone asks for rows or totals."""

    def __init__(self, cells: dict, meta: dict) -> None:
        self.cells = cells  # (contract, year, quarter) -> [gross fen, net fen, basis or set of bases]
        self.meta = meta  # contract -> (line, programme, ends in the window)

    def rows(self) -> list[ForecastRow]:
        meta = self.meta
        return [
            ForecastRow(code, meta[code][0], meta[code][1], year, quarter, gross, net,
                        bases if isinstance(bases, str) else ", ".join(sorted(bases)), meta[code][2])
            for (code, year, quarter), (gross, net, bases) in sorted(self.cells.items())
        ]

    def totals(self, by: str) -> list[dict]:
        """Sums per (contract|line|programme|all, year): per quarter, gross and expected net."""
        column = {"contract": None, "line": 0, "programme": 1, "all": "all"}[by]
        grouped: dict[tuple[str, int], list[int]] = {}
        for (code, year, quarter), (gross, net, _) in self.cells.items():
            name = code if column is None else "all" if column == "all" else self.meta[code][column] or "(none)"
            sums = grouped.get((name, year))
            if sums is None:
                sums = grouped[(name, year)] = [0, 0, 0, 0, 0, 0]
            sums[quarter - 1] += gross
            sums[4] += gross
            sums[5] += net
        return [{by: name, "year": year, "Q1": from_fen(s[0]), "Q2": from_fen(s[1]), "Q3": from_fen(s[2]),
                 "Q4": from_fen(s[3]), "gross": from_fen(s[4]), "expected_net": from_fen(s[5])}
                for (name, year), s in sorted(grouped.items())]

    def ending(self) -> list[str]:
        """Contracts whose service ends inside the window: a successor must be budgeted."""
        return sorted(code for code, (_, _, ends) in self.meta.items() if ends)

    def year_totals(self, by: str) -> list[dict]:
        """The grand total of each year, quarter by quarter (exactly: the sums of ``totals(by)``'s rows)."""
        totals: dict[int, dict] = {}
        for row in self.totals(by):
            total = totals.setdefault(row["year"], {by: "TOTAL", "year": row["year"]})
            for key in ("Q1", "Q2", "Q3", "Q4", "gross", "expected_net"):
                total[key] = total.get(key, ZERO) + row[key]
        return [totals[year] for year in sorted(totals)]


def forecast_portfolio(contracts: Iterable["Contract"], programme_of: Mapping[str, str], first_year: int, years: int, *,
                       as_of: dt.date, accrual: bool = False, deduction_rate: Fraction | None = None) -> Forecast:
    """The forecast of whole contracts: each by its terms in force, its ledger as of ``as_of`` where it has
    facts beyond its terms (assessed nets, usage), straight from the schedule engine where it has none."""
    sources = ((c.current_terms, None if c.terms_only else c.ledger(as_of), c.usage) for c in contracts)
    return forecast(sources, programme_of, first_year, years, accrual=accrual, deduction_rate=deduction_rate)


def forecast(sources: Iterable[Source], programme_of: Mapping[str, str], first_year: int, years: int, *,
             accrual: bool = False, deduction_rate: Fraction | None = None) -> Forecast:
    """Each source is (terms, ledger or None for terms alone, usage)."""
    window = Period(dt.date(first_year, 1, 1), dt.date(first_year + years, 1, 1))
    rows: dict[tuple[str, int, int], list] = {}
    meta: dict[str, tuple[str, str, bool]] = {}
    for terms, ledger, usage in sources:
        last_due = terms.billing_end + dt.timedelta(days=terms.payment_lag_days)
        if last_due < window.start or terms.billing_start >= window.end:
            continue  # nothing of it can fall in the window
        meta[terms.code] = (terms.line_code, programme_of.get(terms.code, ""), window.start <= terms.service_end < window.end)
        if ledger is None and not accrual and not terms.is_unit_priced:
            _schedule_by_quarter(terms, window, rows)  # the common case, kept lean for a province
            continue
        for due, start, end, gross_fen, net_fen, basis in _flows(terms, ledger, usage, deduction_rate):
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
    return Forecast(rows, {code: meta[code] for code in {key[0] for key in rows}})


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
