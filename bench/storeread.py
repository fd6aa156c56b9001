"""Reading a contracts store with the database driver alone, for the plain implementation and the vectorised limit.

The bench must not compute its answers with the code it measures, so it reads the tables itself: ``sqlite3`` for
an SQLite file, ``psycopg`` for PostgreSQL. Only the columns the schedule rules, the deductions and the payments
need are read. Anything the plain implementation does not model (openings, amendments, usage, unit prices,
unassigned payments, reversals) is refused with one clear line, never silently left out of an answer.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit


class Unsupported(SystemExit):
    """The store holds a fact the bench's own implementations do not model: their answers would be wrong."""

    def __init__(self, what: str) -> None:
        super().__init__(f"bench: the plain implementation does not model {what}; use a store built by bench/generate.py")


def connect(url: str):
    """A DB-API connection for a store URL (``sqlite:///path`` or ``postgresql://...``)."""
    scheme = urlsplit(url).scheme
    if scheme.startswith("sqlite"):
        import sqlite3

        path = url.split(":///", 1)[1] if ":///" in url else url
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    if scheme.startswith("postgresql"):
        import psycopg

        return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1))
    raise SystemExit(f"bench: {url} is neither an SQLite nor a PostgreSQL URL")


def is_sqlite(url: str) -> bool:
    return urlsplit(url).scheme.startswith("sqlite")


def day(value) -> dt.date | None:
    """A stored date as a date (sqlite3 gives text, psycopg gives dates)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def refuse_unmodelled(connection) -> None:
    """Stop on any fact the plain implementation would get wrong."""
    cursor = connection.cursor()
    for table, what in (("opening_balance", "opening balances"), ("amendment", "amendments"), ("usage", "usage records")):
        try:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
        except Exception:  # an older schema without the table has none of it
            connection.rollback()
            continue
        if cursor.fetchone()[0]:
            raise Unsupported(what)
    cursor.execute("SELECT COUNT(*) FROM contract WHERE pricing <> 'fixed'")
    if cursor.fetchone()[0]:
        raise Unsupported("unit-priced contracts")
    cursor.execute("SELECT COUNT(*) FROM payment WHERE seq IS NULL OR reverses_id IS NOT NULL")
    if cursor.fetchone()[0]:
        raise Unsupported("payments without an installment, or reversals")


CONTRACT_COLUMNS = ("id", "code", "name", "billing_start", "billing_months", "service_months", "annual_fee_fen",
                    "frequency", "alignment", "timing", "payment_lag_days")


def contracts(connection, code: str | None = None):
    """Each contract's terms as a dict, in code order (one at a time: a province is never held twice)."""
    cursor = connection.cursor()
    sql = f"SELECT {', '.join(CONTRACT_COLUMNS)} FROM contract"
    if code is not None:
        cursor.execute(sql + (" WHERE code = ?" if _qmark(connection) else " WHERE code = %s"), (code,))
    else:
        cursor.execute(sql + " ORDER BY code")
    for row in cursor:
        record = dict(zip(CONTRACT_COLUMNS, row))
        record["billing_start"] = day(record["billing_start"])
        yield record


def facts(connection) -> tuple[dict, dict, dict]:
    """Rules, assessments and payments by contract id: {id: [dict, ...]} each (few: one contract in twenty)."""
    cursor = connection.cursor()
    rules: dict[int, list] = {}
    cursor.execute("SELECT contract_id, name, effective_from, kind, params FROM deduction_rule")
    for contract_id, name, effective_from, kind, params in cursor.fetchall():
        rules.setdefault(contract_id, []).append({"name": name, "effective_from": day(effective_from), "kind": kind,
                                                  "params": params})
    assessments: dict[int, list] = {}
    cursor.execute("SELECT contract_id, seq, version, assessed_on, metrics, score, items FROM assessment")
    for contract_id, seq, version, assessed_on, metrics, score, items in cursor.fetchall():
        assessments.setdefault(contract_id, []).append({"seq": seq, "version": version, "assessed_on": day(assessed_on),
                                                        "metrics": metrics, "score": score, "items": items})
    payments: dict[int, list] = {}
    cursor.execute("SELECT contract_id, paid_on, amount_fen, seq FROM payment")
    for contract_id, paid_on, amount_fen, seq in cursor.fetchall():
        payments.setdefault(contract_id, []).append({"paid_on": day(paid_on), "amount_fen": amount_fen, "seq": seq})
    return rules, assessments, payments


def _qmark(connection) -> bool:
    return type(connection).__module__.startswith("sqlite3")
