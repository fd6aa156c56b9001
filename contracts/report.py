"""What the portfolio report shows, worked out as of one day: the figures behind the HTML page.

Pure: it takes the facts already loaded (each contract's facts, each line's facts, the budgets) and
returns plain records. Drawing them (SVG, HTML, Chinese or English) is the CLI's job.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field
from enum import StrEnum
from decimal import Decimal
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Mapping, Sequence

from .basis import combined
from .budget import Budgets, fiscal_years_figures
from .checks import CheckSettings, Finding, portfolio_findings
from .contract import Contract
from . import fastpath
from .ledgers import full_ledgers, portfolio_arrears, window_payable_rows
from .lone import LoneTerms, gap as lone_gap, state as lone_state
from .overview import expiring_records
from .payables import Ledger
from .periods import add_months, calendar_period_containing
from .procurement import LineFacts, LineStatus, failures, line_status, rebid
from .rebid import LeadTimes, RebidRow
from .tenders import FailureSummary, Tender, ordered
from .workdays import WorkCalendar

if TYPE_CHECKING:
    from .bulk import TermsOnly

ZERO = Decimal("0.00")
TIMELINE_ROWS = 60  # lines drawn at most; a province's timeline is a table, not a picture
YEARS_BACK, YEARS_AHEAD = 4, 2  # the fiscal years of the cash-flow chart, around the as-of year


class BarKind(StrEnum):
    """What a stretch of a line's timeline is (the values are the CSS classes and legend keys the page uses)."""

    BILLING = "billing"  # a contract, billing
    SERVICE = "service"  # a contract serving on after billing stopped
    TRANSITION = "transition"
    SUSPENDED = "suspended"
    GAP = "gap"


@dataclass(frozen=True)
class Bar:
    """A stretch of a line's timeline: a contract's billing or unbilled service, a transition, a suspension or a gap."""

    kind: BarKind
    start: dt.date
    end: dt.date  # exclusive
    label: str
    open_ended: bool = False


@dataclass(frozen=True)
class Mark:
    """A tender attempt on the timeline: placed on its first known date, or listed as undated."""

    outcome: str  # "awarded", "failed", "pending", "cancelled"
    day: dt.date | None
    label: str


@dataclass(frozen=True)
class TimelineRow:
    line: str
    name: str
    state: str
    bars: tuple[Bar, ...]
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class YearFlow:
    year: int
    obligations: Decimal | None  # falling due in the year (net where assessed, gross otherwise), fee lines included
    budget: Decimal | None  # the budgets in force that year, added up; None when no budget is recorded
    paid: Decimal | None  # paid in the year, by the as-of day; None where nothing of it is recorded (before tracking)
    basis: str = "computed"  # what the figures rest on and leave out (``contracts.basis``)


@dataclass
class Report:
    as_of: dt.date
    timeline: list[TimelineRow]
    timeline_omitted: int
    window: tuple[dt.date, dt.date]  # the timeline's first and last day
    flows: list[YearFlow]
    expiring: list[dict]
    expiring_days: int
    rebids: list[RebidRow]
    rebid_horizon: int
    payable_quarter: str
    payables: list[dict]
    arrears: list[dict]  # by contract, with a TOTAL row last
    failed_tenders: list[FailureSummary]
    findings: list[Finding]
    totals: dict[str, Decimal] = field(default_factory=dict)


def tender_day(tender: Tender) -> dt.date | None:
    """The first date known of a tender attempt (its approval, announcement, bids, award or signing)."""
    for day in (tender.announced, tender.bid_deadline, tender.opened, tender.awarded, tender.signed, tender.approved):
        if day is not None:
            return day
    return None


def timeline_row(facts: LineFacts, status: LineStatus) -> TimelineRow:
    bars: list[Bar] = []
    for terms in sorted(facts.contracts, key=lambda t: (t.billing_start, t.code)):
        bars.append(Bar(BarKind.BILLING, terms.billing_start, terms.billing_end, terms.code))
        if terms.service_end > terms.billing_end:  # served on after billing stopped (e.g. a free extra year)
            bars.append(Bar(BarKind.SERVICE, terms.billing_end, terms.service_end, terms.code))
    for segment in status.segments:
        if segment.kind in (BarKind.TRANSITION, BarKind.SUSPENDED, BarKind.GAP):
            bars.append(Bar(BarKind(segment.kind), segment.start, segment.end, ", ".join(segment.refs), segment.open_ended))
    marks = tuple(Mark(t.outcome, tender_day(t), f"{t.method} {t.outcome}" + (f": {t.ground}" if t.ground else ""))
                  for t in ordered(facts.tenders))
    return TimelineRow(facts.line.code, facts.line.name, status.state, tuple(bars), marks)


ATTENTION = {"uncovered": 0, "in transition": 1, "suspended": 2}  # the states a reader must see first


def _relevant(row: TimelineRow, as_of: dt.date) -> tuple:
    """Lines that need attention come first: uncovered, in transition, suspended, then those whose contract ends
    within a year; then those with something around the as-of day, then by how recent."""
    ends_soon = any(bar.kind in ("billing", "service") and as_of <= bar.end <= as_of + dt.timedelta(days=365) for bar in row.bars)
    rank = ATTENTION.get(row.state, 3 if ends_soon and row.state == "covered" else 4)
    near = any(bar.start <= add_months(as_of, 24) and bar.end >= add_months(as_of, -12) for bar in row.bars)
    last = max((bar.end for bar in row.bars), default=dt.date.min)
    return (rank, not near, -last.toordinal(), row.line)


def lone_timeline_row(lone: LoneTerms, as_of: dt.date) -> TimelineRow:
    """``timeline_row`` of a lone contract's line: its billing, its unbilled service, then the gap up to the day."""
    bars = [Bar(BarKind.BILLING, lone.billing_start, lone.billing_end, lone.code)]
    if lone.service_end > lone.billing_end:
        bars.append(Bar(BarKind.SERVICE, lone.billing_end, lone.service_end, lone.code))
    gap = lone_gap(lone.billing_start, lone.service_end, as_of)
    if gap is not None:
        bars.append(Bar(BarKind.GAP, gap[0], gap[1], ""))
    return TimelineRow(lone.line, lone.line_name, lone_state(lone, as_of), tuple(bars), ())


class _LoneRelevance:
    """``_relevant(lone_timeline_row(lone, as_of), as_of)`` without making the row: a province's lines are mostly
    lone, and only the few shown are drawn."""

    def __init__(self, as_of: dt.date) -> None:
        self.as_of, self.soon = as_of, as_of + dt.timedelta(days=365)
        self.near_to, self.near_from = add_months(as_of, 24), add_months(as_of, -12)

    def __call__(self, lone: LoneTerms) -> tuple:
        as_of, start, billing_end, end = self.as_of, lone.billing_start, lone.billing_end, lone.service_end
        state = lone_state(lone, as_of)
        served_on = end > billing_end  # a service bar after the billing bar
        ends_soon = as_of <= billing_end <= self.soon or (served_on and as_of <= end <= self.soon)
        rank = ATTENTION.get(state, 3 if ends_soon and state == "covered" else 4)
        near_to, near_from = self.near_to, self.near_from
        near = (start <= near_to and billing_end >= near_from) or (served_on and billing_end <= near_to and end >= near_from)
        last = max(billing_end, end) if served_on else billing_end
        gap = lone_gap(start, end, as_of)
        if gap is not None:
            near = near or (gap[0] <= near_to and gap[1] >= near_from)
            last = max(last, gap[1])
        return (rank, not near, -last.toordinal(), lone.line)


def timeline(lines: Sequence[LineFacts], statuses: Sequence[LineStatus], as_of: dt.date,
             limit: int = TIMELINE_ROWS, lone: Sequence[LoneTerms] = ()) -> tuple[list[TimelineRow], int, tuple[dt.date, dt.date]]:
    """The lines to draw (``statuses``: each line's status as of ``as_of``, in the same order; ``lone``: more lines,
    each of one contract with terms only), how many were left out, and the window to draw them in."""
    rows = [timeline_row(facts, status) for facts, status in zip(lines, statuses)]
    relevance = _LoneRelevance(as_of)
    candidates = [(_relevant(row, as_of), row) for row in rows] + [(relevance(item), item) for item in lone]
    # The keys end with the line's code, which no two lines share: the same lines, in the same order, as a full sort.
    shown = [row if isinstance(row, TimelineRow) else lone_timeline_row(row, as_of)
             for _, row in heapq.nsmallest(limit, candidates, key=itemgetter(0))]
    shown.sort(key=lambda row: (min((b.start for b in row.bars), default=as_of), row.line))
    days = [as_of] + [day for row in shown for bar in row.bars for day in (bar.start, bar.end)]
    days += [mark.day for row in shown for mark in row.marks if mark.day]
    first = max(min(days), dt.date(as_of.year - 10, 1, 1))  # a contract from long ago does not squash the rest
    last = min(max(days), dt.date(as_of.year + 5, 12, 31))
    return shown, len(candidates) - len(shown), (dt.date(first.year, 1, 1), dt.date(last.year + 1, 1, 1))


def cash_flows(contracts: Sequence[Contract], budgets: Budgets, as_of: dt.date, years: Sequence[int],
               ledgers: Mapping[str, Ledger] | None = None, terms_only: "TermsOnly | None" = None) -> list[YearFlow]:
    """Per fiscal year: what fell (or falls) due, the budgets in force, and what was paid by the as-of day:
    the programme rows of ``budget.fiscal_year_figures`` as known on the as-of day. ``ledgers``: the contracts'
    ledgers as of ``as_of`` by code, if the caller has them (``ledgers.full_ledgers``); ``terms_only``: more
    contracts, with terms only and a fixed fee, as columns (``bulk.split_contracts``)."""
    flows = []
    # one pass over the portfolio for every year
    every_year = fiscal_years_figures(contracts, budgets, years, as_of, ledgers_as_of=ledgers, programmes_only=True,
                                      terms_only=terms_only)
    for year in years:
        rows = every_year[year]
        in_force = [row.budget_in_force for row in rows if row.budget_in_force is not None]

        def total(key: str) -> Decimal | None:
            known = [getattr(row, key) for row in rows if getattr(row, key) is not None]
            return sum(known, ZERO) if known else None

        flows.append(YearFlow(year, total("obligations"), sum(in_force, ZERO) if in_force else None, total("paid"),
                              combined(row.basis for row in rows) if rows else "computed"))
    while len(flows) > 1 and not flows[0].obligations and not flows[0].paid and flows[0].budget is None:
        flows.pop(0)  # years before any contract billed would only show empty bars
    return flows


def flow_years(contracts: Sequence[Contract], budgets: Budgets, as_of: dt.date, lone: Sequence[LoneTerms] = ()) -> list[int]:
    """The fiscal years worth a bar: around the as-of year, within what the data covers (``lone``: more contracts)."""
    known = [c.terms.billing_start.year for c in contracts] + [b.year for b in budgets.budgets]
    ends = [c.terms.billing_end.year for c in contracts] + [b.year for b in budgets.budgets]
    if lone:
        known += [min(row.billing_start for row in lone).year]
        ends += [max(row.billing_end for row in lone).year]
    if not known:
        return [as_of.year]
    first = max(min(known), as_of.year - YEARS_BACK)
    last = min(max(ends + [as_of.year]), as_of.year + YEARS_AHEAD)
    return list(range(first, max(first, last) + 1))


def build(*, contracts: Sequence[Contract], lines: Sequence[LineFacts], budgets: Budgets, as_of: dt.date,
          expiring_days: int = 180, rebid_horizon: int = 365, methods: tuple[str, ...] = ("public",),
          lead: LeadTimes = LeadTimes(), calendar: WorkCalendar | None = None,
          settings: CheckSettings = CheckSettings(), lone: Sequence[LoneTerms] = (),
          terms_only: "TermsOnly | None" = None) -> Report:
    """The report of the portfolio. ``lone`` and ``terms_only`` (``Store.for_report``): the contracts with terms only
    that are alone on their lines, as ``LoneTerms`` and as their schedules' columns (the same contracts, in the same
    order); ``contracts`` and ``lines`` are then every other contract and line."""
    if lone and terms_only is None:
        raise ValueError("lone contracts come with their schedules as columns (Store.for_report)")
    calendar = calendar or WorkCalendar()
    statuses = [line_status(facts, as_of) for facts in lines]
    ledgers = full_ledgers(contracts, as_of)  # by code; a contract with terms alone needs none (contracts/fastpath.py)
    rows, omitted, window = timeline(lines, statuses, as_of, lone=lone)
    terms = [contract.current_terms for contract in contracts]
    expiring = expiring_records(chain(((t.code, t.name, t.billing_start, t.billing_end, t.service_end) for t in terms),
                                      ((r.code, r.name, r.billing_start, r.billing_end, r.service_end) for r in lone)),
                                as_of, expiring_days)
    period = calendar_period_containing(as_of, 3)
    quarter = f"{as_of.year}Q{(period.start.month - 1) // 3 + 1}"
    if terms_only is not None:  # the store gave them apart: ``contracts`` are the rest
        rest = contracts
        payables = window_payable_rows(contracts, as_of, period, ledgers, terms_only, apart=True)
    else:
        # Most of a province's contracts have terms only: split once, their sums made by arrays (contracts/bulk.py).
        terms_only, rest = fastpath.split_if_many(contracts)
        payables = window_payable_rows(contracts, as_of, period, ledgers, terms_only)
    summary = portfolio_arrears(rest, as_of, ledgers, keep_rows=False, terms_only=terms_only).summary
    flows = cash_flows(rest, budgets, as_of, flow_years(contracts, budgets, as_of, lone), ledgers, terms_only)
    report = Report(
        as_of=as_of, timeline=rows, timeline_omitted=omitted, window=window, flows=flows,
        expiring=expiring, expiring_days=expiring_days,
        rebids=rebid(statuses, as_of, rebid_horizon, lead, calendar, methods, lone=lone), rebid_horizon=rebid_horizon,
        payable_quarter=quarter, payables=payables, arrears=summary,
        failed_tenders=failures(lines, as_of),
        findings=portfolio_findings(contracts, statuses, budgets, as_of, settings, ledgers=ledgers, lone=lone),
    )
    total = summary[-1]
    report.totals = {
        "arrears": total["total"], "not_yet_assessed": total["not_yet_assessed"],
        # Installments awaiting usage have no amount yet: left out of the sums (never added as 0.00), and counted.
        "payable_net": sum((row["net"] if row["net"] is not None else row["gross"] for row in payables
                            if row["gross"] is not None), ZERO),
        "payable_owed": sum((row["owed"] if row["owed"] is not None else row["gross"] for row in payables
                             if row["gross"] is not None), ZERO),
        "payable_unknown": sum(1 for row in payables if row["gross"] is None),
    }
    return report
