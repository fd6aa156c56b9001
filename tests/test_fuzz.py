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
    release = threading.Timer(25, holder.rollback)  # longer than the store's busy timeout (15 s, db/engine.py)
    release.start()
    try:
        started = time.monotonic()
        result = CliRunner().invoke(app, ["--db", str(copy), "pay", "ENTRY", "--amount", "10", "--on", "2023-06-20", "--seq", "1"])
        assert_one_clear_line(result)
        assert "is locked by another program; try again in a moment" in result.stderr
        assert time.monotonic() - started < 25  # it gave up after waiting a while, before the lock was released
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


# -- #18: every numeric option, and nested files ---------------------------------------------------

from .conftest import ROOT  # noqa: E402

# Each command with one numeric option left as {} (every other argument valid), and the field the refusal names.
ASSESS = ("assess", "DEMO-OM", "--seq", "5", "--on", "2026-04-15", "--score", "90")
RULE = ("rule", "add", "TW2", "--name", "fz", "--effective-from", "2024-01-01")
NUMERIC_OPTIONS = [
    (("add", "--code", "FZ", "--name", "f", "--billing-start", "2024-01-01", "--billing-months", "{}", "--annual-fee", "1"), "billing_months"),
    (("add", "--code", "FZ", "--name", "f", "--billing-start", "2024-01-01", "--billing-months", "12", "--annual-fee", "{}"), "annual_fee"),
    (("add", "--code", "FZ", "--name", "f", "--billing-start", "2024-01-01", "--billing-months", "12", "--annual-fee", "1",
      "--service-months", "{}"), "service_months"),
    (("add", "--code", "FZ", "--name", "f", "--billing-start", "2024-01-01", "--billing-months", "12", "--annual-fee", "1",
      "--payment-lag-days", "{}"), "payment_lag_days"),
    (("pay", "ENTRY", "--amount", "{}", "--on", "2023-06-20"), "amount"),
    (("pay", "ENTRY", "--amount", "5", "--on", "2023-06-20", "--seq", "{}"), "seq"),
    (("pay", "ENTRY", "--reverse", "{}", "--on", "2023-06-20"), "reverse"),
    ((*ASSESS[:-2], "--metric", "online_rate={}", "--metric", "fault_hours=1", "--score", "90"), "metric online_rate"),
    ((*ASSESS[:-2], "--metric", "online_rate=99", "--metric", "fault_hours={}", "--score", "90"), "metric fault_hours"),
    ((*ASSESS[:-2], "--metric", "online_rate=99", "--metric", "fault_hours=1", "--score", "{}"), "score"),
    ((*ASSESS, "--metric", "online_rate=99", "--metric", "fault_hours=1", "--item", "late={}"), "item late"),
    (("assess", "DEMO-OM", "--seq", "{}", "--on", "2026-04-15"), "seq"),
    ((*RULE, "--kind", "itemized", "--position", "{}"), "position"),
    ((*RULE, "--kind", "threshold", "--metric", "m", "--threshold", "{}", "--step", "1", "--per-step-share", "1/45"), "threshold"),
    ((*RULE, "--kind", "threshold", "--metric", "m", "--threshold", "5", "--step", "{}", "--per-step-share", "1/45"), "step"),
    ((*RULE, "--kind", "threshold", "--metric", "m", "--threshold", "5", "--step", "1", "--per-step-share", "{}"), "per_step_share"),
    ((*RULE, "--kind", "threshold", "--metric", "m", "--threshold", "5", "--step", "1", "--per-step-amount", "{}"), "per_step_amount"),
    ((*RULE, "--kind", "per_unit", "--metric", "m", "--rate", "1", "--allowance", "{}"), "allowance"),
    ((*RULE, "--kind", "per_unit", "--metric", "m", "--rate", "{}"), "rate"),
    ((*RULE, "--kind", "per_unit", "--metric", "m", "--rate", "1", "--metric-min", "{}"), "metric_min"),
    ((*RULE, "--kind", "per_unit", "--metric", "m", "--rate", "1", "--metric-max", "{}"), "metric_max"),
    ((*RULE, "--kind", "scorecard", "--bands", "90:5%", "--pass-mark", "{}"), "pass_mark"),
    ((*RULE, "--kind", "scorecard", "--bands", "{}:5%"), "bands.below"),
    ((*RULE, "--kind", "scorecard", "--bands", "90:{}"), "bands.share"),
    ((*RULE, "--kind", "itemized", "--cap-amount", "{}"), "cap_amount"),
    ((*RULE, "--kind", "itemized", "--cap-share", "{}"), "cap_share"),
    ((*RULE, "--kind", "cap", "--per-installment-amount", "{}"), "per_installment_amount"),
    ((*RULE, "--kind", "cap", "--per-installment-share", "{}"), "per_installment_share"),
    ((*RULE, "--kind", "cap", "--per-year-amount", "{}"), "per_year_amount"),
    ((*RULE, "--kind", "cap", "--per-year-share", "{}"), "per_year_share"),
    (("opening", "ENTRY", "--as-of", "2023-03-17", "--settled-through-seq", "{}"), "settled_through_seq"),
    (("opening", "ENTRY", "--as-of", "2023-03-17", "--owed", "{}", "--source", "s"), "owed"),
    (("tender", "add", "SEAL", "--method", "public", "--outcome", "failed", "--bidders", "{}"), "bidders"),
    (("transition", "add", "SEAL", "--start", "2024-05-01", "--approved-by", "x", "--unit-price", "{}"), "unit_price"),
    (("usage", "SEAL-2021", "--period", "2023-01", "--quantity", "{}"), "quantity"),
    (("usage", "SEAL", "--period", "2023-08", "--quantity", "1", "--amount", "{}"), "amount"),
    (("usage", "SEAL-2021", "--year", "{}"), "year"),
    (("budget", "add", "POLICE-IT", "--year", "{}", "--original", "1"), "year"),
    (("budget", "add", "POLICE-IT", "--year", "2024", "--original", "{}"), "original"),
    (("budget", "add", "POLICE-IT", "--year", "2024", "--original", "1", "--adjusted", "{}"), "adjusted"),
    (("budget", "add", "POLICE-IT", "--year", "2024", "--original", "1", "--spent", "{}"), "spent"),
    (("fee-line", "amount", "TW-POWER", "--year", "{}", "--paid", "1"), "year"),
    (("fee-line", "amount", "TW-POWER", "--year", "2024", "--paid", "{}"), "paid"),
    (("fee-line", "amount", "TW-POWER", "--year", "2024", "--budgeted", "{}"), "budgeted"),
    (("amend", "TW2", "--from", "2024-02-24", "--annual-fee", "{}"), "annual_fee"),
    (("amend", "TW2", "--from", "2024-02-24", "--billing-months", "{}"), "billing_months"),
    (("amend", "TW2", "--from", "2024-02-24", "--service-months", "{}"), "service_months"),
    (("expiring", "--within", "{}"), "within"),
    (("rebid", "--horizon", "{}"), "horizon"),
    (("rebid", "--prep-days", "{}"), "prep_days"),
    (("rebid", "--award-days", "{}"), "award_days"),
    (("rebid", "--signing-days", "{}"), "signing_days"),
    (("tenders", "--failed", "--transition-limit", "{}"), "transition_limit"),
    (("forecast", "--from", "{}"), "from"),
    (("forecast", "--years", "{}"), "years"),
    (("forecast", "--deduction-rate", "{}"), "deduction_rate"),
    (("report", "fy", "{}"), "year"),
    (("check", "--grace-days", "{}"), "grace_days"),
    (("payable", "ENTRY", "--seq", "{}"), "seq"),
    (("voucher", "ENTRY", "{}"), "seq"),
    (("calendar", "-o", "{tmp}/c.ics", "--horizon", "{}"), "horizon"),
    (("report", "html", "-o", "{tmp}/r.html", "--within", "{}"), "within"),
    (("report", "html", "-o", "{tmp}/r.html", "--horizon", "{}"), "horizon"),
]
NOT_NUMBERS = ("inf", "-inf", "Infinity", "NaN", "nan", "1e999", "99999999999999999999", "-99999999999999999999", "１２")


@pytest.fixture(scope="module")
def rich_store(tmp_path_factory):
    """The Emeishan portfolio and the synthetic DEMO-OM, whose rules take metrics, a score and itemized findings."""
    path = tmp_path_factory.mktemp("numeric") / "store.db"
    for example in (EXAMPLE, ROOT / "examples" / "demo-om.toml"):
        assert CliRunner().invoke(app, ["--db", str(path), "import", str(example)]).exit_code == 0
    return path


def _digest(path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("template, field", NUMERIC_OPTIONS, ids=[f"{t[0]}-{f}-{i}" for i, (t, f) in enumerate(NUMERIC_OPTIONS)])
def test_every_numeric_option_refuses_infinity_nan_and_huge_values(rich_store, tmp_path, template, field):
    """One clear line naming the option's field, exit 1, nothing written, whatever non-number is typed."""
    before = _digest(rich_store)
    for value in NOT_NUMBERS:
        args = [part.replace("{tmp}", str(tmp_path)).replace("{}", value) for part in template]
        result = CliRunner().invoke(app, ["--db", str(rich_store), *args])
        assert not (result.exception and not isinstance(result.exception, SystemExit)), f"{args}: {result.exception!r}"
        assert_one_clear_line(result)
        if result.exit_code == 2 and value.startswith("-") and "{}" in template[2:3]:
            continue  # a negative in an argument's place reads as an option: a usage error, one line too
        assert result.exit_code == 1, f"{args}: {result.output}"
        assert result.stderr.startswith(f"error: {field}"), f"{args}: {result.stderr}"
    assert _digest(rich_store) == before


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(NUMERIC_OPTIONS),
       value=st.one_of(junk, st.sampled_from(NOT_NUMBERS), st.integers(-10**30, 10**30).map(str),
                       st.decimals(allow_nan=True, allow_infinity=True).map(str),
                       st.floats(allow_nan=True, allow_infinity=True).map(repr)))
def test_fuzzed_numeric_options(rich_store, tmp_path, case, value):
    """Any value in any numeric option: accepted, or refused in one line with nothing written; never a traceback."""
    template, _ = case
    args = [part.replace("{tmp}", str(tmp_path)).replace("{}", value) for part in template]
    before = _digest(rich_store)
    result = CliRunner().invoke(app, ["--db", str(rich_store), *args])
    assert not (result.exception and not isinstance(result.exception, SystemExit)), f"{args}: {result.exception!r}"
    if result.exit_code != 0:
        assert_one_clear_line(result)
        assert _digest(rich_store) == before, f"{args} was refused but changed the store"


NESTED = st.integers(min_value=33, max_value=20000).flatmap(lambda depth: st.sampled_from([
    ("toml", "x = " + "[" * depth + "]" * depth),
    ("toml", "x = " + "{a = " * depth + "1" + "}" * depth),
    ("toml", "[[contract]]\nnotes" + ".a" * depth + " = 1"),
    ("toml", "[" + ".".join(["a"] * depth) + "]\nx = 1"),
    ("json", '{"format": "contracts-export", "line": ' + "[" * depth + "]" * depth + "}"),
    ("json", '{"format": "contracts-export", "x": ' + '{"a": ' * depth + "1" + "}" * depth + "}"),
    ("json", "[" * depth),
]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=NESTED)
def test_fuzzed_nested_files(store, tmp_path, case):
    """Files nested deeper than any portfolio: one line, no RecursionError, nothing written."""
    suffix, content = case
    before = _digest(store)
    path = tmp_path / f"nested.{suffix}"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", str(store), "import", str(path)])
    assert not (result.exception and not isinstance(result.exception, SystemExit)), f"{content[:80]!r}: {result.exception!r}"
    assert_one_clear_line(result)
    assert _digest(store) == before
