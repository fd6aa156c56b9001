"""#18 point 9: a tamper-evident history.

Found: an edited export restored forged history entries and a deleted history, duplicate or negative payment ids
and an unknown schema version; ``--user`` was free text, so anyone wrote as anyone.
"""

from __future__ import annotations

import getpass
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from .conftest import EXAMPLE, Cli
from .test_bounds import one_line
from .test_concurrency import race


def sql(url: str, statement: str, **params) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text(statement), params)
    engine.dispose()


def chain_findings(cli):
    return [f for f in cli.json("check") if f["check"] == "history chain"]


def test_check_names_the_history_row_altered_in_the_database(cli, db_url):
    cli("--user", "clerk-li", "import", str(EXAMPLE))
    cli("--user", "clerk-wang", "pay", "ENTRY", "--amount", "55350", "--on", "2023-06-20", "--seq", "1")
    rows = cli.json("history")
    pay = next(row for row in rows if row["action"] == "pay" and row["contract"] == "ENTRY")
    [finding] = chain_findings(cli)
    assert finding["severity"] == "info" and finding["computed"] == rows[-1]["hash"]
    # someone with the database open changes who paid, and how much
    forged = pay["after"].replace("55350.00", "5350.00")
    sql(db_url, 'UPDATE history SET "user" = :user, after = :after WHERE id = :id', user="clerk-zhao", after=forged, id=pay["id"])
    [finding] = chain_findings(cli)
    assert finding["severity"] == "error" and finding["record"] == f"history entry {pay['id']}"
    assert finding["explanation"].startswith(f"history entry {pay['id']} ({pay['at']}, pay) does not fit the chain")
    assert cli("check", "--strict", ok=False).exit_code == 1


def test_check_names_the_entry_after_a_removed_one(cli, db_url):
    cli("import", str(EXAMPLE))
    rows = cli.json("history")
    sql(db_url, "DELETE FROM history WHERE id = :id", id=rows[3]["id"])
    [finding] = chain_findings(cli)
    assert finding["severity"] == "error" and finding["record"] == f"history entry {rows[4]['id']}"


def test_the_history_records_the_account_beside_the_user(cli):
    cli("import", str(EXAMPLE))
    cli("--user", "科长 王", "pay", "ENTRY", "--amount", "55350", "--on", "2023-06-20", "--seq", "1")
    row = cli.json("history")[-1]
    assert (row["user"], row["account"]) == ("科长 王", getpass.getuser())  # on whose behalf, and who typed it
    assert len(row["hash"]) == 64


def test_writers_racing_keep_one_chain(cli, tmp_path):
    """Clerks writing at once (PostgreSQL: the advisory lock; SQLite: BEGIN IMMEDIATE) never chain to the same entry."""
    cli("import", str(EXAMPLE))
    commands = [["pay", "ENTRY", "--amount", "1000", "--on", "2023-06-20", "--seq", "1", "--ref", f"clerk {n}"] for n in range(4)]
    commands += [["tender", "add", "SEAL", "--method", "public", "--note", f"attempt {n}"] for n in range(4)]
    results = race(cli.url, tmp_path, commands)
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    [finding] = chain_findings(cli)
    assert finding["severity"] == "info", finding


# -- restoring an export ------------------------------------------------------------------------------

@pytest.fixture
def exported(cli, tmp_path):
    cli("import", str(EXAMPLE))
    cli("pay", "ENTRY", "--amount", "55350", "--on", "2023-06-20", "--seq", "1")
    payment = next(p for p in cli.json("payments", "ENTRY"))
    cli("pay", "ENTRY", "--reverse", str(payment["id"]), "--on", "2023-06-21")
    path = tmp_path / "export.json"
    cli("export", str(path))
    return json.loads(path.read_text(encoding="utf-8"))


def restore(tmp_path, document, name="edited.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    target = Cli(f"sqlite:///{tmp_path / (name + '.db')}")
    return target, target("import", str(path), ok=None), path


def test_an_export_restores_with_its_chain(exported, tmp_path):
    target, result, _ = restore(tmp_path, exported, "as-exported.json")
    assert result.exit_code == 0, result.output
    assert [f["severity"] for f in chain_findings(target)] == ["info"]
    assert target.json("history")[-1]["hash"] == exported["history_head"]["hash"]


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["history"][2].update(user="someone else"), "history '#3': (" ),
    (lambda d: d["history"].pop(1), "history '#2': ("),
    (lambda d: d["history"].pop(), "history_head: does not match the history"),
    (lambda d: (d["history"].clear(), d.pop("history_head")), "history_head: does not match the history (0 entries"),
    (lambda d: d.update(schema="0099"), "schema '0099': is not a schema this program knows"),
    (lambda d: d.pop("schema"), "schema: is not a schema this program knows"),
    (lambda d: d["payment"][1].update(id=d["payment"][0]["id"]), "payment #2: id 1: is the id of an earlier payment too"),
    (lambda d: d["payment"][0].update(id=-4), "payment #1: id -4: must be a positive whole number"),
    (lambda d: d["payment"][0].update(id=1.5), "payment #1: id 1.5: must be a positive whole number"),
    (lambda d: d["payment"][0].update(id="1"), "payment #1: id '1': must be a positive whole number"),
    (lambda d: d["payment"][-1].update(reverses=99), "reverses 99: is not the id of a payment listed before this one"),
    (lambda d: d["history"][0].update(at="yesterday"), "history #1: at 'yesterday': is not a moment in ISO form"),
    (lambda d: d["history"][0].update(user="u\x00"), "history #1: user 'u\\x00': holds a NUL character"),
])
def test_an_edited_export_is_refused_whole(exported, tmp_path, edit, message):
    edit(exported)
    target, result, path = restore(tmp_path, exported)
    assert result.exit_code == 1, result.output
    assert message in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert target("list", "-f", "json").exit_code == 0 and target.json("list") == []  # nothing restored
    assert target.json("history") == []


def test_an_export_of_an_older_version_is_chained_on_restore(exported, tmp_path):
    """Exports of schema 0006 carried no hashes: their history is chained as it is restored."""
    exported["schema"] = "0006"
    exported.pop("history_head")
    for entry in exported["history"]:
        entry.pop("hash")
        entry.pop("account")
    target, result, _ = restore(tmp_path, exported, "old.json")
    assert result.exit_code == 0, result.output
    assert [f["severity"] for f in chain_findings(target)] == ["info"]


def test_the_migration_chains_the_history_written_before_it(tmp_path):
    """A store of schema 0006 with history: upgraded, its rows get the account '' and an unbroken chain."""
    from alembic import command

    from db import migrate
    from db.engine import make_engine

    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        command.upgrade(migrate._config(connection), "0006")
        for n in range(3):
            connection.execute(text('INSERT INTO history (at, "user", action, contract, record, before, after) VALUES '
                                    "(:at, 'li', 'add line', '', :record, NULL, :after)"),
                               {"at": f"2024-01-0{n + 1}T08:00:00+00:00", "record": f"line L{n}", "after": json.dumps({"n": n})})
    engine.dispose()
    cli = Cli(f"sqlite:///{path}")
    cli("--yes", "init")
    rows = cli.json("history")
    assert [(r["record"], r["account"]) for r in rows] == [("line L0", ""), ("line L1", ""), ("line L2", "")]
    assert all(len(r["hash"]) == 64 for r in rows)
    [finding] = chain_findings(cli)
    assert finding["severity"] == "info"
    cli("line", "add", "L9", "--name", "nine")  # and new entries chain on
    [finding] = chain_findings(cli)
    assert finding["severity"] == "info" and finding["stated"] == "4"


def test_user_is_one_line_and_recorded_with_the_account(cli):
    cli("import", str(EXAMPLE))
    one_line(cli("--user", "", "pay", "ENTRY", "--amount", "5", "--on", "2023-06-20", ok=False), "error: user '': is empty")


# -- the chain walked from the driver's tuples (check at a province's size, #17) against the walk by name -----------

_texts = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(['{"amount": "55350.00"}', "科长 王", ""]))


@settings(max_examples=200, deadline=None)
@given(entries=st.lists(st.tuples(*[_texts] * 8), min_size=1, max_size=6), tamper=st.integers(0, 7), where=st.integers(0, 5))
def test_verify_tuples_is_verify(entries, tamper, where):
    from db.history import HASHED, VERIFIED_COLUMNS, chain, verify, verify_tuples

    items = [dict(zip(HASHED, values)) for values in entries]
    chain(items)
    rows = [{"id": index, **item} for index, item in enumerate(items, start=1)]
    if where < len(rows):  # an entry changed after it was chained (or left alone when the change changes nothing)
        key = HASHED[tamper]
        rows[where][key] = (rows[where][key] or "") + "x"
    found = verify_tuples(tuple(row[name] for name in VERIFIED_COLUMNS) for row in rows)
    assert found == verify(rows)
    assert found[0] == len(rows) and (found[2] is not None) == (where < len(rows))
