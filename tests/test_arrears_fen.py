"""A contract's arrears from its ledger's rows in fen (contracts/arrears_fen.py, the path of arrears for contracts
with facts) are ``payables.arrears`` of its whole ledger: every row, Decimal for Decimal, and the ledger's credit."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.arrears_fen import contract_arrears
from contracts.contract import Contract
from contracts.payables import arrears
from contracts.payments import Opening, Payment
from contracts.terms import make_terms

from .strategies import contracts_with_facts


@settings(max_examples=500, deadline=None)
@given(contract=contracts_with_facts(), as_of_days=st.integers(-400, 3500), keep_named=st.booleans(),
       extra=st.lists(st.tuples(st.integers(-100, 3000), st.sampled_from(["300.00", "5000.00", "123456.78", "0.01"]),
                                st.one_of(st.none(), st.none(), st.integers(1, 16))), max_size=4))
def test_a_contracts_arrears_from_the_rows_are_the_ledgers(contract, as_of_days, keep_named, extra):
    start = contract.terms.billing_start
    payments = (contract.payments if keep_named else ()) + tuple(
        Payment(id=number + 2, contract="C-1", paid_on=start + dt.timedelta(days=days), amount=Decimal(amount), seq=seq,
                allow_credit=True)
        for number, (days, amount, seq) in enumerate(extra))
    contract = dataclasses.replace(contract, payments=payments)
    as_of = start + dt.timedelta(days=as_of_days)
    ledger = contract.ledger(as_of)
    rows, credit = contract_arrears(contract, as_of)
    assert rows == arrears((ledger,), as_of) and credit == ledger.credit
    assert repr(rows) == repr(arrears((ledger,), as_of))  # each Decimal with its exponent


def test_a_contracts_arrears_by_hand():
    # 1,200.00 a year in quarters of 300.00 from 2023-01-01, in arrears (due 2023-04-01, 07-01, 10-01, 2024-01-01),
    # settled before tracking through seq 1, 100.00 owed then (as of 2023-04-01); paid 350.00 on 2023-08-01, placed
    # oldest first: the opening's 100.00, then seq 2 (due 2023-07-01) 250.00 of its 300.00. As of 2024-01-15: seq 2
    # owes 50.00 (198 days: 181-365), seq 3 300.00 (106 days: 91-180), seq 4 300.00 (14 days: 0-30).
    terms = make_terms({"code": "C-1", "name": "c", "billing_start": "2023-01-01", "billing_months": 12,
                        "annual_fee": "1200", "frequency": "quarterly", "timing": "arrears"})
    contract = Contract(terms, payments=(Payment(1, "C-1", dt.date(2023, 8, 1), Decimal("350.00")),),
                        opening=Opening("C-1", dt.date(2023, 4, 1), settled_through_seq=1, owed=Decimal("100.00")))
    rows, credit = contract_arrears(contract, dt.date(2024, 1, 15))
    assert [(r.seq, str(r.owed), r.days_overdue, r.bucket) for r in rows] == [
        (2, "50.00", 198, "181-365"), (3, "300.00", 106, "91-180"), (4, "300.00", 14, "0-30")]
    assert credit == Decimal("0.00")
