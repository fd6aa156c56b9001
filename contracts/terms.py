"""Contract terms: the stored facts of a fixed-fee service contract, checked on entry."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import Enum
from typing import Any, Mapping

from . import limits
from .errors import ContractsError
from .money import LARGEST, parse_money
from .periods import add_months, parse_date, parse_optional_date


class Frequency(str, Enum):
    monthly = "monthly"
    quarterly = "quarterly"
    semiannual = "semiannual"
    annual = "annual"

    @property
    def months(self) -> int:
        return _FREQUENCY_MONTHS[self]


_FREQUENCY_MONTHS = {
    Frequency.monthly: 1,
    Frequency.quarterly: 3,
    Frequency.semiannual: 6,
    Frequency.annual: 12,
}


class Alignment(str, Enum):
    anniversary = "anniversary"  # periods counted from the billing start
    calendar = "calendar"  # periods cut at calendar boundaries, stubs prorated by days


class Timing(str, Enum):
    arrears = "arrears"  # due at the period's end
    advance = "advance"  # due at its start


class Pricing(str, Enum):
    fixed = "fixed"  # an annual fee, split into installments
    unit = "unit"  # a price per unit, settled per period by the quantity delivered


CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")
MAX_MONTHS = 1200  # a hundred years: longer is a typo, not a contract
EARLIEST = dt.date(1949, 10, 1)
LATEST = dt.date(2200, 1, 1)


@dataclass(frozen=True)
class ContractTerms:
    """What a contract says. Everything else (schedule, expiry, status) is derived."""

    code: str
    name: str
    billing_start: dt.date
    billing_months: int
    annual_fee: Decimal
    service_months: int
    vendor: str = ""
    buyer: str = ""
    signed_on: dt.date | None = None
    frequency: Frequency = Frequency.quarterly
    alignment: Alignment = Alignment.anniversary
    timing: Timing = Timing.arrears
    payment_lag_days: int = 0
    stated_end: str = ""
    completed_on: dt.date | None = None
    notes: str = ""
    source: str = ""
    line: str = ""  # the service line it serves; "" forms a line of its own
    pricing: Pricing = Pricing.fixed
    unit_price: Decimal | None = None
    unit: str = ""
    annual_cap: Decimal | None = None  # unit-priced: the budget for a fiscal year

    @property
    def line_code(self) -> str:
        return self.line or self.code

    @property
    def is_unit_priced(self) -> bool:
        return self.pricing is Pricing.unit

    @property
    def billing_end(self) -> dt.date:
        """The day billing stops (exclusive end of the last billed period)."""
        return add_months(self.billing_start, self.billing_months)

    @property
    def service_end(self) -> dt.date:
        """The day the contract expires: the end of the service period."""
        return add_months(self.billing_start, self.service_months)


TERM_FIELDS = tuple(f.name for f in fields(ContractTerms))


def _text(raw: Mapping[str, Any], field: str, *, required: bool = False) -> str:
    return limits.text(raw.get(field), "contract", field, required=required)


def _whole(raw: Mapping[str, Any], field: str, default: int | None = None) -> int:
    return limits.whole(raw.get(field), field, minimum=None, default=default)


def _choice(raw: Mapping[str, Any], field: str, enum: type[Enum], default: Enum) -> Any:
    value = raw.get(field)
    if value is None or value == "":
        return default
    if isinstance(value, enum):
        return value
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise ContractsError(field, value, f"must be one of: {allowed}") from None


def _date_in_range(value: dt.date | None, field: str) -> dt.date | None:
    if value is not None and not (EARLIEST <= value < LATEST):
        raise ContractsError(field, value.isoformat(), f"is outside {EARLIEST.year}-{LATEST.year - 1}")
    return value


def _is_zero(value: object) -> bool:
    try:
        return Decimal(str(value)) == 0
    except Exception:
        return False


def make_terms(raw: Mapping[str, Any]) -> ContractTerms:
    """Check raw values (from a file, the command line or the store) and build terms.

    Raises ``ContractsError`` naming the first field that is wrong.
    """
    unknown = sorted(set(raw) - set(TERM_FIELDS))
    if unknown:
        raise ContractsError(unknown[0], None, f"is not a contract term (known: {', '.join(TERM_FIELDS)})")
    code = _text(raw, "code", required=True)
    if not CODE_PATTERN.match(code):
        raise ContractsError("code", code, "must be letters, digits, '-', '_' or '.', at most 32, e.g. TW1")
    name = _text(raw, "name", required=True)
    billing_start = _date_in_range(parse_date(raw.get("billing_start"), "billing_start"), "billing_start")
    billing_months = _whole(raw, "billing_months")
    if not 0 < billing_months <= MAX_MONTHS:
        raise ContractsError("billing_months", billing_months, f"must be between 1 and {MAX_MONTHS}")
    service_months = _whole(raw, "service_months", default=billing_months)
    if not 0 < service_months <= MAX_MONTHS:
        raise ContractsError("service_months", service_months, f"must be between 1 and {MAX_MONTHS}")
    if service_months < billing_months:
        raise ContractsError(
            "service_months", service_months, f"is shorter than billing_months ({billing_months}); a contract bills only while it serves"
        )
    pricing = _choice(raw, "pricing", Pricing, Pricing.fixed)
    unit_price = annual_cap = None
    if pricing is Pricing.unit:
        fee = raw.get("annual_fee")
        if fee not in (None, "") and not (isinstance(fee, (int, str, Decimal)) and _is_zero(fee)):
            raise ContractsError("annual_fee", raw["annual_fee"], "is for fixed-fee contracts; a unit-priced one has unit_price")
        if raw.get("unit_price") in (None, ""):
            raise ContractsError("unit_price", None, "is required for a unit-priced contract (e.g. 500.00 per set)")
        unit_price = parse_money(raw["unit_price"], "unit_price")
        if raw.get("annual_cap") not in (None, ""):
            annual_cap = parse_money(raw["annual_cap"], "annual_cap")
        annual_fee = Decimal("0.00")
    else:
        for key in ("unit_price", "annual_cap"):
            if raw.get(key) not in (None, ""):
                raise ContractsError(key, raw[key], "is for unit-priced contracts (pricing = \"unit\")")
        if raw.get("annual_fee") is None:
            raise ContractsError("annual_fee", None, "is required")
        annual_fee = parse_money(raw["annual_fee"], "annual_fee")
    line = _text(raw, "line")
    if line and not CODE_PATTERN.match(line):
        raise ContractsError("line", line, "must be letters, digits, '-', '_' or '.', at most 32, e.g. SEAL")
    frequency = _choice(raw, "frequency", Frequency, Frequency.quarterly)
    alignment = _choice(raw, "alignment", Alignment, Alignment.anniversary)
    timing = _choice(raw, "timing", Timing, Timing.arrears)
    if alignment is Alignment.anniversary and billing_months % frequency.months:
        # A period that is not a whole number of installments has no honest last
        # installment under anniversary alignment: refuse rather than invent a stub.
        raise ContractsError(
            "billing_months",
            billing_months,
            f"is not a whole number of {frequency.value} installments ({frequency.months} months each); "
            "use a frequency that divides it, or alignment 'calendar' (prorated stubs)",
        )
    payment_lag_days = _whole(raw, "payment_lag_days", default=0)
    if not 0 <= payment_lag_days <= 3660:
        raise ContractsError("payment_lag_days", payment_lag_days, "must be between 0 and 3660")
    terms = ContractTerms(
        code=code,
        name=name,
        billing_start=billing_start,
        billing_months=billing_months,
        annual_fee=annual_fee,
        service_months=service_months,
        vendor=_text(raw, "vendor"),
        buyer=_text(raw, "buyer"),
        signed_on=_date_in_range(parse_optional_date(raw.get("signed_on"), "signed_on"), "signed_on"),
        frequency=frequency,
        alignment=alignment,
        timing=timing,
        payment_lag_days=payment_lag_days,
        stated_end=_text(raw, "stated_end"),
        completed_on=_date_in_range(parse_optional_date(raw.get("completed_on"), "completed_on"), "completed_on"),
        notes=_text(raw, "notes"),
        source=_text(raw, "source"),
        line=line,
        pricing=pricing,
        unit_price=unit_price,
        unit=_text(raw, "unit"),
        annual_cap=annual_cap,
    )
    if terms.service_end >= LATEST:
        raise ContractsError("service_months", service_months, f"runs past {LATEST.year - 1}")
    if annual_fee * billing_months / 12 >= LARGEST:
        # Every amount derived from the terms (an installment, a year, the whole contract) stays within the money cap.
        raise ContractsError("annual_fee", str(annual_fee), f"over {billing_months} months comes to more than the largest "
                             "amount kept here (99,999,999,999,999.99); check the fee and the months")
    return terms


def terms_as_dict(terms: ContractTerms) -> dict[str, Any]:
    """The terms as plain values, under the field names of the interface."""
    return {name: getattr(terms, name) for name in TERM_FIELDS}
