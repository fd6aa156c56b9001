"""Payments (immutable facts), opening balances, and allocating payments to installments.

A payment is never edited: a mistake is undone by a reversal entry that
cancels it, and the correct payment is entered anew. Allocation is derived from
the facts each time: payments in date order, each to its installment (when it
names a seq) or to the oldest open installments due by its date (FIFO). An
installment is never paid above its net; what a payment cannot place is a
credit to the vendor, which only a payment recorded with ``allow_credit`` may
leave.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

from . import limits
from .errors import ContractsError
from .money import format_money, from_fen, parse_money, to_fen
from .periods import parse_date
from .plausible import in_range, opening_settles, recorded_day

OPENING_SEQ = 0  # the opening balance's place among a contract's installments


@dataclass(frozen=True)
class Payment:
    id: int
    contract: str
    paid_on: dt.date
    amount: Decimal  # negative for a reversal
    seq: int | None = None
    reference: str = ""
    note: str = ""
    reverses: int | None = None
    allow_credit: bool = False


@dataclass(frozen=True)
class Opening:
    """The state of a contract when tracking began: installments settled, and any amount still owed."""

    contract: str
    as_of: dt.date
    settled_through_seq: int = 0
    owed: Decimal = Decimal("0.00")
    source: str = ""
    basis: str = ""  # how the source gives it: "stated", "assumed" (by whoever recorded it), "inferred" (from other figures)


OPENING_BASES = ("stated", "assumed", "inferred")


@dataclass(frozen=True)
class OpenItem:
    """Something payments can settle: an installment with a known net, or the opening balance (seq 0)."""

    seq: int
    due: dt.date
    net_fen: int


@dataclass(frozen=True)
class Allocation:
    payment: int
    seq: int
    amount: Decimal


@dataclass
class AllocationResult:
    paid_fen: dict[int, int] = field(default_factory=dict)  # seq -> fen
    allocations: list[Allocation] = field(default_factory=list)
    unplaced_fen: dict[int, int] = field(default_factory=dict)  # payment id -> fen it could not place

    @property
    def credit(self) -> Decimal:
        return from_fen(sum(self.unplaced_fen.values()))


def effective(payments: Iterable[Payment]) -> list[Payment]:
    """The payments that count: reversals and the payments they reverse cancel out."""
    payments = list(payments)
    reversed_ids = {payment.reverses for payment in payments if payment.reverses is not None}
    return sorted(
        (p for p in payments if p.reverses is None and p.id not in reversed_ids), key=lambda p: (p.paid_on, p.id)
    )


def allocate(items: Sequence[OpenItem], payments: Iterable[Payment]) -> AllocationResult:
    result = AllocationResult()
    ordered = sorted(items, key=lambda item: (item.due, item.seq))
    for payment in effective(payments):
        remaining = to_fen(payment.amount)
        if payment.seq is not None:
            targets = [item for item in ordered if item.seq == payment.seq]
        else:
            targets = [item for item in ordered if item.due <= payment.paid_on]
        for item in targets:
            room = item.net_fen - result.paid_fen.get(item.seq, 0)
            take = min(room, remaining)
            if take <= 0:
                continue
            result.paid_fen[item.seq] = result.paid_fen.get(item.seq, 0) + take
            result.allocations.append(Allocation(payment.id, item.seq, from_fen(take)))
            remaining -= take
            if remaining == 0:
                break
        if remaining:
            result.unplaced_fen[payment.id] = remaining
    return result


# -- reading payments and openings ----------------------------------------------------------------

PAYMENT_FIELDS = ("contract", "paid_on", "amount", "seq", "reference", "note", "allow_credit")
OPENING_FIELDS = ("contract", "as_of", "settled_through_seq", "settled_through", "owed", "source", "basis")


def make_payment(raw: Mapping[str, Any], *, code: str, starts_on: dt.date, installments: int, new_id: int,
                 as_of: dt.date | None = None) -> Payment:
    """Check a payment as entered. Whether it exceeds what is owed is checked against the ledger.

    With ``as_of``, a payment dated after it is refused: a payment is recorded when it is made."""
    unknown = sorted(set(raw) - set(PAYMENT_FIELDS))
    if unknown:
        raise ContractsError(unknown[0], None, f"is not a payment field (known: {', '.join(PAYMENT_FIELDS)})")
    if raw.get("amount") is None:
        raise ContractsError("amount", None, "is required")
    amount = parse_money(raw["amount"], "amount")
    if raw.get("paid_on") is None:
        raise ContractsError("paid_on", None, "is required")
    paid_on = recorded_day(parse_date(raw["paid_on"], "paid_on"), "paid_on", as_of, what="a payment is recorded when it is made")
    if paid_on < starts_on:
        raise ContractsError("paid_on", paid_on.isoformat(), f"is before contract {code} begins ({starts_on.isoformat()})")
    seq = raw.get("seq")
    if seq is not None and seq != "":
        number = limits.whole(seq, "seq", minimum=None)
        if not 1 <= number <= installments:
            raise ContractsError("seq", seq, f"is not in the schedule of {code} (installments 1 to {installments})")
        seq = number
    else:
        seq = None
    return Payment(
        id=new_id, contract=code, paid_on=paid_on, amount=amount, seq=seq,
        reference=limits.text(raw.get("reference"), "payment", "reference"), note=limits.text(raw.get("note"), "payment", "note"),
        allow_credit=bool(raw.get("allow_credit", False)),
    )


def make_reversal(original: Payment, *, on: dt.date, new_id: int, reference: str = "", note: str = "",
                  existing: Iterable[Payment] = (), as_of: dt.date | None = None) -> Payment:
    recorded_day(on, "paid_on", as_of, what="a reversal is recorded when it is made")
    reference, note = limits.text(reference, "payment", "reference"), limits.text(note, "payment", "note")
    if original.reverses is not None:
        raise ContractsError("reverse", original.id, "is itself a reversal; enter the payment again instead")
    if any(payment.reverses == original.id for payment in existing):
        raise ContractsError("reverse", original.id, "is reversed already")
    if on < original.paid_on:
        raise ContractsError("paid_on", on.isoformat(), f"is before the payment it reverses ({original.paid_on.isoformat()})")
    return Payment(
        id=new_id, contract=original.contract, paid_on=on, amount=-original.amount, seq=original.seq,
        reference=reference or f"reversal of payment {original.id}", note=note, reverses=original.id,
    )


def make_opening(raw: Mapping[str, Any], *, code: str, schedule_dues: Sequence[dt.date], today: dt.date | None = None) -> Opening:
    """Settled installments are given by seq (``settled_through_seq``) or by date (``settled_through``:
    every installment due on or before it); only installments due by the opening's own day may be settled.
    With ``today``, an opening dated after it is refused."""
    unknown = sorted(set(raw) - set(OPENING_FIELDS))
    if unknown:
        raise ContractsError(unknown[0], None, f"is not an opening-balance field (known: {', '.join(OPENING_FIELDS)})")
    if raw.get("as_of") is None:
        raise ContractsError("as_of", None, "is required: the day tracking starts")
    as_of = recorded_day(parse_date(raw["as_of"], "as_of"), "as_of", today, what="an opening records the day tracking began")
    by_seq, by_date = raw.get("settled_through_seq"), raw.get("settled_through")
    if by_seq not in (None, "") and by_date not in (None, ""):
        raise ContractsError("settled_through", by_date, "give settled_through_seq or settled_through, not both")
    settled = 0
    if by_seq not in (None, ""):
        settled = limits.whole(by_seq, "settled_through_seq", minimum=0)
        if settled > len(schedule_dues):
            raise ContractsError("settled_through_seq", by_seq, f"is not in the schedule of {code} (0 to {len(schedule_dues)})")
    elif by_date not in (None, ""):
        day = in_range(parse_date(by_date, "settled_through"), "settled_through")
        settled = sum(1 for due in schedule_dues if due <= day)
    opening_settles(settled, schedule_dues, as_of, code)
    owed = parse_money(raw.get("owed", 0), "owed", allow_zero=True)
    source = limits.text(raw.get("source"), "opening", "source")
    if owed and not source:
        raise ContractsError("source", None, f"is required for an opening amount owed ({format_money(owed)}): say where it comes from")
    basis = str(raw.get("basis") or "").strip().lower()
    if basis and basis not in OPENING_BASES:
        raise ContractsError("basis", raw.get("basis"), f"must be one of: {', '.join(OPENING_BASES)} (how the source gives the opening)")
    return Opening(contract=code, as_of=as_of, settled_through_seq=settled, owed=owed, source=source, basis=basis)


def paid_by_year(payments: Iterable[Payment]) -> dict[int, Decimal]:
    """What was paid in each fiscal year, reversals and the payments they undo left out."""
    totals: dict[int, Decimal] = {}
    for payment in effective(payments):
        totals[payment.paid_on.year] = totals.get(payment.paid_on.year, Decimal("0.00")) + payment.amount
    return totals
