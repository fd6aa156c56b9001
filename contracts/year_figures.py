"""A contract's figures for one fiscal year straight from what its ledger is made of, in fen (``report fy``'s path).

``budget.contract_year_figures`` reads a whole ledger: a payable object per installment, four Decimals each, for a
few sums. A province's fiscal year asks it of tens of thousands of contracts with facts, so ``year_figures`` adds the
same sums from ``Contract.ledger_rows`` (each installment's net in fen, the payments' allocation) without making a
payable: the same figures, Decimal for Decimal, the same basis text. ``tests/test_year_figures.py`` holds the two
equal for any contract, its rules, assessments, payments and opening balance.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Sequence

from .basis import Basis, adding, combined
from .money import from_fen, to_fen
from .payables import _AWAITING_BASIS, _BOUND_BASIS, AT_GROSS, AWAITING, opening_basis
from .payments import OPENING_SEQ, Payment

if TYPE_CHECKING:
    from .budget import YearFigures
    from .contract import Contract

ZERO = Decimal("0.00")
_AWAITING = _AWAITING_BASIS[AWAITING]


def year_figures(contract: "Contract", seen: dt.date, year: int, payments: Sequence[Payment] = ()) -> "YearFigures":
    """``contract_year_figures(contract.ledger(seen), year, payments)``: the facts known on ``seen`` (no later than the
    year's end), ``payments`` those made by then."""
    from .budget import YearFigures, contract_year_figures

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    made = contract.ledger_rows(seen, due_through=last)  # none due later is read
    if made is None:  # amended or unit-priced: its schedule is not the engine's integers
        return contract_year_figures(contract.ledger(seen), year, payments)
    rows, unrecorded, settled_through, allocation = made
    opening = contract.opening
    paid_fen = allocation.paid_fen
    settled_basis = opening_basis(opening) if opening else ""
    obligations = unpaid = earlier = 0
    bases: list[str] = []  # the basis of each figure counted, in the ledger's order
    settled_before = awaiting_usage = in_year = 0
    if opening and opening.owed and opening.as_of <= last:  # the amount owed then: earlier arrears of any later year
        owed = to_fen(opening.owed) - paid_fen.get(OPENING_SEQ, 0)
        earlier += owed
        if owed:
            bases.append(settled_basis)
    for (seq, _, _, due, gross), net, _, _, _, bound in rows:
        if due > last:
            break  # after the year (made only where a payment names one; due dates never go back)
        if seq <= settled_through:  # settled before tracking: an obligation of its year, no arrears
            if first <= due:
                obligations += gross if net is None else net
                settled_before += 1
                bases.append(settled_basis)
            continue
        if net is None:
            if seq in unrecorded:  # awaiting its usage: unknown
                if first <= due:
                    awaiting_usage += 1
                continue
            amount = owed = gross  # awaiting its assessment: at gross
            basis, year_basis = _AWAITING, AT_GROSS
        else:
            amount, owed = net, net - paid_fen.get(seq, 0)
            basis = year_basis = _BOUND_BASIS if bound else "computed"
        if first <= due:
            obligations += amount
            unpaid += owed
            in_year += 1
            bases.append(year_basis)
        else:
            earlier += owed
            if owed:
                bases.append(basis)
    basis = combined(bases) if bases else "computed"
    if awaiting_usage:
        basis = adding(basis, Basis.UNKNOWN, f"{awaiting_usage} installment(s) awaiting usage, not counted")
        if not (in_year or settled_before):
            return YearFigures(None, None, from_fen(earlier), basis)
    paid_on = {p.id: p.paid_on for p in payments}
    due_on = {item[0][0]: item[0][3] for item in rows}
    for_earlier = ZERO  # what the year's payments settled of installments due before it (or of the opening balance)
    for placed in allocation.allocations:
        day = paid_on.get(placed.payment)
        if day is not None and first <= day <= last and (placed.seq == OPENING_SEQ or due_on[placed.seq] < first):
            for_earlier += placed.amount
    if settled_before and not in_year:
        basis = adding(basis, Basis.UNKNOWN, "what stayed owed at the year's end is inside the opening balance")
        return YearFigures(from_fen(obligations), None, None, basis, True, None)
    return YearFigures(from_fen(obligations), from_fen(unpaid), from_fen(earlier), basis, bool(settled_before), for_earlier)
