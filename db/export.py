"""Export every stored fact to one JSON document, and restore such a document into an empty store.

The document uses the same sections as a portfolio file (contract, rule, payment, ...), plus every
version of every assessment, reversals, and the history. Restoring checks every entry as an import
does, writes the history as it was (a restore adds no history of its own), and gives a store whose
export is identical, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import IO, Any, Callable, Iterator

from contracts.deductions import rule_as_raw
from contracts.errors import Collector, ContractsError
from contracts.money import format_money, from_fen
from contracts.periods import months_between

from .history import GENESIS, plain
from .json_indented import dumps_indent1
from .migrate import HEAD, REVISIONS

FORMAT = "contracts-export"


def _usage_period(start: dt.date, end: dt.date) -> str:
    return f"{start.year}-{start.month:02d}" if months_between(start, end) == 1 else f"{start.year}Q{(start.month - 1) // 3 + 1}"


HISTORY_KEYS = ("at", "user", "account", "action", "contract", "record", "before", "after", "hash")
NOT_SECTIONS = ("format", "schema", "history", "history_head", "assessment", "payment")  # keys of an export read apart
QUERIES = 10  # the reads below (the contracts with their facts, lines, tenders, transitions, suspensions, line usage,
              # fee lines, the budgets, the vendors, the history), one step each of a progress bar


def export_all(connection, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Every stored fact as plain values (``connection``: a Core connection), as one dict of sections.

    The contracts and their facts come through the one loader (``db.loader``), contract by contract in
    code order; ``progress(1)`` is told after each of the QUERIES reads. ``write_export`` writes the same
    document without holding it."""
    document: dict[str, Any] = {}
    for key, value in export_sections(connection, progress):
        document[key] = value() if callable(value) else value if isinstance(value, (str, dict)) else list(value)
    return document


def export_sections(connection, progress: Callable[[int], None] | None = None) -> Iterator[tuple[str, Any]]:
    """The export's sections in order, as (key, value): a value is a string or dict, an iterable of entries made as
    they are taken, or a function giving the value once the sections before it have been taken (the history's head)."""
    from . import loader
    from .mapping import line_from_row, suspension_from_row, tender_from_row, transition_from_row
    from .reads import load_budgets, rows
    from .sql import query, run

    def step() -> None:
        if progress:
            progress(1)

    def q(sql: str) -> list:
        found = rows(connection, sql)
        step()
        return found

    contracts = [loaded.contract for loaded in loader.load(connection)]
    step()
    yield "format", FORMAT
    yield "schema", HEAD
    yield "line", [plain(line_from_row(r)) for r in q("SELECT * FROM service_line ORDER BY code")]
    yield "contract", (plain(c.terms) for c in contracts)
    yield "rule", ({"contract": c.code, **rule_as_raw(rule)} for c in contracts for rule in c.rules)
    yield "amendment", ({key: value for key, value in {
        "contract": c.code, "effective_from": a.effective_from.isoformat(),
        "annual_fee": None if a.annual_fee is None else format_money(a.annual_fee),
        "billing_months": a.billing_months, "service_months": a.service_months, "reference": a.reference,
        "note": a.note}.items() if value not in (None, "")} for c in contracts for a in c.amendments)
    yield "opening", ({"contract": c.code, "as_of": c.opening.as_of.isoformat(),
                       "settled_through_seq": c.opening.settled_through_seq, "owed": format_money(c.opening.owed),
                       "source": c.opening.source, **({"basis": c.opening.basis} if c.opening.basis else {})}
                      for c in contracts if c.opening)
    tenders = []
    for r in q("SELECT * FROM tender ORDER BY id"):
        tender = plain(tender_from_row(r))
        tender.pop("id")
        tenders.append({k: v for k, v in tender.items() if v not in (None, "")})
    yield "tender", tenders
    yield "transition", [{k: v for k, v in plain(transition_from_row(r)).items() if v not in (None, "")}
                         for r in q("SELECT * FROM transition ORDER BY id")]
    yield "suspension", [{k: v for k, v in plain(suspension_from_row(r)).items() if v not in (None, "")}
                         for r in q("SELECT * FROM suspension ORDER BY id")]
    usage = [_usage_entry({"contract": c.code}, u.period.start, u.period.end, u.quantity, None, u.note)
             for c in contracts for u in c.usage]
    usage += [_usage_entry({"line": r.line}, r.period_start, r.period_end, r.quantity, r.amount_fen, r.note)
              for r in q("SELECT * FROM usage WHERE contract_id IS NULL ORDER BY id")]
    yield "usage", usage
    yield "assessment", ({
        "contract": a.contract, "seq": a.seq, "version": a.version, "assessed_on": a.assessed_on.isoformat(),
        "metrics": {name: str(value) for name, value in a.metrics},
        **({"score": str(a.score)} if a.score is not None else {}),
        "items": [{"reason": reason, "amount": format_money(from_fen(fen))} for reason, fen in a.items],
        "assessed_by": a.assessed_by, "document": a.document} for c in contracts for a in c.assessments)

    def payments() -> Iterator[dict]:
        number: dict[int, int] = {}  # stored payment ids, renumbered 1, 2, ... in the order written
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
                yield entry

    yield "payment", payments()
    yield "fee_line", [{key: value for key, value in {
        "code": r.code, "name": r.name, "notes": r.notes,
        "unit_price": None if r.unit_price_fen is None else format_money(from_fen(r.unit_price_fen)),
        "unit": r.unit, "sub_unit": r.sub_unit, "sub_units": r.sub_units}.items() if value not in (None, "") or key == "notes"}
        for r in q("SELECT * FROM fee_line ORDER BY code")]
    budget = load_budgets(connection)
    step()
    yield "programme", [plain(p) for p in budget.programmes]
    yield "budget", [{"programme": b.programme, "year": b.year, "unit": b.original.unit, "original": b.original.text,
                      **({"adjusted": b.adjusted.text} if b.adjusted else {}),
                      **({"spent": b.spent.text} if b.spent else {}), "source": b.source,
                      **({"purpose": b.purpose} if b.purpose else {}),
                      **({"purpose_contracts": list(b.purpose_contracts)} if b.purpose_contracts else {})}
                     for b in budget.budgets]
    yield "fee_amount", [{"fee_line": a.fee_line, "year": a.year,
                          **({a.kind: a.amount.text, "unit": a.amount.unit} if a.amount else
                             {a.kind: a.quantity, "quantity_unit": a.quantity_unit}),
                          **({"months": a.months_text} if a.months else {}),
                          "note": a.note, "source": a.source} for a in budget.fee_amounts]
    yield "vendor", [{key: value for key, value in r._asdict().items() if value or key == "name"}
                     for r in q("SELECT name, credit_code, bank, account, contact FROM vendor ORDER BY name")]
    head = {"entries": 0, "hash": GENESIS}

    def history() -> Iterator[dict]:
        # Read as it is written (a province's history is as long as its portfolio), counting to the head.
        found = run(connection, query(
            'SELECT at, "user", account, action, contract, record, before, after, hash FROM history ORDER BY id'))
        step()
        while True:
            batch = found.fetchmany(2000)
            if not batch:
                break
            for r in batch:
                entry = {key: getattr(r, key) for key in HISTORY_KEYS}
                head["entries"] += 1
                head["hash"] = entry["hash"]
                yield entry

    yield "history", history()
    # The head of the chain: a restore refuses a file whose history does not end there (entries cut off the end).
    yield "history_head", lambda: dict(head)


def write_export(connection, out: IO[str], progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """``export_all``'s document written to ``out`` as it is made, the very text ``json.dumps(document,
    ensure_ascii=False, indent=1)`` gives, without holding it; returns the entries written per list section."""
    counts: dict[str, int] = {}
    out.write("{")
    for index, (key, value) in enumerate(export_sections(connection, progress)):
        out.write(("\n " if index == 0 else ",\n ") + json.dumps(key, ensure_ascii=False) + ": ")
        if callable(value):
            value = value()
        if isinstance(value, (str, dict)):
            out.write(dumps_indent1(value, "\n "))
            continue
        count = 0
        for entry in value:
            # One entry of a list at depth 2: every line of its own indented text two spaces further in.
            out.write(("[\n  " if count == 0 else ",\n  ") + dumps_indent1(entry, "\n  "))
            count += 1
        out.write("\n ]" if count else "[]")
        counts[key] = count
    out.write("\n}")
    return counts


def _usage_entry(owner: dict, start: dt.date, end: dt.date, quantity: int, amount_fen: int | None, note: str) -> dict:
    entry = {**owner, "period": _usage_period(start, end), "quantity": quantity}
    if amount_fen is not None:
        entry["amount"] = format_money(from_fen(amount_fen))
    if note:
        entry["note"] = note
    return entry


def restore(session, document: dict[str, Any], source: str) -> dict[str, int]:
    """Write an export into an empty store, every entry checked as an import checks it.

    Refused whole: a file of a schema this program does not know, payment ids that are not distinct positive
    whole numbers (or a reversal of a payment not before it), assessment versions out of order, and a history
    that does not fit its chain (an entry changed, removed, or cut off the end; see db/history.py)."""
    from contracts.portfolio_file import parse_portfolio_data

    from . import facts, history
    from .importer import import_portfolio
    from .store import ImportResult

    if document.get("format") != FORMAT:
        raise ContractsError("file", source, f"is not a contracts export (its 'format' is not {FORMAT!r})")
    schema = document.get("schema")
    if schema not in REVISIONS:
        raise ContractsError("schema", schema, f"is not a schema this program knows ({REVISIONS[0]} to {HEAD}); "
                             "restore it with the version of contracts that wrote it, or a newer one", where=source)
    from sqlalchemy import text

    for table in ("contract", "service_line", "programme", "fee_line", "vendor", "history"):
        if session.exec(text(f"SELECT COUNT(*) FROM {table}")).scalar():
            raise ContractsError("db", "", "is not empty: an export restores into an empty store (contracts init --db NEW)")
    entries = _checked_history(document, schema, source)
    _checked_payments(document.get("payment", []), source)
    _checked_assessments(document.get("assessment", []), source)
    sections = {key: value for key, value in document.items() if key not in NOT_SECTIONS}
    portfolio = parse_portfolio_data(sections, source, collect=True)
    session.info["restoring"] = True  # the history is restored as it was, not written anew
    session.info["as_of"] = None  # facts as they were recorded: none is "after today" for a restore
    errors = Collector()
    with errors.at():
        import_portfolio(session, portfolio, ImportResult())
    cache: dict = {}
    for index, raw in enumerate(document.get("assessment", []), start=1):
        with errors.at(f"{source}: assessment #{index}"):
            raw = dict(raw)
            code, version = raw.pop("contract"), raw.pop("version", 1)
            facts.record_assessment(session, code, raw, replace=version > 1, cache=cache, allow_credit=True)
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
    history.write(session, entries, chained=True)
    return {"contracts": len(portfolio.contracts), "history": len(entries)}


def _entries(document: dict[str, Any], key: str, source: str) -> list:
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ContractsError("section", key, "must be a list of entries", where=source)
    return value


def _checked_history(document: dict[str, Any], schema: str, source: str) -> list[dict]:
    """The history of an export, each entry checked; chained as it was (schema 0008 on), or chained now (older exports,
    which carried no hashes)."""
    from contracts.limits import check_text

    from . import history

    entries = []
    allowed = set(HISTORY_KEYS)
    for index, raw in enumerate(_entries(document, "history", source), start=1):
        where = f"{source}: history #{index}"
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise ContractsError(unknown[0], None, f"is not a history field (known: {', '.join(HISTORY_KEYS)})", where=where)
        item = {}
        for key in ("at", "user", "account", "action", "contract", "record", "hash"):
            value = raw.get(key, "")
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise ContractsError(key, value, "must be text", where=where)
            try:
                check_text(value, "history", key)
            except ContractsError as exc:
                raise exc.located(where) from None
            item[key] = value
        try:
            dt.datetime.fromisoformat(item["at"])
        except ValueError:
            raise ContractsError("at", item["at"], "is not a moment in ISO form (2024-01-31T08:00:00+00:00)", where=where) from None
        if not (item["user"] and item["action"]):
            raise ContractsError("user" if not item["user"] else "action", None, "is required", where=where)
        for key in ("before", "after"):
            value = raw.get(key)
            if value is not None:
                if not isinstance(value, str) or len(value) > 1_000_000:
                    raise ContractsError(key, value, "must be the JSON text of the values (or null)", where=where)
                try:
                    json.loads(value)
                except ValueError:
                    raise ContractsError(key, value, "is not JSON text", where=where) from None
            item[key] = value
        entries.append(item)
    if schema < "0008":
        history.chain(entries)  # an export of an older version carried no hashes: chain its entries now
        return entries
    count, head, broken = history.verify({**item, "id": index} for index, item in enumerate(entries, start=1))
    if broken is not None:
        raise ContractsError("history", f"#{broken.id}", f"({broken.at}, {broken.action}) does not fit the chain: it, or an entry "
                             "before it, was changed or removed after the export was written; nothing was restored", where=source)
    stated = document.get("history_head")
    if not isinstance(stated, dict) or stated.get("entries") != count or stated.get("hash") != head:
        raise ContractsError("history_head", None, f"does not match the history ({count} entries ending in {head[:16] or 'nothing'}): "
                             "entries were removed from its end, or the file was cut; nothing was restored", where=source)
    return entries


def _checked_payments(payments: Any, source: str) -> list[dict]:
    """Payment ids: distinct positive whole numbers; a reversal reverses a payment listed before it."""
    seen: set[int] = set()
    for index, raw in enumerate(_entries({"payment": payments}, "payment", source), start=1):
        where = f"{source}: payment #{index}"
        for key in ("id", "reverses"):
            value = raw.get(key)
            if key == "reverses" and value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ContractsError(key, value, "must be a positive whole number", where=where)
        if raw["id"] in seen:
            raise ContractsError("id", raw["id"], "is the id of an earlier payment too: ids are distinct", where=where)
        if raw.get("reverses") is not None and raw["reverses"] not in seen:
            raise ContractsError("reverses", raw["reverses"], "is not the id of a payment listed before this one", where=where)
        for key in ("contract", "paid_on"):
            if not isinstance(raw.get(key), str):
                raise ContractsError(key, raw.get(key), "is required (text)", where=where)
        seen.add(raw["id"])
    return payments


def _checked_assessments(assessments: Any, source: str) -> list[dict]:
    """Versions of each installment's assessment: whole numbers 1, 2, 3 ... in order."""
    latest: dict[tuple, int] = {}
    for index, raw in enumerate(_entries({"assessment": assessments}, "assessment", source), start=1):
        where = f"{source}: assessment #{index}"
        version = raw.get("version", 1)
        if not isinstance(raw.get("contract"), str):
            raise ContractsError("contract", raw.get("contract"), "is required (text)", where=where)
        key = (raw.get("contract"), str(raw.get("seq")))
        if isinstance(version, bool) or not isinstance(version, int) or version != latest.get(key, 0) + 1:
            raise ContractsError("version", version, f"must be {latest.get(key, 0) + 1}: the versions of an assessment "
                                 "are numbered 1, 2, 3 ... in order", where=where)
        latest[key] = version
    return assessments
