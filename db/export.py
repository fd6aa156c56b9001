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
from contracts.errors import Collector, ContractsError
from contracts.money import format_money, from_fen
from contracts.periods import months_between

from .history import plain
from .migrate import HEAD

FORMAT = "contracts-export"


def _usage_period(start: dt.date, end: dt.date) -> str:
    return f"{start.year}-{start.month:02d}" if months_between(start, end) == 1 else f"{start.year}Q{(start.month - 1) // 3 + 1}"


QUERIES = 9  # the reads below (the contracts with their facts, lines, tenders, transitions, suspensions, line usage,
             # fee lines, the budgets, the history), one step each of a progress bar


def export_all(connection, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Every stored fact as plain values (``connection``: a Core connection).

    The contracts and their facts come through the one loader (``db.loader``), contract by contract in
    code order; ``progress(1)`` is told after each of the QUERIES reads."""
    from . import loader
    from .mapping import line_from_row, suspension_from_row, tender_from_row, transition_from_row
    from .reads import load_budgets, rows

    def step() -> None:
        if progress:
            progress(1)

    def q(sql: str) -> list:
        found = rows(connection, sql)
        step()
        return found

    contracts = [loaded.contract for loaded in loader.load(connection)]
    step()
    document: dict[str, Any] = {"format": FORMAT, "schema": HEAD}
    document["line"] = [plain(line_from_row(r)) for r in q("SELECT * FROM service_line ORDER BY code")]
    document["contract"] = [plain(c.terms) for c in contracts]
    document["rule"] = [{"contract": c.code, **rule_as_raw(rule)} for c in contracts for rule in c.rules]
    document["amendment"] = [{key: value for key, value in {
        "contract": c.code, "effective_from": a.effective_from.isoformat(),
        "annual_fee": None if a.annual_fee is None else format_money(a.annual_fee),
        "billing_months": a.billing_months, "service_months": a.service_months, "reference": a.reference,
        "note": a.note}.items() if value not in (None, "")} for c in contracts for a in c.amendments]
    document["opening"] = [{"contract": c.code, "as_of": c.opening.as_of.isoformat(),
                            "settled_through_seq": c.opening.settled_through_seq, "owed": format_money(c.opening.owed),
                            "source": c.opening.source} for c in contracts if c.opening]
    document["tender"] = []
    for r in q("SELECT * FROM tender ORDER BY id"):
        tender = plain(tender_from_row(r))
        tender.pop("id")
        document["tender"].append({k: v for k, v in tender.items() if v not in (None, "")})
    document["transition"] = [{k: v for k, v in plain(transition_from_row(r)).items() if v not in (None, "")}
                              for r in q("SELECT * FROM transition ORDER BY id")]
    document["suspension"] = [{k: v for k, v in plain(suspension_from_row(r)).items() if v not in (None, "")}
                              for r in q("SELECT * FROM suspension ORDER BY id")]
    document["usage"] = [_usage_entry({"contract": c.code}, u.period.start, u.period.end, u.quantity, None, u.note)
                         for c in contracts for u in c.usage]
    document["usage"] += [_usage_entry({"line": r.line}, r.period_start, r.period_end, r.quantity, r.amount_fen, r.note)
                          for r in q("SELECT * FROM usage WHERE contract_id IS NULL ORDER BY id")]
    document["assessment"] = [{
        "contract": a.contract, "seq": a.seq, "version": a.version, "assessed_on": a.assessed_on.isoformat(),
        "metrics": {name: str(value) for name, value in a.metrics},
        **({"score": str(a.score)} if a.score is not None else {}),
        "items": [{"reason": reason, "amount": format_money(from_fen(fen))} for reason, fen in a.items],
        "assessed_by": a.assessed_by, "document": a.document} for c in contracts for a in c.assessments]
    number: dict[int, int] = {}  # stored payment ids, renumbered 1, 2, ... in the order written
    document["payment"] = []
    for c in contracts:
        for p in c.payments:
            number[p.id] = len(number) + 1
            entry = {"id": number[p.id], "contract": c.code, "paid_on": p.paid_on.isoformat(),
                     "amount": format_money(p.amount), "reference": p.reference, "note": p.note}
            if p.seq is not None:
                entry["seq"] = p.seq
            if p.allow_credit:
                entry["allow_credit"] = True
            if p.reverses is not None:
                entry["reverses"] = number[p.reverses]
            document["payment"].append(entry)
    document["fee_line"] = [{"code": r.code, "name": r.name, "notes": r.notes} for r in q("SELECT * FROM fee_line ORDER BY code")]
    budget = load_budgets(connection)
    step()
    document["programme"] = [plain(p) for p in budget.programmes]
    document["budget"] = [{"programme": b.programme, "year": b.year, "unit": b.original.unit, "original": b.original.text,
                           **({"adjusted": b.adjusted.text} if b.adjusted else {}),
                           **({"spent": b.spent.text} if b.spent else {}), "source": b.source} for b in budget.budgets]
    document["fee_amount"] = [{"fee_line": a.fee_line, "year": a.year, a.kind: a.amount.text, "unit": a.amount.unit,
                               "note": a.note, "source": a.source} for a in budget.fee_amounts]
    document["history"] = [{key: getattr(r, key) for key in ("at", "user", "action", "contract", "record", "before", "after")}
                           for r in q('SELECT at, "user", action, contract, record, before, after FROM history ORDER BY id')]
    return document


def _usage_entry(owner: dict, start: dt.date, end: dt.date, quantity: int, amount_fen: int | None, note: str) -> dict:
    entry = {**owner, "period": _usage_period(start, end), "quantity": quantity}
    if amount_fen is not None:
        entry["amount"] = format_money(from_fen(amount_fen))
    if note:
        entry["note"] = note
    return entry


def restore(session, document: dict[str, Any], source: str) -> dict[str, int]:
    """Write an export into an empty store, every entry checked as an import checks it."""
    from contracts.portfolio_file import parse_portfolio_data

    from . import facts, history
    from .importer import import_portfolio
    from .store import ImportResult

    if document.get("format") != FORMAT:
        raise ContractsError("file", source, f"is not a contracts export (its 'format' is not {FORMAT!r})")
    if session.exec(text("SELECT COUNT(*) FROM contract")).scalar():
        raise ContractsError("db", "", "is not empty: an export restores into an empty store (contracts init --db NEW)")
    sections = {key: value for key, value in document.items() if key not in ("format", "schema", "history", "assessment", "payment")}
    portfolio = parse_portfolio_data(sections, source, collect=True)
    session.info["restoring"] = True  # the history is restored as it was, not written anew
    errors = Collector()
    with errors.at():
        import_portfolio(session, portfolio, ImportResult())
    cache: dict = {}
    for index, raw in enumerate(document.get("assessment", []), start=1):
        with errors.at(f"{source}: assessment #{index}"):
            raw = dict(raw)
            code, version = raw.pop("contract"), raw.pop("version", 1)
            facts.record_assessment(session, code, raw, replace=version > 1, cache=cache)
    new_ids: dict[int, int] = {}
    for index, raw in enumerate(document.get("payment", []), start=1):
        with errors.at(f"{source}: payment #{index}"):
            raw = dict(raw)
            number, code, reverses = raw.pop("id"), raw.pop("contract"), raw.pop("reverses", None)
            if reverses is not None:
                if reverses not in new_ids:
                    raise ContractsError("reverses", reverses, "is not the id of a payment listed before it")
                reversal = facts.reverse_payment(session, code, new_ids[reverses], on=dt.date.fromisoformat(raw["paid_on"]),
                                                 reference=raw.get("reference", ""), note=raw.get("note", ""), cache=cache)
                new_ids[number] = reversal.id
            else:
                payment, _, _ = facts.record_payment(session, code, raw, cache=cache)
                new_ids[number] = payment.id
    errors.raise_any()
    history.log_many(session, [dict(entry) for entry in document.get("history", [])], force=True)
    return {"contracts": len(portfolio.contracts), "history": len(document.get("history", []))}
