"""Bad input, fuzzed: whatever a user types, one clear line, a non-zero exit, no traceback, nothing written.

Each generated example gets a store of its own (a copy of the imported example), so that what one example
wrote cannot hide what the next one does."""

import datetime as dt
import json
import re
import shutil
import sqlite3
import threading
import time
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli.main import app

from .conftest import EXAMPLE

pytestmark = pytest.mark.slow

junk = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "-5", "0", "1e999", "NaN", "Infinity", "12.345", "1,2", "１２３", "2023-02-30", "0000-01-01",
                     "9999-12-31", "2023-13-01", "20230101", "TW1", "NOPE", "1/0", "150%", "-1/45", "\u0000", "'; drop table contract; --"]),
)
codes = st.sampled_from(["TW1", "TW2", "ENTRY", "SEAL", "SEAL-2021", "NOPE", ""])

COMMANDS = st.one_of(
    st.builds(lambda c, n, d, m, f: ["add", "--code", c, "--name", n, "--billing-start", d, "--billing-months", m, "--annual-fee", f],
              junk, junk, junk, junk, junk),
    st.builds(lambda c, a, d, s: ["pay", c, "--amount", a, "--on", d, "--seq", s], codes, junk, junk, junk),
    st.builds(lambda c, s, m, sc: ["assess", c, "--seq", s, "--metric", m, "--score", sc], codes, junk, junk, junk),
    st.builds(lambda c, f, t: ["schedule", c, "--from", f, "--to", t], codes, junk, junk),
    st.builds(lambda w, a: ["expiring", "--within", w, "--as-of", a], junk, junk),
    st.builds(lambda p, y, o, a: ["budget", "add", p, "--year", y, "--original", o, "--adjusted", a], junk, junk, junk, junk),
    st.builds(lambda line, m, o: ["tender", "add", line, "--method", m, "--outcome", o], codes, junk, junk),
    st.builds(lambda c, p, q: ["usage", c, "--period", p, "--quantity", q], codes, junk, junk),
    st.builds(lambda q, f: ["payable", "--quarter", q, "--format", f], junk, junk),
    st.builds(lambda c, a, s: ["opening", c, "--as-of", a, "--settled-through-seq", s], codes, junk, junk),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "store.db"
    assert CliRunner().invoke(app, ["--db", str(path), "import", str(EXAMPLE)]).exit_code == 0
    return path


def own_store(template, folder):
    """A copy of the example store for one generated example: what one example writes never meets the next."""
    path = folder / f"store-{uuid.uuid4().hex}.db"
    shutil.copy(template, path)
    return path


def export(runner, path, folder):
    target = folder / "export.json"
    assert runner.invoke(app, ["--db", str(path), "export", str(target), "--force"]).exit_code == 0  # the same file each time
    return json.loads(target.read_text(encoding="utf-8"))


def assert_one_clear_line(result):
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    if len(lines) > 1:  # an import reports every refused entry, one line each, then how many there were
        assert all(line.startswith("error: ") for line in lines[:-1]), result.stderr
        assert re.fullmatch(rf"{len(lines) - 1} errors; nothing was written", lines[-1]), result.stderr
        return
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=COMMANDS)
def test_fuzzed_commands(store, tmp_path, args):
    store = own_store(store, tmp_path)
    runner = CliRunner()
    before = export(runner, store, tmp_path)
    result = runner.invoke(app, ["--db", str(store), *args])
    assert not (result.exception and not isinstance(result.exception, SystemExit)), f"{args}: {result.exception!r}"
    if result.exit_code != 0:
        assert_one_clear_line(result)
        assert export(runner, store, tmp_path) == before, f"{args} was refused but changed the store"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.text(max_size=300), st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
                         st.sampled_from(['[[contract]]\ncode = "X"', "[[payment]]\ncontract = 1", '{"format": 5}', "[]", "{",
                                          '[[contract]]\ncode="A"\nname="a"\nbilling_start=2020-01-01\nbilling_months=12\nannual_fee=1e400',
                                          "code,name,billing_start,billing_months,annual_fee\nX,x,2024/2/30,12,1e400",
                                          "contract,paid_on,amount,seq\nTW1,2023-12-31,\"1,000.00\",x",
                                          "contract,paid_on,amount\n,,\n,,,,extra"])),
       suffix=st.sampled_from([".toml", ".json", ".csv", ".xlsx"]))
def test_fuzzed_files(store, tmp_path, content, suffix):
    store = own_store(store, tmp_path)
    runner = CliRunner()
    before = export(runner, store, tmp_path)
    path = tmp_path / f"input{suffix}"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["--db", str(store), "import", str(path)])
    assert not (result.exception and not isinstance(result.exception, SystemExit)), f"{content!r}: {result.exception!r}"
    if result.exit_code != 0:
        assert_one_clear_line(result)
        assert export(runner, store, tmp_path) == before


@settings(max_examples=60, deadline=None)
@given(url=st.one_of(st.text(max_size=40), st.sampled_from([
    "postgresql://nobody@127.0.0.1:1/x", "sqlite://", "sqlite:////proc/nope/x.db", "mysql://a@b/c", "://", "postgresql://",
    "sqlite:///", "~no_such_user_here/x.db", "oracle+cx://x", "postgresql://u:p@127.0.0.1:5432/no_such_database_here", "http://example.org/db"])))
def test_fuzzed_urls(url):
    result = CliRunner().invoke(app, ["--db", url, "list"])
    assert not (result.exception and not isinstance(result.exception, SystemExit)), f"{url!r}: {result.exception!r}"
    if result.exit_code != 0:
        assert_one_clear_line(result)


def test_a_read_only_store(store, tmp_path):
    copy = tmp_path / "ro.db"
    shutil.copy(store, copy)
    url = f"sqlite:///file:{copy}?mode=ro&uri=true"
    assert CliRunner().invoke(app, ["--db", url, "list", "-f", "json"]).exit_code == 0  # reading is fine
    result = CliRunner().invoke(app, ["--db", url, "pay", "ENTRY", "--amount", "10", "--on", "2023-06-20", "--seq", "1"])
    assert_one_clear_line(result)
    assert "is read-only; nothing was written" in result.stderr


def test_a_locked_store(store, tmp_path):
    copy = tmp_path / "locked.db"
    shutil.copy(store, copy)
    holder = sqlite3.connect(copy, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(8, holder.rollback)
    release.start()
    try:
        started = time.monotonic()
        result = CliRunner().invoke(app, ["--db", str(copy), "pay", "ENTRY", "--amount", "10", "--on", "2023-06-20", "--seq", "1"])
        assert_one_clear_line(result)
        assert "is locked by another program; try again in a moment" in result.stderr
        assert time.monotonic() - started < 8  # it gave up after waiting a while, before the lock was released
    finally:
        release.cancel()
        holder.rollback()
        holder.close()


CELL = st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12), st.integers(-10**15, 10**15),
                 st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                 st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)),
                 st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheet=st.sampled_from(["contracts", "payments", "assessments", "usage"]),
       rows=st.lists(st.lists(CELL, max_size=9), max_size=4))
def test_fuzzed_workbooks(store, tmp_path, sheet, rows):
    """A filled-in template with anything in its cells: imported, or refused in one line with nothing written."""
    import openpyxl

    from contracts.tabular import KINDS

    store = own_store(store, tmp_path)
    runner = CliRunner()
    before = export(runner, store, tmp_path)
    book = openpyxl.Workbook()
    page = book.active
    page.title = sheet
    page.append([c.name for c in KINDS[sheet].columns])
    for row in rows:
        page.append(row)
    path = tmp_path / "filled.xlsx"
    book.save(path)
    result = runner.invoke(app, ["--db", str(store), "import", str(path)])
    assert not (result.exception and not isinstance(result.exception, SystemExit)), f"{rows!r}: {result.exception!r}"
    if result.exit_code != 0:
        assert_one_clear_line(result)
        assert export(runner, store, tmp_path) == before
