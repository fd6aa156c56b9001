"""Loading service lines with their facts, and recording lines, tenders, transitions, suspensions, usage."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

from sqlmodel import Session, select

from sqlalchemy.engine import Connection

from contracts.contract import Contract
from contracts.errors import ContractsError
from contracts.lines import ServiceLine, Suspension, Transition, make_suspension, make_transition
from contracts.periods import Period
from contracts.procurement import LineFacts
from contracts.schedule import billing_periods
from contracts.tenders import Tender
from contracts.usage import Usage, make_usage

from . import history
from .reads import rows
from .mapping import (
    line_from_row,
    suspension_from_row,
    suspension_to_row,
    tender_from_row,
    tender_to_row,
    terms_from_row,
    transition_from_row,
    transition_to_row,
    usage_from_row,
    usage_to_row,
)
from .tables import ContractRow, LineRow, SuspensionRow, TenderRow, TransitionRow, UsageRow


def line_codes(session: Session) -> set[str]:
    """Every line code: the explicit lines and the contracts that form lines of their own."""
    explicit = set(session.exec(select(LineRow.code)))
    own = set(session.exec(select(ContractRow.code).where(ContractRow.line == "")))
    return explicit | own


def check_line(session: Session, code: str, field: str = "line") -> None:
    if code not in line_codes(session):
        raise ContractsError(field, code, "is not a service line ('contracts lines' lists them; add one with 'contracts line add')")


def load_lines(connection: Connection, contracts: Sequence[Contract], only: str | None = None) -> list[LineFacts]:
    """Every line (or ``only`` that one) with its contracts' terms in force, tenders, transitions, suspensions
    and usage, in code order; Core queries, one per table."""
    lines: dict[str, LineFacts] = {}
    for row in rows(connection, "SELECT * FROM service_line ORDER BY code"):
        lines[row.code] = LineFacts(line_from_row(row), explicit=True)
    for contract in sorted(contracts, key=lambda c: (c.terms.billing_start, c.code)):
        terms = contract.current_terms
        key = terms.line_code
        if key not in lines:
            lines[key] = LineFacts(ServiceLine(key, terms.name, terms.buyer), explicit=False)
        lines[key].contracts.append(terms)
        if contract.usage:
            lines[key].usage[terms.code] = sorted(contract.usage, key=lambda u: u.period.start)
    if only is not None and only not in lines:
        raise ContractsError("line", only, "is not a service line ('contracts lines' lists them)")
    for row in rows(connection, "SELECT * FROM tender ORDER BY id"):
        if row.line in lines:
            lines[row.line].tenders.append(tender_from_row(row))
    for row in rows(connection, "SELECT * FROM transition ORDER BY start, id"):
        if row.line in lines:
            lines[row.line].transitions.append(transition_from_row(row))
    for row in rows(connection, "SELECT * FROM suspension ORDER BY start, id"):
        if row.line in lines:
            lines[row.line].suspensions.append(suspension_from_row(row))
    for row in rows(connection, "SELECT * FROM usage WHERE contract_id IS NULL ORDER BY period_start, id"):
        if row.line in lines:
            lines[row.line].transition_usage.append(usage_from_row(row, f"transition:{row.line}"))
    return [lines[only]] if only is not None else [lines[code] for code in sorted(lines)]


def add_line(session: Session, line: ServiceLine, *, update: bool = False) -> str:
    row = session.exec(select(LineRow).where(LineRow.code == line.code)).first()
    if row is not None:
        if line_from_row(row) == line:
            return "unchanged"
        if not update:
            raise ContractsError("code", line.code, "is a service line already with other details; use --update")
        before = line_from_row(row)
        row.name, row.buyer, row.notes = line.name, line.buyer, line.notes
        history.log(session, "update line", f"line {line.code}", before=before, after=line)
        return "updated"
    if session.exec(select(ContractRow.code).where(ContractRow.code == line.code, ContractRow.line == "")).first():
        raise ContractsError("code", line.code, "is the code of a contract that forms its own line; choose another")
    session.add(LineRow(code=line.code, name=line.name, buyer=line.buyer, notes=line.notes))
    history.log(session, "add line", f"line {line.code}", after=line)
    return "added"


def add_tender(session: Session, tender: Tender, *, same_is_unchanged: bool = False) -> tuple[Tender, str]:
    check_line(session, tender.line)
    if tender.contract:
        contract = session.exec(select(ContractRow).where(ContractRow.code == tender.contract)).first()
        if contract is None:
            raise ContractsError("contract", tender.contract, "is not a contract in this store")
        if (contract.line or contract.code) != tender.line:
            raise ContractsError("contract", tender.contract, f"belongs to line {(contract.line or contract.code)!r}, not {tender.line!r}")
    if same_is_unchanged:
        for row in session.exec(select(TenderRow).where(TenderRow.line == tender.line)):
            stored = tender_from_row(row)
            if stored.__dict__ | {"id": 0} == tender.__dict__ | {"id": 0}:
                return stored, "unchanged"
    row = tender_to_row(tender)
    session.add(row)
    session.flush()
    stored = tender_from_row(row)
    history.log(session, "add tender", f"tender {row.id} of {tender.line}", after=stored)
    return stored, "added"


def add_transition(session: Session, line: str, raw: Mapping[str, Any], *, same_is_unchanged: bool = False) -> tuple[Transition, str]:
    return _add_span(session, line, make_transition(raw, line), TransitionRow, transition_from_row, transition_to_row,
                     "transition", "add transition", same_is_unchanged)


def add_suspension(session: Session, line: str, raw: Mapping[str, Any], *, same_is_unchanged: bool = False) -> tuple[Suspension, str]:
    return _add_span(session, line, make_suspension(raw, line), SuspensionRow, suspension_from_row, suspension_to_row,
                     "suspension", "suspend", same_is_unchanged)


def _add_span(session: Session, line: str, span, table, from_row, to_row, noun: str, action: str, same_is_unchanged: bool):
    """A transition or a suspension of a line: it may not overlap another of its kind."""
    check_line(session, line)
    existing = [from_row(r) for r in session.exec(select(table).where(table.line == line))]
    if same_is_unchanged and span in existing:
        return span, "unchanged"
    for other in existing:
        if _overlaps(span.start, span.end, other.start, other.end):
            raise ContractsError("start", span.start.isoformat(), f"overlaps the {noun} of {line} from {other.start.isoformat()}")
    session.add(to_row(span))
    history.log(session, action, f"{noun} of {line} from {span.start}", after=span)
    return span, "added"


def _overlaps(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


def record_usage(session: Session, code: str, raw: Mapping[str, Any], *, same_is_unchanged: bool = False) -> tuple[Usage, str, str]:
    """Usage of a unit-priced contract (by its code), or of a line (it goes to whatever covers the period)."""
    from contracts.usage import parse_usage_period

    if raw.get("period") in (None, ""):
        raise ContractsError("period", None, "is required (e.g. 2023Q3 or 2023-07)")
    period = parse_usage_period(raw["period"])
    raw = {**raw, "period": period}
    contract = session.exec(select(ContractRow).where(ContractRow.code == code)).first()
    if contract is None:
        check_line(session, code, field="code")
        candidates = session.exec(select(ContractRow).where(ContractRow.line == code)).all()
        contract = next((c for c in candidates if c.billing_start <= period.start < c.billing_end), None)
    if contract is not None:
        terms = terms_from_row(contract)
        if not terms.is_unit_priced:
            raise ContractsError("code", terms.code, "is a fixed-fee contract; usage is recorded for unit-priced ones")
        usage = make_usage(raw, target=terms.code, allowed=Period(terms.billing_start, terms.billing_end),
                           settlement=billing_periods(terms), what=f"contract {terms.code}", priced=True)
        line, contract_id, where = terms.line_code, contract.id, f"contract {terms.code}"
    else:
        transitions = [transition_from_row(r) for r in session.exec(select(TransitionRow).where(TransitionRow.line == code))]
        transition = next((t for t in transitions if t.start <= period.start and (t.end is None or period.start < t.end)), None)
        if transition is None:
            raise ContractsError("period", f"{period.start.isoformat()} to {period.end.isoformat()}",
                                 f"is covered by no contract or transition of {code}")
        end = transition.end or dt.date(9999, 1, 1)
        usage = make_usage(raw, target=f"transition:{code}", allowed=Period(transition.start, end), settlement=(),
                           what=f"the transition of {code} from {transition.start.isoformat()}", priced=transition.unit_price is not None)
        line, contract_id, where = code, None, f"transition of {code} from {transition.start.isoformat()}"
    overlapping = session.exec(select(UsageRow).where(UsageRow.line == line, UsageRow.period_start < usage.period.end,
                                                      UsageRow.period_end > usage.period.start)).all()
    for row in overlapping:
        stored = usage_from_row(row, usage.target)
        if same_is_unchanged and stored == usage:
            return usage, "unchanged", where
        raise ContractsError("period", f"{usage.period.start.isoformat()} to {usage.period.end.isoformat()}",
                             f"overlaps usage recorded for {row.period_start.isoformat()} to {row.period_end.isoformat()}")
    session.add(usage_to_row(usage, line, contract_id))
    history.log(session, "usage", f"usage {usage.period.start} to {usage.period.end} under the {where}",
                contract=usage.target if contract_id else "", after=usage)
    return usage, "added", where
