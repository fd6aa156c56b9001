"""The store as the whole-portfolio answers read it (``contracts check``, the HTML report, the web's dashboard): the
contracts with nothing but their terms and a fixed fee that are alone on their lines as a few columns
(``contracts.lone.LoneTerms``), every other contract and line whole.

A lone contract's checks, line status, timeline row, expiry and rebid deadline follow from a few of its columns, and
its schedule's sums from a few more (``contracts.bulk``); a ledger would find nothing in it (no credit, nothing
awaiting assessment, no rule). Loading all of a province's 100,000 whole, with a ``LineFacts`` and a ``LineStatus``
each, made most of those answers' time and memory (issue #17).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple

from contracts.bulk import EPOCH, TermsOnly
from contracts.contract import Contract
from contracts.lone import LoneTerms, lone_terms
from contracts.procurement import LineFacts

from . import line_reads, loader
from .columns import STEPS
from .sql import query, run

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection  # or a db.sql.DriverReader

BATCH = 20_000  # rows read at a time
# Lines with facts of their own beyond their contracts: their status is worked out in full.
LINE_FACTS = ("SELECT line FROM tender UNION SELECT line FROM transition UNION SELECT line FROM suspension "
              "UNION SELECT line FROM usage WHERE contract_id IS NULL")
# Lines (a contract's line, or its own code where it names none) served by more than one contract.
SHARED = ("SELECT k FROM (SELECT CASE WHEN line = '' OR line IS NULL THEN code ELSE line END AS k FROM contract) AS keys "
          "GROUP BY k HAVING COUNT(*) > 1")
QUERY = ("SELECT id, code, line, name, pricing, billing_start, billing_months, service_months, stated_end, completed_on, "
         f"annual_fee_fen, {STEPS}, CASE alignment WHEN 'anniversary' THEN 1 ELSE 0 END, "
         "CASE timing WHEN 'arrears' THEN 1 ELSE 0 END, payment_lag_days FROM contract ORDER BY code")
_EPOCH = EPOCH.toordinal()


class ChecksInput(NamedTuple):
    lone: list[LoneTerms]  # contracts with terms only and a fixed fee, each alone on its line
    contracts: list[Contract]  # every other contract, whole, in code order
    lines: list[LineFacts]  # every other line (explicit lines without contracts included), in code order


class ReportInput(NamedTuple):
    lone: list[LoneTerms]
    terms_only: TermsOnly  # the lone contracts again, as the columns of their schedules (contracts.bulk)
    contracts: list[Contract]
    lines: list[LineFacts]

    @property
    def count(self) -> int:
        return len(self.lone) + len(self.contracts)


def for_checks(connection: Connection) -> ChecksInput:
    lone, _, contracts, lines = _read(connection, schedules=False)
    return ChecksInput(lone, contracts, lines)


def for_report(connection: Connection, contracts_of: Callable[[list[str]], Iterable[Contract]]) -> ReportInput:
    """``contracts_of``: whole contracts for some of the lone codes (those the arrays leave to the engine), read
    through a connection of their own."""
    lone, rows_and_order, contracts, lines = _read(connection, schedules=True)
    rows, order = rows_and_order
    terms_only = TermsOnly.of([row.code for row in lone], [row.line for row in lone], [rows], contracts_of, order)
    return ReportInput(lone, terms_only, contracts, lines)


def _read(connection: Connection, *, schedules: bool):
    with_facts = loader.with_facts(connection)
    busy = set(run(connection, query(LINE_FACTS, ())).scalars()) | set(run(connection, query(SHARED, ())).scalars())
    named = dict(run(connection, query("SELECT code, name FROM service_line", ())).all())
    lone: list[LoneTerms] = []
    rest: list[int] = []
    rows: list[tuple] = []  # the lone contracts' schedule columns (TermsColumns.from_rows)
    order: list[int] = []  # a position in ``lone``, or -1 for the next of ``rest`` (in code order)
    reading = connection.execution_options(stream_results=True, max_row_buffer=BATCH) \
        if connection.dialect.supports_server_side_cursors else connection
    result = run(reading, query(QUERY, ("billing_start", "completed_on"), by_position=True))
    while batch := result.fetchmany(BATCH):
        for row in batch:
            contract_id, code, line, name, pricing, start, months, service_months, stated, completed_on = row[:10]
            key = line or code
            if contract_id in with_facts or pricing != "fixed" or key in busy:
                rest.append(contract_id)
                order.append(-1)
                continue
            order.append(len(lone))
            lone.append(lone_terms(code, key, named.get(key, name), name, start, months, service_months, stated or "",
                                   completed_on))
            if schedules:
                rows.append((start.toordinal() - _EPOCH, months, service_months, *row[10:]))
    contracts = list(loader.stream_ids(connection, rest))
    lines = line_reads.load_lines(connection, contracts, skip={row.line for row in lone})
    return lone, (rows, order), contracts, lines
