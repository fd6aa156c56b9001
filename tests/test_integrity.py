"""#18 points 8, 10 and 11: a damaged store is noticed, and a command that only reads never makes a store.

Found: a page of the SQLite file overwritten with random bytes went unnoticed (``check`` reported nothing and
``pay`` wrote into it); ``: > z.db; contracts --db z.db list`` turned the empty file into a store.
"""

from __future__ import annotations

import json
import random
import sqlite3

import pytest
from typer.testing import CliRunner

from cli.main import app

from .conftest import EXAMPLE, Cli
from .test_bounds import one_line


def run(*args):
    return CliRunner().invoke(app, list(args))


def damage_a_page(path, table: str = "history") -> int:
    """Overwrite the root page of ``table`` with random bytes (seeded: the same damage every run); returns its number."""
    with sqlite3.connect(path) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        page = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    assert page > 1  # not the header: the file still opens as a database
    noise = random.Random(18).randbytes(page_size)
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * page_size)
        handle.write(noise)
    return page


# "contract": the table check reads beside the integrity check (#17); reading it fails or reads garbage, and the
# damage must still be the answer
@pytest.mark.parametrize("table", ["history", "contract"])
def test_a_damaged_page_is_reported_by_check_and_refused_by_writers(tmp_path, table):
    path = tmp_path / "store.db"
    assert run("--db", str(path), "import", str(EXAMPLE)).exit_code == 0
    damage_a_page(path, table)
    with sqlite3.connect(path) as connection:  # the damage is real: SQLite's own check sees it (or cannot even run)
        try:
            assert connection.execute("PRAGMA quick_check").fetchone()[0] != "ok"
        except sqlite3.DatabaseError as exc:
            assert "malformed" in str(exc)
    damaged = path.read_bytes()

    result = run("--db", str(path), "pay", "ENTRY", "--amount", "10", "--on", "2023-06-20", "--seq", "1")
    one_line(result, f"error: db 'sqlite:///{path}': is damaged (SQLite quick_check: ")
    assert "nothing was written" in result.stderr
    assert path.read_bytes() == damaged  # not a byte written

    result = run("--db", str(path), "check", "-f", "json")
    assert result.exit_code == 0, result.output
    errors = [f for f in json.loads(result.stdout) if f["severity"] == "error"]
    assert errors and all(f["check"] == "store integrity" for f in errors)
    assert all(f["computed"] for f in errors)  # SQLite's words: the page it found bad, or "disk image is malformed"
    assert run("--db", str(path), "check", "--strict").exit_code == 1
    assert path.read_bytes() == damaged


def test_a_sound_store_passes_the_integrity_check(cli):
    cli("import", str(EXAMPLE))
    findings = cli.json("check")
    assert not [f for f in findings if f["check"] in ("store integrity", "history chain") and f["severity"] == "error"]
    [chain] = [f for f in findings if f["check"] == "history chain"]
    assert chain["severity"] == "info" and len(chain["computed"]) == 64  # the head of the chain, to be noted


def test_a_row_pointing_nowhere_is_damage_on_every_backend(cli, db_url):
    """SQLite's foreign_key_check, and PostgreSQL's sanity queries, find a payment of a contract that is not there."""
    cli("import", str(EXAMPLE))
    if db_url.startswith("sqlite"):
        with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
            connection.execute("PRAGMA foreign_keys = OFF")
            connection.execute("INSERT INTO payment (contract_id, paid_on, amount_fen, reference, note, allow_credit) "
                               "VALUES (999, '2023-01-01', 100, '', '', 0)")
    else:
        from sqlalchemy import create_engine, text

        engine = create_engine(db_url)
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL session_replication_role = replica"))  # the foreign keys' triggers off
            connection.execute(text("INSERT INTO payment (contract_id, paid_on, amount_fen, reference, note, allow_credit) "
                                    "VALUES (999, '2023-01-01', 100, '', '', false)"))
        engine.dispose()
    errors = [f for f in cli.json("check") if f["severity"] == "error"]
    assert errors and errors[0]["check"] == "store integrity" and "payment" in errors[0]["computed"], errors


@pytest.mark.parametrize("args", [
    ("list",), ("show", "TW1"), ("payable", "--quarter", "2024Q1"), ("history",), ("check",), ("export", "out.json"),
    ("pay", "TW1", "--amount", "5", "--on", "2023-06-20"), ("arrears",), ("lines",), ("report", "fy", "2023"),
])
def test_an_empty_file_is_not_made_a_store(tmp_path, args):
    path = tmp_path / "z.db"
    path.write_bytes(b"")
    result = run("--db", str(path), *args)
    one_line(result, f"error: db '{path}': holds no contracts store (it is empty); run 'contracts init'")
    assert path.read_bytes() == b""


def test_an_empty_database_is_not_made_a_store_by_reading(empty_db_url):
    cli = Cli(empty_db_url)
    one_line(cli("list", ok=False), "error: db ")
    stderr = cli("history", ok=False).stderr  # SQLite: the file is not there; PostgreSQL: the database is empty
    assert "has no store yet" in stderr or "holds no contracts store (it is empty)" in stderr
    assert "created a new store" in cli("init").stdout  # a command that creates stores still does
    assert cli.json("list") == []


def test_a_foreign_file_is_refused_by_every_command(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"SQLite format 3\x00" + bytes(200))  # a header and nothing behind it
    for args in (("list",), ("init",), ("import", str(EXAMPLE))):
        result = run("--db", str(path), *args)
        assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.output
    assert path.read_bytes() == b"SQLite format 3\x00" + bytes(200)


def test_a_history_that_cannot_be_read_is_one_line_in_check(tmp_path):
    """check reads the history chain straight from the driver (#17): a failure there is still the store's one line
    (here the history table is gone, as a hand-edited file could leave it), never a traceback."""
    path = tmp_path / "store.db"
    assert run("--db", str(path), "import", str(EXAMPLE)).exit_code == 0
    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE history RENAME TO history_elsewhere")
    result = run("--db", str(path), "check")
    one_line(result, f"error: db 'sqlite:///{path}': cannot be used: no such table: history")


def _both_ways(path):
    """(the integrity findings worked out in a forked process, in a thread, and in this one), or what each refused."""
    from contracts.errors import ContractsError
    from db.store import open_store

    answers = []
    for process in (True, False, None):
        store = open_store(f"sqlite:///{path}", create=False).store
        try:
            if process is None:
                answers.append(store.integrity_findings())
            else:
                with store.integrity_in_background(process=process) as wait:
                    answers.append(wait())
        except ContractsError as refused:
            answers.append(refused.line())
        finally:
            store.close()
    return answers


@pytest.mark.parametrize("spoil", ["nothing", "a damaged page", "an altered history entry", "no history table"])
def test_the_forked_check_finds_what_a_thread_finds(tmp_path, spoil):
    # check's integrity findings come from a forked process when it reads an SQLite file through the driver alone
    # (db/store.py): the same findings, and the same refusal in the same words, as in a thread or in this process.
    path = tmp_path / "store.db"
    assert run("--db", str(path), "import", str(EXAMPLE)).exit_code == 0
    with sqlite3.connect(path) as connection:
        if spoil == "an altered history entry":
            connection.execute("UPDATE history SET record = 'TW9' WHERE id = 3")
        elif spoil == "no history table":
            connection.execute("ALTER TABLE history RENAME TO history_elsewhere")
    if spoil == "a damaged page":
        damage_a_page(path, "history")
    forked, threaded, here = _both_ways(path)
    assert forked == threaded == here
    if spoil == "no history table":
        assert forked.endswith("cannot be used: no such table: history")
    else:
        checks = {finding.check for finding in forked}
        assert checks == {"nothing": {"history chain"}, "a damaged page": {"store integrity"},
                          "an altered history entry": {"history chain"}}[spoil], forked
        if spoil == "an altered history entry":
            assert any(finding.record == "history entry 3" for finding in forked)
