"""Where a contract stands on a given day: billing end, expiry, days left, status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from .terms import ContractTerms


class Status(str, Enum):
    not_started = "not started"
    active = "active"
    serving = "billing ended, serving"  # billing is over, the service period is not
    expired = "expired"


@dataclass(frozen=True)
class Lifecycle:
    billing_end: dt.date
    service_end: dt.date
    days_left: int  # days from as_of to the service end; negative once expired
    status: Status


def status_on(billing_start: dt.date, billing_end: dt.date, service_end: dt.date, as_of: dt.date) -> Status:
    if as_of < billing_start:
        return Status.not_started
    if as_of < billing_end:
        return Status.active
    if as_of < service_end:
        return Status.serving
    return Status.expired


def lifecycle(terms: ContractTerms, as_of: dt.date) -> Lifecycle:
    billing_end, service_end = terms.billing_end, terms.service_end
    return Lifecycle(
        billing_end=billing_end,
        service_end=service_end,
        days_left=(service_end - as_of).days,
        status=status_on(terms.billing_start, billing_end, service_end, as_of),
    )


def expiring_within(service_end: dt.date, as_of: dt.date, within_days: int) -> bool:
    """True when the contract expires on or after ``as_of`` and at most ``within_days`` later."""
    return as_of <= service_end <= as_of + dt.timedelta(days=within_days)
