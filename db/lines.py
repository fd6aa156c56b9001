"""Loading service lines with their facts, and recording lines, tenders, transitions, suspensions, usage."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from sqlmodel import Session, select

from contracts.errors import ContractsError
from contracts.lines import ServiceLine, Suspension, Transition, make_suspension, make_transition
from contracts.periods import Period
from contracts.schedule import billing_periods
from contracts.plausible import refuse_code_clash, refuse_while_covered
from contracts.tenders import Tender, make_tender
from contracts.usage import Usage, check_total_cost, make_usage

from . import history
from .line_reads import load_lines  # noqa: F401  (readers import it from there)
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
    refuse_code_clash(line.code, line_codes(session), noun="line")
    session.add(LineRow(code=line.code, name=line.name, buyer=line.buyer, notes=line.notes))
    history.log(session, "add line", f"line {line.code}", after=line)
    return "added"


def add_tender(session: Session, tender: Tender, *, same_is_unchanged: bool = False) -> tuple[Tender, str]:
    check_line(session, tender.line)
    as_of = session.info.get("as_of")
    if as_of is not None:  # the parser saw no as-of day when the tender came from a file: check its dates now
        make_tender({**{k: v for k, v in tender.__dict__.items() if k not in ("line", "id")}}, tender.line, as_of=as_of)
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
    return _add_span(session, line, make_transition(raw, line, as_of=session.info.get("as_of")), TransitionRow, transition_from_row,
                     transition_to_row, "transition", "add transition", same_is_unchanged, _while_covered(raw))


def add_suspension(session: Session, line: str, raw: Mapping[str, Any], *, same_is_unchanged: bool = False) -> tuple[Suspension, str]:
    return _add_span(session, line, make_suspension(raw, line, as_of=session.info.get("as_of")), SuspensionRow, suspension_from_row,
                     suspension_to_row, "suspension", "suspend", same_is_unchanged, _while_covered(raw))


def _while_covered(raw: Mapping[str, Any]) -> bool:
    return raw.get("while_covered") in (True, "true", "yes", "1")


def _add_span(session: Session, line: str, span, table, from_row, to_row, noun: str, action: str, same_is_unchanged: bool,
              while_covered: bool = False):
    """A transition or a suspension of a line: it may not overlap another of its kind, nor (unless said) a contract.

    What it overlaps is kept in session.info["overlaps"] for the command to say."""
    check_line(session, line)
    existing = [from_row(r) for r in session.exec(select(table).where(table.line == line))]
    if same_is_unchanged and span in existing:
        return span, "unchanged"
    contracts = [(row.code, row.billing_start, row.service_end) for row in
                 session.exec(select(ContractRow).where((ContractRow.line == line) | ((ContractRow.code == line) & (ContractRow.line == ""))))]
    overlaps = refuse_while_covered(noun, line, span.start, span.end, contracts,
                                    while_covered=while_covered or bool(session.info.get("restoring")))
    session.info["overlaps"] = overlaps
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
        recorded = [usage_from_row(r, terms.code) for r in session.exec(select(UsageRow).where(UsageRow.contract_id == contract.id))]
        check_total_cost(usage, recorded, terms.unit_price, where)
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
        recorded = [usage_from_row(r, usage.target) for r in session.exec(select(UsageRow).where(
            UsageRow.line == code, UsageRow.contract_id.is_(None), UsageRow.period_start >= transition.start,
            UsageRow.period_start < end))]
        check_total_cost(usage, recorded, transition.unit_price, where)
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
