"""Amendments (补充协议): effective-dated changes to a contract's terms, kept beside the original terms.

An amendment changes the annual fee, extends the billing period or extends the service period,
from a date. The schedule is then worked out from the terms in force for each period: an
installment whose period starts on or after the amendment's date is priced by the amended terms;
one that starts before keeps its amount; and an installment already fully paid keeps the amount
it was paid at, whatever its date. Installments keep their sequence numbers (periods are counted
from the billing start, which no amendment moves).

The procurement law lets a supplementary contract add at most 10% to the original amount
(GPL art. 49): ``over_ten_percent`` says when the amendments together go past it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from .errors import ContractsError
from .money import parse_money
from .periods import parse_date
from .schedule import Installment, build_schedule, contract_total
from .terms import ContractTerms, make_terms, terms_as_dict

if TYPE_CHECKING:
    from .contract import Contract
    from .usage import Usage

AMENDMENT_FIELDS = ("contract", "effective_from", "annual_fee", "billing_months", "service_months", "reference", "note")
SUPPLEMENT_LIMIT = Decimal("0.10")


@dataclass(frozen=True)
class Amendment:
    contract: str
    effective_from: dt.date
    annual_fee: Decimal | None = None
    billing_months: int | None = None
    service_months: int | None = None
    reference: str = ""
    note: str = ""


def _months(raw: Mapping[str, Any], key: str) -> int | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not str(value).strip().isdigit():
        raise ContractsError(key, value, "must be a whole number of months")
    return int(str(value).strip())


def apply(terms: ContractTerms, amendments: Iterable[Amendment], day: dt.date | None = None) -> ContractTerms:
    """The terms in force on ``day`` (None: after every amendment)."""
    current = terms
    for amendment in sorted(amendments, key=lambda a: a.effective_from):
        if day is not None and amendment.effective_from > day:
            break
        changes = {key: getattr(amendment, key) for key in ("annual_fee", "billing_months", "service_months")
                   if getattr(amendment, key) is not None}
        current = dataclasses.replace(current, **changes)
    return current


def make_amendment(raw: Mapping[str, Any], terms: ContractTerms, existing: Sequence[Amendment]) -> Amendment:
    """Check an amendment against the contract as amended so far."""
    unknown = sorted(set(raw) - set(AMENDMENT_FIELDS))
    if unknown:
        raise ContractsError(unknown[0], None, f"is not an amendment field (known: {', '.join(AMENDMENT_FIELDS)})")
    if raw.get("effective_from") in (None, ""):
        raise ContractsError("effective_from", None, "is required: the day the amendment takes effect")
    effective = parse_date(raw["effective_from"], "effective_from")
    current = apply(terms, existing)
    if not terms.billing_start <= effective < current.service_end:
        raise ContractsError("effective_from", effective.isoformat(),
                             f"is outside the contract ({terms.billing_start.isoformat()} to {current.service_end.isoformat()})")
    if any(a.effective_from == effective for a in existing):
        raise ContractsError("effective_from", effective.isoformat(), f"has an amendment of {terms.code} already")
    if terms.is_unit_priced and raw.get("annual_fee") not in (None, ""):
        raise ContractsError("annual_fee", raw["annual_fee"], "is for fixed-fee contracts")
    fee = None if raw.get("annual_fee") in (None, "") else parse_money(raw["annual_fee"], "annual_fee")
    billing, service = _months(raw, "billing_months"), _months(raw, "service_months")
    if fee is None and billing is None and service is None:
        raise ContractsError("annual_fee", None, "give what the amendment changes: annual_fee, billing_months or service_months")
    if billing is not None and billing < current.billing_months:
        raise ContractsError("billing_months", billing, f"is shorter than the {current.billing_months} months in force; "
                             "an amendment here extends a contract, it does not cut it short")
    if service is not None and service < current.service_months:
        raise ContractsError("service_months", service, f"is shorter than the {current.service_months} months in force")
    amended = {**terms_as_dict(current), **{k: v for k, v in (("annual_fee", fee), ("billing_months", billing),
                                                               ("service_months", service)) if v is not None}}
    if billing is not None and service is None and amended["service_months"] < billing:
        amended["service_months"] = billing  # billing longer than service: the service runs as long
        service = billing
    make_terms({k: v for k, v in amended.items() if v is not None})  # the amended terms must make a contract too
    return Amendment(terms.code, effective, fee, billing, service, str(raw.get("reference") or "").strip(),
                     str(raw.get("note") or "").strip())


def amended_schedule(terms: ContractTerms, amendments: Sequence[Amendment],
                     paid_before: Mapping[int, Decimal] | None = None, usage: Sequence["Usage"] = ()) -> list[Installment]:
    """Every installment, each priced by the terms in force when its period starts.

    ``paid_before``: installments fully paid under the earlier schedule, with the amount they keep;
    ``usage``: what a unit-priced contract's periods delivered (their price).
    """
    ordered = sorted(amendments, key=lambda a: a.effective_from)
    versions = [(dt.date.min, terms)] + [(a.effective_from, apply(terms, ordered, a.effective_from)) for a in ordered]
    schedules = [build_schedule(version, usage) for _, version in versions]
    paid_before = paid_before or {}
    result = []
    for item in schedules[-1]:
        index = max(i for i, (start, _) in enumerate(versions) if start <= item.period_start)
        source = schedules[index]
        amount = source[item.seq - 1].amount if item.seq <= len(source) else item.amount
        amount = paid_before.get(item.seq, amount)
        result.append(dataclasses.replace(item, amount=amount))
    return result


def adds_over_ten_percent(original: Decimal, added: Decimal) -> bool:
    """Whether an addition passes the 10% a supplementary contract may add to the original (GPL art. 49)."""
    return added > original * SUPPLEMENT_LIMIT


def over_ten_percent(terms: ContractTerms, schedule: Sequence[Installment]) -> tuple[Decimal, Decimal, bool]:
    """(original total, amended total, whether the amendments add more than 10% to the original)."""
    original = contract_total(terms)
    amended = sum((item.amount for item in schedule), Decimal("0.00"))
    return original, amended, adds_over_ten_percent(original, amended - original)


# -- what an amendment changed, as ``amend`` and ``amendments`` present it ---------------------------------

DIFF_KEYS = ("contract", "seq", "period_start", "period_end", "due", "before", "after", "change")
AMENDMENT_KEYS = ("contract", "effective_from", "annual_fee", "billing_months", "service_months", "reference", "note")


def amendment_diff(before: "Contract", after: "Contract") -> list[dict]:
    """The installments an amendment changed (or added): their amounts before and after."""
    old = {item.seq: item.amount for item in before.schedule()}
    rows = []
    for item in after.schedule():
        was = old.get(item.seq)
        change = item.amount - (was if was is not None else 0)
        if change or was is None:
            rows.append({"contract": after.code, "seq": item.seq, "period_start": item.period_start,
                         "period_end": item.period_end, "due": item.due, "before": was, "after": item.amount,
                         "change": change})
    return rows


def amendment_records(contract: "Contract") -> list[dict]:
    return [{"contract": contract.code, "effective_from": a.effective_from, "annual_fee": a.annual_fee,
             "billing_months": a.billing_months, "service_months": a.service_months, "reference": a.reference,
             "note": a.note} for a in contract.amendments]


def supplement_check(contract: "Contract") -> tuple[Decimal, Decimal, bool]:
    """(original total, amended total, whether the amendments add more than 10% to the original)."""
    return over_ten_percent(contract.terms, contract.schedule())


def supplement_sentence(contract: "Contract") -> str:
    """The totals before and after the amendments, and the 10% limit (GPL art. 49) if they pass it."""
    original, amended, over = supplement_check(contract)
    return (f"contract total: {original:,.2f} originally, {amended:,.2f} as amended"
            + (" - MORE THAN 10% ADDED, the limit for a supplementary contract (GPL art. 49)" if over else ""))
