"""Export every stored fact to one JSON document, and restore such a document into an empty store.

The document uses the same sections as a portfolio file (contract, rule, payment, ...), plus every
version of every assessment, reversals, and the history. Restoring checks every entry as an import
does, writes the history as it was (a restore adds no history of its own), and gives a store whose
export is identical, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from sqlalchemy import text

from contracts.deductions import rule_as_raw
from contracts.errors import ContractsError
from contracts.money import format_money, from_fen
from contracts.periods import months_between

from .history import plain
from .migrate import HEAD
from .reads import _rows, _typed

FORMAT = "contracts-export"


def _usage_period(start: dt.date, end: dt.date) -> str:
    return f"{start.year}-{start.month:02d}" if months_between(start, end) == 1 else f"{start.year}Q{(start.month - 1) // 3 + 1}"


QUERIES = 15  # the reads below (13 tables, the budgets, the history), one step each of a progress bar


def export_all(connection, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Every stored fact as plain values (``connection``: a Core connection or an ORM session).

    ``progress(1)`` is told after each of the QUERIES tables is read."""
    from .mapping import (
        assessment_from_row,
        line_from_row,
        opening_from_row,
        rule_from_row,
        suspension_from_row,
        tender_from_row,
        terms_from_row,
        transition_from_row,
    )

    def q(sql: str) -> list:
        rows = _rows(connection, sql, {})
        if progress:
            progress(1)
        return rows

    codes = {row.id: row.code for row in q("SELECT id, code FROM contract")}
    document: dict[str, Any] = {"format": FORMAT, "schema": HEAD}
    document["line"] = [plain(line_from_row(r)) for r in q("SELECT * FROM service_line ORDER BY code")]
    document["contract"] = [plain(terms_from_row(r)) for r in q("SELECT * FROM contract ORDER BY code")]
    document["rule"] = [{"contract": codes[r.contract_id], **rule_as_raw(rule_from_row(r, codes[r.contract_id]))}
                        for r in q("SELECT * FROM deduction_rule ORDER BY id")]
    document["amendment"] = []
    for r in q("SELECT * FROM amendment ORDER BY contract_id, effective_from"):
        document["amendment"].append({key: value for key, value in {
            "contract": codes[r.contract_id], "effective_from": r.effective_from.isoformat(),
            "annual_fee": None if r.annual_fee_fen is None else format_money(from_fen(r.annual_fee_fen)),
            "billing_months": r.billing_months, "service_months": r.service_months, "reference": r.reference,
            "note": r.note}.items() if value not in (None, "")})
    document["opening"] = []
    for r in q("SELECT * FROM opening_balance ORDER BY id"):
        opening = opening_from_row(r, codes[r.contract_id])
        document["opening"].append({"contract": opening.contract, "as_of": opening.as_of.isoformat(),
                                    "settled_through_seq": opening.settled_through_seq, "owed": format_money(opening.owed),
                                    "source": opening.source})
    document["tender"] = []
    for r in q("SELECT * FROM tender ORDER BY id"):
        tender = plain(tender_from_row(r))
        tender.pop("id")
        document["tender"].append({k: v for k, v in tender.items() if v not in (None, "")})
    document["transition"] = [{k: v for k, v in plain(transition_from_row(r)).items() if v not in (None, "")}
                              for r in q("SELECT * FROM transition ORDER BY id")]
    document["suspension"] = [{k: v for k, v in plain(suspension_from_row(r)).items() if v not in (None, "")}
                              for r in q("SELECT * FROM suspension ORDER BY id")]
    document["usage"] = []
    for r in q("SELECT * FROM usage ORDER BY id"):
        owner = {"contract": codes[r.contract_id]} if r.contract_id else {"line": r.line}
        entry = {**owner, "period": _usage_period(r.period_start, r.period_end), "quantity": r.quantity}
        if r.amount_fen is not None and not r.contract_id:
            entry["amount"] = format_money(from_fen(r.amount_fen))
        if r.note:
            entry["note"] = r.note
        document["usage"].append(entry)
    document["assessment"] = []
    for r in q("SELECT * FROM assessment ORDER BY id"):
        a = assessment_from_row(r, codes[r.contract_id])
        document["assessment"].append({
            "contract": a.contract, "seq": a.seq, "version": a.version, "assessed_on": a.assessed_on.isoformat(),
            "metrics": {name: str(value) for name, value in a.metrics},
            **({"score": str(a.score)} if a.score is not None else {}),
            "items": [{"reason": reason, "amount": format_money(from_fen(fen))} for reason, fen in a.items],
            "assessed_by": a.assessed_by, "document": a.document})
    number = {}
    document["payment"] = []
    for r in q("SELECT * FROM payment ORDER BY id"):
        number[r.id] = len(number) + 1
        entry = {"id": number[r.id], "contract": codes[r.contract_id], "paid_on": r.paid_on.isoformat(),
                 "amount": format_money(from_fen(r.amount_fen)), "reference": r.reference, "note": r.note}
        if r.seq is not None:
            entry["seq"] = r.seq
        if r.allow_credit:
            entry["allow_credit"] = True
        if r.reverses_id is not None:
            entry["reverses"] = number[r.reverses_id]
        document["payment"].append(entry)
    document["fee_line"] = [{"code": r.code, "name": r.name, "notes": r.notes} for r in q("SELECT * FROM fee_line ORDER BY code")]
    from .budgets import load_budget_facts

    budget = load_budget_facts(connection)
    if progress:
        progress(1)
    document["programme"] = [plain(p) for p in budget.programmes]
    document["budget"] = [{"programme": b.programme, "year": b.year, "unit": b.original.unit, "original": b.original.text,
                           **({"adjusted": b.adjusted.text} if b.adjusted else {}),
                           **({"spent": b.spent.text} if b.spent else {}), "source": b.source} for b in budget.budgets]
    document["fee_amount"] = [{"fee_line": a.fee_line, "year": a.year, a.kind: a.amount.text, "unit": a.amount.unit,
                               "note": a.note, "source": a.source} for a in budget.fee_amounts]
    document["history"] = [{key: getattr(r, key) for key in ("at", "user", "action", "contract", "record", "before", "after")}
                           for r in map(_typed, connection.execute(text(
                               'SELECT at, "user", action, contract, record, before, after FROM history ORDER BY id')))]
    if progress:
        progress(1)
    return document


def restore(session, document: dict[str, Any], source: str) -> dict[str, int]:
    """Write an export into an empty store, every entry checked as an import checks it."""
    from contracts.portfolio_file import parse_portfolio_data

    from . import facts, history
    from .importer import import_portfolio, located
    from .store import ImportResult

    if document.get("format") != FORMAT:
        raise ContractsError("file", source, f"is not a contracts export (its 'format' is not {FORMAT!r})")
    if session.exec(text("SELECT COUNT(*) FROM contract")).scalar():
        raise ContractsError("db", "", "is not empty: an export restores into an empty store (contracts init --db NEW)")
    sections = {key: value for key, value in document.items() if key not in ("format", "schema", "history", "assessment", "payment")}
    portfolio = parse_portfolio_data(sections, source)
    session.info["restoring"] = True  # the history is restored as it was, not written anew
    import_portfolio(session, portfolio, ImportResult())
    cache: dict = {}
    for index, raw in enumerate(document.get("assessment", []), start=1):
        with located(f"{source}: assessment #{index}"):
            raw = dict(raw)
            code, version = raw.pop("contract"), raw.pop("version", 1)
            facts.record_assessment(session, code, raw, replace=version > 1, cache=cache)
    new_ids: dict[int, int] = {}
    for index, raw in enumerate(document.get("payment", []), start=1):
        with located(f"{source}: payment #{index}"):
            raw = dict(raw)
            number, code, reverses = raw.pop("id"), raw.pop("contract"), raw.pop("reverses", None)
            if reverses is not None:
                reversal = facts.reverse_payment(session, code, new_ids[reverses], on=dt.date.fromisoformat(raw["paid_on"]),
                                                 reference=raw.get("reference", ""), note=raw.get("note", ""))
                new_ids[number] = reversal.id
                cache.pop(code, None)
            else:
                payment, _, _ = facts.record_payment(session, code, raw, cache=cache)
                new_ids[number] = payment.id
    history.log_many(session, [dict(entry) for entry in document.get("history", [])], force=True)
    return {"contracts": len(portfolio.contracts), "history": len(document.get("history", []))}
