"""The store as ``contracts check`` reads it: a province's contracts that are alone on their lines with nothing but
their terms as a few columns (``contracts.checks.LoneTerms``), every other contract and line whole.

Such a contract's checks need six of its columns: its line's status is its own dates (``checks.lone_findings``), and a
ledger would find nothing in it (no credit, nothing awaiting assessment, no rule). Loading all 100,000 whole, with a
``LineFacts`` and a ``LineStatus`` each, made most of ``check``'s time and memory (issue #17).
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import text
from sqlalchemy.engine import Connection

from contracts.checks import LoneTerms
from contracts.contract import Contract
from contracts.procurement import LineFacts

from . import line_reads, loader
from .reads import typed_query

BATCH = 20_000  # rows read at a time
# Lines with facts of their own beyond their contracts: their status is worked out in full.
LINE_FACTS = ("SELECT line FROM tender UNION SELECT line FROM transition UNION SELECT line FROM suspension "
              "UNION SELECT line FROM usage WHERE contract_id IS NULL")
# Lines (a contract's line, or its own code where it names none) served by more than one contract.
SHARED = ("SELECT k FROM (SELECT CASE WHEN line = '' OR line IS NULL THEN code ELSE line END AS k FROM contract) AS keys "
          "GROUP BY k HAVING COUNT(*) > 1")


class ChecksInput(NamedTuple):
    lone: list[LoneTerms]  # contracts with terms only and a fixed fee, each alone on its line
    contracts: list[Contract]  # every other contract, whole, in code order
    lines: list[LineFacts]  # every other line (explicit lines without contracts included), in code order


def for_checks(connection: Connection) -> ChecksInput:
    with_facts = loader.with_facts(connection)
    busy = set(connection.execute(text(LINE_FACTS)).scalars()) | set(connection.execute(text(SHARED)).scalars())
    query = typed_query("SELECT id, code, line, pricing, billing_start, service_months, stated_end, completed_on "
                        "FROM contract ORDER BY code", ("billing_start", "completed_on"))
    lone: list[LoneTerms] = []
    rest: list[int] = []
    reading = connection.execution_options(stream_results=True, max_row_buffer=BATCH) \
        if connection.dialect.supports_server_side_cursors else connection
    result = reading.execute(query)
    while batch := result.fetchmany(BATCH):
        for contract_id, code, line, pricing, start, months, stated, completed_on in batch:
            key = line or code
            if contract_id in with_facts or pricing != "fixed" or key in busy:
                rest.append(contract_id)
            else:
                lone.append(LoneTerms(code, key, start, months, stated or "", completed_on))
    contracts = list(loader.stream_ids(connection, rest))
    lines = line_reads.load_lines(connection, contracts, skip={terms.line for terms in lone})
    return ChecksInput(lone, contracts, lines)
