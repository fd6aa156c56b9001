"""A contract with every fact attached: the one aggregate the domain works on.

``Contract`` holds what is stored about one contract (its original terms, deduction rules, assessments
with every version, payments and reversals, the opening balance, usage and amendments) and answers
what follows from them: the terms in force, the schedule and the ledger as of a day. The store loads
it (``db.store.Store.load``); every front end asks it, or a function over it, and nothing else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from itertools import takewhile
from typing import Any, Mapping

from .amendments import Amendment, amended_schedule, apply
from .assessments import Assessment
from .deductions import Rule
from .errors import ContractsError
from .money import format_money, from_fen
from .payables import AWAITING, PAID, SETTLED_BEFORE, Ledger, LedgerRows, ledger_of, ledger_over, ledger_rows
from .payments import Opening, Payment, make_payment
from .schedule import Installment, build_schedule, installments_fen
from .terms import ContractTerms
from .usage import Usage

NEW_PAYMENT_ID = 10**15  # a payment not yet stored: sorts after every stored one of the same day


@dataclass(frozen=True)
class Contract:
    """Everything stored about one contract, as domain values (immutable: a change makes a new one)."""

    terms: ContractTerms  # as signed; amendments are kept beside them, never over them
    rules: tuple[Rule, ...] = ()
    assessments: tuple[Assessment, ...] = ()  # every version
    payments: tuple[Payment, ...] = ()  # reversals included
    opening: Opening | None = None
    usage: tuple[Usage, ...] = ()
    amendments: tuple[Amendment, ...] = ()

    def __post_init__(self) -> None:
        # Callers may hand in lists; keep tuples (hashable, immutable) and amendments in date order.
        for name in ("rules", "assessments", "payments", "usage"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        object.__setattr__(self, "amendments", tuple(sorted(self.amendments, key=lambda a: a.effective_from)))

    @property
    def code(self) -> str:
        return self.terms.code

    @cached_property
    def current_terms(self) -> ContractTerms:
        """The terms after every amendment (the original terms stay in ``terms``)."""
        return apply(self.terms, self.amendments) if self.amendments else self.terms

    @property
    def terms_only(self) -> bool:
        """Nothing recorded but the terms: its figures come straight from the schedule engine."""
        return not (self.rules or self.assessments or self.payments or self.opening or self.usage or self.amendments)

    def adding(self, **facts: Any) -> "Contract":
        """The same contract with more facts: ``adding(payments=(payment,))``; ``opening`` replaces."""
        changes = {name: value if name == "opening" else getattr(self, name) + tuple(value) for name, value in facts.items()}
        return dataclasses.replace(self, **changes)

    def schedule(self, as_of: dt.date | None = None, *, original: bool = False) -> list[Installment]:
        """The installments as they stand, from the facts known on ``as_of`` (None: all recorded).

        Amendments apply to installments whose period starts on or after their date; an installment
        fully paid under the original schedule (by ``as_of``) keeps the amount it was paid at. With
        ``original``, the schedule of the terms as signed. Sequence numbers never change.
        """
        if original or not self.amendments:
            return build_schedule(self.terms, self.usage)
        before = ledger_over(self.terms, build_schedule(self.terms, self.usage), **self._facts(as_of))
        paid_before = {item.seq: item.gross for item in before.payables if item.seq and item.state == PAID}
        return amended_schedule(self.terms, self.amendments, paid_before, self.usage)

    @property
    def on_engine_schedule(self) -> bool:
        """Whether its schedule is the engine's integers as it makes them (``schedule.installments_fen``): no
        amendment, a fixed fee."""
        return not self.amendments and not self.terms.is_unit_priced

    def ledger(self, as_of: dt.date | None = None) -> Ledger:
        """Every installment's payable (gross, deductions, net, paid, owed, state) from the facts known on ``as_of``."""
        if self.on_engine_schedule:
            # The schedule is the engine's, as it makes it: no Installment, no Decimal until a payable needs one.
            terms = self.current_terms  # the terms as signed: no amendment
            return ledger_of(terms, list(installments_fen(terms)), **self._facts(as_of))
        return ledger_over(self.current_terms, self.schedule(as_of), **self._facts(as_of))

    def ledger_rows(self, as_of: dt.date, due_through: dt.date | None = None) -> LedgerRows | None:
        """What ``ledger(as_of)`` is made of before its payables (``payables.ledger_rows``), for answers that read a
        few sums of it; None where the schedule is not the engine's integers (``on_engine_schedule``).

        ``due_through``: the installments falling due after it are not made, unless a payment made by ``as_of`` names
        one (it goes there, and only what that installment cannot take is credit): then all are. Those made are the
        whole ledger's (a yearly cap sees only earlier installments; a payment goes only to those due by its day, or
        to the one it names)."""
        if not self.on_engine_schedule:
            return None
        terms = self.current_terms
        if due_through is None:
            items = list(installments_fen(terms))
        else:
            items = list(takewhile(lambda item: item[3] <= due_through, installments_fen(terms)))  # due order
            last_seq = items[-1][0] if items else 0
            if any(p.seq is not None and p.seq > last_seq and p.paid_on <= as_of for p in self.payments):
                items = list(installments_fen(terms))
        return ledger_rows(terms, items, **self._facts(as_of))

    def facts_known_on(self, day: dt.date | None) -> tuple[int, int]:
        """What of the dated facts is known on ``day`` (None: all recorded): how many assessment versions and payments
        had been recorded by then. A ledger reads nothing else that depends on the day (terms, rules, usage,
        amendments and the opening hold on every day), and the facts known only grow, so two days with the same
        answer have the same ledger: a report over many years builds one ledger per answer, not one per year."""
        if day is None:
            return len(self.assessments), len(self.payments)
        return (sum(1 for item in self.assessments if item.assessed_on <= day),
                sum(1 for item in self.payments if item.paid_on <= day))

    def _facts(self, as_of: dt.date | None) -> dict:
        return dict(rules=self.rules, assessments=self.assessments, payments=self.payments, opening=self.opening,
                    usage=self.usage, as_of=as_of)

    @property
    def starts_on(self) -> dt.date:
        """The first day a payment to it can be dated: its signing or its billing start, whichever is earlier."""
        return min(day for day in (self.terms.signed_on, self.terms.billing_start) if day is not None)


_NO_FACTS = {"rules": (), "assessments": (), "payments": (), "opening": None, "usage": (), "amendments": ()}
_new_contract = object.__new__


def bare_contract(terms: ContractTerms) -> Contract:
    """``Contract(terms)``: nothing recorded but the terms, made without the frozen dataclass's ``__init__`` and
    ``__post_init__`` (a quarter of a microsecond instead of four: the store loads a province's contracts, most of
    them like this). Its fields are those ``__init__`` leaves, in the same order."""
    contract = _new_contract(Contract)
    fields = contract.__dict__
    fields["terms"] = terms
    fields.update(_NO_FACTS)
    return contract


def new_payment(contract: Contract, raw: Mapping[str, Any], *, as_of: dt.date | None = None) -> Payment:
    """A payment as entered for ``contract``, checked on its own (its id is ``NEW_PAYMENT_ID`` until stored);
    with ``as_of``, one dated after it is refused."""
    return make_payment(raw, code=contract.code, starts_on=contract.starts_on,
                        installments=len(contract.schedule()), new_id=NEW_PAYMENT_ID, as_of=as_of)


def place_payment(contract: Contract, payment: Payment) -> Ledger:
    """The ledger with ``payment`` placed; refuses a payment the facts do not allow.

    Refused: paying an installment that awaits assessment or was settled before tracking began;
    paying more than is owed (unless the payment allows a credit to the vendor); and a backdated
    payment that would make an earlier one pay more than was owed.
    """
    code = contract.code
    after = contract.adding(payments=(payment,)).ledger()
    if payment.seq is not None and payment.reverses is None:
        target = after.payable(payment.seq)  # its state does not depend on the payments
        if target.state == AWAITING:
            raise ContractsError("seq", payment.seq, f"of {code} awaits assessment; record it with 'contracts assess' first")
        if target.settled_by == SETTLED_BEFORE:
            raise ContractsError("seq", payment.seq, f"of {code} was settled before tracking began (opening balance)")
    unplaced = after.allocation.unplaced_fen.get(payment.id, 0)
    if unplaced and not payment.allow_credit and payment.reverses is None:
        placed = payment.amount - from_fen(unplaced)
        where = f"seq {payment.seq}" if payment.seq is not None else f"installments due by {payment.paid_on.isoformat()}"
        raise ContractsError(
            "amount", format_money(payment.amount),
            f"is more than is owed on {code} ({where}: {format_money(placed)} owed); "
            "use --allow-credit to record the excess as a credit to the vendor",
        )
    others = {pid: fen for pid, fen in after.allocation.unplaced_fen.items() if pid != payment.id}
    before = contract.ledger() if others else None  # needed only when some earlier payment now places less
    for payment_id, fen in others.items():
        if fen <= before.allocation.unplaced_fen.get(payment_id, 0):
            continue
        earlier = next(p for p in contract.payments if p.id == payment_id)
        if not earlier.allow_credit:
            raise ContractsError(
                "paid_on", payment.paid_on.isoformat(),
                f"comes before payment {payment_id} of {earlier.paid_on.isoformat()}, which would then pay more than is owed",
            )
    return after
