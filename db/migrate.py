"""Bring a store's schema to this program's version, by Alembic migration only.

A new store is created by running every migration; an older one is upgraded
(an SQLite file is copied aside first, so nothing is ever lost); a store made by
a newer program, or a database that is not a contracts store, is refused.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from contracts.errors import ContractsError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"
# Every schema revision this program knows, oldest first. Kept here so that opening a store
# needs no Alembic import; a test holds it equal to the migration scripts.
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0008", "0009", "0010", "0011", "0012")  # 0007 was never released
HEAD = REVISIONS[-1]


def _config(connection: Connection | None = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    """The store's schema revision, read straight from Alembic's table (None: no schema yet)."""
    from sqlalchemy import inspect, text

    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


@dataclass(frozen=True)
class SchemaState:
    current: str | None  # None: an empty database
    head: str

    @property
    def is_new(self) -> bool:
        return self.current is None

    @property
    def needs_upgrade(self) -> bool:
        return self.current != self.head


def driver_revision(path: str) -> str | None:
    """The schema revision of the SQLite file at ``path``, read through Python's ``sqlite3`` without SQLAlchemy;
    None when it has none or cannot be read so (the caller then opens it the full way, which says why)."""
    import sqlite3

    from .sql import file_uri

    try:
        connection = sqlite3.connect(file_uri(path, "ro"), uri=True)
    except sqlite3.Error:
        return None
    try:
        # No waiting here: a store another program holds locked is opened the full way, which waits for it (up to
        # the engine's busy timeout) and says so if it must give up; waiting here too would double that.
        connection.execute("PRAGMA busy_timeout = 0")
        if connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone() is None:
            return None
        found = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        return found[0][0] if len(found) == 1 and isinstance(found[0][0], str) else None
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def pg_driver_revision(conninfo: str) -> str | None:
    """The schema revision of the PostgreSQL store at ``conninfo``, read through psycopg without SQLAlchemy; None
    when it has none or cannot be read so (the caller then opens it the full way, which says why). A server that
    cannot be reached raises psycopg's error: the full way would only wait for it again."""
    try:
        import psycopg
    except ImportError:
        return None  # the full way says which extra to install
    connection = psycopg.connect(conninfo, connect_timeout=5, autocommit=True)  # as the engine connects
    try:
        if connection.execute("SELECT to_regclass('alembic_version')").fetchone()[0] is None:
            return None
        found = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except psycopg.Error:
        return None
    finally:
        connection.close()
    return found[0][0] if len(found) == 1 and isinstance(found[0][0], str) else None


def inspect_schema(engine: Engine, url_for_messages: str) -> SchemaState:
    """What the database holds now, refusing what this program must not touch."""
    from sqlalchemy import inspect

    with engine.connect() as connection:
        current = current_revision(connection)
        if current is None and inspect(connection).get_table_names():
            raise ContractsError("db", url_for_messages, "holds tables but is not a contracts store; refusing to touch it")
    if current is not None and current not in REVISIONS:
        raise ContractsError(
            "db", url_for_messages, f"was written by a newer version of contracts (schema {current}); upgrade the program"
        )
    return SchemaState(current, HEAD)


def upgrade(engine: Engine, backup_from: Path | None = None) -> Path | None:
    """Run the pending migrations in one transaction; return the backup made, if any."""
    from alembic import command

    backup = None
    if backup_from is not None and backup_from.exists():
        with engine.connect() as connection:
            revision = current_revision(connection)
        backup = backup_from.with_name(f"{backup_from.name}.before-{HEAD}-from-{revision}.bak")
        shutil.copy2(backup_from, backup)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A migration that rebuilds a table (SQLite's "batch" ALTER) must not trip the foreign
            # keys that point at it; SQLite only honours this outside a transaction. The keys are
            # checked before the migration commits and switched back on afterwards.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                command.upgrade(_config(connection), "head")
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise ContractsError("db", str(engine.url), f"migration would break {len(broken)} references; nothing was changed")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")
    return backup
