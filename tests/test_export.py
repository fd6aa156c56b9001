"""Export and restore: every stored fact round-trips, on SQLite and PostgreSQL and across the two."""

import json

from typer.testing import CliRunner

from cli.main import app

from .conftest import EXAMPLE, ROOT
from .test_history import test_every_change_is_logged_with_who_and_what as busy_day


def full_store(cli):
    """The Emeishan example, the synthetic contract, and a day of clerks' work (corrections and reversals included)."""
    busy_day(cli)
    cli("import", str(ROOT / "examples" / "demo-om.toml"))
    cli("usage", "SEAL", "--period", "2023Q3", "--quantity", "212")
    cli("usage", "SEAL-2021", "--period", "2023-01", "--quantity", "73")
    cli("pay", "SEAL-2021", "--amount", "36500", "--on", "2023-04-20", "--seq", "7")
    cli("pay", "ENTRY", "--amount", "60000", "--on", "2023-09-20", "--seq", "2", "--allow-credit")
    paid = next(p for p in cli.json("payments", "ENTRY") if p["seq"] == 2)
    cli("pay", "ENTRY", "--reverse", str(paid["id"]), "--on", "2023-09-21")
    cli("tender", "add", "SEAL", "--method", "public", "--announced", "2023-08-10", "--outcome", "failed", "--ground",
        "too-few-bidders", "--bidders", "2")


def test_export_restore_round_trip(cli, tmp_path):
    full_store(cli)
    first = tmp_path / "first.json"
    cli("export", str(first))
    document = json.loads(first.read_text(encoding="utf-8"))
    assert document["format"] == "contracts-export"
    assert {key for key, value in document.items() if isinstance(value, list) and value} >= {
        "contract", "rule", "assessment", "payment", "tender", "usage", "budget", "history", "line", "programme"}
    assert [a["version"] for a in document["assessment"] if a["contract"] == "TW2"] == [1, 2]
    assert any("reverses" in p for p in document["payment"])
    restored = tmp_path / "restored.db"
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(restored), "import", str(first)])
    assert result.exit_code == 0, result.output
    second = tmp_path / "second.json"
    assert runner.invoke(app, ["--db", str(restored), "export", str(second)]).exit_code == 0
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


def test_restore_needs_an_empty_store(loaded, tmp_path):
    path = tmp_path / "e.json"
    loaded("export", str(path))
    result = loaded("import", str(path), ok=False)
    assert "an export restores into an empty store" in result.stderr


def test_a_broken_export_is_refused_whole(cli, tmp_path):
    cli("import", str(EXAMPLE))
    path = tmp_path / "e.json"
    cli("export", str(path))
    document = json.loads(path.read_text(encoding="utf-8"))
    document["payment"][0]["amount"] = "-5"
    path.write_text(json.dumps(document), encoding="utf-8")
    target = tmp_path / "target.db"
    result = CliRunner().invoke(app, ["--db", str(target), "import", str(path)])
    assert result.exit_code == 1 and "payment #1: amount '-5': must be more than zero" in result.stderr
    listing = CliRunner().invoke(app, ["--db", str(target), "list", "-f", "json"])
    assert json.loads(listing.stdout) == []


def test_restore_into_every_backend(db_url, tmp_path):
    """Built on SQLite, restored into the backend under test (PostgreSQL too when given): the same export."""
    from .conftest import Cli

    source = Cli(f"sqlite:///{tmp_path / 'source.db'}")
    full_store(source)
    first = tmp_path / "first.json"
    source("export", str(first))
    target = Cli(db_url)
    target("import", str(first))
    second = tmp_path / "second.json"
    target("export", str(second))
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
