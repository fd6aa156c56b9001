"""A contract's fiscal-year figures from its ledger's rows in fen (contracts/year_figures.py, report fy's path) are
``contract_year_figures`` of its whole ledger: every figure, Decimal for Decimal (digits and exponent), every basis."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.budget import YearFigures, contract_year_figures
from contracts.contract import Contract
from contracts.payments import Opening, Payment
from contracts.terms import make_terms
from contracts.year_figures import year_figures

from .strategies import contracts_with_facts


@settings(max_examples=500, deadline=None)
@given(contract=contracts_with_facts(), seen_days=st.integers(-400, 3500), years_on=st.integers(-1, 6),
       extra=st.lists(st.tuples(st.integers(-100, 3000), st.sampled_from(["300.00", "5000.00", "123456.78", "0.01"]),
                                st.one_of(st.none(), st.integers(1, 16))), max_size=4))
def test_a_years_figures_from_the_rows_are_the_ledgers(contract, seen_days, years_on, extra):
    start = contract.terms.billing_start
    payments = contract.payments + tuple(
        Payment(id=number + 2, contract="C-1", paid_on=start + dt.timedelta(days=days), amount=Decimal(amount), seq=seq)
        for number, (days, amount, seq) in enumerate(extra))
    contract = dataclasses.replace(contract, payments=payments)
    year = start.year + years_on
    seen = min(start + dt.timedelta(days=seen_days), dt.date(year, 12, 31))  # as report fy asks: by the year's end
    counted = [p for p in payments if p.paid_on <= seen]
    expected = contract_year_figures(contract.ledger(seen), year, counted)
    found = year_figures(contract, seen, year, counted)
    assert found == expected
    assert repr(found) == repr(expected)  # each Decimal with its exponent


def test_a_years_figures_by_hand():
    # 1,200.00 a year in quarters of 300.00 from 2023-01-01, in arrears (due 2023-04-01, 07-01, 10-01, 2024-01-01,
    # ...), settled before tracking through seq 2, 100.00 owed then (as of 2023-07-01); paid 350.00 on 2024-02-01.
    # Payments go oldest first: the opening's 100.00, then seq 3 (due 2023-10-01) 250.00 of its 300.00.
    # 2024: due seq 4-7 (2024-01-01 ... 10-01) = 1,200.00, all unpaid; earlier: seq 3's 50.00 left, the opening's
    # 0.00; paid for earlier: 350.00 (all of the year's payment settled what fell due before it).
    terms = make_terms({"code": "C-1", "name": "c", "billing_start": "2023-01-01", "billing_months": 24,
                        "annual_fee": "1200", "frequency": "quarterly", "timing": "arrears"})
    contract = Contract(terms, payments=(Payment(1, "C-1", dt.date(2024, 2, 1), Decimal("350.00")),),
                        opening=Opening("C-1", dt.date(2023, 7, 1), settled_through_seq=2, owed=Decimal("100.00")))
    found = year_figures(contract, dt.date(2024, 12, 31), 2024, contract.payments)
    # computed: the opening's amount owed, paid off, leaves nothing in the year's figures resting on it
    assert found == YearFigures(Decimal("1200.00"), Decimal("1200.00"), Decimal("50.00"), "computed", False,
                                Decimal("350.00"))
    assert found == contract_year_figures(contract.ledger(dt.date(2024, 12, 31)), 2024, contract.payments)
