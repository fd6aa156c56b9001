"""Rows <-> domain objects. The domain never sees a row."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from contracts.amendments import Amendment
from contracts.assessments import Assessment
from contracts.deductions import Rule, make_rule, rule_as_raw
from contracts.money import format_money, from_fen, to_fen
from contracts.payments import Opening, Payment
from contracts.usage import Usage
from contracts.periods import Period, parse_date
from contracts.plausible import in_range
from contracts.terms import Alignment, ContractTerms, Frequency, Pricing, Timing

if TYPE_CHECKING:
    from contracts.lines import ServiceLine, Suspension, Transition  # imported where used: a contract's reader
    from contracts.tenders import Tender  # (show, schedule) never needs a line's or a tender's classes

    from .tables import (
        AmendmentRow,
        AssessmentRow,
        ContractRow,
        LineRow,
        OpeningRow,
        PaymentRow,
        RuleRow,
        SuspensionRow,
        TenderRow,
        TransitionRow,
        UsageRow,
    )


def _tables():
    from . import tables  # SQLModel is imported only by code that writes rows

    return tables


_COPIED = (
    "code", "name", "vendor", "buyer", "signed_on", "billing_start", "billing_months", "service_months",
    "payment_lag_days", "stated_end", "completed_on", "notes", "source", "line", "unit",
)


_CHOICES = {enum: {member.value: member for member in enum} for enum in (Frequency, Alignment, Timing, Pricing)}


_FREQUENCY, _ALIGNMENT, _TIMING, _PRICING = (_CHOICES[enum] for enum in (Frequency, Alignment, Timing, Pricing))
_new_terms = object.__new__


def terms_from_row(row: ContractRow) -> ContractTerms:
    """The one row -> terms mapping, for ORM rows and Core rows alike (both read by attribute).

    Stored terms were checked when they were written, so the frozen dataclass's generated ``__init__`` (one
    ``object.__setattr__`` per field, 22 of them) is skipped: the instance's fields are set at once, which is
    what that ``__init__`` leaves behind (ContractTerms has no ``__post_init__``). A province loads a million."""
    terms = _new_terms(ContractTerms)
    fields = {  # in the order the dataclass declares them (held so by tests/test_fastpath.py)
        "code": row.code, "name": row.name, "billing_start": row.billing_start, "billing_months": row.billing_months,
        "annual_fee": from_fen(row.annual_fee_fen), "service_months": row.service_months, "vendor": row.vendor,
        "buyer": row.buyer, "signed_on": row.signed_on, "frequency": _FREQUENCY[row.frequency],
        "alignment": _ALIGNMENT[row.alignment], "timing": _TIMING[row.timing], "payment_lag_days": row.payment_lag_days,
        "stated_end": row.stated_end, "completed_on": row.completed_on, "notes": row.notes, "source": row.source,
        "line": row.line, "pricing": _PRICING[row.pricing],
        "unit_price": None if row.unit_price_fen is None else from_fen(row.unit_price_fen), "unit": row.unit,
        "annual_cap": None if row.annual_cap_fen is None else from_fen(row.annual_cap_fen),
    }
    terms.__dict__.update(fields)
    return terms


def terms_values(terms: ContractTerms) -> dict:
    """The column values of a contract row, with the derived dates that index it."""
    values = {name: getattr(terms, name) for name in _COPIED}
    values.update(
        annual_fee_fen=to_fen(terms.annual_fee), frequency=terms.frequency.value, alignment=terms.alignment.value,
        timing=terms.timing.value, pricing=terms.pricing.value,
        unit_price_fen=None if terms.unit_price is None else to_fen(terms.unit_price),
        annual_cap_fen=None if terms.annual_cap is None else to_fen(terms.annual_cap),
        billing_end=terms.billing_end, service_end=terms.service_end,
    )
    return values


def write_terms(row: ContractRow, terms: ContractTerms) -> ContractRow:
    """Copy terms onto a row (new or existing)."""
    for name, value in terms_values(terms).items():
        setattr(row, name, value)
    return row


# -- rules, assessments, payments, openings ---------------------------------------------------------

def rule_from_row(row: RuleRow, code: str) -> Rule:
    """The stored rule of contract ``code``. A province's contracts share a few rule texts, which differ mostly in the
    day they take effect: each distinct text but for that day is read and checked once (``make_rule``), each day once,
    and each contract gets that rule with its own code and day."""
    params = row.params
    found = _EFFECTIVE_FROM.search(params)
    day = None
    if found is not None and _EFFECTIVE_FROM.search(params, found.end()) is None:
        day = _effective_from(found.group(1))
        params = params[:found.start(1)] + _STAND_IN_DAY + params[found.end(1):]
    stored = _stored_rule(params)
    # ``dataclasses.replace(stored, contract=code, ...)`` without its __init__ of every field: the rule classes have no
    # __post_init__, so the copied fields are all that __init__ would leave (tests/test_rule_rows.py holds the two equal).
    rule = object.__new__(type(stored))
    fields = rule.__dict__
    fields.update(stored.__dict__)
    fields["contract"] = code
    if day is not None:
        fields["effective_from"] = day
    return rule


# The day as ``rule_to_row`` writes it (JSON with sorted keys); a note's quotes are escaped, so it cannot look like it.
_EFFECTIVE_FROM = re.compile(r'"effective_from": "([0-9]{4}-[0-9]{2}-[0-9]{2})"')
_STAND_IN_DAY = "2000-01-01"  # a valid day in the text checked once; no rule's check reads the day


@lru_cache(maxsize=4096)
def _stored_rule(params: str) -> Rule:
    return make_rule(json.loads(params), "-")  # "-": a stand-in code, replaced by the contract's


@lru_cache(maxsize=4096)
def _effective_from(text: str) -> dt.date:
    """The day a stored rule takes effect, checked as ``make_rule`` checks it."""
    return in_range(parse_date(text, "effective_from"), "effective_from")


def rule_to_row(rule: Rule, contract_id: int) -> RuleRow:
    return _tables().RuleRow(contract_id=contract_id, name=rule.name, effective_from=rule.effective_from, kind=rule.kind,
                   params=json.dumps(rule_as_raw(rule), ensure_ascii=False, sort_keys=True))


def assessment_from_row(row: AssessmentRow, code: str) -> Assessment:
    return Assessment(
        contract=code, seq=row.seq, assessed_on=row.assessed_on, metrics=_metrics(row.metrics),
        score=None if row.score is None else Decimal(row.score), items=_items(row.items),
        assessed_by=row.assessed_by, document=row.document, version=row.version,
    )


# A province's assessments repeat a few texts (the same metric at the same few values, items mostly none): each
# distinct text is read once, its values (immutable) shared.
@lru_cache(maxsize=4096)
def _metrics(text: str) -> tuple[tuple[str, Decimal], ...]:
    return tuple((name, Decimal(value)) for name, value in sorted(json.loads(text).items()))


@lru_cache(maxsize=4096)
def _items(text: str) -> tuple[tuple[str, int], ...]:
    return tuple((reason, to_fen(Decimal(amount))) for reason, amount in json.loads(text))


def assessment_to_row(item: Assessment, contract_id: int, version: int) -> AssessmentRow:
    return _tables().AssessmentRow(
        contract_id=contract_id, seq=item.seq, version=version, assessed_on=item.assessed_on,
        metrics=json.dumps({name: str(value) for name, value in item.metrics}, ensure_ascii=False, sort_keys=True),
        score=None if item.score is None else str(item.score),
        items=json.dumps([[reason, format_money(from_fen(fen))] for reason, fen in item.items], ensure_ascii=False),
        assessed_by=item.assessed_by, document=item.document,
    )


def payment_from_row(row: PaymentRow, code: str) -> Payment:
    return Payment(id=row.id, contract=code, paid_on=row.paid_on, amount=from_fen(row.amount_fen), seq=row.seq,
                   reference=row.reference, note=row.note, reverses=row.reverses_id, allow_credit=row.allow_credit)


def payment_to_row(payment: Payment, contract_id: int) -> PaymentRow:
    return _tables().PaymentRow(contract_id=contract_id, paid_on=payment.paid_on, amount_fen=to_fen(payment.amount),
                      seq=payment.seq, reference=payment.reference, note=payment.note,
                      reverses_id=payment.reverses, allow_credit=payment.allow_credit)


def opening_from_row(row: OpeningRow, code: str) -> Opening:
    return Opening(contract=code, as_of=row.as_of, settled_through_seq=row.settled_through_seq,
                   owed=from_fen(row.owed_fen), source=row.source, basis=row.basis)


def opening_to_row(opening: Opening, contract_id: int) -> OpeningRow:
    return _tables().OpeningRow(contract_id=contract_id, as_of=opening.as_of, settled_through_seq=opening.settled_through_seq,
                      owed_fen=to_fen(opening.owed), source=opening.source, basis=opening.basis)


# -- lines, tenders, transitions, suspensions ---------------------------------------------------------

def line_from_row(row: LineRow) -> ServiceLine:
    from contracts.lines import ServiceLine

    return ServiceLine(row.code, row.name, row.buyer, row.notes)


def tender_from_row(row: TenderRow) -> Tender:
    from contracts.tenders import DATE_FIELDS, Tender

    return Tender(line=row.line, method=row.method, outcome=row.outcome, id=row.id, ground=row.ground,
                  bidders=row.bidders, method_approval=row.method_approval, contract=row.contract, note=row.note,
                  **{name: getattr(row, name) for name in DATE_FIELDS})


def tender_to_row(tender: Tender) -> TenderRow:
    from contracts.tenders import DATE_FIELDS

    return _tables().TenderRow(line=tender.line, method=tender.method, outcome=tender.outcome, ground=tender.ground,
                     bidders=tender.bidders, method_approval=tender.method_approval, contract=tender.contract,
                     note=tender.note, **{name: getattr(tender, name) for name in DATE_FIELDS})


def transition_from_row(row: TransitionRow) -> Transition:
    from contracts.lines import Transition

    return Transition(row.line, row.start, row.end, row.approved_by, row.basis, row.reference,
                      None if row.unit_price_fen is None else from_fen(row.unit_price_fen))


def transition_to_row(item: Transition) -> TransitionRow:
    return _tables().TransitionRow(line=item.line, start=item.start, end=item.end, approved_by=item.approved_by, basis=item.basis,
                         reference=item.reference, unit_price_fen=None if item.unit_price is None else to_fen(item.unit_price))


def suspension_from_row(row: SuspensionRow) -> Suspension:
    from contracts.lines import Suspension

    return Suspension(row.line, row.start, row.end, row.reason, row.reference)


def suspension_to_row(item: Suspension) -> SuspensionRow:
    return _tables().SuspensionRow(line=item.line, start=item.start, end=item.end, reason=item.reason, reference=item.reference)


def usage_from_row(row: UsageRow, target: str) -> Usage:
    return Usage(target, Period(row.period_start, row.period_end), row.quantity,
                 None if row.amount_fen is None else from_fen(row.amount_fen), row.note)


def usage_to_row(item: Usage, line: str, contract_id: int | None) -> UsageRow:
    return _tables().UsageRow(contract_id=contract_id, line=line, period_start=item.period.start, period_end=item.period.end,
                    quantity=item.quantity, amount_fen=None if item.amount is None else to_fen(item.amount), note=item.note)


def amendment_from_row(row: "AmendmentRow", code: str) -> Amendment:
    return Amendment(code, row.effective_from, None if row.annual_fee_fen is None else from_fen(row.annual_fee_fen),
                     row.billing_months, row.service_months, row.reference, row.note)


def amendment_to_row(item: Amendment, contract_id: int) -> "AmendmentRow":
    return _tables().AmendmentRow(contract_id=contract_id, effective_from=item.effective_from,
                                  annual_fee_fen=None if item.annual_fee is None else to_fen(item.annual_fee),
                                  billing_months=item.billing_months, service_months=item.service_months,
                                  reference=item.reference, note=item.note)
