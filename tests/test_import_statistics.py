"""After a bulk import on PostgreSQL the store is vacuumed and analysed (db.store.Store._refresh_statistics): where
autovacuum is off, or has not come round yet, a store just filled would be planned as if it were empty, and no
index-only scan could skip its rows; `expiring` reads its covering index alone (migration 0012) on both backends."""

from __future__ import annotations

import sqlite3

from .conftest import EXAMPLE, Cli


def test_a_bulk_import_refreshes_the_planners_statistics(db_url, monkeypatch):
    from db import store

    monkeypatch.setattr(store, "ANALYZE_AFTER", 3)  # the example's contracts count as a bulk import here
    Cli(db_url)("import", str(EXAMPLE))
    contracts = Cli(db_url).json("list")
    assert len(contracts) >= 3
    if db_url.startswith("sqlite"):
        # SQLite's planner needs none: nothing is written beside the store's own tables
        path = db_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            assert connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() == (0,)
        return
    import psycopg

    with psycopg.connect(db_url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        # ANALYZE sets a table's row estimate (-1 for a table never analysed since PostgreSQL 14); VACUUM marks its
        # pages all-visible (none are, in a table just filled)
        (estimate, visible) = connection.execute(
            "SELECT reltuples, relallvisible FROM pg_class WHERE relname = 'contract'").fetchone()
    assert estimate == len(contracts) and visible > 0


EXPIRING = ("SELECT code, name, billing_start, billing_end, service_end FROM contract "
            "WHERE service_end >= '2024-01-01' AND service_end <= '2024-12-31' ORDER BY service_end, code")


def test_what_expires_is_read_from_its_index_alone(db_url):
    """db.reads.expiring's query (its columns, its order) is answered by the covering index: no table row read, no
    sort. PostgreSQL plans a tiny table by a scan of it, so the plan is asked for with scans of the table ruled out."""
    Cli(db_url)("import", str(EXAMPLE))
    if db_url.startswith("sqlite"):
        with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
            plan = " ".join(str(row[-1]) for row in connection.execute(f"EXPLAIN QUERY PLAN {EXPIRING}"))
        assert "COVERING INDEX ix_contract_service_end_code" in plan and "TEMP B-TREE" not in plan, plan
        return
    import psycopg

    with psycopg.connect(db_url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        connection.execute("SET enable_seqscan = off")
        connection.execute("SET enable_bitmapscan = off")
        plan = " ".join(row[0] for row in connection.execute(f"EXPLAIN {EXPIRING}"))
    assert "Index Only Scan using ix_contract_service_end_code" in plan and "Sort" not in plan, plan
