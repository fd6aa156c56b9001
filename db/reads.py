"""Quick reads with SQLAlchemy Core: what a clerk asks of one contract, without the ORM's start-up cost.

The mapping functions read rows by attribute, so Core rows serve as well as ORM ones.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from sqlalchemy import text
from sqlalchemy.engine import Connection

from contracts.errors import ContractsError

from .mapping import (
    amendment_from_row,
    assessment_from_row,
    opening_from_row,
    payment_from_row,
    rule_from_row,
    terms_from_row,
    usage_from_row,
)


DATES = {"signed_on", "billing_start", "completed_on", "billing_end", "service_end", "effective_from", "assessed_on",
         "paid_on", "as_of", "period_start", "period_end"}
BOOLEANS = {"allow_credit"}


def _typed(row):
    """A row with its dates as dates and flags as booleans (SQLite hands raw text queries back untyped)."""
    if row is None:
        return None
    values = dict(row._mapping)
    for key, value in values.items():
        if key in DATES and isinstance(value, str):
            values[key] = dt.date.fromisoformat(value)
        elif key in BOOLEANS and value is not None:
            values[key] = bool(value)
    return SimpleNamespace(**values)


def _rows(connection: Connection, sql: str, params: dict):
    return [_typed(row) for row in connection.execute(text(sql), params)]


def contract_row(connection: Connection, code: str):
    row = _typed(connection.execute(text("SELECT * FROM contract WHERE code = :code"), {"code": code}).first())
    if row is None:
        raise ContractsError("code", code, "is not a contract in this store ('contracts list' shows them)")
    return row


def terms(connection: Connection, code: str):
    return terms_from_row(contract_row(connection, code))


def has_amendments(connection: Connection, code: str) -> bool:
    return connection.execute(text("SELECT 1 FROM amendment JOIN contract ON contract.id = amendment.contract_id "
                                   "WHERE contract.code = :code LIMIT 1"), {"code": code}).first() is not None


def expiring(connection: Connection, first: dt.date, last: dt.date) -> list[tuple]:
    """(code, name, billing start, billing end, service end) of the contracts whose service ends in
    ``[first, last]``: an indexed range query reading only what the answer needs."""
    rows = connection.execute(
        text("SELECT code, name, billing_start, billing_end, service_end FROM contract "
             "WHERE service_end >= :first AND service_end <= :last ORDER BY service_end, code"),
        {"first": first, "last": last},
    )
    date = dt.date.fromisoformat
    return [(code, name, *(date(d) if isinstance(d, str) else d for d in days)) for code, name, *days in rows]


def facts(connection: Connection, code: str):
    """One contract's facts (terms, rules, assessments, payments, opening, usage) in six indexed queries."""
    from .factset import Facts

    row = contract_row(connection, code)
    found = Facts(row.id, terms_from_row(row))
    by_contract = {"id": row.id}
    found.rules = [rule_from_row(r, code) for r in _rows(connection, "SELECT * FROM deduction_rule WHERE contract_id = :id ORDER BY id", by_contract)]
    found.assessments = [assessment_from_row(r, code) for r in _rows(connection, "SELECT * FROM assessment WHERE contract_id = :id ORDER BY id", by_contract)]
    found.payments = [payment_from_row(r, code) for r in _rows(connection, "SELECT * FROM payment WHERE contract_id = :id ORDER BY id", by_contract)]
    openings = _rows(connection, "SELECT * FROM opening_balance WHERE contract_id = :id", by_contract)
    found.opening = opening_from_row(openings[0], code) if openings else None
    found.usage = [usage_from_row(r, code) for r in _rows(connection, "SELECT * FROM usage WHERE contract_id = :id ORDER BY id", by_contract)]
    found.amendments = [amendment_from_row(r, code) for r in
                        _rows(connection, "SELECT * FROM amendment WHERE contract_id = :id ORDER BY effective_from", by_contract)]
    return found
