"""Loading a contract's facts and recording new ones, inside the caller's transaction.

Every check that needs the other facts of the contract (is the installment
assessed? is this more than is owed?) is a pure function of ``contracts``; these
functions only load what it needs and write what it accepted. On PostgreSQL the
contract's row is locked first, so that two clerks recording against the same
contract at once are served one after the other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from sqlmodel import Session, select

from contracts.assessments import Assessment, make_assessment
from contracts.deductions import Rule
from contracts.errors import ContractsError
from contracts.money import format_money, from_fen
from contracts.payables import AWAITING, Ledger
from contracts.payments import Opening, Payment, make_opening, make_payment, make_reversal
from contracts.schedule import build_schedule

from . import history
from .factset import Facts
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

PROVISIONAL_ID = 10**15  # sorts a payment not yet written after every stored one of the same day


def find_contract(session: Session, code: str, *, lock: bool = False) -> ContractRow:
    query = select(ContractRow).where(ContractRow.code == code)
    if lock:
        query = query.with_for_update()
    row = session.exec(query).first()
    if row is None:
        raise ContractsError("code", code, "is not a contract in this store ('contracts list' shows them)")
    return row


def load_facts(session: Session, code: str, *, lock: bool = False) -> Facts:
    """One contract's facts inside the session's transaction; with ``lock``, its row is locked first
    (PostgreSQL: SELECT ... FOR UPDATE), so that what is read next cannot change under the writer."""
    from .reads import facts

    find_contract(session, code, lock=lock)
    session.flush()  # what this transaction wrote so far must be read back too
    return facts(session.connection(), code)


# -- rules ------------------------------------------------------------------------------------------

def add_rule(session: Session, rule: Rule, *, update: bool = False, cache: dict[str, Facts] | None = None,
             allow_credit: bool = False) -> str:
    """Add a rule version; the same version again is 'unchanged'; different params need ``update``.

    A rule that would lower the net of an installment below what was paid on it needs ``allow_credit``."""
    facts = cached_facts(session, rule.contract, cache)
    before = facts.ledger() if facts.payments else None
    same_version = [r for r in facts.rules if (r.name, r.effective_from) == (rule.name, rule.effective_from)]
    existing = None
    if same_version:
        existing = session.exec(select(RuleRow).where(RuleRow.contract_id == facts.contract_id, RuleRow.name == rule.name,
                                                      RuleRow.effective_from == rule.effective_from)).first()
    if existing is not None:
        if rule_from_row(existing, rule.contract) == rule:
            return "unchanged"
        if not update:
            raise ContractsError("name", rule.name, f"has a version from {rule.effective_from.isoformat()} already with other "
                                 "parameters; add a version with a later effective_from (an amendment), or use --update")
        before = rule_from_row(existing, rule.contract)
        replacement = rule_to_row(rule, facts.contract_id)
        existing.kind, existing.params = replacement.kind, replacement.params
        facts.rules = [rule if r is same_version[0] else r for r in facts.rules]
        _refuse_repricing(facts, before, allow_credit, f"this version of rule {rule.name!r}")
        history.log(session, "update rule", f"rule {rule.name!r} of {rule.contract} from {rule.effective_from}",
                    contract=rule.contract, before=before, after=rule)
        return "updated"
    session.add(rule_to_row(rule, facts.contract_id))
    facts.rules.append(rule)
    _refuse_repricing(facts, before, allow_credit, f"rule {rule.name!r} from {rule.effective_from.isoformat()}")
    history.log(session, "add rule", f"rule {rule.name!r} of {rule.contract} from {rule.effective_from}",
                contract=rule.contract, after=rule)
    return "added"


# -- assessments ------------------------------------------------------------------------------------

def cached_facts(session: Session, code: str, cache: dict[str, Facts] | None) -> Facts:
    """A contract's facts, locked; with a cache (one import), loaded once and kept up to date in memory."""
    if cache is None:
        return load_facts(session, code, lock=True)
    if code not in cache:
        cache[code] = load_facts(session, code, lock=True)
    return cache[code]


def _refuse_repricing(facts: Facts, before: Ledger | None, allow_credit: bool, change: str, **options) -> None:
    """Paid money is never re-priced silently (see contracts.repricing); ``before``: None when nothing was paid."""
    if before is not None:
        from contracts.repricing import refuse_repricing

        refuse_repricing(before, facts.ledger(), allow_credit=allow_credit, change=change, **options)


def check_terms_update(session: Session, terms, *, allow_credit: bool = False) -> None:
    """New terms for a contract with payments: refused if they would re-price an installment money was paid on
    (see contracts.repricing: record an amendment instead, or give allow_credit)."""
    facts = load_facts(session, terms.code, lock=True)
    if not facts.payments:
        return
    before = facts.ledger()
    facts.terms, facts._schedule = terms, None
    _refuse_repricing(facts, before, allow_credit, f"import --update of {terms.code} with new terms", keep_paid_amounts=True)


def record_assessment(session: Session, code: str, raw: Mapping[str, Any], *, replace: bool = False,
                      same_is_unchanged: bool = False, cache: dict[str, Facts] | None = None,
                      allow_credit: bool = False) -> tuple[Assessment, str]:
    facts = cached_facts(session, code, cache)
    assessment = make_assessment(raw, code=code, schedule=facts.schedule(), rules=facts.rules, as_of=session.info.get("as_of"))
    versions = [item for item in facts.assessments if item.seq == assessment.seq]
    if versions:
        latest = max(versions, key=lambda item: item.version)
        if same_is_unchanged and _same_assessment(latest, assessment):
            return latest, "unchanged"
        if not replace:
            raise ContractsError("seq", assessment.seq, f"of {code} is assessed already (on {latest.assessed_on.isoformat()}); "
                                 "use --replace to record a corrected version (the earlier one is kept)")
    version = 1 + max((item.version for item in versions), default=0)
    before = facts.ledger() if versions and facts.payments else None
    session.add(assessment_to_row(assessment, facts.contract_id, version))
    stored = Assessment(**{**assessment.__dict__, "version": version})
    facts.assessments.append(stored)
    _refuse_repricing(facts, before, allow_credit, f"the corrected assessment of seq {stored.seq}")
    history.log(session, "assess" if version == 1 else "correct assessment", f"assessment of {code} seq {stored.seq} "
                f"(version {version})", contract=code, before=latest if versions else None, after=stored)
    return stored, "added" if version == 1 else f"version {version}"


def _same_assessment(a: Assessment, b: Assessment) -> bool:
    return (a.metrics, a.score, a.items, a.assessed_on, a.assessed_by, a.document) == (
        b.metrics, b.score, b.items, b.assessed_on, b.assessed_by, b.document)


# -- payments ---------------------------------------------------------------------------------------

def _check_and_place(facts: Facts, payment: Payment) -> Ledger:
    """The ledger with the new payment placed; refuses a payment that pays more than is owed."""
    code = facts.terms.code
    after = facts.ledger(extra_payments=[payment])
    if payment.seq is not None and payment.reverses is None:
        target = after.payable(payment.seq)  # its state does not depend on the payments
        if target.state == AWAITING:
            raise ContractsError("seq", payment.seq, f"of {code} awaits assessment; record it with 'contracts assess' first")
        if target.settled_by == "opening balance":
            raise ContractsError("seq", payment.seq, f"of {code} was settled before tracking began (opening balance)")
    unplaced = after.allocation.unplaced_fen.get(PROVISIONAL_ID, 0)
    if unplaced and not payment.allow_credit and payment.reverses is None:
        placed = payment.amount - from_fen(unplaced)
        where = f"seq {payment.seq}" if payment.seq is not None else f"installments due by {payment.paid_on.isoformat()}"
        raise ContractsError(
            "amount", format_money(payment.amount),
            f"is more than is owed on {code} ({where}: {format_money(placed)} owed); "
            "use --allow-credit to record the excess as a credit to the vendor",
        )
    others = {pid: fen for pid, fen in after.allocation.unplaced_fen.items() if pid != PROVISIONAL_ID}
    before = facts.ledger() if others else None  # needed only when some earlier payment now places less
    for payment_id, fen in others.items():
        if fen <= before.allocation.unplaced_fen.get(payment_id, 0):
            continue
        earlier = next(p for p in facts.payments if p.id == payment_id)
        if not earlier.allow_credit:
            raise ContractsError(
                "paid_on", payment.paid_on.isoformat(),
                f"comes before payment {payment_id} of {earlier.paid_on.isoformat()}, which would then pay more than is owed",
            )
    return after


def record_payment(session: Session, code: str, raw: Mapping[str, Any], *, same_is_unchanged: bool = False,
                   cache: dict[str, Facts] | None = None) -> tuple[Payment, str, Ledger]:
    facts = cached_facts(session, code, cache)
    terms = facts.terms
    starts_on = min(day for day in (terms.signed_on, terms.billing_start) if day is not None)
    payment = make_payment(raw, code=code, starts_on=starts_on, installments=len(build_schedule(terms)), new_id=PROVISIONAL_ID,
                           as_of=session.info.get("as_of"))
    if same_is_unchanged:
        for stored in facts.payments:
            if (stored.paid_on, stored.amount, stored.seq, stored.reference, stored.note) == (
                    payment.paid_on, payment.amount, payment.seq, payment.reference, payment.note):
                return stored, "unchanged", facts.ledger()
    ledger = _check_and_place(facts, payment)
    row = payment_to_row(payment, facts.contract_id)
    session.add(row)
    session.flush()
    stored = Payment(**{**payment.__dict__, "id": row.id})
    facts.payments.append(stored)
    history.log(session, "pay", f"payment {row.id} to {code}", contract=code, after=stored)
    return stored, "added", ledger


def reverse_payment(session: Session, code: str, payment_id: int, *, on: dt.date, reference: str = "", note: str = "") -> Payment:
    facts = load_facts(session, code, lock=True)
    original = next((p for p in facts.payments if p.id == payment_id), None)
    if original is None:
        raise ContractsError("reverse", payment_id, f"is not a payment of {code} ('contracts payments {code}' lists them)")
    reversal = make_reversal(original, on=on, new_id=PROVISIONAL_ID, reference=reference, note=note, existing=facts.payments,
                             as_of=session.info.get("as_of"))
    row = payment_to_row(reversal, facts.contract_id)
    session.add(row)
    session.flush()
    stored = Payment(**{**reversal.__dict__, "id": row.id})
    history.log(session, "reverse payment", f"payment {row.id} reverses payment {original.id} of {code}", contract=code,
                before=original, after=stored)
    return stored


# -- opening balances -------------------------------------------------------------------------------

def set_opening(session: Session, code: str, raw: Mapping[str, Any], *, update: bool = False,
                cache: dict[str, Facts] | None = None) -> tuple[Opening, str]:
    facts = cached_facts(session, code, cache)
    opening = make_opening(raw, code=code, schedule_dues=[item.due for item in build_schedule(facts.terms)],
                           today=session.info.get("as_of"))
    existing = session.exec(select(OpeningRow).where(OpeningRow.contract_id == facts.contract_id)).first()
    if existing is not None:
        if opening_from_row(existing, code) == opening:
            return opening, "unchanged"
        if not update:
            raise ContractsError("contract", code, "has an opening balance already (one per contract); use --update to correct it")
        if facts.payments:
            raise ContractsError("contract", code, "has payments recorded; its opening balance can no longer change")
        replacement = opening_to_row(opening, facts.contract_id)
        existing.as_of, existing.settled_through_seq = replacement.as_of, replacement.settled_through_seq
        existing.owed_fen, existing.source = replacement.owed_fen, replacement.source
        history.log(session, "update opening", f"opening balance of {code}", contract=code, before=facts.opening, after=opening)
        facts.opening = opening
        return opening, "updated"
    session.add(opening_to_row(opening, facts.contract_id))
    history.log(session, "opening", f"opening balance of {code}", contract=code, after=opening)
    facts.opening = opening
    return opening, "added"



# -- amendments -------------------------------------------------------------------------------------

def record_amendment(session: Session, code: str, raw: Mapping[str, Any], *, same_is_unchanged: bool = False,
                     cache: dict[str, Facts] | None = None, allow_credit: bool = False):
    """An amendment from a date; returns it with the schedules before and after it."""
    from contracts.amendments import apply, make_amendment

    facts = cached_facts(session, code, cache)
    if same_is_unchanged:  # an import run again: the very same amendment is no change
        for stored in facts.amendments:
            if stored.effective_from.isoformat() == str(raw.get("effective_from")):
                others = [a for a in facts.amendments if a is not stored]
                if make_amendment(raw, facts.terms, others) == stored:
                    return stored, "unchanged", None, None
    amendment = make_amendment(raw, facts.terms, facts.amendments)
    ledger_before = facts.ledger()
    before = [item for item in ledger_before.payables if item.seq]
    session.add(amendment_to_row(amendment, facts.contract_id))
    facts.amendments = sorted(facts.amendments + [amendment], key=lambda a: a.effective_from)
    facts._schedule = None
    current = apply(facts.terms, facts.amendments)
    row = session.get(ContractRow, facts.contract_id)
    row.billing_end, row.service_end = current.billing_end, current.service_end  # what the expiry index reads
    _refuse_repricing(facts, ledger_before if facts.payments else None, allow_credit,
                      f"the amendment from {amendment.effective_from.isoformat()}")
    history.log(session, "amend", f"amendment of {code} from {amendment.effective_from}", contract=code, after=amendment)
    after = [item for item in facts.ledger().payables if item.seq]
    return amendment, "added", before, after
