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
from .payables import AWAITING, AWAITING_USAGE, SETTLED_BEFORE, Ledger, build_ledger
from .periods import Period, calendar_period_containing, months_between
from .schedule import installments_fen
from .terms import ContractTerms
from .basis import Basis, described
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
                net_fen, basis = gross_fen, "schedule (not yet assessed)"
            if item.settled_by == SETTLED_BEFORE:  # before tracking: what was paid then is not recorded
                basis = "schedule, settled before tracking (opening balance)"
            elif item.basis.startswith(Basis.UPPER_BOUND):
                basis = described(Basis.UPPER_BOUND, [f"{basis}, deducted per assessment, the rules not recorded"])
        yield item.due, item.period_start, item.period_end, gross_fen, net_fen, basis


Source = tuple[ContractTerms, "Ledger | None", Sequence[Usage]]


class Forecast:
    """Obligations per (contract, year, quarter), kept as integers until someone asks for rows or totals.

    What is unknown (a unit-priced installment awaiting its usage) is counted apart, in ``unknown``, never as 0.00:
    the rows and totals it touches say how many installments they leave out.
    """

    def __init__(self, cells: dict, meta: dict, unknown: dict | None = None) -> None:
        self.cells = cells  # (contract, year, quarter) -> [gross fen, net fen, basis or set of bases]
        self.meta = meta  # contract -> (line, programme, ends in the window)
        self.unknown = unknown or {}  # (contract, year, quarter) -> installments left out (awaiting usage)

    def rows(self) -> list[ForecastRow]:
        meta, rows = self.meta, []
        for key in sorted(set(self.cells) | set(self.unknown)):
            code, year, quarter = key
            gross, net, bases = self.cells.get(key, (None, None, set()))
            basis = bases if isinstance(bases, str) else ", ".join(sorted(bases))
            if key in self.unknown:
                basis = described(Basis.UNKNOWN, [f"{self.unknown[key]} installment(s) awaiting usage, left out", basis])
            rows.append(ForecastRow(code, meta[code][0], meta[code][1], year, quarter, gross, net, basis, meta[code][2]))
        return rows

    def totals(self, by: str) -> list[dict]:
        """Sums per (contract|line|programme|all, year): per quarter, gross and expected net, and what they leave out."""
        column = {"contract": None, "line": 0, "programme": 1, "all": "all"}[by]

        def group(code: str) -> str:
            return code if column is None else "all" if column == "all" else self.meta[code][column] or "(none)"

        grouped: dict[tuple[str, int], list[int]] = {}
        known: dict[tuple[str, int], set[int]] = {}  # the quarters with a known amount
        bounded: dict[tuple[str, int], set[str]] = {}  # contracts whose amounts are upper bounds
        for (code, year, quarter), (gross, net, bases) in self.cells.items():
            key = (group(code), year)
            sums = grouped.get(key)
            if sums is None:
                sums = grouped[key] = [0, 0, 0, 0, 0, 0]
            sums[quarter - 1] += gross
            sums[4] += gross
            sums[5] += net
            known.setdefault(key, set()).add(quarter)
            if any(basis.startswith(Basis.UPPER_BOUND) for basis in ([bases] if isinstance(bases, str) else bases)):
                bounded.setdefault(key, set()).add(code)
        left_out: dict[tuple[str, int], dict[str, int]] = {}
        unknown_quarters: dict[tuple[str, int], set[int]] = {}
        for (code, year, quarter), count in self.unknown.items():
            key = (group(code), year)
            grouped.setdefault(key, [0, 0, 0, 0, 0, 0])
            per_contract = left_out.setdefault(key, {})
            per_contract[code] = per_contract.get(code, 0) + count
            unknown_quarters.setdefault(key, set()).add(quarter)

        def amount(key, quarter: int | None, fen: int) -> Decimal | None:
            # An amount no one knows is left empty, never 0.00: a quarter (or a row) with nothing known but unknowns.
            seen = known.get(key, set())
            if (quarter is None and not seen) or (quarter is not None and quarter not in seen
                                                  and quarter in unknown_quarters.get(key, set())):
                return None
            return from_fen(fen)

        return [{by: name, "year": year, **{f"Q{q}": amount((name, year), q, s[q - 1]) for q in (1, 2, 3, 4)},
                 "gross": amount((name, year), None, s[4]), "expected_net": amount((name, year), None, s[5]),
                 "basis": _left_out(left_out.get((name, year)), bounded.get((name, year)), named=by != "contract")}
                for (name, year), s in sorted(grouped.items())]

    def ending(self) -> list[str]:
        """Contracts whose service ends inside the window: a successor must be budgeted."""
        return sorted(code for code, (_, _, ends) in self.meta.items() if ends)

    def year_totals(self, by: str) -> list[dict]:
        """The grand total of each year, quarter by quarter (exactly: the sums of ``totals(by)``'s rows)."""
        totals: dict[int, dict] = {}
        left_out: dict[int, dict[str, int]] = {}
        for (code, year, _), count in self.unknown.items():
            left_out.setdefault(year, {})[code] = left_out.get(year, {}).get(code, 0) + count
        bounded: dict[int, set[str]] = {}
        for (code, year, _), (_, _, bases) in self.cells.items():
            if any(basis.startswith(Basis.UPPER_BOUND) for basis in ([bases] if isinstance(bases, str) else bases)):
                bounded.setdefault(year, set()).add(code)
        for row in self.totals(by):
            total = totals.setdefault(row["year"], {by: "TOTAL", "year": row["year"]})
            for key in ("Q1", "Q2", "Q3", "Q4", "gross", "expected_net"):
                # A sum of nothing known stays unknown (None), never 0.00; the basis says what it leaves out.
                if row[key] is not None:
                    total[key] = (total.get(key) or ZERO) + row[key]
                else:
                    total.setdefault(key, None)
        for year, total in totals.items():
            total["basis"] = _left_out(left_out.get(year), bounded.get(year))
        return [totals[year] for year in sorted(totals)]


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
                       project_usage: bool = False) -> Forecast:
    """The forecast of whole contracts: each by its terms in force, its ledger as of ``as_of`` where it has
    facts beyond its terms (assessed nets, usage), straight from the schedule engine where it has none."""
    sources = ((c.current_terms, None if c.terms_only else c.ledger(as_of), c.usage) for c in contracts)
    return forecast(sources, programme_of, first_year, years, accrual=accrual, deduction_rate=deduction_rate,
                    project_usage=project_usage)


def forecast(sources: Iterable[Source], programme_of: Mapping[str, str], first_year: int, years: int, *,
             accrual: bool = False, deduction_rate: Fraction | None = None, project_usage: bool = False) -> Forecast:
    """Each source is (terms, ledger or None for terms alone, usage)."""
    window = Period(dt.date(first_year, 1, 1), dt.date(first_year + years, 1, 1))
    rows: dict[tuple[str, int, int], list] = {}
    unknown: dict[tuple[str, int, int], int] = {}
    meta: dict[str, tuple[str, str, bool]] = {}
    for terms, ledger, usage in sources:
        last_due = terms.billing_end + dt.timedelta(days=terms.payment_lag_days)
        if last_due < window.start or terms.billing_start >= window.end:
            continue  # nothing of it can fall in the window
        meta[terms.code] = (terms.line_code, programme_of.get(terms.code, ""), window.start <= terms.service_end < window.end)
        if ledger is None and not accrual and not terms.is_unit_priced:
            _schedule_by_quarter(terms, window, rows)  # the common case, kept lean for a province
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
    return Forecast(rows, {code: meta[code] for code in {key[0] for key in rows} | {key[0] for key in unknown}}, unknown)


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
