"""Queries as plain values, run either through SQLAlchemy Core or straight through the SQLite driver.

A command that only looks at one contract (``show``, ``schedule``, ``payable --seq``) or at an indexed range
(``expiring``) spends milliseconds in its queries and, through SQLAlchemy, a third of a second importing it (2.1:
0.3 s of ``show``'s 0.55 s on a 100,000-contract store). So the loader's queries are written here as ``Query``
values that either front end can run: ``run`` hands them to an SQLAlchemy connection as ``text()`` with the same
typed columns, or to a ``DriverReader`` (Python's own ``sqlite3``), which types the same columns itself. Both give
rows read by attribute and by position, so ``db/mapping.py`` reads either.

Only a plain SQLite file (``db.engine.plain_sqlite_file``) is read through the driver (``Store`` decides), and a plain
PostgreSQL URL (``db.engine.plain_postgres_url``) through psycopg itself (``PgReader``), at this program's schema;
anything else (an URL with options, memory, a store to upgrade, a server's pooled store) goes through SQLAlchemy. ``_expand`` writes out a list
parameter wherever ``:name`` stands, string literals included: the queries here have none that hold one.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from functools import lru_cache
from typing import Any, Iterable, Iterator, NamedTuple

# The columns whose types a raw query must be told (SQLite hands dates and flags back as text and integers).
DATE_COLUMNS = frozenset(("signed_on", "billing_start", "completed_on", "billing_end", "service_end", "effective_from",
                          "assessed_on", "paid_on", "as_of", "period_start", "period_end", "approved", "announced",
                          "bid_deadline", "opened", "awarded", "signed", "start", "end"))
FLAG_COLUMNS = frozenset(("allow_credit",))
TYPED = DATE_COLUMNS | FLAG_COLUMNS


class Query(NamedTuple):
    """An SQL text with ``:name`` parameters; ``typed``: the columns read back as dates or flags; ``expanding``:
    the parameters given as a sequence of text, each written out as a list (``code IN :codes``); ``by_position``: its rows
    are read by position only (the driver then gives plain tuples, not named ones: a province's rows are many)."""

    sql: str
    typed: frozenset = TYPED
    expanding: tuple = ()
    by_position: bool = False


def query(sql: str, typed: Iterable[str] = TYPED, *, expanding: tuple = (), by_position: bool = False) -> Query:
    return Query(sql, frozenset(name for name in typed if name in TYPED), tuple(expanding), by_position)


def run(connection, statement: Query, params: dict | None = None):
    """The result of ``statement`` on ``connection`` (an SQLAlchemy ``Connection``, a ``DriverReader`` or a
    ``PgReader``): rows read by attribute and position, with ``all``, ``scalar``, ``scalars`` and ``fetchmany``."""
    if isinstance(connection, (DriverReader, PgReader, _PgStreaming)):
        return connection.execute(statement, params or {})
    return connection.execute(_core(statement), params or {})


def database_errors() -> tuple[type[BaseException], ...]:
    """The errors a read can raise, for an ``except`` clause: sqlite3's, psycopg's and SQLAlchemy's once they are
    loaded (a store read only through a driver never loads SQLAlchemy, and then nothing raises its errors)."""
    import sys

    found: list[type[BaseException]] = [sqlite3.Error]
    for module, name in (("psycopg", "Error"), ("sqlalchemy.exc", "SQLAlchemyError")):
        loaded = sys.modules.get(module)
        if loaded is not None:
            found.append(getattr(loaded, name))
    return tuple(found)


@lru_cache(maxsize=256)
def _core(statement: Query):
    """The same query as SQLAlchemy's ``text()``, its dates and flags typed (made once per distinct text)."""
    from sqlalchemy import Boolean, Date, String, bindparam, text

    clause = text(statement.sql).columns(**{name: Boolean if name in FLAG_COLUMNS else Date for name in sorted(statement.typed)})
    if statement.expanding:
        # Lists of text (codes): typed, so that an empty one is an empty list of text, which PostgreSQL compares
        # with a text column (untyped, SQLAlchemy writes it as integers, and PostgreSQL refuses the query).
        clause = clause.bindparams(*(bindparam(name, expanding=True, type_=String) for name in statement.expanding))
    return clause


# -- the SQLite driver ----------------------------------------------------------------------------------------

class _Dialect(NamedTuple):
    name: str
    supports_server_side_cursors: bool


class DriverReader:
    """A read-only look at an SQLite store through Python's ``sqlite3``, in one transaction (one snapshot) until
    closed: the subset of SQLAlchemy's ``Connection`` that ``run`` and the loader use."""

    dialect = _Dialect("sqlite", False)

    def __init__(self, path: str) -> None:
        # isolation_level=None: the module opens no transaction of its own; BEGIN below is the one snapshot.
        # mode=rw: the file must exist (a reader never makes an empty one where a store was).
        self._connection = sqlite3.connect(file_uri(path, "rw"), uri=True, isolation_level=None)
        try:
            self._connection.execute("PRAGMA busy_timeout = 15000")  # as the engine's connections wait for a writer
            self._connection.execute("PRAGMA query_only = ON")  # a reader never writes, whatever it is asked
            self._connection.execute("BEGIN")
        except BaseException:
            self._connection.close()
            raise

    def execute(self, statement: Query, params: dict) -> "DriverResult":
        sql, params = _expand(statement, params)
        cursor = self._connection.execute(sql, {name: _bound(value) for name, value in params.items()})
        return DriverResult(cursor, statement.typed, statement.by_position)

    def cursor(self) -> sqlite3.Cursor:
        """A cursor of the driver itself, for a walk over many rows as its own tuples (the history's chain)."""
        return self._connection.cursor()

    def close(self) -> None:
        try:
            if self._connection.in_transaction:  # SQLite may have ended it itself (a full disk, an I/O error)
                self._connection.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # nothing was written to keep or undo; the error the block raised, if any, is the one to say
        finally:
            self._connection.close()


def file_uri(path: str, mode: str) -> str:
    """An SQLite URI for the file at ``path`` opened in ``mode`` (ro: read only; rw: read and write, never created)."""
    from urllib.parse import quote

    return f"file:{quote(path, safe='/')}?mode={mode}"


def _expand(statement: Query, params: dict) -> tuple[str, dict]:
    if not statement.expanding:
        return statement.sql, params
    sql, params = statement.sql, dict(params)
    for name in statement.expanding:
        values = list(params.pop(name))
        names = [f"{name}_{index}" for index in range(len(values))]
        params.update(zip(names, values))
        # An empty list matches nothing (``x IN (NULL)`` is never true, whatever x's type, on either backend; the
        # queries here use a list only after IN, never after NOT IN, which would need another).
        listed = "(" + ", ".join(f":{each}" for each in names) + ")" if names else "(NULL)"
        sql = re.sub(rf"(?<![:\w]):{name}\b", listed, sql)
    return sql, params


def _bound(value: Any) -> Any:
    # Dates are stored as ISO text (what SQLAlchemy's SQLite Date writes): compare them as such.
    if type(value) is dt.date:
        return value.isoformat()
    return value


def _as_is(raw: tuple) -> tuple:
    return raw


def _date(value):
    return None if value is None else dt.date.fromisoformat(value)


def _flag(value):
    return None if value is None else bool(value)


@lru_cache(maxsize=128)
def _row_type(names: tuple[str, ...]):
    """A named tuple for rows of these columns (a name that is not an identifier is read by position only)."""
    from collections import namedtuple

    return namedtuple("Row", names, rename=True)


class DriverResult:
    def __init__(self, cursor: sqlite3.Cursor, typed: frozenset, by_position: bool = False) -> None:
        names = tuple(column[0] for column in cursor.description or ())
        self._cursor = cursor
        self._row = tuple if by_position or not names else _row_type(names)._make
        self._converters = [(index, _flag if name in FLAG_COLUMNS else _date)
                            for index, name in enumerate(names) if name in typed]
        if by_position and not self._converters:
            self._made = _as_is  # the driver's own tuples

    def _made(self, raw: tuple):
        if self._converters:
            raw = list(raw)
            for index, convert in self._converters:
                raw[index] = convert(raw[index])
        return self._row(raw)

    def __iter__(self) -> Iterator:
        for raw in self._cursor:
            yield self._made(raw)

    def all(self) -> list:
        rows = self._cursor.fetchall()
        return rows if self._made is _as_is else [self._made(raw) for raw in rows]

    def fetchmany(self, size: int) -> list:
        rows = self._cursor.fetchmany(size)
        return rows if self._made is _as_is else [self._made(raw) for raw in rows]

    def scalar(self):
        raw = self._cursor.fetchone()
        return None if raw is None else self._made(raw)[0]

    def scalars(self) -> Iterator:
        for raw in self._cursor:
            yield self._made(raw)[0]


# -- the PostgreSQL driver --------------------------------------------------------------------------------------

class PgReader:
    """A read-only look at a PostgreSQL store through psycopg itself, in one transaction (REPEATABLE READ, READ ONLY:
    one snapshot) until closed: what ``DriverReader`` is for an SQLite file. PostgreSQL hands dates and flags back
    typed, so rows come as psycopg makes them: named tuples, or plain ones for queries read by position."""

    dialect = _Dialect("postgresql", True)

    def __init__(self, conninfo: str) -> None:
        import psycopg

        # as the engine connects (db.engine.make_engine): give up on an unreachable server after 5 s
        self._connection = psycopg.connect(conninfo, connect_timeout=5)
        try:
            self._connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            self._connection.read_only = True  # a reader never writes, whatever it is asked
        except BaseException:
            self._connection.close()
            raise
        self._cursors = 0

    def execute(self, statement: Query, params: dict, *, stream: int | None = None) -> "PgResult":
        from psycopg.rows import namedtuple_row, tuple_row

        sql, params = _expand(statement, params)
        rows = tuple_row if statement.by_position else namedtuple_row
        if stream:  # a server-side cursor: a province's rows come ``stream`` at a time, never all at once
            self._cursors += 1
            cursor = self._connection.cursor(name=f"contracts_read_{self._cursors}", row_factory=rows)
            cursor.itersize = stream
        else:
            cursor = self._connection.cursor(row_factory=rows)
        cursor.execute(_pyformat(sql), params)
        return PgResult(cursor)

    def execution_options(self, *, stream_results: bool = False, max_row_buffer: int = 1000):
        """As SQLAlchemy's: with ``stream_results``, the queries run through what it gives read a server-side cursor."""
        return _PgStreaming(self, max_row_buffer) if stream_results else self

    def close(self) -> None:
        try:
            self._connection.rollback()  # nothing was written: end the snapshot
        except Exception:
            pass  # the error the block raised, if any, is the one to say
        finally:
            self._connection.close()


class _PgStreaming(NamedTuple):
    reader: PgReader
    rows_at_a_time: int

    @property
    def dialect(self) -> _Dialect:
        return self.reader.dialect

    def execute(self, statement: Query, params: dict) -> "PgResult":
        return self.reader.execute(statement, params, stream=self.rows_at_a_time)


class PgResult:
    def __init__(self, cursor) -> None:
        self._cursor = cursor

    def __iter__(self) -> Iterator:
        return iter(self._cursor)

    def all(self) -> list:
        return self._cursor.fetchall()

    def fetchmany(self, size: int) -> list:
        return self._cursor.fetchmany(size)

    def scalar(self):
        row = self._cursor.fetchone()
        return None if row is None else row[0]

    def scalars(self) -> Iterator:
        for row in self._cursor:
            yield row[0]


_PARAMETER = re.compile(r"(?<![:\w]):(\w+)")


def _pyformat(sql: str) -> str:
    """``:name`` parameters as psycopg's ``%(name)s`` (a ``%`` of the text doubled; ``::type`` casts left alone)."""
    return _PARAMETER.sub(r"%(\1)s", sql.replace("%", "%%"))
