"""The portfolio split for whole-portfolio answers: contracts with terms only read as columns, the rest as contracts.

Most of a province's contracts have nothing recorded but their terms and a fixed fee: their figures are their
schedules, which ``contracts.bulk`` makes for all of them at once from a few integer columns. Those columns are read
here in one query (the dates turned into day numbers by the database itself), without making a ``Contract`` or
even a date object per contract; every other contract in the window (with rules, assessments, payments, an opening
balance, usage or amendments, or unit-priced) is loaded whole by ``loader`` and streamed a batch at a time.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from typing import TYPE_CHECKING

from contracts.bulk import TermsOnly
from contracts.contract import Contract

from . import loader
from .sql import query as light_query, run

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection  # or a db.sql.DriverReader

BATCH = 20_000  # rows read (and turned into columns) at a time
STEPS = "CASE frequency WHEN 'monthly' THEN 1 WHEN 'quarterly' THEN 3 WHEN 'semiannual' THEN 6 ELSE 12 END"


def _day_number(connection: Connection, column: str) -> str:
    """SQL for a date column as days since 1970-01-01 (an integer), on each backend."""
    if connection.dialect.name == "sqlite":
        return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"  # julianday of a date is n.5: exact
    return f"({column} - DATE '1970-01-01')"


def split(connection: Connection, *, active_from: dt.date | None = None,
          active_before: dt.date | None = None) -> tuple[TermsOnly, Iterator[Contract]]:
    """(the contracts with terms only and a fixed fee, as columns; every other contract, streamed), of the contracts
    ``loader.stream`` would give for the same window, each in one of the two. Read through ``connection``, which the
    caller keeps open until the stream is taken."""
    where, params = loader.window(connection, active_from, active_before)
    query = (f"SELECT id, code, line, {_day_number(connection, 'billing_start')}, billing_months, service_months, "
             f"annual_fee_fen, {STEPS}, CASE alignment WHEN 'anniversary' THEN 1 ELSE 0 END, "
             "CASE timing WHEN 'arrears' THEN 1 ELSE 0 END, payment_lag_days, pricing FROM contract"
             + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY code")
    with_facts = loader.with_facts(connection)
    ids, codes, lines, batches, rest, order = [], [], [], [], [], []
    reading = connection.execution_options(stream_results=True, max_row_buffer=BATCH) \
        if connection.dialect.supports_server_side_cursors else connection  # a million rows never at once
    result = run(reading, light_query(query, (), by_position=True), params)
    while batch := result.fetchmany(BATCH):
        rows = []
        for row in batch:
            if row[0] in with_facts or row[11] != "fixed":
                rest.append(row[0])
                order.append(-1)
                continue
            order.append(len(ids))
            ids.append(row[0])
            codes.append(row[1])
            lines.append(row[2] or row[1])
            rows.append(row[3:11])
        batches.append(rows)  # turned into integer columns a batch at a time

    def contracts_of(wanted: list[str]) -> Iterator[Contract]:
        """Whole contracts for some of the terms-only codes (the rare ones the arrays leave to the engine)."""
        position = {code: index for index, code in enumerate(codes)}
        yield from loader.stream_ids(connection, [ids[position[code]] for code in wanted])

    return TermsOnly.of(codes, lines, batches, contracts_of, order), loader.stream_ids(connection, rest)
