"""``contracts check`` reads a contract with terms only, alone on its line, as a few columns (``lone.LoneTerms``,
``Store.for_checks``) instead of a whole contract, a line and a line status (issue #17): its findings must be those
the whole path gives, for any such contract and day, and the store must put every other contract and line on the
whole path."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.checks import (
    CheckSettings,
    completion_gaps,
    lone_findings,
    portfolio_findings,
    stated_ends,
    uncovered_lines,
)
from contracts.lines import ServiceLine
from contracts.lone import lone_terms
from contracts.procurement import LineFacts, line_status

from .strategies import contract_terms


@st.composite
def lone_contracts(draw):
    """Terms with every kind of stated end (none, the expiry day, the last day, its month or year, a wrong one) and
    completion date (none, the billing start, long before it)."""
    terms = draw(contract_terms(code="C-1"))
    end = terms.service_end
    stated = draw(st.sampled_from(["", "   ", end.isoformat(), (end - dt.timedelta(days=1)).isoformat(), end.isoformat()[:7],
                                   end.isoformat()[:4], (end + dt.timedelta(days=40)).isoformat()[:7], "2001-02-03"]))
    gap = draw(st.sampled_from([None, 0, 1, 89, 90, 91, 400]))
    completed = None if gap is None else terms.billing_start - dt.timedelta(days=gap)
    if draw(st.booleans()):  # no service at all: the line is a gap from its start
        terms = dataclasses.replace(terms, service_months=0)
    return dataclasses.replace(terms, stated_end=stated, completed_on=completed, line=draw(st.sampled_from(["", "L-1"])))


@settings(max_examples=400, deadline=None)
@given(terms=lone_contracts(), as_of=st.dates(dt.date(1990, 1, 1), dt.date(2070, 12, 31)),
       gap_days=st.sampled_from([0, 30, 90, 365]), explicit=st.booleans())
def test_a_lone_contracts_findings_are_the_whole_paths(terms, as_of, gap_days, explicit):
    check = CheckSettings(completion_gap_days=gap_days)
    line = ServiceLine(terms.line_code, "a named line" if explicit else terms.name)
    whole = (stated_ends([terms]) + completion_gaps([terms], check)
             + uncovered_lines([line_status(LineFacts(line, explicit, [terms]), as_of)], as_of))
    lone = lone_terms(terms.code, terms.line_code, line.name, terms.name, terms.billing_start, terms.billing_months,
                      terms.service_months, terms.stated_end, terms.completed_on)
    assert sorted(lone_findings([lone], as_of, check), key=repr) == sorted(whole, key=repr)


def test_a_lone_contract_ended_before_the_day_leaves_its_line_uncovered():
    # 12 months from 2023-01-01 end on 2024-01-01: on 2024-03-01 the line has had no contract for two months;
    # the source's "2023-12" agrees (the last month of service), its completion 120 days before billing is a gap.
    lone = lone_terms("C-1", "C-1", "one", "one", dt.date(2023, 1, 1), 12, 12, "2023-11", dt.date(2022, 9, 3))
    found = {(f.check, f.record, f.computed) for f in lone_findings([lone], dt.date(2024, 3, 1))}
    assert found == {("no contract", "line C-1", "uncovered"), ("stated end", "contract C-1", "2024-01-01"),
                     ("completion gap", "contract C-1", "2023-01-01")}
    assert lone_findings([lone], dt.date(2023, 12, 31), CheckSettings(completion_gap_days=120)) == [
        next(f for f in lone_findings([lone], dt.date(2023, 12, 31)) if f.check == "stated end")]


# -- the store's side: which contracts are read as columns, and the findings of the whole portfolio ----------------
# (the store: conftest's `more`, the example store with MIXED and MORE imported)


def whole_path(store, as_of):
    """The findings as ``check`` made them before (#17): every contract whole, every line's status."""
    contracts = store.load()
    statuses = [line_status(facts, as_of) for facts in store.lines(contracts=contracts)]
    return portfolio_findings(contracts, statuses, store.budgets(), as_of)


def test_the_store_reads_lone_contracts_as_columns_and_the_rest_whole(more):
    from db.store import open_store

    store = open_store(more.url).store
    try:
        portfolio = store.for_checks()
        lone = {row.code for row in portfolio.lone}
        whole = {contract.code for contract in portfolio.contracts}
        # alone with terms only: as columns; sharing a line, a line with a tender, facts, or unit-priced: whole
        assert {"ALONE-ENDED", "ALONE-NAMED", "TINY-CAL"} <= lone
        assert {"SHARED", "SHARES-BY-LINE", "TENDERED", "PLAIN-A", "PLAIN-B", "UNIT-1"} <= whole
        assert not lone & whole and len(lone | whole) == len(store.load())
        lines = [facts.line.code for facts in portfolio.lines]
        assert "EMPTY" in lines and "SHARED" in lines and "NAMED" not in lines and "ALONE-ENDED" not in lines
        assert len(lines) == len(set(lines))
        for day in (dt.date(2019, 6, 1), dt.date(2021, 2, 1), dt.date(2024, 6, 1), dt.date(2031, 1, 1)):
            statuses = [line_status(facts, day) for facts in portfolio.lines]
            found = portfolio_findings(portfolio.contracts, statuses, store.budgets(), day, lone=portfolio.lone)
            assert found == whole_path(store, day)
        # on 2021-02-01 ALONE-ENDED (2019-01-01 + 24 months) and ALONE-NAMED (2018) have left their lines uncovered
        day = dt.date(2021, 2, 1)
        uncovered = {f.record for f in whole_path(store, day) if f.check == "no contract"}
        assert {"line ALONE-ENDED", "line NAMED"} <= uncovered
    finally:
        store.close()


def test_check_prints_what_the_whole_path_finds(more):
    from db.store import open_store

    printed = [f for f in more.json("check", "--as-of", "2021-02-01") if f["check"] not in ("history chain", "store integrity")]
    store = open_store(more.url).store
    try:
        expected = [{**f.__dict__, "severity": str(f.severity)} for f in whole_path(store, dt.date(2021, 2, 1))]
    finally:
        store.close()
    assert printed == expected
    assert {"check": "stated end", "record": "contract ALONE-ENDED", "computed": "2021-01-01"}.items() <= \
        next(f for f in printed if f["record"] == "contract ALONE-ENDED" and f["check"] == "stated end").items()
