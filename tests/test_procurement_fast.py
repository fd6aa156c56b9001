"""A line with one contract and nothing else (most of a province's) gets its status worked out directly: it must be
the status the full timeline gives, field by field."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.lines import ServiceLine
from contracts.procurement import LineFacts, _line_status_in_full, line_status

from .strategies import contract_terms


@st.composite
def lone_lines(draw):
    terms = draw(contract_terms(code="C-1"))
    if draw(st.booleans()):  # a contract of no service days at all: its line is a gap from the start
        terms = dataclasses.replace(terms, service_months=0, billing_months=terms.billing_months)
    return LineFacts(ServiceLine("L-1", "one line"), draw(st.booleans()), [terms])


@settings(max_examples=500, deadline=None)
@given(facts=lone_lines(), as_of=st.dates(dt.date(1990, 1, 1), dt.date(2070, 12, 31)), limit=st.integers(1, 24))
def test_a_lone_contracts_status_is_the_full_timelines(facts, as_of, limit):
    assert line_status(facts, as_of, transition_limit_months=limit) == \
        _line_status_in_full(facts, as_of, transition_limit_months=limit)


def test_a_lone_contract_before_during_and_after():
    from contracts.terms import make_terms

    terms = make_terms({"code": "C-1", "name": "one", "billing_start": dt.date(2023, 1, 1), "billing_months": 12,
                        "service_months": 12, "annual_fee": "100"})
    facts = LineFacts(ServiceLine("L-1", "one line"), True, [terms])
    before, during, after = (line_status(facts, day) for day in (dt.date(2022, 6, 1), dt.date(2023, 6, 1), dt.date(2024, 3, 1)))
    assert (before.state, during.state, after.state) == ("not started", "covered", "uncovered")
    assert (before.current, during.current, after.current) == ("", "C-1", "")
    assert after.flags == ("the service has no contract and no approved transition",)
    # covered up to 2024-01-01, then a gap up to the day after the as-of day
    assert [(s.kind, s.start, s.end) for s in after.segments] == [("contract", dt.date(2023, 1, 1), dt.date(2024, 1, 1)),
                                                                 ("gap", dt.date(2024, 1, 1), dt.date(2024, 3, 2))]


# -- rebid over many lines: the plans shared between lines (rebid.Plans) give each line's own rows ---------------------

def old_rebid_rows(line, coverage_ends, as_of, lead, calendar, methods, *, in_transition=False, transition_ends=None):
    """The reference: ``rebid.rebid_rows`` before the plans were shared (#17), verbatim."""
    from dataclasses import replace

    from contracts.rebid import IN_TRANSITION, LAPSED, RebidRow, latest_start, plan, state_for

    rows = []
    for method in methods:
        earliest = plan(method, as_of, lead, calendar).signed
        if in_transition:
            if transition_ends is None or as_of >= transition_ends:
                row = RebidRow(line, coverage_ends, method, None, None, None, IN_TRANSITION, None, earliest)
            else:
                best = latest_start(method, transition_ends, lead, calendar)
                row = RebidRow(line, coverage_ends, method, best.start, transition_ends - dt.timedelta(days=1),
                               (best.start - as_of).days, IN_TRANSITION, best, earliest)
        elif as_of >= coverage_ends:
            row = RebidRow(line, coverage_ends, method, None, coverage_ends - dt.timedelta(days=1), None, LAPSED,
                           None, earliest)
        else:
            best = latest_start(method, coverage_ends, lead, calendar)
            slack = (best.start - as_of).days
            row = RebidRow(line, coverage_ends, method, best.start, coverage_ends - dt.timedelta(days=1), slack,
                           state_for(slack, False, lead), best, earliest)
        if calendar.fallback_years:
            first = min(as_of, row.latest_start or as_of)
            last = max(earliest, row.plan.signed if row.plan else earliest)
            row = replace(row, assumed_days=calendar.assumed_between(first, last))
        rows.append(row)
    return rows


@settings(max_examples=60, deadline=None)
@given(ends=st.lists(st.tuples(st.integers(-400, 500), st.sampled_from(["covered", "uncovered", "in transition"]),
                               st.none() | st.integers(-30, 400)), min_size=1, max_size=12),
       as_of=st.sampled_from([dt.date(2024, 6, 3), dt.date(2026, 12, 20), dt.date(2031, 3, 1)]),
       methods=st.sampled_from([("public",), ("public", "negotiation"), ("quotation", "single-source", "invited")]))
def test_rebid_with_shared_plans_is_each_lines_rows(ends, as_of, methods):
    """2031 lies past the official calendar: its days are assumed, and every row must say so as it did."""
    from contracts.procurement import LineStatus, rebid
    from contracts.rebid import LeadTimes
    from contracts.workdays import WorkCalendar

    statuses = [LineStatus(line=f"L{n}", name="", contracts=(f"C{n}",), current="", state=state,
                           coverage_ends=as_of + dt.timedelta(days=end), successor="", segments=(), junctions=(),
                           in_transition_since=None, transition_months=None, transition_spending=dt.timedelta(0),
                           predecessor_amount=None, suspended_from=None, flags=(),
                           transition_ends=None if until is None else as_of + dt.timedelta(days=until))
                for n, (end, state, until) in enumerate(ends)]
    lead = LeadTimes()
    shared = rebid(statuses, as_of, 365, lead, WorkCalendar(), methods)
    calendar = WorkCalendar()  # the rows worked out line by line, nothing shared, in the same order of questions
    one_by_one = []
    for status in statuses:
        lapsed = status.state in ("in transition", "uncovered")
        if lapsed or as_of <= status.coverage_ends <= as_of + dt.timedelta(days=365):
            one_by_one += old_rebid_rows(status.line, status.coverage_ends, as_of, lead, calendar, methods,
                                         in_transition=status.state == "in transition", transition_ends=status.transition_ends)
    one_by_one.sort(key=lambda row: (row.coverage_ends, row.line, row.latest_start or dt.date.min))
    assert shared == one_by_one
    if as_of.year == 2031:
        assert all(row.assumed_days for row in shared)
