"""What procurement staff ask of a service line: where it stands, what to re-procure by when, what failed.

Pure functions over a line's facts (its contracts, tenders, transitions,
suspensions and usage), as of a given day.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Sequence

from .amendments import adds_over_ten_percent
from .lines import (
    IN_TRANSITION,
    SUSPENDED,
    UNCOVERED,
    Junction,
    Segment,
    ServiceLine,
    Suspension,
    Transition,
    junctions,
    spans,
    state_on,
    timeline,
)
from .lone import LoneTerms, gap as lone_gap, state as lone_state
from .periods import months_between
from .rebid import LeadTimes, Plans, RebidRow, rebid_rows
from .schedule import contract_total
from .tenders import FailureSummary, Tender, failure_summary, ordered
from .terms import ContractTerms
from .usage import Usage, cost
from .workdays import WorkCalendar



@dataclass
class LineFacts:
    line: ServiceLine
    explicit: bool  # False: a contract with no line forms its own
    contracts: list[ContractTerms] = field(default_factory=list)
    usage: dict[str, list[Usage]] = field(default_factory=dict)  # contract code -> usage
    tenders: list[Tender] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    suspensions: list[Suspension] = field(default_factory=list)
    transition_usage: list[Usage] = field(default_factory=list)

    @property
    def periods(self) -> list[tuple[str, dt.date, dt.date]]:
        return sorted(((t.code, t.billing_start, t.service_end) for t in self.contracts), key=lambda c: (c[1], c[0]))


@dataclass(frozen=True)
class LineStatus:
    line: str
    name: str
    contracts: tuple[str, ...]
    current: str
    state: str
    coverage_ends: dt.date | None  # the end of the current (or last) contract
    successor: str  # an awarded successor (a later contract, or an awarded tender), if any
    segments: tuple[Segment, ...]
    junctions: tuple[Junction, ...]
    in_transition_since: dt.date | None
    transition_months: int | None
    transition_spending: Decimal
    predecessor_amount: Decimal | None
    suspended_from: dt.date | None
    flags: tuple[str, ...]
    transition_ends: dt.date | None = None  # the end of the transition serving the line now, if it has one


def _until(facts: LineFacts, as_of: dt.date) -> dt.date:
    """How far to draw the timeline: past as_of, every known end, and the first day of every open span."""
    ends = [end for _, _, end in facts.periods]
    ends += [t.end or t.start + dt.timedelta(days=1) for t in facts.transitions]
    ends += [s.end or s.start + dt.timedelta(days=1) for s in facts.suspensions]
    return max([as_of + dt.timedelta(days=1)] + ends)


def line_status(facts: LineFacts, as_of: dt.date, *, transition_limit_months: int = 12) -> LineStatus:
    if len(facts.contracts) == 1 and not (facts.transitions or facts.suspensions or facts.tenders):
        return _lone_contract_status(facts, as_of)  # most of a province's lines: one contract, nothing else
    return _line_status_in_full(facts, as_of, transition_limit_months=transition_limit_months)


_NONE_SPENT = Decimal("0.00")


def _lone_contract_status(facts: LineFacts, as_of: dt.date) -> LineStatus:
    """``_line_status_in_full`` of a line with one contract and no transition, suspension or tender, worked out
    directly (tests/test_procurement_fast.py holds the two equal): its timeline is the contract, then a gap."""
    [terms] = facts.contracts
    return _lone_status(facts.line.code, facts.line.name, terms.code, terms.billing_start, terms.service_end, as_of)


def lone_status(lone: LoneTerms, as_of: dt.date) -> LineStatus:
    """``line_status`` of a lone contract's line, from its columns (``contracts.lone``)."""
    return _lone_status(lone.line, lone.line_name, lone.code, lone.billing_start, lone.service_end, as_of)


def _lone_status(line: str, name: str, code: str, start: dt.date, end: dt.date, as_of: dt.date) -> LineStatus:
    hole = lone_gap(start, end, as_of)
    segments: tuple[Segment, ...] = ((Segment("contract", start, end, (code,)),) if start < end else ()) \
        + ((Segment("gap", hole[0], hole[1], ()),) if hole is not None else ())
    state = state_on(segments, as_of)
    return LineStatus(
        line=line, name=name, contracts=(code,), current=code if start <= as_of < end else "",
        state=state, coverage_ends=end, successor="", segments=segments, junctions=(), in_transition_since=None,
        transition_months=None, transition_spending=_NONE_SPENT, predecessor_amount=None, suspended_from=None,
        flags=("the service has no contract and no approved transition",) if state == UNCOVERED else (),
        transition_ends=None,
    )


def _line_status_in_full(facts: LineFacts, as_of: dt.date, *, transition_limit_months: int = 12) -> LineStatus:
    periods = facts.periods
    segments = timeline(spans(periods, facts.transitions, facts.suspensions), _until(facts, as_of))
    state = state_on(segments, as_of)
    # The contract that covers the line now; else the last one that started; else the first to come.
    covering = [p for p in periods if p[1] <= as_of < p[2]]
    started = [p for p in periods if p[1] <= as_of]
    anchor = covering[-1] if covering else (started[-1] if started else (periods[0] if periods else None))
    current = covering[-1][0] if covering else ""
    coverage_ends = anchor[2] if anchor else None
    later = [code for code, start, _ in periods if anchor and start > anchor[1]]
    awarded = [t for t in ordered(facts.tenders) if t.outcome == "awarded" and not t.contract
               and (anchor is None or (t.awarded or t.signed or t.announced or dt.date.min) >= anchor[1])]
    successor = later[-1] if later else (f"tender {awarded[-1].id} (awarded)" if awarded else "")
    transition = next((t for t in facts.transitions if t.start <= as_of and (t.end is None or as_of < t.end)), None)
    if state != IN_TRANSITION:
        transition = None
    months = months_between(transition.start, as_of) if transition else None
    spending = sum((cost(u, transition.unit_price) for u in facts.transition_usage
                    if transition.start <= u.period.start and (transition.end is None or u.period.end <= transition.end)),
                   Decimal("0.00")) if transition else Decimal("0.00")
    predecessor = next((p for p in reversed(periods) if transition and p[2] <= transition.start), None)
    predecessor_amount = None
    if predecessor:
        terms = next(t for t in facts.contracts if t.code == predecessor[0])
        used = facts.usage.get(terms.code, [])
        predecessor_amount = contract_total(terms, used) if (not terms.is_unit_priced or used) else None
    suspension = next((s for s in facts.suspensions if s.start <= as_of and (s.end is None or as_of < s.end)), None)
    flags = []
    junction_list = junctions(periods)
    for junction in junction_list:
        if junction.kind != "continuous":
            flags.append(f"{junction.kind} of {junction.days} days between {junction.before} and {junction.after}")
    if months is not None and months > transition_limit_months:
        flags.append(f"in transition for {months} months (more than {transition_limit_months})")
    if transition and predecessor_amount and adds_over_ten_percent(predecessor_amount, spending):
        flags.append(f"transition spending {spending} passes 10% of the predecessor contract ({predecessor_amount})")
    if state == UNCOVERED:
        flags.append("the service has no contract and no approved transition")
    summary = failure_summary(facts.line.code, facts.tenders)
    if summary.consecutive_failures >= 3:
        flags.append(f"{summary.consecutive_failures} failed tenders in a row")
    return LineStatus(
        line=facts.line.code, name=facts.line.name, contracts=tuple(code for code, _, _ in periods), current=current,
        state=state, coverage_ends=coverage_ends, successor=successor, segments=tuple(segments),
        junctions=tuple(junction_list), in_transition_since=transition.start if transition else None,
        transition_months=months, transition_spending=spending, predecessor_amount=predecessor_amount,
        suspended_from=suspension.start if suspension else None, flags=tuple(flags),
        transition_ends=transition.end if transition else None,
    )


def every_line_status(lines: Sequence[LineFacts], lone: Sequence[LoneTerms], as_of: dt.date) -> list[LineStatus]:
    """Each line's status as of ``as_of``, in code order: ``lines`` whole, ``lone`` from their columns
    (``Store.for_checks`` gives both)."""
    statuses = [line_status(facts, as_of) for facts in lines] + [lone_status(row, as_of) for row in lone]
    return sorted(statuses, key=lambda status: status.line)


def rebid(statuses: Sequence[LineStatus], as_of: dt.date, horizon_days: int, lead: LeadTimes,
          calendar: WorkCalendar, methods: tuple[str, ...], lone: Sequence[LoneTerms] = ()) -> list[RebidRow]:
    """Lines whose coverage ends within the horizon (or has already lapsed) with no awarded successor. ``lone``: more
    lines, each of one contract with terms only (``contracts.lone``): its coverage ends with its service, it has no
    successor, and it has lapsed once uncovered."""
    rows = []
    plans = Plans(lead, calendar)  # shared by every line: most end on the same few hundred days, or lapsed already
    last = as_of + dt.timedelta(days=horizon_days)
    # In code order, whole and lone lines together, as when every line was whole: a row names the holidays the
    # calendar assumed among the years it had been asked about by then (WorkCalendar.fallback_years), so the order the
    # lines are worked out in can show in the rows.
    for item in heapq.merge(statuses, lone, key=attrgetter("line")):
        if isinstance(item, LineStatus):
            if item.coverage_ends is None or item.successor or item.state == SUSPENDED:
                continue
            lapsed = item.state in (IN_TRANSITION, UNCOVERED)
            if not lapsed and not (as_of <= item.coverage_ends <= last):
                continue
            rows.extend(rebid_rows(item.line, item.coverage_ends, as_of, lead, calendar, methods,
                                   in_transition=item.state == IN_TRANSITION, transition_ends=item.transition_ends,
                                   plans=plans))
            continue
        ends = item.service_end
        if lone_state(item, as_of) != UNCOVERED and not (as_of <= ends <= last):
            continue
        rows.extend(rebid_rows(item.line, ends, as_of, lead, calendar, methods, plans=plans))
    return sorted(rows, key=lambda row: (row.coverage_ends, row.line, row.latest_start or dt.date.min))


def failures(facts_list: Sequence[LineFacts], as_of: dt.date, *, transition_limit_months: int = 12) -> list[FailureSummary]:
    """Per line with at least one failed tender: its attempts, failures, options and flags."""
    result = []
    for facts in facts_list:
        if not any(t.outcome == "failed" for t in facts.tenders):
            continue
        status = line_status(facts, as_of, transition_limit_months=transition_limit_months)
        result.append(failure_summary(facts.line.code, facts.tenders, in_transition_months=status.transition_months,
                                      transition_limit_months=transition_limit_months))
    return result
