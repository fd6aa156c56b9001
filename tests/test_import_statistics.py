"""After a bulk import on PostgreSQL the planner's statistics are made afresh (db.store.Store._refresh_statistics):
where autovacuum is off, or has not come round yet, a store just filled would be planned as if it were empty."""

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
        # ANALYZE sets a table's row estimate (-1 for a table never analysed since PostgreSQL 14)
        (estimate,) = connection.execute("SELECT reltuples FROM pg_class WHERE relname = 'contract'").fetchone()
    assert estimate == len(contracts)
