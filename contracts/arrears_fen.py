"""A contract's arrears straight from what its ledger is made of, in fen (``arrears``' path for contracts with facts).

``payables.arrears`` reads a whole ledger, a payable object per installment, to keep the few rows with something
owed. A province's arrears ask it of tens of thousands of contracts with facts, so ``contract_arrears`` makes the
same rows from ``Contract.ledger_rows`` (each installment's net in fen, the payments' allocation) without making a
payable: the same rows, Decimal for Decimal, and the same credit. ``tests/test_arrears_fen.py`` holds the two equal for
any contract, its rules, assessments, payments and opening balance.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from .money import from_fen, to_fen
from .payables import (_BOUND_BASIS, AT_GROSS, AWAITING, NOT_ASSESSED, ArrearsRow, _state, arrears, bucket,
                       opening_basis)
from .payments import OPENING_SEQ

if TYPE_CHECKING:
    from .contract import Contract

ZERO = Decimal("0.00")


def contract_arrears(contract: "Contract", as_of: dt.date) -> tuple[list[ArrearsRow], Decimal]:
    """(``arrears((contract.ledger(as_of),), as_of)``, the ledger's credit): every installment due by ``as_of`` and not
    fully paid, and what payments left over."""
    made = contract.ledger_rows(as_of, due_through=as_of)  # none due later is owed yet
    if made is None:  # amended or unit-priced: its schedule is not the engine's integers
        ledger = contract.ledger(as_of)
        return arrears((ledger,), as_of), ledger.credit
    rows, _, settled_through, allocation = made
    code, opening = contract.code, contract.opening
    paid_fen = allocation.paid_fen
    found: list[ArrearsRow] = []
    if opening and opening.owed and opening.as_of <= as_of:
        owed, paid = to_fen(opening.owed), paid_fen.get(OPENING_SEQ, 0)
        if owed > paid:
            days = (as_of - opening.as_of).days
            found.append(ArrearsRow(code, OPENING_SEQ, opening.as_of, opening.owed, from_fen(paid), from_fen(owed - paid),
                                    days, bucket(days), _state(owed, paid), opening_basis(opening)))
    grosses: dict[int, Decimal] = {}
    for (seq, _, _, due, gross), net, _, _, _, bound in rows:
        if due > as_of:
            break  # not due yet (due dates never go back)
        if seq <= settled_through:  # settled before tracking: nothing owed
            continue
        if net is None:  # awaiting its assessment (no usage is awaited: the contract has a fixed fee): at gross
            amount = grosses.get(gross)
            if amount is None:
                amount = grosses[gross] = from_fen(gross)
            found.append(ArrearsRow(code, seq, due, None, ZERO, amount, (as_of - due).days, NOT_ASSESSED, AWAITING,
                                    AT_GROSS))
            continue
        paid = paid_fen.get(seq, 0)
        if net > paid:
            days = (as_of - due).days
            found.append(ArrearsRow(code, seq, due, from_fen(net), from_fen(paid), from_fen(net - paid), days, bucket(days),
                                    _state(net, paid), _BOUND_BASIS if bound else "computed"))
    return found, allocation.credit
