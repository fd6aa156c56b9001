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
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

from .money import fen_times_share, from_fen, split_fen, to_fen
from .payables import AWAITING, AWAITING_USAGE, Ledger
from .periods import Period, calendar_period_containing
from .usage import Usage, cost

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ForecastRow:
    contract: str
    line: str
    programme: str
    year: int
    quarter: int
    gross: Decimal
    expected_net: Decimal
    basis: str  # schedule, assessed, expected rate, usage, usage projection
    ends_in_window: bool


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
    months = sum((u.period.end.year - u.period.start.year) * 12 + u.period.end.month - u.period.start.month for u in usage)
    if not months:
        return Fraction(0)
    return Fraction(to_fen(sum((cost(u, unit_price) for u in usage), ZERO))) / months


def forecast(ledgers: Iterable[Ledger], programme_of: Mapping[str, str], first_year: int, years: int, *,
             accrual: bool = False, deduction_rate: Fraction | None = None,
             usage: Mapping[str, Sequence[Usage]] | None = None) -> list[ForecastRow]:
    window = Period(dt.date(first_year, 1, 1), dt.date(first_year + years, 1, 1))
    usage = usage or {}
    rows: dict[tuple[str, int, int], list] = {}
    meta: dict[str, tuple[str, str, bool]] = {}
    for ledger in ledgers:
        terms = ledger.terms
        meta[terms.code] = (terms.line_code, programme_of.get(terms.code, ""), window.start <= terms.service_end < window.end)
        average = _monthly_average(usage.get(terms.code, ()), terms.unit_price) if terms.is_unit_priced else None
        for item in ledger.payables:
            if item.seq == 0 or item.period_start is None:
                continue
            period = Period(item.period_start, item.period_end)
            if accrual and not (period.start < window.end and window.start < period.end):
                continue
            if not accrual and not window.contains(item.due):
                continue
            if terms.is_unit_priced:
                if item.state == AWAITING_USAGE:
                    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month
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
            if accrual:
                gross_parts = _quarter_pieces(period, gross_fen)
                net_parts = _quarter_pieces(period, net_fen)
            else:
                quarter = (item.due.year, (item.due.month - 1) // 3 + 1)
                gross_parts, net_parts = [(*quarter, gross_fen)], [(*quarter, net_fen)]
            for (year, quarter, gross_part), (_, _, net_part) in zip(gross_parts, net_parts):
                if not first_year <= year < first_year + years:
                    continue
                slot = rows.setdefault((terms.code, year, quarter), [0, 0, set()])
                slot[0] += gross_part
                slot[1] += net_part
                slot[2].add(basis)
    return [
        ForecastRow(code, meta[code][0], meta[code][1], year, quarter, from_fen(gross), from_fen(net),
                    ", ".join(sorted(bases)), meta[code][2])
        for (code, year, quarter), (gross, net, bases) in sorted(rows.items())
    ]


def totals(rows: Sequence[ForecastRow], by: str) -> list[dict]:
    """Sums per (contract|line|programme, year): gross, expected net, and per quarter."""
    grouped: dict[tuple[str, int], dict] = {}
    for row in rows:
        key = (getattr(row, by) or "(none)", row.year)
        entry = grouped.setdefault(key, {by: key[0], "year": row.year, "Q1": ZERO, "Q2": ZERO, "Q3": ZERO, "Q4": ZERO,
                                         "gross": ZERO, "expected_net": ZERO})
        entry[f"Q{row.quarter}"] += row.gross
        entry["gross"] += row.gross
        entry["expected_net"] += row.expected_net
    return [grouped[key] for key in sorted(grouped)]


