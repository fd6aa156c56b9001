"""Answers for contracts with nothing recorded but their terms, straight from the integer schedule engine.

Most of a province's contracts have no rules, assessments, payments, opening balance, usage or amendments:
their ledger is the schedule itself (net = gross, nothing paid, owed = net). Building a full ledger of
``Payable`` objects for each of them made the portfolio commands slower than a plain implementation and
gigabytes big (issue #17), so they get their rows here, from ``installments_fen`` in integer fen, and the
full ledger is left to the rest. ``tests/test_fastpath.py`` holds every function here equal, to the fen and
field by field, to the ledger's answer for any such contract.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Iterator, Sequence

from .money import from_fen
from .payables import BUCKETS, OVER, PAID, PAYABLE, ArrearsRow, Payable
from .periods import Period
from .schedule import installments_fen

if TYPE_CHECKING:
    from .bulk import TermsOnly
    from .contract import Contract
    from .terms import ContractTerms

ZERO = Decimal("0.00")
# From this many contracts, whole-portfolio answers sum those with terms only as arrays (contracts/bulk.py, NumPy)
# rather than one by one here: below it, NumPy's import and set-up would cost more than they save.
BULK_FROM = 64
_row = tuple.__new__  # ArrearsRow is a NamedTuple: built without its keyword-handling __new__ (millions are made)


def split_if_many(contracts: Sequence["Contract"]) -> tuple["TermsOnly | None", Sequence["Contract"]]:
    """(those with terms only and a fixed fee as columns, the rest) of a list of at least BULK_FROM contracts
    (``bulk.split_contracts``); (None, the list as it is) of a shorter one, for which NumPy is not worth loading."""
    if len(contracts) < BULK_FROM:
        return None, contracts
    from . import bulk

    return bulk.split_contracts(contracts)


def on_fast_path(contract: "Contract") -> bool:
    """Whether the contract's ledger is its schedule: terms only, and a fixed fee (a unit-priced contract's
    installments await their usage, which only the ledger says)."""
    return contract.terms_only and not contract.terms.is_unit_priced


def arrears_rows(terms: "ContractTerms", as_of: dt.date) -> Iterator[ArrearsRow]:
    """``payables.arrears`` of the contract's ledger: every installment due by ``as_of`` with something owed."""
    code = terms.code
    last_limit, _ = BUCKETS[-1]
    for seq, _, _, due, fen in installments_fen(terms):
        if due > as_of:
            break  # installments come in due order
        if fen <= 0:
            continue  # nothing owed (a zero installment counts as paid)
        days = (as_of - due).days
        if days > last_limit:
            name = OVER
        else:
            name = next(name for limit, name in BUCKETS if days <= limit)
        amount = from_fen(fen)
        yield _row(ArrearsRow, (code, seq, due, amount, ZERO, amount, days, name, PAYABLE, "computed"))


def payables(terms: "ContractTerms", window: Period | None = None) -> Iterator[Payable]:
    """The ledger's payables (those falling due in ``window``, or all), each as the full ledger makes it."""
    code = terms.code
    for seq, start, end, due, fen in installments_fen(terms):
        if window is not None:
            if due >= window.end:
                break
            if due < window.start:
                continue
        yield payable(code, seq, start, end, due, fen)


def payable(code: str, seq: int, start: dt.date, end: dt.date, due: dt.date, fen: int) -> Payable:
    """The ledger's payable of one installment of a contract with terms only: owed whole, nothing paid (a zero
    installment counts as paid)."""
    amount = from_fen(fen)
    return Payable(contract=code, seq=seq, period_start=start, period_end=end, due=due, gross=amount,
                   total_deduction=ZERO, net=amount, paid=ZERO, owed=amount, state=PAYABLE if fen > 0 else PAID)
