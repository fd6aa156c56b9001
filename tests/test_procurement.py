"""Service lines, tenders, rebid deadlines and unit-priced usage in the domain."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.errors import ContractsError
from contracts.lines import Span, Suspension, Transition, junctions, state_on, timeline
from contracts.periods import Period
from contracts.portfolio_file import parse_portfolio
from contracts.procurement import LineFacts, line_status
from contracts.rebid import LeadTimes, bid_deadline, latest_start, plan
from contracts.schedule import build_schedule
from contracts.tenders import failure_summary, make_tender
from contracts.terms import make_terms
from contracts.usage import Usage, make_usage, project_cap
from contracts.workdays import WorkCalendar

from .conftest import EXAMPLE

D = dt.date
CAL = WorkCalendar()


# --- working days and rebid arithmetic, by hand across the holidays ------------------------------

def test_adjusted_weekends_count_as_working_days():
    assert CAL.is_workday(D(2024, 2, 4))  # a Sunday worked before the Spring Festival
    assert not CAL.is_workday(D(2024, 2, 12))  # Spring Festival holiday
    assert CAL.is_workday(D(2024, 9, 29)) and not CAL.is_workday(D(2024, 10, 7))  # National Day


def test_bid_periods_across_the_holidays():
    # Negotiation announced Fri 2024-09-27: 3 working days after are Sun 09-29 (worked), Mon 09-30, then
    # 10-01..07 is the National Day holiday, so Tue 10-08.
    assert bid_deadline("negotiation", D(2024, 9, 27), CAL) == D(2024, 10, 8)
    # Public tender announced Fri 2024-02-02: 20 days give 02-22; the 5 working days of sale (02-02, Sun 02-04
    # worked, 02-05, 02-06, 02-07) end before that, so 02-22.
    assert bid_deadline("public", D(2024, 2, 2), CAL) == D(2024, 2, 22)
    # Consultation announced Tue 2024-02-06: 10 days give 02-16, but the 5 working days of documents are 02-06..09
    # and Sun 02-18 (the holiday is 02-10..17), so responses are due the day after, 02-19.
    assert bid_deadline("consultation", D(2024, 2, 6), CAL) == D(2024, 2, 19)


def test_a_whole_plan_across_national_day():
    # Start 2024-08-28, 30 days of preparation: announced Fri 09-27, bids due Tue 10-08 (above); award notice
    # 5 working days later: 10-09, 10-10, 10-11, Sat 10-12 (worked), 10-14; challenge period 7 working days:
    # 10-15..18, 10-21..23 -> 10-23; signing on the first working day 3 days later: Sat 10-26 -> Mon 10-28.
    p = plan("negotiation", D(2024, 8, 28), LeadTimes(), CAL)
    assert (p.announce, p.bids_due, p.award_notice, p.challenge_ends, p.signed) == (
        D(2024, 9, 27), D(2024, 10, 8), D(2024, 10, 14), D(2024, 10, 23), D(2024, 10, 28))


def test_a_whole_plan_across_the_spring_festival():
    # Start 2024-01-03: announced Fri 02-02, bids due 02-22 (above); award: 02-23, 02-26..29 -> 02-29;
    # challenge: 03-01, 03-04..08, 03-11 -> 03-11; signing on or after 03-14 (a Thursday).
    p = plan("public", D(2024, 1, 3), LeadTimes(), CAL)
    assert (p.bids_due, p.award_notice, p.challenge_ends, p.signed) == (D(2024, 2, 22), D(2024, 2, 29), D(2024, 3, 11), D(2024, 3, 14))
    assert latest_start("public", D(2024, 3, 15), LeadTimes(), CAL).start == D(2024, 1, 3)


@settings(max_examples=60, deadline=None)
@given(expires=st.dates(min_value=D(2005, 3, 1), max_value=D(2028, 12, 31)),  # 2027-28: holidays estimated
       method=st.sampled_from(["public", "invited", "negotiation", "consultation", "quotation", "single-source"]),
       prep=st.integers(0, 60))
def test_latest_start_is_the_latest_that_fits(expires, method, prep):
    lead = LeadTimes(preparation_days=prep)
    best = latest_start(method, expires, lead, CAL)
    assert best.signed < expires
    assert plan(method, best.start + dt.timedelta(days=1), lead, CAL).signed >= expires


# --- lines --------------------------------------------------------------------------------------------

def seal_facts():
    portfolio = parse_portfolio(EXAMPLE.read_text(encoding="utf-8"), "emeishan.toml")
    from contracts.lines import make_suspension, make_transition

    facts = LineFacts(portfolio.lines[0][1], explicit=True)
    facts.contracts = [t for t in portfolio.contracts if t.line == "SEAL"]
    facts.tenders = [t.__class__(**{**t.__dict__, "id": n}) for n, (_, t) in enumerate(portfolio.tenders, start=1)]
    facts.transitions = [make_transition(e.raw, "SEAL") for e in portfolio.transitions]
    facts.suspensions = [make_suspension(e.raw, "SEAL") for e in portfolio.suspensions]
    return facts


def test_the_seal_line_history():
    facts = seal_facts()
    assert line_status(facts, D(2023, 1, 1)).state == "covered"
    status = line_status(facts, D(2023, 11, 1))
    assert (status.state, status.in_transition_since, status.transition_months) == ("in transition", D(2023, 7, 1), 4)
    assert status.coverage_ends == D(2023, 7, 1) and status.successor == ""
    status = line_status(facts, D(2024, 5, 1))
    assert (status.state, status.suspended_from) == ("suspended", D(2024, 4, 1))
    assert "3 failed tenders in a row" in status.flags
    summary = failure_summary("SEAL", facts.tenders, in_transition_months=13)
    assert (summary.failed, summary.consecutive_failures) == (3, 3)
    assert "3 failures in a row" in summary.flags and "in transition 13 months (more than 12)" in summary.flags
    assert any("finance department" in option.approval for option in summary.options)
    assert [s.kind for s in status.segments] == ["contract", "contract", "transition", "suspended"]


def test_junctions():
    contracts = [("A", D(2020, 1, 1), D(2021, 1, 1)), ("B", D(2021, 2, 1), D(2022, 1, 1)), ("C", D(2021, 12, 1), D(2023, 1, 1))]
    assert [(j.before, j.after, j.kind, j.days) for j in junctions(contracts)] == [("A", "B", "gap", 31), ("B", "C", "overlap", 31)]


@st.composite
def span_sets(draw):
    base = D(2020, 1, 1)
    result = []
    for index in range(draw(st.integers(1, 6))):
        start = base + dt.timedelta(days=draw(st.integers(0, 1500)))
        length = draw(st.one_of(st.none(), st.integers(1, 800)))
        kind = draw(st.sampled_from(["contract", "transition", "suspended"]))
        if kind == "contract" and length is None:
            length = 365
        result.append(Span(kind, start, None if length is None else start + dt.timedelta(days=length), f"{kind}{index}"))
    return result


@settings(max_examples=300, deadline=None)
@given(span_sets(), st.integers(1, 2500))
def test_a_timeline_partitions_the_line(all_spans, days):
    until = D(2020, 1, 1) + dt.timedelta(days=days)
    segments = timeline(all_spans, until)
    first = min(span.start for span in all_spans)
    if until <= first:
        assert segments == []
        return
    assert segments[0].start == first and segments[-1].end == until
    for before, after in zip(segments, segments[1:]):
        assert before.end == after.start and (before.kind, before.refs) != (after.kind, after.refs)
    for segment in segments:
        assert segment.start < segment.end
        middle = segment.start
        active = [s for s in all_spans if s.start <= middle and (s.end is None or middle < s.end)]
        expected = "suspended" if any(s.kind == "suspended" for s in active) else "contract" if any(
            s.kind == "contract" for s in active) else "transition" if active else "gap"
        assert segment.kind == expected
        assert state_on(segments, middle) == {"contract": "covered", "transition": "in transition",
                                               "suspended": "suspended", "gap": "uncovered"}[expected]


# --- tenders -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, message", [
    ({"method": "public", "outcome": "failed", "awarded": "2023-09-01"}, "outcome 'failed': contradicts the awarded date"),
    ({"method": "public", "announced": "2023-09-01", "bid_deadline": "2023-08-01"}, "bid_deadline '2023-08-01': is before announced"),
    ({"method": "auction"}, "method 'auction': must be one of"),
    ({"method": "public", "outcome": "failed", "ground": "too-few-bidders", "bidders": 3}, "bidders 3: contradicts the ground"),
    ({"method": "public", "outcome": "pending", "contract": "X"}, "contract 'X': a pending tender leads to no contract"),
])
def test_tender_contradictions(raw, message):
    with pytest.raises(ContractsError) as caught:
        make_tender(raw, "SEAL")
    assert caught.value.line().startswith(message)


def test_a_change_of_method_without_approval_is_flagged():
    attempts = [make_tender({"method": "public", "outcome": "failed", "ground": "too-few-bidders", "bidders": 2}, "L"),
                make_tender({"method": "single-source", "outcome": "pending"}, "L")]
    attempts = [t.__class__(**{**t.__dict__, "id": n}) for n, t in enumerate(attempts, start=1)]
    assert "attempt 2 changed to single-source without a recorded approval" in failure_summary("L", attempts).flags


# --- unit-priced usage ---------------------------------------------------------------------------------

SEAL = make_terms({"code": "S", "name": "seals", "billing_start": "2021-07-01", "billing_months": 24, "pricing": "unit",
                   "unit_price": "500.00", "annual_cap": "800000"})


def usage(period, quantity):
    return make_usage({"period": period, "quantity": quantity}, target="S", allowed=Period(SEAL.billing_start, SEAL.billing_end),
                      settlement=[Period(i.period_start, i.period_end) for i in build_schedule(SEAL)], what="contract S", priced=True)


def test_unit_priced_installments_are_quantity_times_price():
    records = [usage("2021-07", 100), usage("2021-08", 60), usage("2021-10", 10)]
    schedule = build_schedule(SEAL, records)
    assert [i.amount for i in schedule[:3]] == [Decimal("80000.00"), Decimal("5000.00"), Decimal("0.00")]
    with pytest.raises(ContractsError, match="is outside contract S"):
        usage("2023Q3", 5)
    with pytest.raises(ContractsError, match="must not be negative"):
        usage("2022Q1", -1)
    with pytest.raises(ContractsError, match="unit_price: is required"):
        make_terms({"code": "S", "name": "s", "billing_start": "2021-07-01", "billing_months": 12, "pricing": "unit"})


def test_budget_cap_projection():
    # 2022: Jan-Mar 300 sets a month = 450,000.00 in 3 months; 9 months left at 150,000.00 a month -> 1,800,000.00.
    records = [Usage("S", Period(D(2022, m, 1), D(2022, m + 1, 1)), 300) for m in (1, 2, 3)]
    projection = project_cap(records, Decimal("500.00"), Decimal("800000.00"), 2022, Period(SEAL.billing_start, SEAL.billing_end), D(2022, 4, 1))
    assert (projection.spent, projection.months_recorded, projection.months_left, projection.projected, projection.exceeds) == (
        Decimal("450000.00"), 3, 9, Decimal("1800000.00"), True)


def test_transition_spending_past_ten_percent_is_flagged():
    facts = LineFacts(seal_facts().line, True, contracts=[SEAL], usage={"S": [usage("2021-07", 100)]})  # S cost 50,000.00
    facts.transitions = [Transition("SEAL", D(2023, 7, 1), None, "city", unit_price=Decimal("500.00"))]
    facts.transition_usage = [Usage("transition:SEAL", Period(D(2023, 7, 1), D(2023, 8, 1)), 11)]  # 5,500.00 > 5,000.00
    status = line_status(facts, D(2023, 8, 15))
    assert status.transition_spending == Decimal("5500.00")
    assert any("passes 10% of the predecessor contract (50000.00)" in flag for flag in status.flags)
    facts.suspensions = [Suspension("SEAL", D(2023, 8, 10))]
    assert line_status(facts, D(2023, 8, 15)).state == "suspended"
