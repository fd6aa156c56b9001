"""What the ledgers answer, per contract and across a portfolio: the rows behind ``payable``, ``pay``,
``payments``, ``arrears`` and ``voucher``, for the command line and the web alike.

Pure functions over ``Contract`` values; each takes the day it answers for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from .contract import Contract
from .errors import ContractsError
from .money import format_money, from_fen
from .numerals import capital
from .payables import Ledger, Payable, arrears, arrears_summary, payable_record
from .periods import Period

ZERO = Decimal("0.00")


def ledgers_as_of(contracts: Sequence[Contract], as_of: dt.date) -> list[Ledger]:
    """Each contract's ledger from the facts known on ``as_of``, in the same order."""
    return [contract.ledger(as_of) for contract in contracts]


@dataclass(frozen=True)
class PortfolioArrears:
    rows: list  # ArrearsRow: each installment due by the day and not fully paid
    summary: list[dict]  # per contract by aging bucket, with a TOTAL row last
    remark: str = ""  # said under the arrears when payments stop being recorded long before the day (``recording_gap``)


# Quarterly payment is the slowest rhythm the portfolio knows (按季结算): a quarter and a day without a recorded payment
# while installments keep falling due more likely means payments went unrecorded than that none were made.
RECORDING_GAP_DAYS = 92


def recording_gap(contracts: Sequence[Contract], rows: Sequence, as_of: dt.date) -> str:
    """A sentence when arrears run on long after the last recorded payment (the store may simply not have been kept
    up to date), else "". ``rows``: the arrears as of ``as_of``."""
    if not rows:
        return ""
    days = [p.paid_on for contract in contracts for p in contract.payments if p.paid_on <= as_of]
    last = max(days, default=None)
    if last is None:
        return (f"no payment is recorded on or before {as_of.isoformat()}: what is shown as owed is what fell due, "
                "not what is known to be unpaid")
    gap = (as_of - last).days
    since = [row for row in rows if row.due > last]
    if gap <= RECORDING_GAP_DAYS or not since:
        return ""
    return (f"the last payment recorded is on {last.isoformat()}, {gap} days before {as_of.isoformat()}: the "
            f"{len(since)} installment(s) due since are owed only if no payment since has gone unrecorded")


def portfolio_arrears(contracts: Sequence[Contract], as_of: dt.date, ledgers: Sequence[Ledger] | None = None) -> PortfolioArrears:
    """What was due on or before ``as_of`` and is unpaid, installment by installment and summed per contract.

    ``ledgers``: the contracts' ledgers as of that day, if the caller has them already (same order).
    """
    ledgers = ledgers_as_of(contracts, as_of) if ledgers is None else ledgers
    rows = arrears(ledgers, as_of)
    return PortfolioArrears(rows, arrears_summary(rows, {ledger.terms.code: ledger.credit for ledger in ledgers}),
                            recording_gap(contracts, rows, as_of))


def payable_rows(contracts: Sequence[Contract], as_of: dt.date, *, seq: int | None = None,
                 window: Period | None = None) -> list[dict]:
    """Per installment: gross, deductions, net, paid, owed and state as of a day; one ``seq`` (of a single
    contract) or those falling due in ``window`` (a quarter)."""
    items = [item for contract in contracts for item in contract.ledger(as_of).payables]
    if seq is not None:
        items = [item for item in items if item.seq == seq]
        if not items:
            raise ContractsError("seq", seq, f"is not in the schedule of {contracts[0].code if contracts else '?'}")
    if window is not None:
        items = [item for item in items if window.contains(item.due)]
    return [payable_record(item) for item in items]


def payment_placement(ledger: Ledger, payment_id: int) -> tuple[list[tuple[int, Decimal]], Decimal]:
    """Where one payment went: (seq, amount) for each installment it settled (seq 0: the opening balance),
    and what it could not place (a credit to the vendor)."""
    placed = [(a.seq, a.amount) for a in ledger.allocation.allocations if a.payment == payment_id]
    return placed, from_fen(ledger.allocation.unplaced_fen.get(payment_id, 0))


PAYMENT_KEYS = ("id", "contract", "paid_on", "amount", "seq", "reference", "note", "reverses", "reversed_by",
                "allocated", "credit")


def payment_rows(contract: Contract, as_of: dt.date) -> list[dict]:
    """Every payment made by ``as_of``, reversals included, with the installments each settled."""
    ledger = contract.ledger(as_of)
    reversed_by = {p.reverses: p.id for p in contract.payments if p.reverses is not None}
    rows = []
    for p in sorted(contract.payments, key=lambda p: (p.paid_on, p.id)):
        if p.paid_on > as_of:
            continue
        placed, credit = payment_placement(ledger, p.id)
        rows.append({"id": p.id, "contract": contract.code, "paid_on": p.paid_on, "amount": p.amount, "seq": p.seq,
                     "reference": p.reference, "note": p.note, "reverses": p.reverses, "reversed_by": reversed_by.get(p.id),
                     "allocated": "; ".join(f"{'opening' if seq == 0 else seq}: {format_money(amount)}" for seq, amount in placed),
                     "credit": credit})
    return rows


REQUEST_KEYS = ("contract", "name", "vendor", "buyer", "seq", "period_start", "period_end", "due", "gross",
                "total_deduction", "net", "net_in_words", "paid", "owed", "owed_in_words", "state")


def requested_installment(ledger: Ledger, seq: int) -> Payable:
    """The installment a payment request is for, refused when it is not in the schedule, or when its amount is not
    known yet (awaiting assessment or usage): a request asks for an exact sum. The one check of both the request's
    record (``payment_request``) and its printable document (``contracts.voucher``)."""
    item = next((p for p in ledger.payables if p.seq == seq), None)
    if item is None or seq == 0:
        raise ContractsError("seq", seq, f"is not in the schedule of {ledger.terms.code}")
    if item.net is None:
        raise ContractsError("seq", seq, f"of {ledger.terms.code} is {item.state}: no amount can be requested yet")
    return item


def payment_request(contract: Contract, seq: int, as_of: dt.date) -> tuple[dict, list[str]]:
    """A payment request (付款审批单) for one installment: the record and, in words, each deduction.

    Refused for an installment not in the schedule, and for one whose amount is not known yet
    (awaiting assessment or usage): a request asks for an exact sum.
    """
    item = requested_installment(contract.ledger(as_of), seq)
    terms = contract.current_terms
    record = {"contract": contract.code, "name": terms.name, "vendor": terms.vendor, "buyer": terms.buyer, "seq": seq,
              "period_start": item.period_start, "period_end": item.period_end, "due": item.due, "gross": item.gross,
              "total_deduction": item.total_deduction, "net": item.net, "net_in_words": capital(item.net), "paid": item.paid,
              "owed": item.owed, "owed_in_words": capital(item.owed), "state": item.state}
    remarks = [f"deduction {d.rule}: {d.amount:,.2f} ({d.reason})" for d in item.deductions if d.amount]
    return record, remarks
