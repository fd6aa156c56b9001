"""`contracts user add|list|passwd|disable` and `contracts serve`'s refusals, through Typer's runner."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from .web import cheap_hashes


@pytest.fixture
def store_cli(cli, monkeypatch, tmp_path):
    cheap_hashes(monkeypatch)
    cli("init")
    return cli


def password_file(tmp_path, password: str, name: str = "pw.txt") -> str:
    path = tmp_path / name
    path.write_text(password + "\n", encoding="utf-8")
    return str(path)


def stored_users(url: str) -> list:
    from db.store import open_store

    opened = open_store(url, create=False)
    try:
        with opened.store.reading() as connection:
            return [dict(row._mapping) for row in connection.execute(text("SELECT * FROM app_user ORDER BY name"))]
    finally:
        opened.store.close()


def test_add_list_passwd_disable(store_cli, db_url, tmp_path):
    out = store_cli("--user", "it-li", "user", "add", "chen", "--role", "logistics", "--role", "viewer",
                    "--password-file", password_file(tmp_path, "chen's long password")).stdout
    assert out.strip() == "added user chen (logistics, viewer)"
    [row] = stored_users(db_url)
    assert row["password_hash"].startswith("$argon2id$") and "chen's long password" not in str(row)
    assert row["roles"] == "logistics,viewer" and row["language"] == "zh" and row["money_unit"] == "wan"
    listed = store_cli("user", "list").stdout.strip().split("\t")
    assert listed == ["chen", "logistics,viewer", "active", "zh", "wan"]
    store_cli("user", "passwd", "chen", "--password-file", password_file(tmp_path, "another long one", "pw2.txt"))
    [row2] = stored_users(db_url)
    assert row2["password_hash"] != row["password_hash"] and row2["session_epoch"] == row["session_epoch"] + 1
    assert "disabled chen" in store_cli("user", "disable", "chen").stdout
    assert store_cli("user", "list").stdout.split("\t")[2] == "disabled"
    history = store_cli.json("history")
    assert [(e["user"], e["action"], e["record"]) for e in history] == [
        ("it-li", "add user", "user chen"), (history[1]["user"], "change password", "user chen"),
        (history[2]["user"], "disable user", "user chen")]
    assert all("argon2" not in (e["after"] or "") for e in history)  # the hash is never in the history


@pytest.mark.parametrize("args, message", [
    (["user", "add", "chen", "--role", "boss"], "error: role 'boss': must be one of: admin, finance, logistics, procurement, viewer"),
    (["user", "add", "chen wang", "--role", "viewer"], "error: name 'chen wang': must be 1 to 64 letters, digits or _ . @ - (no spaces)"),
    (["user", "add", "chen", "--role", "viewer", "--password-file", "{short}"],
     "error: password: is 9 characters long: at least 10 are needed"),
    (["user", "add", "chen", "--role", "viewer"], "error: password: is asked at a terminal; without one give --password-file FILE"),
    (["user", "add", "chen", "--role", "viewer", "--password-file", "{missing}"], "error: password_file '{missing}': cannot be read: FileNotFoundError"),
    (["user", "passwd", "nobody", "--password-file", "{good}"], "error: user 'nobody': is not a user; 'contracts user list' shows who is"),
    (["user", "disable", "nobody"], "error: user 'nobody': is not a user; 'contracts user list' shows who is"),
])
def test_refusals_are_one_line_and_write_nothing(store_cli, db_url, tmp_path, args, message):
    files = {"short": password_file(tmp_path, "123456789", "short.txt"), "good": password_file(tmp_path, "long enough pw", "good.txt"),
             "missing": str(tmp_path / "missing.txt")}
    result = store_cli(*[arg.format(**files) for arg in args], ok=False)
    assert result.stderr.strip() == message.format(**files)
    assert stored_users(db_url) == [] and store_cli.json("history") == []


def test_a_name_is_added_once(store_cli, db_url, tmp_path):
    good = password_file(tmp_path, "long enough pw")
    store_cli("user", "add", "wang", "--role", "finance", "--password-file", good)
    result = store_cli("user", "add", "wang", "--role", "admin", "--password-file", good, ok=False)
    assert result.stderr.strip() == "error: user 'wang': exists already; 'contracts user passwd' changes the password"
    assert [row["roles"] for row in stored_users(db_url)] == ["finance"]


def test_serve_refuses_a_store_with_no_user(store_cli, db_url):
    result = store_cli("serve", ok=False)
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.endswith("has no user yet; add one first: contracts user add NAME --role admin")


@pytest.mark.parametrize("option, message", [
    (["--port", "0"], "port"), (["--port", "70000"], "port"), (["--workers", "0"], "workers"), (["--idle-hours", "x"], "idle_hours"),
])
def test_serve_refuses_bad_options(store_cli, option, message):
    result = store_cli("serve", *option, ok=False)
    assert result.stderr.startswith(f"error: {message} ") and len(result.stderr.strip().splitlines()) == 1
