"""The HTML report (and the web's dashboard) read a contract with terms only, alone on its line, as a few columns
(``Store.for_report``): its timeline row, its place among the lines drawn, its rebid deadline and its expiry must be
those the whole path gives, for any such contract and day, and the report of a whole store the same."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.lines import ServiceLine
from contracts.lone import lone_terms
from contracts.procurement import LineFacts, line_status, lone_status, rebid
from contracts.rebid import LeadTimes
from contracts.report import _LoneRelevance, _relevant, build, lone_timeline_row, timeline, timeline_row
from contracts.workdays import WorkCalendar

from .strategies import contract_terms

days = st.dates(dt.date(1990, 1, 1), dt.date(2070, 12, 31))


@st.composite
def lone_lines(draw, code: str = "C-1"):
    """(the whole path's line facts, the same contract as LoneTerms): a line of its own or an explicit one."""
    terms = draw(contract_terms(code=code))
    if draw(st.booleans()):  # no service at all: the line is a gap from its start
        terms = dataclasses.replace(terms, service_months=0)
    explicit = draw(st.booleans())
    line = ServiceLine(f"L-{code}", "a named line") if explicit else ServiceLine(code, terms.name)
    terms = dataclasses.replace(terms, line=line.code if explicit else "")
    lone = lone_terms(terms.code, line.code, line.name, terms.name, terms.billing_start, terms.billing_months,
                      terms.service_months)
    return LineFacts(line, explicit, [terms]), lone


@settings(max_examples=400, deadline=None)
@given(line=lone_lines(), as_of=days)
def test_a_lone_lines_timeline_row_and_its_place_are_the_whole_paths(line, as_of):
    facts, lone = line
    status = line_status(facts, as_of)
    assert lone_status(lone, as_of) == status
    row = timeline_row(facts, status)
    assert lone_timeline_row(lone, as_of) == row
    assert _LoneRelevance(as_of)(lone) == _relevant(row, as_of)


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(lone_lines(), min_size=1, max_size=6), as_of=days, limit=st.integers(1, 4),
       horizon=st.sampled_from([0, 30, 365, 2000]))
def test_lines_drawn_and_rebid_deadlines_of_lone_lines_are_the_whole_paths(lines, as_of, limit, horizon):
    lines = [(dataclasses.replace(facts, contracts=[dataclasses.replace(facts.contracts[0], code=f"C-{i}")]),
              lone._replace(code=f"C-{i}")) for i, (facts, lone) in enumerate(lines)]
    lines = [(dataclasses.replace(facts, line=dataclasses.replace(facts.line, code=f"L-{i}")), lone._replace(line=f"L-{i}"))
             for i, (facts, lone) in enumerate(lines)]
    whole = [facts for facts, _ in lines]
    statuses = [line_status(facts, as_of) for facts in whole]
    # Half the lines whole, half lone: the same lines drawn, in the same order, as all of them whole.
    half = len(lines) // 2
    assert timeline(whole[:half], statuses[:half], as_of, limit, lone=[lone for _, lone in lines[half:]]) == \
        timeline(whole, statuses, as_of, limit)
    # Every other line lone: the rebid rows, worked out in code order as when every line is whole. (A fresh calendar
    # for each: a row names the holidays assumed among the years its calendar had been asked about by then.)
    methods = ("public", "negotiation")
    assert rebid(statuses[::2], as_of, horizon, LeadTimes(), WorkCalendar(), methods, lone=[lone for _, lone in lines[1::2]]) == \
        rebid(statuses, as_of, horizon, LeadTimes(), WorkCalendar(), methods)


def test_a_lone_line_uncovered_is_drawn_first_and_rebid_as_lapsed():
    # Three lines on 2024-06-01: one ended on 2024-01-01 (uncovered: drawn first, its rebid lapsed), one ending on
    # 2024-12-01 (within a year: drawn second, a deadline within the horizon), one ending in 2030 (left out).
    ended = lone_terms("C-1", "C-1", "ended", "ended", dt.date(2023, 1, 1), 12, 12)
    soon = lone_terms("C-2", "C-2", "soon", "soon", dt.date(2023, 12, 1), 12, 12)
    later = lone_terms("C-3", "C-3", "later", "later", dt.date(2024, 1, 1), 72, 72)
    day = dt.date(2024, 6, 1)
    shown, omitted, _ = timeline([], [], day, 2, lone=[later, soon, ended])
    assert [(row.line, row.state) for row in shown] == [("C-1", "uncovered"), ("C-2", "covered")] and omitted == 1
    rows = rebid([], day, 365, LeadTimes(), WorkCalendar(), ("public",), lone=[later, soon, ended])
    assert [(row.line, row.coverage_ends, row.state) for row in rows] == [
        ("C-1", dt.date(2024, 1, 1), "lapsed"), ("C-2", dt.date(2024, 12, 1), rows[1].state)]
    assert rows[1].state != "lapsed"


def test_the_report_of_a_store_read_apart_is_the_whole_paths(more):
    """The example store, MIXED and MORE (lone contracts on lines of their own and on an explicit line, a line key
    shared by two contracts, a tendered line, facts, a unit price): the whole report, on days before, amid and after
    their contracts, equal to the one made from every contract whole."""
    from db.store import open_store

    store = open_store(more.url).store
    try:
        portfolio = store.for_report()
        assert {row.code for row in portfolio.lone} >= {"ALONE-ENDED", "ALONE-NAMED", "TINY-CAL"}
        assert next(row.line_name for row in portfolio.lone if row.code == "ALONE-NAMED") == \
            "an explicit line with one contract and nothing else"
        assert portfolio.terms_only.codes == [row.code for row in portfolio.lone]
        contracts = store.load()
        assert portfolio.count == len(contracts)
        lines, budgets = store.lines(contracts=contracts), store.budgets()
        for day in (dt.date(2018, 6, 1), dt.date(2021, 2, 1), dt.date(2024, 6, 1), dt.date(2025, 8, 15), dt.date(2031, 1, 1)):
            apart = build(contracts=portfolio.contracts, lines=portfolio.lines, budgets=budgets, as_of=day,
                          lone=portfolio.lone, terms_only=portfolio.terms_only, methods=("public", "negotiation"))
            whole = build(contracts=contracts, lines=lines, budgets=budgets, as_of=day, methods=("public", "negotiation"))
            assert apart == whole, day
            if day == dt.date(2021, 2, 1):  # the lone contracts' own parts are there
                assert "ALONE-ENDED" in [row.line for row in apart.timeline]
                assert {"ALONE-ENDED", "NAMED"} <= {row.line for row in apart.rebids}
            if day == dt.date(2025, 8, 15):  # TINY-CAL's quarter: its installments among the payables, in code order
                assert "TINY-CAL" in {row["contract"] for row in apart.payables}
    finally:
        store.close()


def test_rebid_prints_what_the_whole_path_plans(more):
    """`contracts rebid` reads lone lines as columns: every row as the whole path makes it, lone lines among them."""
    from contracts.procurement_rows import rebid_record
    from contracts.tenders import METHODS
    from db.store import open_store

    printed = more.json("rebid", "--as-of", "2021-02-01", "--horizon", "400")
    store = open_store(more.url).store
    try:
        day = dt.date(2021, 2, 1)
        statuses = [line_status(facts, day) for facts in store.lines()]
        expected = [rebid_record(row) for row in rebid(statuses, day, 400, LeadTimes(), WorkCalendar(), tuple(METHODS))]
    finally:
        store.close()
    assert printed == json.loads(json.dumps(expected, default=str))
    assert {"ALONE-ENDED", "NAMED"} <= {row["line"] for row in printed}


def test_payable_quarter_read_apart_is_every_full_ledgers(more):
    """`contracts payable --quarter` reads only the contracts that can fall due in the quarter, those with terms only as
    columns (Store.split): every row, in code order, as the full ledgers of every contract give it (payable_rows)."""
    from contracts.ledgers import payable_rows
    from contracts.periods import quarter_period
    from db.store import open_store

    store = open_store(more.url).store
    try:
        contracts = store.load()
    finally:
        store.close()
    # 2019Q2: the lone contracts and PAID-ONE (paid 300.00 of its first installment); 2025Q3: TINY-CAL (left to the
    # engine by the arrays), the unit-priced contract awaiting its usage, PLAIN-A and -B on a shared line.
    for quarter, day in (("2019Q2", "2019-07-01"), ("2024Q1", "2024-04-01"), ("2025Q3", "2025-08-15")):
        printed = more.json("payable", "--quarter", quarter, "--as-of", day)
        expected = payable_rows(contracts, dt.date.fromisoformat(day), window=quarter_period(quarter))
        assert printed == json.loads(json.dumps(expected, default=str)), quarter
        assert printed, quarter
    contracts_2019 = {row["contract"] for row in more.json("payable", "--quarter", "2019Q2", "--as-of", "2019-07-01")}
    assert {"ALONE-ENDED", "PAID-ONE", "SHARED"} <= contracts_2019


def test_lines_and_the_procurement_page_list_every_line_as_the_whole_path(more):
    """`contracts lines` and the web's procurement figures make a lone line's status from its columns: every line's
    record, in code order, as the whole path makes it."""
    from contracts.procurement import failures
    from contracts.procurement_rows import rebid_record, status_record, tender_rows
    from contracts.tenders import METHODS
    from db.store import open_store
    from web.routes_procurement import REBID_HORIZON, compute

    printed = more.json("lines", "--as-of", "2021-02-01")
    store = open_store(more.url).store
    try:
        day = dt.date(2021, 2, 1)
        whole = store.lines()
        expected = [status_record(line_status(facts, day)) for facts in whole]
        page = compute(store, day)
    finally:
        store.close()
    assert printed == json.loads(json.dumps(expected, default=str))
    assert page.lines == expected and page.line_codes == [facts.line.code for facts in whole]
    assert {"ALONE-ENDED", "NAMED", "TENDERED", "EMPTY"} <= set(page.line_codes)
    assert page.tenders == [row for facts in whole for row in tender_rows(facts.tenders)]
    assert page.failures == failures(whole, day, transition_limit_months=12) and page.failures
    statuses = [line_status(facts, day) for facts in whole]
    assert page.rebid == [rebid_record(row) for row in rebid(statuses, day, REBID_HORIZON, LeadTimes(), WorkCalendar(),
                                                              tuple(METHODS))]


def test_rebid_works_out_whole_and_lone_lines_in_code_order():
    """A rebid row names the holidays its calendar had assumed, among the years asked about by then, over its dates:
    worked out in another order, L-1's row (its service ends 2030-03-01) would also name 2028's, a year only L-2's
    dates were counted in. Whole and lone lines together keep the whole path's order, and so its rows."""
    from contracts.terms import make_terms

    day = dt.date(2026, 6, 1)

    def line(code: str, months: int) -> LineFacts:
        terms = make_terms({"code": f"C{code[1:]}", "name": code, "billing_start": dt.date(2024, 3, 1),
                            "billing_months": months, "annual_fee": "100", "line": code})
        return LineFacts(ServiceLine(code, code), True, [terms])

    first, second = line("L-1", 72), line("L-2", 48)
    alone = lone_terms("C-1", "L-1", "L-1", "L-1", dt.date(2024, 3, 1), 72, 72)
    whole = rebid([line_status(first, day), line_status(second, day)], day, 2000, LeadTimes(), WorkCalendar(), ("public",))
    apart = rebid([line_status(second, day)], day, 2000, LeadTimes(), WorkCalendar(), ("public",), lone=[alone])
    assert apart == whole
    [row] = [row for row in apart if row.line == "L-1"]
    assert row.assumed_days and not any(text.startswith("2028") for text in row.assumed_days)
