"""Report rows about contracts as plain values (dates, Decimals, text): the CLI only renders them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from .basis import Basis, described
from .lifecycle import expiring_within, lifecycle, status_on
from .money import format_money_grouped
from .schedule import Installment, build_schedule, contract_total, next_installment
from .terms import ContractTerms, terms_as_dict

if TYPE_CHECKING:
    from .contract import Contract

CONTRACT_KEYS = (
    "code", "name", "vendor", "buyer", "signed_on", "billing_start", "billing_months", "service_months",
    "annual_fee", "frequency", "alignment", "timing", "payment_lag_days", "stated_end", "completed_on",
    "notes", "source", "billing_end", "service_end", "status", "days_left", "total", "installments",
    "pricing", "unit_price", "unit", "basis",
)
SCHEDULE_KEYS = ("contract", "seq", "period_start", "period_end", "due", "amount", "basis")
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
        basis="computed",
    )
    if terms.is_unit_priced:  # no annual fee and no total: what it costs is the usage, period by period
        record.update(annual_fee=None, total=None, basis=described(Basis.UNKNOWN, [unit_priced_note(terms)]))
    return record


def unit_priced_note(terms: ContractTerms) -> str:
    """"unit-priced: 500.00 per set of 4 seals, each installment priced by the usage recorded"."""
    return f"unit-priced: {format_money_grouped(terms.unit_price)} per {terms.unit or 'unit'}, each installment priced by the usage recorded"


def schedule_record(item: Installment) -> dict[str, Any]:
    return {**{key: getattr(item, key) for key in SCHEDULE_KEYS if key != "basis"}, "basis": "computed"}


def schedule_rows(contract: "Contract", *, original: bool = False) -> list[dict[str, Any]]:
    """The installments as ``schedule`` lists them: a unit-priced one costs the usage recorded in its period, or is
    unknown (awaiting usage), never 0.00."""
    if not contract.terms.is_unit_priced:
        return [schedule_record(item) for item in listed_schedule(contract, original=original)]
    from .usage import usage_in

    rows = []
    for item in contract.schedule(original=original):
        recorded = bool(usage_in(contract.usage, item.period))
        rows.append({**schedule_record(item), "amount": item.amount if recorded else None,
                     "basis": "computed: the usage recorded" if recorded else described(Basis.UNKNOWN, ["awaiting usage"])})
    return rows


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
                "next_amount": upcoming.amount if upcoming and not terms.is_unit_priced else None,  # unknown till used
            }
        )
    return rows


# -- one contract, as ``list``, ``show`` and ``schedule`` present it -----------------------------------

def listed_schedule(contract: "Contract", *, original: bool = False) -> list[Installment]:
    """The installments the contract's terms give: as amended (fully paid ones keeping their amounts),
    or with ``original`` as signed. What units delivered cost is the ledger's business, not the listing's."""
    if contract.amendments and not original:
        return contract.schedule()
    return build_schedule(contract.terms)


def contract_overview(contract: "Contract", as_of: dt.date) -> dict[str, Any]:
    """The contract's terms in force with where it stands on ``as_of`` and what its schedule adds up to."""
    return contract_record(contract.current_terms, as_of, listed_schedule(contract) if contract.amendments else None)


def contract_remarks(contract: "Contract") -> list[str]:
    """What a reader of the terms should not miss: a stated end the terms do not give, service that
    outlasts billing, and each amendment."""
    terms = contract.current_terms
    remarks = []
    if stated_end_agrees(terms.stated_end, terms.service_end) is False:
        remarks.append(f"the source states the end as {terms.stated_end!r}; the terms give {terms.service_end.isoformat()}")
    if terms.service_months > terms.billing_months:
        remarks.append(f"billed for {terms.billing_months} months but serves {terms.service_months}: "
                       f"no fee falls due from {terms.billing_end.isoformat()} to {terms.service_end.isoformat()}")
    for amendment in contract.amendments:
        changes = ", ".join(f"{key.replace('_', ' ')} {value}" for key in ("annual_fee", "billing_months", "service_months")
                            if (value := getattr(amendment, key)) is not None)
        remarks.append(f"amended from {amendment.effective_from.isoformat()}: {changes}"
                       + (f" ({amendment.reference})" if amendment.reference else ""))
    return remarks


def schedule_summary(contract: "Contract") -> str:
    """"12 quarterly installments of 1,232,438.34, total 14,789,260.08": the schedule in one line."""
    terms = contract.current_terms
    if terms.is_unit_priced:
        rows = schedule_rows(contract)
        known = [row["amount"] for row in rows if row["amount"] is not None]
        so_far = (f"usage recorded for {len(known)} of them, {format_money_grouped(sum(known, Decimal('0.00')))} so far"
                  if known else "no usage recorded yet")
        return (f"{len(rows)} {terms.frequency.value} installments at {format_money_grouped(terms.unit_price)} per "
                f"{terms.unit or 'unit'}, each priced by the usage recorded: {so_far}")
    installments = listed_schedule(contract)
    amounts = sorted({item.amount for item in installments})
    each = " or ".join(format_money_grouped(amount) for amount in amounts[:3]) + (" ..." if len(amounts) > 3 else "")
    total = sum((item.amount for item in installments), Decimal("0.00"))
    return (f"{len(installments)} {contract.current_terms.frequency.value} installments of {each}, "
            f"total {format_money_grouped(total)}")
