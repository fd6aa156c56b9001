"""Is the store itself sound? The database's own integrity check, and the history's chain.

SQLite: ``PRAGMA integrity_check`` (for ``contracts check``) or the quicker ``PRAGMA quick_check`` (before any
write: a page overwritten with random bytes must not be written into). PostgreSQL has no such pragma; its
equivalent here is a set of sanity queries: every table read through (a damaged page fails the read), no row
pointing at a row that is not there, the server's count of checksum failures, and the B-tree index checks of
the ``amcheck`` extension where an administrator installed it (this program installs nothing).
"""

from __future__ import annotations

from contextlib import contextmanager

from contracts.checks import ERROR, INFO, WARNING, Finding
from contracts.errors import ContractsError

from .sql import DriverReader, database_errors, query, run

TABLES = ("contract", "deduction_rule", "assessment", "payment", "opening_balance", "service_line", "tender", "transition",
          "suspension", "usage", "programme", "funding", "budget", "fee_line", "fee_amount", "history", "amendment")
# (table, column, the table it points at): rows pointing nowhere are damage (SQLite's foreign_key_check says the same)
REFERENCES = (("deduction_rule", "contract_id", "contract"), ("assessment", "contract_id", "contract"),
              ("payment", "contract_id", "contract"), ("payment", "reverses_id", "payment"),
              ("opening_balance", "contract_id", "contract"), ("usage", "contract_id", "contract"),
              ("funding", "programme_id", "programme"), ("budget", "programme_id", "programme"),
              ("fee_amount", "fee_line_id", "fee_line"), ("amendment", "contract_id", "contract"))
CODES = ("contract", "service_line", "programme", "fee_line")  # tables whose codes are unique without regard to case
SHOWN = 20  # problems listed at most


def database_problems(connection, *, quick: bool = False) -> list[str]:
    """What the database's own checks find wrong (an empty list: nothing)."""
    if connection.dialect.name == "sqlite":
        pragma = "quick_check" if quick else "integrity_check"
        try:
            found = [row[0] for row in run(connection, query(f"PRAGMA {pragma}({SHOWN})", ()))]
        except database_errors() as exc:  # a header so damaged that the check cannot even start
            return [str(getattr(exc, "orig", exc)).splitlines()[0]]
        problems = [line for line in found if line != "ok"]
        if not quick and not problems:
            problems = [f"{row[0]} row {row[1]} points at a missing row of {row[2]}"
                        for row in run(connection, query("PRAGMA foreign_key_check", ())).all()[:SHOWN]]
        return problems
    return _postgres_problems(connection)


def _postgres_problems(connection) -> list[str]:
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    problems = []
    for table in TABLES:
        try:
            with connection.begin_nested():
                connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
        except SQLAlchemyError as exc:
            problems.append(f"table {table} cannot be read: {str(getattr(exc, 'orig', exc)).splitlines()[0]}")
    for table, column, target in REFERENCES:
        try:
            with connection.begin_nested():
                missing = connection.execute(text(
                    f'SELECT count(*) FROM "{table}" t WHERE t.{column} IS NOT NULL AND NOT EXISTS '
                    f'(SELECT 1 FROM "{target}" x WHERE x.id = t.{column})')).scalar()
        except SQLAlchemyError:
            continue  # the table was reported above
        if missing:
            problems.append(f"{missing} row(s) of {table} point at a missing row of {target} ({column})")
    failures = connection.execute(text("SELECT coalesce(checksum_failures, 0) FROM pg_stat_database "
                                       "WHERE datname = current_database()")).scalar()
    if failures:
        problems.append(f"the server counted {failures} data checksum failure(s) in this database")
    if connection.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'")).first():
        indexes = connection.execute(text(
            "SELECT c.oid, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.amname = 'btree' AND n.nspname = current_schema()")).fetchall()
        for oid, name in indexes:
            try:
                with connection.begin_nested():
                    connection.execute(text("SELECT bt_index_check(:oid)"), {"oid": oid})
            except SQLAlchemyError as exc:
                problems.append(f"index {name}: {str(getattr(exc, 'orig', exc)).splitlines()[0]}")
    return problems[:SHOWN]


def refuse_if_damaged(connection, shown: str) -> None:
    """Before writing into an SQLite store: refuse one that fails the quick check (nothing is written)."""
    if connection.dialect.name != "sqlite":
        return
    problems = database_problems(connection, quick=True)
    if problems:
        raise ContractsError("db", shown, f"is damaged (SQLite quick_check: {problems[0]}); nothing was written. Keep the file as "
                             "it is, run 'contracts check', and restore from a backup (contracts export/import)")


@contextmanager
def _history_cursor(connection):
    """Every history entry in id order, as the driver's own tuples (VERIFIED_COLUMNS), read as they are walked: a
    province's history is a row per change, never held whole (a server-side cursor on PostgreSQL)."""
    from . import history

    columns = ", ".join(f'"{name}"' for name in history.VERIFIED_COLUMNS)  # "user": a keyword in PostgreSQL
    sql = f"SELECT {columns} FROM history ORDER BY id"
    if isinstance(connection, DriverReader):  # errors are sqlite3's own, which the store says in one line
        cursor = connection.cursor()
        try:
            cursor.execute(sql)
            yield cursor
        finally:
            cursor.close()
        return
    from sqlalchemy.exc import DBAPIError

    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        cursor = driver.cursor(name="contracts_history_chain")
        cursor.itersize = 5000
    else:
        cursor = driver.cursor()
    try:
        cursor.execute(sql)
        yield cursor
    except connection.dialect.loaded_dbapi.Error as exc:  # wrapped as SQLAlchemy would: the store says it in one line
        raise DBAPIError(sql, None, exc) from None
    finally:
        cursor.close()


def store_findings(connection) -> list[Finding]:
    """The store's own soundness as findings of ``contracts check``: damage, the history chain, codes that clash."""
    from . import history

    findings = [Finding(ERROR, "store integrity", "database", "", "", problem,
                        "the database's own integrity check finds the store damaged: keep the file as it is and "
                        "restore from a backup (contracts export / import); do not write into it")
                for problem in database_problems(connection)]
    if findings:
        return findings  # the rest reads the damaged store: report what is certain
    with _history_cursor(connection) as cursor:
        count, head, broken = history.verify_tuples(cursor)
    if broken is not None:
        findings.append(Finding(ERROR, "history chain", f"history entry {broken.id}", "hash", f"{broken.at} {broken.action}",
                                broken.record, f"history entry {broken.id} ({broken.at}, {broken.action}) does not fit the chain: "
                                "it, or an entry before it, was changed or removed outside this program"))
    elif count:
        findings.append(Finding(INFO, "history chain", "history", "hash", str(count), head,
                                f"the {count} history entries form an unbroken chain; note its head {head[:16]} "
                                "elsewhere to tell later whether the whole chain was rewritten"))
    for table in CODES:
        for folded, codes in run(connection, query(
                f'SELECT lower(code), count(*) FROM "{table}" GROUP BY lower(code) HAVING count(*) > 1', ())).all():
            findings.append(Finding(WARNING, "codes differing in case", f"{table} {folded}", "code", str(codes), folded,
                                    f"{codes} {table.replace('_', ' ')} codes differ only in case; they were stored before "
                                    "codes were unique without regard to case: rename one"))
    return findings
