"""Loading a contract's facts and recording new ones, inside the caller's transaction.

Every check that needs the other facts of the contract (is the installment
assessed? is this more than is owed?) is a pure function of ``contracts``; these
functions only load what it needs and write what it accepted. On PostgreSQL the
contract's row is locked first, so that two clerks recording against the same
contract at once are served one after the other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from sqlmodel import Session, select

from contracts.assessments import Assessment, make_assessment
from contracts.contract import Contract, new_payment, place_payment
from contracts.deductions import Rule
from contracts.errors import ContractsError
from contracts.payables import Ledger
from contracts.payments import Opening, Payment, make_opening, make_reversal

from . import history
from .loader import load_one
from .mapping import (
    amendment_to_row,
    assessment_to_row,
    opening_from_row,
    opening_to_row,
    payment_to_row,
    rule_from_row,
    rule_to_row,
)
from .tables import ContractRow, OpeningRow, RuleRow


@dataclass
class Held:
    """A contract a writer holds (its row locked): the row's id and the contract as it stands in this transaction."""

    id: int
    contract: Contract

    def add(self, **facts: Any) -> None:
        self.contract = self.contract.adding(**facts)


def hold(session: Session, code: str) -> Held:
    """One contract, its row locked first, read inside the session's transaction (with what it wrote so far)."""
    session.flush()
    loaded = load_one(session.connection(), code, lock=True)
    return Held(loaded.id, loaded.contract)


def held(session: Session, code: str, cache: dict[str, Held] | None) -> Held:
    """A contract, locked; with a cache (one import), loaded once and kept up to date in memory."""
    if cache is None:
        return hold(session, code)
    if code not in cache:
        cache[code] = hold(session, code)
    return cache[code]


# -- rules ------------------------------------------------------------------------------------------

def _refuse_repricing(after: Contract, before: Ledger | None, allow_credit: bool, change: str, **options) -> None:
    """Paid money is never re-priced silently (see contracts.repricing); ``before``: None when nothing was paid."""
    if before is not None:
        from contracts.repricing import refuse_repricing

        refuse_repricing(before, after.ledger(), allow_credit=allow_credit, change=change, **options)


def add_rule(session: Session, rule: Rule, *, update: bool = False, cache: dict[str, Held] | None = None,
             allow_credit: bool = False) -> str:
    """Add a rule version; the same version again is 'unchanged'; different params need ``update``.

    A rule that would lower the net of an installment below what was paid on it needs ``allow_credit``."""
    holding = held(session, rule.contract, cache)
    before = holding.contract.ledger() if holding.contract.payments else None
    same_version = [r for r in holding.contract.rules if (r.name, r.effective_from) == (rule.name, rule.effective_from)]
    existing = None
    if same_version:
        existing = session.exec(select(RuleRow).where(RuleRow.contract_id == holding.id, RuleRow.name == rule.name,
                                                      RuleRow.effective_from == rule.effective_from)).first()
    if existing is not None:
        if rule_from_row(existing, rule.contract) == rule:
            return "unchanged"
        if not update:
            raise ContractsError("name", rule.name, f"has a version from {rule.effective_from.isoformat()} already with other "
                                 "parameters; add a version with a later effective_from (an amendment), or use --update")
        before = rule_from_row(existing, rule.contract)
        replacement = rule_to_row(rule, holding.id)
        existing.kind, existing.params = replacement.kind, replacement.params
        holding.contract = dataclasses.replace(
            holding.contract, rules=tuple(rule if r is same_version[0] else r for r in holding.contract.rules))
        _refuse_repricing(holding.contract, before, allow_credit, f"this version of rule {rule.name!r}")
        history.log(session, "update rule", f"rule {rule.name!r} of {rule.contract} from {rule.effective_from}",
                    contract=rule.contract, before=before, after=rule)
        return "updated"
    session.add(rule_to_row(rule, holding.id))
    holding.add(rules=(rule,))
    _refuse_repricing(holding.contract, before, allow_credit, f"rule {rule.name!r} from {rule.effective_from.isoformat()}")
    history.log(session, "add rule", f"rule {rule.name!r} of {rule.contract} from {rule.effective_from}",
                contract=rule.contract, after=rule)
    return "added"


# -- assessments ------------------------------------------------------------------------------------

def check_terms_update(session: Session, terms, *, allow_credit: bool = False) -> None:
    """New terms for a contract with payments: refused if they would re-price an installment money was paid on
    (see contracts.repricing: record an amendment instead, or give allow_credit)."""
    current = hold(session, terms.code).contract
    if current.payments:
        _refuse_repricing(dataclasses.replace(current, terms=terms), current.ledger(), allow_credit,
                          f"import --update of {terms.code} with new terms", keep_paid_amounts=True)


def record_assessment(session: Session, code: str, raw: Mapping[str, Any], *, replace: bool = False,
                      same_is_unchanged: bool = False, cache: dict[str, Held] | None = None,
                      allow_credit: bool = False) -> tuple[Assessment, str]:
    holding = held(session, code, cache)
    contract = holding.contract
    assessment = make_assessment(raw, code=code, schedule=contract.schedule(), rules=contract.rules,
                                 as_of=session.info.get("as_of"))
    versions = [item for item in contract.assessments if item.seq == assessment.seq]
    if versions:
        latest = max(versions, key=lambda item: item.version)
        if same_is_unchanged and _same_assessment(latest, assessment):
            return latest, "unchanged"
        if not replace:
            raise ContractsError("seq", assessment.seq, f"of {code} is assessed already (on {latest.assessed_on.isoformat()}); "
                                 "use --replace to record a corrected version (the earlier one is kept)")
    version = 1 + max((item.version for item in versions), default=0)
    session.add(assessment_to_row(assessment, holding.id, version))
    stored = Assessment(**{**assessment.__dict__, "version": version})
    holding.add(assessments=(stored,))
    _refuse_repricing(holding.contract, contract.ledger() if versions and contract.payments else None, allow_credit,
                      f"the corrected assessment of seq {stored.seq}")
    history.log(session, "assess" if version == 1 else "correct assessment", f"assessment of {code} seq {stored.seq} "
                f"(version {version})", contract=code, before=latest if versions else None, after=stored)
    return stored, "added" if version == 1 else f"version {version}"


def _same_assessment(a: Assessment, b: Assessment) -> bool:
    return (a.metrics, a.score, a.items, a.assessed_on, a.assessed_by, a.document) == (
        b.metrics, b.score, b.items, b.assessed_on, b.assessed_by, b.document)


# -- payments ---------------------------------------------------------------------------------------

def record_payment(session: Session, code: str, raw: Mapping[str, Any], *, same_is_unchanged: bool = False,
                   cache: dict[str, Held] | None = None) -> tuple[Payment, str, Ledger]:
    """Record a payment the facts allow (``contracts.contract.place_payment`` decides); returns it as stored,
    whether it was added, and the ledger with it placed (its allocations still under ``NEW_PAYMENT_ID``)."""
    holding = held(session, code, cache)
    payment = new_payment(holding.contract, raw, as_of=session.info.get("as_of"))
    if same_is_unchanged:
        for stored in holding.contract.payments:
            if (stored.paid_on, stored.amount, stored.seq, stored.reference, stored.note) == (
                    payment.paid_on, payment.amount, payment.seq, payment.reference, payment.note):
                return stored, "unchanged", holding.contract.ledger()
    ledger = place_payment(holding.contract, payment)
    row = payment_to_row(payment, holding.id)
    session.add(row)
    session.flush()
    stored = Payment(**{**payment.__dict__, "id": row.id})
    holding.add(payments=(stored,))
    history.log(session, "pay", f"payment {row.id} to {code}", contract=code, after=stored)
    return stored, "added", ledger


def reverse_payment(session: Session, code: str, payment_id: int, *, on: dt.date, reference: str = "", note: str = "",
                    cache: dict[str, Held] | None = None) -> Payment:
    holding = held(session, code, cache)
    original = next((p for p in holding.contract.payments if p.id == payment_id), None)
    if original is None:
        raise ContractsError("reverse", payment_id, f"is not a payment of {code} ('contracts payments {code}' lists them)")
    reversal = make_reversal(original, on=on, new_id=0, reference=reference, note=note, existing=holding.contract.payments,
                             as_of=session.info.get("as_of"))
    row = payment_to_row(reversal, holding.id)
    session.add(row)
    session.flush()
    stored = Payment(**{**reversal.__dict__, "id": row.id})
    holding.add(payments=(stored,))
    history.log(session, "reverse payment", f"payment {row.id} reverses payment {original.id} of {code}", contract=code,
                before=original, after=stored)
    return stored


# -- opening balances -------------------------------------------------------------------------------

def set_opening(session: Session, code: str, raw: Mapping[str, Any], *, update: bool = False,
                cache: dict[str, Held] | None = None) -> tuple[Opening, str]:
    holding = held(session, code, cache)
    contract = holding.contract
    opening = make_opening(raw, code=code, schedule_dues=[item.due for item in contract.schedule(original=True)],
                           today=session.info.get("as_of"))
    existing = session.exec(select(OpeningRow).where(OpeningRow.contract_id == holding.id)).first()
    if existing is not None:
        if opening_from_row(existing, code) == opening:
            return opening, "unchanged"
        if not update:
            raise ContractsError("contract", code, "has an opening balance already (one per contract); use --update to correct it")
        if contract.payments:
            raise ContractsError("contract", code, "has payments recorded; its opening balance can no longer change")
        replacement = opening_to_row(opening, holding.id)
        existing.as_of, existing.settled_through_seq = replacement.as_of, replacement.settled_through_seq
        existing.owed_fen, existing.source = replacement.owed_fen, replacement.source
        existing.basis = replacement.basis
        history.log(session, "update opening", f"opening balance of {code}", contract=code, before=contract.opening, after=opening)
        holding.add(opening=opening)
        return opening, "updated"
    session.add(opening_to_row(opening, holding.id))
    history.log(session, "opening", f"opening balance of {code}", contract=code, after=opening)
    holding.add(opening=opening)
    return opening, "added"


# -- amendments -------------------------------------------------------------------------------------

def record_amendment(session: Session, code: str, raw: Mapping[str, Any], *, same_is_unchanged: bool = False,
                     cache: dict[str, Held] | None = None, allow_credit: bool = False):
    """An amendment from a date; returns it, whether it was added, and the contract before and after it."""
    from contracts.amendments import make_amendment

    holding = held(session, code, cache)
    before = holding.contract
    if same_is_unchanged:  # an import run again: the very same amendment is no change
        for stored in before.amendments:
            if stored.effective_from.isoformat() == str(raw.get("effective_from")):
                others = [a for a in before.amendments if a is not stored]
                if make_amendment(raw, before.terms, others) == stored:
                    return stored, "unchanged", before, before
    amendment = make_amendment(raw, before.terms, before.amendments)
    session.add(amendment_to_row(amendment, holding.id))
    holding.add(amendments=(amendment,))
    current = holding.contract.current_terms
    row = session.get(ContractRow, holding.id)
    row.billing_end, row.service_end = current.billing_end, current.service_end  # what the expiry index reads
    _refuse_repricing(holding.contract, before.ledger() if before.payments else None, allow_credit,
                      f"the amendment from {amendment.effective_from.isoformat()}")
    history.log(session, "amend", f"amendment of {code} from {amendment.effective_from}", contract=code, after=amendment)
    return amendment, "added", before, holding.contract
