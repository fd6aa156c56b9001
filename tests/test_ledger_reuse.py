"""One ledger per state of a contract's facts (``Contract.facts_known_on``): the HTML report's cash flow builds a
contract's ledger once for all the fiscal years that see the same facts, rather than once a year (#17). Sound only
if two days with the same state really have the same ledger: held here on every contract of the examples, on every
day where something changes (each fact's date, the day before and after) and every year's end around them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from contracts.budget import Budgets, Programme, fiscal_year_figures, fiscal_years_figures

from .conftest import ROOT


def _days(contract) -> list[dt.date]:
    dated = [item.assessed_on for item in contract.assessments] + [item.paid_on for item in contract.payments]
    days = {day + dt.timedelta(days=shift) for day in dated for shift in (-1, 0, 1)}
    first, last = contract.terms.billing_start.year - 2, contract.current_terms.billing_end.year + 2
    days |= {dt.date(year, 12, 31) for year in range(first, last + 1)}
    return sorted(days)


def _with_a_second_version(contract):
    """The contract with its first assessment assessed again, later and with other metrics (a new version)."""
    first = contract.assessments[0]
    again = dataclasses.replace(first, assessed_on=first.assessed_on + dt.timedelta(days=40), version=first.version + 1,
                                metrics=tuple((name, Decimal("0")) for name, _ in first.metrics),
                                score=None if first.score is None else Decimal("0"))
    return dataclasses.replace(contract, assessments=contract.assessments + (again,))


def test_days_that_know_the_same_facts_have_the_same_ledger(loaded):
    from db.store import open_store

    loaded("import", str(ROOT / "examples" / "demo-om.toml"))
    store = open_store(loaded.url, create=False).store
    try:
        contracts = [contract for contract in store.load() if not contract.terms_only]
    finally:
        store.close()
    assessed = [contract for contract in contracts if contract.assessments]
    assert assessed, "the examples hold assessed contracts"
    contracts += [_with_a_second_version(contract) for contract in assessed]
    shared = differing = 0
    for contract in contracts:
        by_state: dict[tuple[int, int], tuple[dt.date, object]] = {}
        for day in _days(contract):
            state, ledger = contract.facts_known_on(day), contract.ledger(day)
            if state in by_state:
                assert ledger == by_state[state][1], (contract.code, day, by_state[state][0])
                shared += 1
            else:
                differing += any(ledger != earlier for _, earlier in by_state.values())
                by_state[state] = (day, ledger)
        assert contract.facts_known_on(None) == (len(contract.assessments), len(contract.payments))
        assert contract.ledger(None) == by_state[contract.facts_known_on(None)][1]
    # Not vacuous: many days share a state, and states do differ in their ledgers (a late assessment version, say).
    assert shared > 50 and differing > 5


def test_the_years_figures_are_each_years_with_ledgers_given_or_not(loaded):
    from contracts.ledgers import full_ledgers
    from db.store import open_store

    loaded("import", str(ROOT / "examples" / "demo-om.toml"))
    store = open_store(loaded.url, create=False).store
    try:
        contracts = store.load()
    finally:
        store.close()
    contracts += [_with_a_second_version(contract) for contract in contracts if contract.assessments]
    contracts = list({contract.code: contract for contract in contracts}.values())  # the later version wins
    budgets = Budgets(programmes=(Programme("P1", "policing", "", "", tuple(c.code for c in contracts[::2]), ()),))
    for as_of in (dt.date(2023, 6, 30), dt.date(2024, 12, 31), dt.date(2026, 3, 1)):
        years = list(range(2016, 2029))
        expected = {year: fiscal_year_figures(contracts, budgets, year, as_of) for year in years}
        assert fiscal_years_figures(contracts, budgets, years, as_of) == expected
        given = full_ledgers(contracts, as_of)
        assert given and fiscal_years_figures(contracts, budgets, years, as_of, ledgers_as_of=given) == expected
        assert fiscal_years_figures(contracts, budgets, years, as_of, ledgers_as_of=given, programmes_only=True) == {
            year: [row for row in rows if row.kind == "programme"] for year, rows in expected.items()}
