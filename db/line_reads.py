"""Reading service lines with their facts: Core queries only, so that a command that only reads starts no ORM
(db/lines.py, which records lines, tenders, transitions, suspensions and usage, imports SQLModel)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Collection, Sequence

from contracts.contract import Contract
from contracts.errors import ContractsError
from contracts.lines import ServiceLine
from contracts.procurement import LineFacts

from .mapping import line_from_row, suspension_from_row, tender_from_row, transition_from_row, usage_from_row
from .reads import rows

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection  # or a db.sql.DriverReader


def load_lines(connection: Connection, contracts: Sequence[Contract], only: str | None = None,
               skip: Collection[str] = frozenset()) -> list[LineFacts]:
    """Every line (or ``only`` that one) with its contracts' terms in force, tenders, transitions, suspensions
    and usage, in code order; Core queries, one per table. ``skip``: lines left out (their contracts are not in
    ``contracts``; ``db/portfolio_reads.py`` reads them otherwise)."""
    lines: dict[str, LineFacts] = {}
    for row in rows(connection, "SELECT * FROM service_line ORDER BY code"):
        if row.code not in skip:
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
