"""Writing the history: one row per change, in the same transaction as the change itself, in a tamper-evident chain.

Who: the ``--user`` given, else the login name (on whose behalf), and beside it the operating-system account
that ran the command (who typed it), both set on the session by the store.
When: the moment of writing, in UTC (the database layer may read the clock; the domain never does).

Each row carries the SHA-256 of its content and of the hash of the row before it (``entry_hash``), so that a row
changed or removed in the database (or in an export) no longer fits the chain: ``contracts check`` names the first
that does not, and a restore refuses such a file. Every writer of history rows goes through ``write`` (and so
through ``entry_hash``): ``log`` and ``log_many`` here, the restore, migration 0008 for the rows written before it.
The chain has no secret key: it shows an edit unless the editor recomputes every later hash too, which is why
``check`` also prints the hash at the head of the chain, to be noted elsewhere (a monthly report, a paper file).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any, Mapping


_FIELDS: dict[type, tuple[str, ...]] = {}


def plain(value: Any) -> Any:
    """A domain value as JSON carries it: the same rules as the history's encoder, applied all the way down."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return value
    if kind is Decimal:  # the commonest values after text, answered as ``_default`` would (an export has millions)
        return str(value)
    if kind is dt.date:
        return value.isoformat()
    names = _FIELDS.get(kind)
    if names is not None:  # a dataclass met before: ``plain(_default(value))`` without the dict in between
        found = {}
        for name in names:  # an export has 100,000 terms of 22 fields: the common values here, not a call each
            item = getattr(value, name)
            kind = type(item)
            if item is None or kind is str or kind is int or kind is bool:
                found[name] = item
            elif kind is Decimal:
                found[name] = str(item)
            elif kind is dt.date:
                found[name] = item.isoformat()
            elif isinstance(item, Enum):  # a term's frequency, alignment, timing, pricing: as ``_default`` gives it
                found[name] = plain(item.value)
            else:
                found[name] = plain(item)
        return found
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    try:
        return plain(_default(value))
    except TypeError:
        return value


def _default(value: Any) -> Any:
    """What json cannot write itself (the C encoder asks only for these, which keeps a big import quick)."""
    names = _FIELDS.get(type(value))
    if names is None and isinstance(value, Enum):  # before the dataclass test, which is slow and always no for these
        return value.value
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[type(value)] = tuple(field.name for field in dataclasses.fields(value))
    if names is not None:
        return {name: getattr(value, name) for name in names}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot record {type(value).__name__} in the history")


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, default=_default, ensure_ascii=False, sort_keys=True)


def entry(session, action: str, record: str, *, contract: str = "", before: Any = None, after: Any = None) -> dict:
    return {"at": now(session), "user": session.info.get("user", "unknown"), "account": session.info.get("account", ""),
            "action": action, "contract": contract, "record": record[:300], "before": _json(before), "after": _json(after)}


def log(session, action: str, record: str, *, contract: str = "", before: Any = None, after: Any = None) -> None:
    if session.info.get("restoring"):
        return  # a restore brings the history it was exported with
    write(session, [entry(session, action, record, contract=contract, before=before, after=after)])


def log_many(session, entries: list[dict], *, force: bool = False) -> None:
    """Many entries in one statement (a province-sized import, or a restore with ``force``)."""
    if entries and (force or not session.info.get("restoring")):
        write(session, entries)


# -- the chain ------------------------------------------------------------------------------------

GENESIS = ""  # what the first entry is chained to
HASHED = ("at", "user", "account", "action", "contract", "record", "before", "after")  # the content of an entry, in order
ADVISORY_LOCK = 0x636F6E74  # PostgreSQL: one writer of the history at a time ("cont")


# json.dumps with these options makes a new encoder every call; ``check`` hashes every entry of a province's history
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def entry_hash(previous: str, row: Mapping[str, Any]) -> str:
    """SHA-256 of the previous entry's hash and this entry's content: the one hash function of the history.

    The content is the entry's fields as stored (text, or null for an empty before/after), written as a JSON
    array: unambiguous, and the same on SQLite and PostgreSQL. The row's id is left out (PostgreSQL's sequences
    leave gaps; a restore renumbers), the order of the chain is the order of the ids.
    """
    content = [previous] + [row.get(key) if key in ("before", "after") else (row.get(key) or "") for key in HASHED]
    return hashlib.sha256(_ENCODE(content).encode("utf-8")).hexdigest()


def _content_hash(previous: str, at, user, account, action, contract, record, before, after) -> str:
    """``entry_hash`` of a row given as its HASHED fields in order (the same text hashed, without a mapping)."""
    content = [previous, at or "", user or "", account or "", action or "", contract or "", record or "", before, after]
    return hashlib.sha256(_ENCODE(content).encode("utf-8")).hexdigest()


def chain(entries: list[dict], previous: str = GENESIS) -> str:
    """Give each entry its hash, in order, after ``previous``; returns the last hash."""
    for item in entries:
        item["hash"] = previous = entry_hash(previous, item)
    return previous


def lock(session) -> None:
    """Serialise the writers of the history on PostgreSQL (SQLite's BEGIN IMMEDIATE does it there), so that two
    writers never chain to the same entry. Held to the end of the transaction; taking it again is free."""
    from sqlalchemy import text

    connection = session.connection()  # not session.execute: no autoflush of what the caller has pending
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})


def last_hash(session) -> str:
    from sqlalchemy import text

    return session.connection().execute(text("SELECT hash FROM history ORDER BY id DESC LIMIT 1")).scalar() or GENESIS


def write(session, entries: list[dict], *, chained: bool = False) -> None:
    """Append entries to the history, each chained to the one before. ``chained``: the entries carry hashes already
    (a restore, checked against the chain by the caller), written as they are.

    The head of the chain is read once per transaction (after the lock) and then kept on the session, since every
    history row of the transaction is written here."""
    from sqlalchemy import insert

    from .tables import HistoryRow

    transaction = session.get_transaction()
    kept = session.info.get("history_head")
    if kept is not None and kept[0] is transaction:
        head = kept[1]
    else:
        lock(session)
        head = last_hash(session)
    if not chained:
        head = chain(entries, head)
    elif entries:
        head = entries[-1]["hash"]
    global _INSERT
    if _INSERT is None:  # one statement object, so that SQLAlchemy works out its cache key once
        _INSERT = insert(HistoryRow.__table__)
    session.connection().execute(_INSERT, [{key: item.get(key) for key in (*HASHED, "hash")} | {
        "account": item.get("account") or "", "contract": item.get("contract") or ""} for item in entries])
    session.info["history_head"] = (transaction, head)


_INSERT = None


@dataclasses.dataclass(frozen=True)
class ChainBreak:
    id: int  # the first entry that does not fit
    at: str
    action: str
    record: str


def verify(rows) -> tuple[int, str, ChainBreak | None]:
    """Walk rows (in id order, each with the HASHED fields, ``hash`` and ``id``): (how many, the head's hash,
    the first entry whose hash is not that of its content after the hash stored before it, or None)."""
    previous, count, first_break = GENESIS, 0, None
    for row in rows:
        values = row._mapping if hasattr(row, "_mapping") else row
        count += 1
        if first_break is None and values["hash"] != entry_hash(previous, values):
            first_break = ChainBreak(values["id"], values["at"], values["action"], values["record"])
        previous = values["hash"] or ""
    return count, previous, first_break


VERIFIED_COLUMNS = ("id", *HASHED, "hash")  # the order of the tuples ``verify_tuples`` takes


def verify_tuples(rows) -> tuple[int, str, ChainBreak | None]:
    """``verify`` of rows given as tuples in the order of VERIFIED_COLUMNS (a province's history is read this way:
    a tuple per entry rather than a row object looked up by name)."""
    previous, count, first_break, digest = GENESIS, 0, None, _content_hash
    for entry_id, at, user, account, action, contract, record, before, after, stored in rows:
        count += 1
        if first_break is None and stored != digest(previous, at, user, account, action, contract, record, before, after):
            first_break = ChainBreak(entry_id, at, action, record)
        previous = stored or ""
    return count, previous, first_break


def now(session) -> str:
    stamp = session.info.get("now")
    if stamp is None:
        stamp = session.info["now"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return stamp
