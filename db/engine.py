"""From a database URL (or none) to an SQLAlchemy engine, with clear refusals."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from contracts.errors import ContractsError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

ENV_URL = "CONTRACTS_DATABASE_URL"

# An SQLite URL whose file name SQLAlchemy would read as written and show unchanged: ASCII letters, digits and
# ``/._ ~-`` only (no escapes, options, passwords or anything it quotes when showing it). Such a URL is understood
# here without importing SQLAlchemy (a third of a second), for the commands that read through the driver.
_PLAIN_SQLITE = re.compile(r"sqlite:///([A-Za-z0-9/._ ~-]+)")


def default_url() -> str:
    """An SQLite file in the user's data directory (e.g. ~/.local/share/contracts)."""
    from platformdirs import user_data_path

    return f"sqlite:///{user_data_path('contracts', appauthor=False) / 'contracts.db'}"


def resolve_url(given: str | None) -> str:
    """``--db`` wins, then ``CONTRACTS_DATABASE_URL``, then the default file.

    A bare path (``my.db``) is taken as an SQLite file, as people type it.
    """
    url = given or os.environ.get(ENV_URL) or default_url()
    if "://" not in url:
        try:
            path = Path(url).expanduser()
        except RuntimeError:  # "~someone" for a user this machine does not know
            raise ContractsError("db", url, "names the home folder of an unknown user") from None
        url = f"sqlite:///{path}"
    return url


def plain_sqlite_file(url: str) -> str | None:
    """The file of a plain SQLite URL (see _PLAIN_SQLITE), as SQLAlchemy's ``make_url(url).database`` reads it; None
    for any other URL (memory, options, escapes, other databases: parse those with ``parse_url``)."""
    found = _PLAIN_SQLITE.fullmatch(url)
    return found.group(1) if found else None


# A PostgreSQL URL psycopg reads as SQLAlchemy does: user (and password) at a host (and port), a database, no options.
_PLAIN_POSTGRES = re.compile(r"(postgresql(?:\+psycopg)?)://([A-Za-z0-9._~-]+)(?::([A-Za-z0-9._~-]*))?"
                             r"@([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?/([A-Za-z0-9_-]+)")


def plain_postgres_url(url: str) -> str | None:
    """The libpq URI of a plain PostgreSQL URL (see _PLAIN_POSTGRES), which psycopg connects to as SQLAlchemy's
    engine would; None for any other URL (options, escapes, sockets: those go through SQLAlchemy)."""
    found = _PLAIN_POSTGRES.fullmatch(url)
    return None if found is None else _postgres_url(found, "postgresql", found.group(3))


def _postgres_url(found: re.Match, scheme: str, password: str | None) -> str:
    """A plain PostgreSQL URL's parts (``_PLAIN_POSTGRES``) put back together, with this scheme and password."""
    _, user, _, host, port, database = found.groups()
    return (f"{scheme}://{user}" + (f":{password}" if password is not None else "") + f"@{host}"
            + (f":{port}" if port else "") + f"/{database}")


def shown_url(url: str) -> str:
    """The URL as messages show it: without its password."""
    if plain_sqlite_file(url) is not None:
        return url  # what SQLAlchemy would render (held so by tests/test_driver_reads.py)
    plain = _PLAIN_POSTGRES.fullmatch(url)
    if plain is not None:  # as SQLAlchemy renders it (held so by tests/test_driver_reads.py)
        return _postgres_url(plain, plain.group(1), None if plain.group(3) is None else "***")
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def parse_url(url: str):
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url)
    except (ArgumentError, ValueError):
        raise ContractsError("db", url, "is not a database URL (e.g. sqlite:///contracts.db or postgresql://user@host/db)") from None


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL; None for memory or other databases."""
    plain = plain_sqlite_file(url)
    if plain is not None:
        return Path(plain)
    if _PLAIN_POSTGRES.fullmatch(url):
        return None  # without loading SQLAlchemy to say so
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    database = parsed.database
    if parsed.query.get("uri") == "true" and database.startswith("file:"):
        database = database[len("file:"):]  # an SQLite URI filename (e.g. ?mode=ro): the path after file:
    return Path(database)


def make_engine(url: str) -> "Engine":
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    parsed = parse_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, the 'postgres' extra
    if backend not in ("sqlite", "postgresql"):
        raise ContractsError("db", url, "is not a supported database (SQLite or PostgreSQL)")
    kwargs: dict = {}
    if backend == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": 5}
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ModuleNotFoundError):
        raise ContractsError("db", url, "needs the PostgreSQL driver: pip install 'contracts-tracker[postgres]'") from None
    except ArgumentError as exc:
        raise ContractsError("db", url, f"is not a usable database URL ({exc})") from None
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the sqlite3 module, open transactions, so that schema
    # changes and multi-row writes are all-or-nothing (the SQLAlchemy recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # Wait for another writer rather than fail at once: 15 s covers a busy import on a loaded machine (5 s did not
    # in CI under load); past that, the one-line "is locked" refusal.
    cursor.execute("PRAGMA busy_timeout = 15000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # A writing unit of work takes the write lock at once (BEGIN IMMEDIATE), so that two
    # writers queue up instead of both reading and then one failing to write.
    immediate = connection.get_execution_options().get("sqlite_immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
