"""The one loader: stored rows in, ``contracts.contract.Contract`` values out.

No ORM to start up (its queries are db/sql.py values, run through SQLAlchemy Core or the SQLite driver), batched:
one query for the contracts asked for, and the other facts only for the contracts that have any (most of a
province's have none), 2,000 at a time.
Readers call it through ``Store.load``; writers call it inside their own transaction with ``lock``,
which locks the contracts' rows first (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's writers hold
the database's write lock from the start of the transaction), so that what they read next cannot
change under them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Iterator, NamedTuple, Sequence

from contracts.contract import Contract, bare_contract
from contracts.errors import ContractsError

from .sql import query, run
from .mapping import (
    amendment_from_row,
    assessment_from_row,
    opening_from_row,
    payment_from_row,
    rule_from_row,
    terms_from_row,
    usage_from_row,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection  # or a db.sql.DriverReader: the loader runs its queries through either

FACT_TABLES = ("deduction_rule", "assessment", "payment", "opening_balance", "usage", "amendment")
BATCH = 2_000  # contracts a query: at 1M on PostgreSQL, 500 took 4.1 s to load 23,402 contracts with facts, 2,000 3.0 s


class Loaded(NamedTuple):
    """A contract as loaded, with the id of its row (what writers attach new facts to)."""

    id: int
    contract: Contract


def load(connection: Connection, codes: Sequence[str] | None = None, *, lock: bool = False,
         active_from: dt.date | None = None, active_before: dt.date | None = None) -> list[Loaded]:
    """The contracts with these codes (all if None), in code order, each with every fact attached.

    A code that is not stored is an error naming it. ``active_from``/``active_before`` keep only
    contracts with an installment that can fall due in ``[active_from, active_before)`` (allowing for
    payment lags), for reports over a window. ``lock``: lock the rows first (writers only).
    """
    sql, params = _contract_query(connection, codes, active_from, active_before)
    if lock and connection.dialect.name != "sqlite":
        sql += " FOR UPDATE"
    rows = run(connection, query(sql, expanding=("codes",) if codes is not None else ()), params).all()
    if codes is not None and len(rows) < len(set(codes)):
        missing = sorted(set(codes) - {row.code for row in rows})[0]
        raise ContractsError("code", missing, "is not a contract in this store ('contracts list' shows them)")
    terms = {row.id: terms_from_row(row) for row in rows}
    with_facts = _with_facts(connection, list(terms) if codes is not None else None)
    facts = _facts(connection, [contract_id for contract_id in terms if contract_id in with_facts])
    return [Loaded(contract_id, _contract(terms[contract_id], facts.get(contract_id))) for contract_id in terms]


def stream(connection: Connection, *, active_from: dt.date | None = None, active_before: dt.date | None = None,
           batch: int = 2000) -> Iterator[Contract]:
    """Every contract (or those active in the window, as ``load`` takes it), in code order, each with every fact
    attached, made a batch at a time as the caller takes them: a province is never held in memory at once (the
    rows come through a server-side cursor where the database has one)."""
    sql, params = _contract_query(connection, None, active_from, active_before)
    with_facts = _with_facts(connection, None)
    if connection.dialect.supports_server_side_cursors:
        connection = connection.execution_options(stream_results=True, max_row_buffer=batch)
    result = run(connection, query(sql), params)
    while True:
        rows = result.fetchmany(batch)
        if not rows:
            break
        terms = [(row.id, terms_from_row(row)) for row in rows]
        facts = _facts(connection, [contract_id for contract_id, _ in terms if contract_id in with_facts])
        for contract_id, contract_terms in terms:
            yield _contract(contract_terms, facts.get(contract_id))


def _contract_query(connection: Connection, codes: Sequence[str] | None, active_from: dt.date | None,
                    active_before: dt.date | None) -> tuple[str, dict]:
    where, params = window(connection, active_from, active_before)
    if codes is not None:
        where.insert(0, "code IN :codes")
        params["codes"] = tuple(codes)
    return "SELECT * FROM contract" + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY code", params


def window(connection: Connection, active_from: dt.date | None, active_before: dt.date | None) -> tuple[list[str], dict]:
    """The conditions (and their parameters) keeping the contracts with an installment that can fall due in
    ``[active_from, active_before)``, allowing for the longest payment lag stored."""
    where, params = [], {}
    if active_from is not None:
        longest_lag = run(connection, query("SELECT MAX(payment_lag_days) FROM contract")).scalar() or 0
        where.append("billing_end >= :first")
        params["first"] = active_from - dt.timedelta(days=longest_lag)
    if active_before is not None:
        where.append("billing_start < :last")
        params["last"] = active_before
    return where, params


def stream_ids(connection: Connection, ids: Sequence[int], batch: int = BATCH) -> Iterator[Contract]:
    """The contracts with these row ids (taken in the order given, a batch of them a query), each with every fact."""
    for start in range(0, len(ids), batch):
        wanted = [int(contract_id) for contract_id in ids[start:start + batch]]
        marks = ", ".join(str(contract_id) for contract_id in wanted)  # our own integers
        found = {row.id: terms_from_row(row) for row in run(connection, query(f"SELECT * FROM contract WHERE id IN ({marks})"))}
        facts = _facts(connection, wanted)
        for contract_id in wanted:
            yield _contract(found[contract_id], facts.get(contract_id))


def _facts(connection: Connection, wanted: list[int]) -> dict[int, dict[str, list]]:
    """The fact rows of these contracts, by contract and table, BATCH contracts a query."""
    facts: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for start in range(0, len(wanted), BATCH):
        marks = ", ".join(str(int(contract_id)) for contract_id in wanted[start:start + BATCH])  # our own integers
        for table in FACT_TABLES:
            for row in run(connection, query(f"SELECT * FROM {table} WHERE contract_id IN ({marks}) ORDER BY id")).all():
                facts[row.contract_id][table].append(row)
    return facts


def _with_facts(connection: Connection, ids: list[int] | None) -> set[int]:
    """The contracts (of ``ids``, or all) that have any fact beyond their terms."""
    if ids is not None:
        return set(ids)  # a handful: look them up directly
    return with_facts(connection)


def with_facts(connection: Connection) -> set[int]:
    """The ids of every contract that has any fact beyond its terms."""
    found: set[int] = set()
    for table in FACT_TABLES:
        found.update(run(connection, query(f"SELECT DISTINCT contract_id FROM {table} WHERE contract_id IS NOT NULL", ())).scalars())
    return found


def _contract(terms, rows: dict[str, list] | None) -> Contract:
    if not rows:
        return bare_contract(terms)
    code = terms.code
    openings = rows["opening_balance"]
    return Contract(
        terms,
        rules=tuple(rule_from_row(r, code) for r in rows["deduction_rule"]),
        assessments=tuple(assessment_from_row(r, code) for r in rows["assessment"]),
        payments=tuple(payment_from_row(r, code) for r in rows["payment"]),
        opening=opening_from_row(openings[0], code) if openings else None,
        usage=tuple(usage_from_row(r, code) for r in rows["usage"]),
        amendments=tuple(amendment_from_row(r, code) for r in rows["amendment"]),
    )


def load_one(connection: Connection, code: str, *, lock: bool = False) -> Loaded:
    [loaded] = load(connection, [code], lock=lock)
    return loaded
