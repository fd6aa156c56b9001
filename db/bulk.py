"""Loading a whole portfolio for a report, fast: one Core query for the contracts, and the other
facts only for the contracts that have any (most have none), in batches."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import text
from sqlalchemy.engine import Connection

from contracts.money import from_fen
from contracts.terms import Alignment, ContractTerms, Frequency, Pricing, Timing

from .factset import Facts
from .mapping import amendment_from_row, assessment_from_row, opening_from_row, payment_from_row, rule_from_row, usage_from_row
from .reads import _typed

COLUMNS = ("id", "code", "name", "vendor", "buyer", "signed_on", "billing_start", "billing_months", "service_months",
           "annual_fee_fen", "frequency", "alignment", "timing", "payment_lag_days", "stated_end", "completed_on", "notes",
           "source", "line", "pricing", "unit_price_fen", "unit", "annual_cap_fen")
FACT_TABLES = ("deduction_rule", "assessment", "payment", "opening_balance", "usage", "amendment")


def _date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _terms(row) -> ContractTerms:
    (_, code, name, vendor, buyer, signed_on, billing_start, billing_months, service_months, fee, frequency, alignment,
     timing, lag, stated_end, completed_on, notes, source, line, pricing, unit_price, unit, cap) = row
    return ContractTerms(
        code=code, name=name, billing_start=_date(billing_start), billing_months=billing_months, annual_fee=from_fen(fee),
        service_months=service_months, vendor=vendor, buyer=buyer, signed_on=_date(signed_on),
        frequency=Frequency(frequency), alignment=Alignment(alignment), timing=Timing(timing), payment_lag_days=lag,
        stated_end=stated_end, completed_on=_date(completed_on), notes=notes, source=source, line=line,
        pricing=Pricing(pricing), unit_price=None if unit_price is None else from_fen(unit_price), unit=unit,
        annual_cap=None if cap is None else from_fen(cap),
    )


def load_portfolio(connection: Connection, *, active_from: dt.date | None = None,
                   active_before: dt.date | None = None) -> list[tuple[ContractTerms, Facts | None]]:
    """Every contract (or those billing in ``[active_from, active_before)``, allowing for payment lags),
    with its facts where it has any: ``None`` means terms alone (no rules, assessments, payments,
    opening balance or usage), which reports can compute from the schedule directly."""
    where, params = [], {}
    if active_from is not None:
        # An installment falls due up to its contract's payment lag after billing ends.
        longest_lag = connection.execute(text("SELECT MAX(payment_lag_days) FROM contract")).scalar() or 0
        where.append("billing_end >= :first")
        params["first"] = active_from - dt.timedelta(days=longest_lag)
    if active_before is not None:
        where.append("billing_start < :last")
        params["last"] = active_before
    sql = f"SELECT {', '.join(COLUMNS)} FROM contract" + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY code"
    return [(loaded.current_terms, loaded) if loaded else (_terms(row), None) for row, loaded in _load(connection, sql, params)]


def load_all_facts(connection: Connection) -> list[Facts]:
    """Every contract's facts, in code order (empty lists where it has none)."""
    sql = f"SELECT {', '.join(COLUMNS)} FROM contract ORDER BY code"
    return [loaded or Facts(row[0], _terms(row)) for row, loaded in _load(connection, sql, {})]


def _load(connection: Connection, sql: str, params: dict) -> list[tuple]:
    """(contract row, its facts or None when it has none) for each contract the query selects."""
    rows = connection.execute(text(sql), params).all()
    with_facts = set()
    for table in FACT_TABLES:
        with_facts.update(connection.execute(text(f"SELECT DISTINCT contract_id FROM {table} WHERE contract_id IS NOT NULL")).scalars())
    loaded: dict[int, Facts] = {}
    wanted = [row for row in rows if row[0] in with_facts]
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for row in chunk:
            loaded[row[0]] = Facts(row[0], _terms(row))
        _load_facts(connection, loaded, [row[0] for row in chunk])
    return [(row, loaded.get(row[0])) for row in rows]


def _load_facts(connection: Connection, loaded: dict[int, Facts], ids: list[int]) -> None:
    marks = ", ".join(str(int(contract_id)) for contract_id in ids)  # integers from our own query
    grouped: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for table in FACT_TABLES:
        for row in connection.execute(text(f"SELECT * FROM {table} WHERE contract_id IN ({marks}) ORDER BY id")):
            typed = _typed(row)
            grouped[table][typed.contract_id].append(typed)
    for contract_id in ids:
        facts = loaded[contract_id]
        code = facts.terms.code
        facts.rules = [rule_from_row(r, code) for r in grouped["deduction_rule"][contract_id]]
        facts.assessments = [assessment_from_row(r, code) for r in grouped["assessment"][contract_id]]
        facts.payments = [payment_from_row(r, code) for r in grouped["payment"][contract_id]]
        openings = grouped["opening_balance"][contract_id]
        facts.opening = opening_from_row(openings[0], code) if openings else None
        facts.usage = [usage_from_row(r, code) for r in grouped["usage"][contract_id]]
        facts.amendments = sorted((amendment_from_row(r, code) for r in grouped["amendment"][contract_id]),
                                  key=lambda a: a.effective_from)
