"""Writing the history: one row per change, in the same transaction as the change itself.

Who: the ``--user`` given, else the login name (set on the session by the store).
When: the moment of writing, in UTC (the database layer may read the clock; the domain never does).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any


_FIELDS: dict[type, tuple[str, ...]] = {}


def plain(value: Any) -> Any:
    """A domain value as JSON carries it: the same rules as the history's encoder, applied all the way down."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return value
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
    return {"at": now(session), "user": session.info.get("user", "unknown"), "action": action, "contract": contract,
            "record": record[:300], "before": _json(before), "after": _json(after)}


def log(session, action: str, record: str, *, contract: str = "", before: Any = None, after: Any = None) -> None:
    if session.info.get("restoring"):
        return  # a restore brings the history it was exported with
    from .tables import HistoryRow

    session.add(HistoryRow(**entry(session, action, record, contract=contract, before=before, after=after)))


def log_many(session, entries: list[dict], *, force: bool = False) -> None:
    """Many entries in one statement (a province-sized import, or a restore with ``force``)."""
    if entries and (force or not session.info.get("restoring")):
        from sqlalchemy import insert

        from .tables import HistoryRow

        session.execute(insert(HistoryRow.__table__), entries)


def now(session) -> str:
    stamp = session.info.get("now")
    if stamp is None:
        stamp = session.info["now"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return stamp
