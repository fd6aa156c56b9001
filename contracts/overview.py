"""Report rows about contracts as plain values (dates, Decimals, text): the CLI only renders them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Iterable, Sequence

from .lifecycle import expiring_within, lifecycle, status_on
from .schedule import Installment, build_schedule, contract_total, next_installment
from .terms import ContractTerms, terms_as_dict

CONTRACT_KEYS = (
    "code", "name", "vendor", "buyer", "signed_on", "billing_start", "billing_months", "service_months",
    "annual_fee", "frequency", "alignment", "timing", "payment_lag_days", "stated_end", "completed_on",
    "notes", "source", "billing_end", "service_end", "status", "days_left", "total", "installments",
)
SCHEDULE_KEYS = ("contract", "seq", "period_start", "period_end", "due", "amount")
EXPIRING_KEYS = ("contract", "name", "billing_end", "service_end", "days_left", "status")
OVERVIEW_KEYS = (
    "contract", "name", "status", "service_end", "days_left", "next_seq", "next_due", "next_amount",
)


def stated_end_agrees(stated: str, computed: dt.date) -> bool | None:
    """Whether the end the source states ("2024-12", "2024-03-30") agrees with the computed one.

    None when nothing is stated. A stated month or year agrees when the computed
    date falls in it. Sources write ends both ways: the day a contract expires
    (72 months from 2018-03-30 "expire on 2024-03-30") and its last day of service
    ("2021-07-01 to 2023-06-30"); either agrees.
    """
    stated = stated.strip()
    if not stated:
        return None
    last_day = computed - dt.timedelta(days=1)
    return computed.isoformat().startswith(stated) or (len(stated) == 10 and last_day.isoformat() == stated)


def contract_record(terms: ContractTerms, as_of: dt.date, schedule: Sequence[Installment] | None = None) -> dict[str, Any]:
    """The terms under their own names, plus where the contract stands on ``as_of``.

    ``schedule``: the installments when they are not simply the terms' own (an amended contract).
    """
    state = lifecycle(terms, as_of)
    record = terms_as_dict(terms)
    record.update(
        billing_end=state.billing_end,
        service_end=state.service_end,
        status=state.status.value,
        days_left=state.days_left,
        total=contract_total(terms) if schedule is None else sum((i.amount for i in schedule), Decimal("0.00")),
        installments=len(build_schedule(terms) if schedule is None else schedule),
    )
    return record


def schedule_record(item: Installment) -> dict[str, Any]:
    return {key: getattr(item, key) for key in SCHEDULE_KEYS}


def expiring_records(contracts: Iterable[tuple[str, str, dt.date, dt.date, dt.date]], as_of: dt.date,
                     within_days: int) -> list[dict[str, Any]]:
    """Contracts, given as (code, name, billing start, billing end, service end), whose service ends
    within ``within_days`` of ``as_of``, soonest first."""
    rows = []
    for code, name, billing_start, billing_end, service_end in contracts:
        if expiring_within(service_end, as_of, within_days):
            rows.append({
                "contract": code, "name": name, "billing_end": billing_end, "service_end": service_end,
                "days_left": (service_end - as_of).days,
                "status": status_on(billing_start, billing_end, service_end, as_of).value,
            })
    return sorted(rows, key=lambda row: (row["service_end"], row["contract"]))


def overview_records(terms_list: Iterable[ContractTerms], as_of: dt.date) -> list[dict[str, Any]]:
    """Each contract's status, days to expiry and next installment: the demo's first screen."""
    rows = []
    for terms in terms_list:
        state = lifecycle(terms, as_of)
        upcoming = next_installment(build_schedule(terms), as_of)
        rows.append(
            {
                "contract": terms.code,
                "name": terms.name,
                "status": state.status.value,
                "service_end": state.service_end,
                "days_left": state.days_left,
                "next_seq": upcoming.seq if upcoming else None,
                "next_due": upcoming.due if upcoming else None,
                "next_amount": upcoming.amount if upcoming else None,
            }
        )
    return rows
