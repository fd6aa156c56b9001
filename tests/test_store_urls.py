"""Where the store lives: URLs, missing files, non-databases, unreachable servers, schema versions."""

import json
import sqlite3

from typer.testing import CliRunner

from cli.main import app

from .conftest import EXAMPLE


def run(*args, env=None):
    return CliRunner().invoke(app, list(args), env=env)


def test_read_commands_do_not_create_a_store(tmp_path):
    path = tmp_path / "typo.db"
    result = run("--db", str(path), "list")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: db '{path}': has no store yet; run 'contracts init' or 'contracts import FILE' first"
    assert not path.exists()


def test_init_then_env_url(tmp_path):
    path = tmp_path / "s.db"
    assert "created a new store" in run("--db", f"sqlite:///{path}", "init").stdout
    assert "is ready" in run("--db", f"sqlite:///{path}", "init").stdout
    run("import", str(EXAMPLE), env={"CONTRACTS_DATABASE_URL": str(path)})
    rows = json.loads(run("list", "-f", "json", env={"CONTRACTS_DATABASE_URL": str(path)}).stdout)
    assert len(rows) == 7


def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("just some text, not a database\n" * 100)
    result = run("--db", str(path), "list")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: db 'sqlite:///{path}': is not a database file"
    assert path.read_text().startswith("just some text")


def test_a_database_of_something_else_is_not_touched(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("create table payroll (id integer)")
    result = run("--db", str(path), "import", str(EXAMPLE))
    assert result.exit_code == 1
    assert "holds tables but is not a contracts store; refusing to touch it" in result.stderr
    with sqlite3.connect(path) as connection:
        assert [r[0] for r in connection.execute("select name from sqlite_master where type='table'")] == ["payroll"]


def test_a_store_from_a_newer_program_is_refused(tmp_path):
    path = tmp_path / "future.db"
    assert run("--db", str(path), "import", str(EXAMPLE)).exit_code == 0
    with sqlite3.connect(path) as connection:
        connection.execute("update alembic_version set version_num = '9999'")
    result = run("--db", str(path), "list")
    assert result.exit_code == 1
    assert "was written by a newer version of contracts (schema 9999); upgrade the program" in result.stderr


def test_unreachable_postgres_and_bad_urls():
    result = run("--db", "postgresql://nobody@127.0.0.1:1/nowhere", "list")
    assert result.exit_code == 1 and result.stderr.startswith("error: db 'postgresql://nobody@127.0.0.1:1/nowhere': cannot be used:")
    assert result.stderr.count("\n") == 1
    result = run("--db", "mysql://x@127.0.0.1/db", "list")
    assert result.stderr.strip() == "error: db 'mysql://x@127.0.0.1/db': is not a supported database (SQLite or PostgreSQL)"
    result = run("--db", "sqlite:///no/such/folder/x.db", "init")
    assert result.exit_code == 1 and "does not exist" in result.stderr


def test_money_is_stored_as_integer_fen(tmp_path):
    path = tmp_path / "s.db"
    run("--db", str(path), "import", str(EXAMPLE))
    with sqlite3.connect(path) as connection:
        fee, kind = connection.execute("select annual_fee_fen, typeof(annual_fee_fen) from contract where code='ROAD'").fetchone()
    assert (fee, kind) == (337911360, "integer")


def test_the_known_revisions_are_the_migration_scripts():
    from db import migrate

    assert migrate.REVISIONS[-1] == migrate.head_revision()
    assert set(migrate.REVISIONS) == migrate.known_revisions()


def test_a_store_of_the_first_schema_upgrades_with_nothing_lost(tmp_path):
    import shutil

    from .conftest import ROOT

    path = tmp_path / "old.db"
    shutil.copy(ROOT / "tests" / "fixtures" / "store-0001.db", path)
    refused = run("--db", str(path), "list", "-f", "json")
    assert refused.exit_code == 1
    assert "uses schema 0001 and this program needs" in refused.stderr and "--yes" in refused.stderr
    with sqlite3.connect(path) as connection:
        assert connection.execute("select version_num from alembic_version").fetchone() == ("0001",)
    result = run("--db", str(path), "--yes", "list", "-f", "json", "--as-of", "2026-11-24")
    assert result.exit_code == 0, result.output
    assert "upgraded the store" in result.stderr and ".bak" in result.stderr
    rows = {row["code"]: row for row in json.loads(result.stdout)}
    assert (rows["TW2"]["annual_fee"], rows["TW2"]["service_end"], rows["TW2"]["total"]) == ("4929753.36", "2027-02-24", "14789260.08")
    assert rows["ROAD"]["stated_end"] == "2024-12" and rows["TW1"]["vendor"] == "中国电信峨眉山市分公司"
    assert list(tmp_path.glob("old.db.before-*-from-0001.bak"))  # the file as it was, kept
    assert run("--db", str(path), "list").exit_code == 0  # upgraded once, no more questions
