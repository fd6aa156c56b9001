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
