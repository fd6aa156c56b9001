"""Shared fixtures: a fresh store per test on SQLite, and on PostgreSQL when a URL is given.

Set CONTRACTS_TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) to run every
store-backed test on PostgreSQL as well; each test gets a database of its own, dropped afterwards: a copy of a store
migrated once per run (``db_url``), or an empty one (``empty_db_url``) for the tests of creating and upgrading.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import pytest
import typer.testing
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "emeishan.toml"
PG_ENV = "CONTRACTS_TEST_DATABASE_URL"

# Typer turns the app into Click commands again on every CliRunner.invoke, which (evaluating every command's
# annotations) costs more than most commands themselves; the suite invokes the CLI thousands of times, so the
# commands are built once per app. They hold no state between invocations.
_build_command = typer.testing._get_command
_built: dict[int, tuple] = {}


def _command_once(app):
    # Kept with the app itself: an id alone could be a collected app's, reused by a new one.
    built = _built.get(id(app))
    if built is None or built[0] is not app:
        built = _built[id(app)] = (app, _build_command(app))
    return built[1]


typer.testing._get_command = _command_once

# Tests read English unless they ask for Chinese, whatever the locale of the machine running them.
os.environ["CONTRACTS_LANG"] = "en"
# Piped output is as wide as its table unless COLUMNS says otherwise (cli/fit.py); pytest-xdist's workers inherit
# COLUMNS=80 from the controller's terminal, so tests that want a width set it themselves.
os.environ.pop("COLUMNS", None)
os.environ.pop("LINES", None)

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(PG_ENV) else [])


def _pg_admin_url() -> str:
    url = os.environ[PG_ENV]
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


def _new_pg_database(template: str | None = None) -> str:
    """A new database on the test server (a copy of ``template`` if given); its name."""
    from sqlalchemy import create_engine, text

    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"contracts_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    finally:
        admin.dispose()
    return name


def _drop_pg_database(name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _pg_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(_pg_admin_url()).set(database=name).render_as_string(hide_password=False)


def _migrate(url: str) -> None:
    from db.store import open_store

    open_store(url).store.close()


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory):
    """One store per backend migrated to the newest schema, made once per run (per xdist worker), to copy from.

    Migrating a new database through every revision costs about 0.2 s on SQLite and 0.6 s on PostgreSQL; the suite
    opens hundreds of stores, so the tests that only need a store get a copy of this one (a file copy, or PostgreSQL's
    CREATE DATABASE ... TEMPLATE). Tests of creating and upgrading stores ask for ``empty_db_url`` instead.
    """
    made: dict[str, str] = {}
    sqlite_file = tmp_path_factory.mktemp("template") / "store.db"
    _migrate(f"sqlite:///{sqlite_file}")
    made["sqlite"] = str(sqlite_file)
    if "postgresql" in BACKENDS:
        name = _new_pg_database()
        _migrate(_pg_url(name))
        made["postgresql"] = name
    yield made
    if "postgresql" in made:
        _drop_pg_database(made["postgresql"])


@pytest.fixture(params=BACKENDS)
def empty_db_url(request, tmp_path, monkeypatch):
    """The URL of a new, empty database (no schema) on each backend under test."""
    monkeypatch.delenv("CONTRACTS_DATABASE_URL", raising=False)
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    name = _new_pg_database()
    try:
        yield _pg_url(name)
    finally:
        _drop_pg_database(name)


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path, monkeypatch, migrated_templates):
    """The URL of a new store on each backend under test: migrated to the newest schema, with nothing in it."""
    monkeypatch.delenv("CONTRACTS_DATABASE_URL", raising=False)
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        shutil.copyfile(migrated_templates["sqlite"], path)
        yield f"sqlite:///{path}"
        return
    name = _new_pg_database(template=migrated_templates["postgresql"])
    try:
        yield _pg_url(name)
    finally:
        _drop_pg_database(name)


class Cli:
    """Runs the real Typer app against one store, as a user would type the commands."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool | None = True):
        from cli.app import app_for

        # The app as the console script runs it: with only the command named (tests/test_cli_one_command.py holds
        # it to the whole app's answers).
        command_line = ["--db", self.url, *args]
        result = self.runner.invoke(app_for(command_line), command_line)
        if ok is True:
            assert result.exit_code == 0, f"{args} failed ({result.exit_code}): {result.output}"
        elif ok is False:
            assert result.exit_code != 0, f"{args} should have failed: {result.output}"
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    def json(self, *args: str):
        return json.loads(self(*args, "--format", "json").stdout)

    def json_export(self) -> dict:
        """Every stored fact, as `contracts export` writes it."""
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "export.json"
            self("export", str(path))
            return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def cli(db_url):
    return Cli(db_url)


@pytest.fixture
def loaded(cli):
    cli("import", str(EXAMPLE))
    return cli


# Contracts with terms only in every shape the array engine must match, and one it leaves to the per-contract engine.
MIXED = """
[[line]]
code = "LINE-1"
name = "a line of two contracts"

[[contract]]
code = "TINY-CAL"
name = "a calendar contract whose stubs share a negative leftover: left to the engine"
billing_start = 2024-01-15
billing_months = 30
annual_fee = "0.20"
frequency = "monthly"
alignment = "calendar"

[[contract]]
code = "PLAIN-A"
name = "terms only, anniversary, month-end start"
billing_start = 2024-01-31
billing_months = 36
service_months = 40
annual_fee = "1234567.89"
frequency = "quarterly"
line = "LINE-1"
payment_lag_days = 30

[[contract]]
code = "PLAIN-B"
name = "terms only, calendar, in advance"
billing_start = 2025-05-20
billing_months = 25
annual_fee = "100000.01"
frequency = "semiannual"
alignment = "calendar"
timing = "advance"
line = "LINE-1"

[[contract]]
code = "UNIT-1"
name = "unit-priced: awaits its usage"
billing_start = 2025-01-01
billing_months = 24
annual_fee = "0"
pricing = "unit"
unit_price = "12.50"
unit = "GB"
"""


@pytest.fixture
def mixed(loaded, tmp_path):
    """The example store with MIXED imported beside it: contracts the arrays do (contracts/bulk.py), one they leave
    to the engine, a unit-priced one (tests/test_forecast_bulk.py, tests/test_arrears_lines.py)."""
    extra = tmp_path / "mixed.toml"
    extra.write_text(MIXED, encoding="utf-8")
    loaded("import", str(extra))
    return loaded


# Beside MIXED: lone contracts (alone on a line of their own or on an explicit line) and every kind of line the
# whole-portfolio reads tell apart from them (tests/test_check_lone.py, tests/test_report_lone.py).
MORE = """
[[line]]
code = "NAMED"
name = "an explicit line with one contract and nothing else"

[[line]]
code = "EMPTY"
name = "an explicit line with no contract yet"

[[contract]]
code = "ALONE-ENDED"
name = "alone, ended: its line is uncovered"
billing_start = 2019-01-01
billing_months = 24
annual_fee = "1200"
stated_end = "2020-06"
completed_on = 2018-06-01

[[contract]]
code = "ALONE-NAMED"
name = "alone on an explicit line, ended"
billing_start = 2018-01-01
billing_months = 12
annual_fee = "1200"
line = "NAMED"

[[contract]]
code = "SHARED"
name = "no line of its own: its code is another contract's line"
billing_start = 2019-01-01
billing_months = 12
annual_fee = "1200"

[[contract]]
code = "SHARES-BY-LINE"
name = "names SHARED as its line"
billing_start = 2020-03-01
billing_months = 12
annual_fee = "1200"
line = "SHARED"

[[contract]]
code = "TENDERED"
name = "alone, but its line has a tender"
billing_start = 2019-01-01
billing_months = 12
annual_fee = "1200"

[[tender]]
line = "TENDERED"
method = "public"
outcome = "failed"

[[contract]]
code = "PAID-ONE"
name = "alone on its line, but paid: whole"
billing_start = 2019-01-01
billing_months = 12
annual_fee = "1200"

[[payment]]
contract = "PAID-ONE"
paid_on = 2019-05-01
amount = "300.00"

[[programme]]
code = "MIXED-PROG"
name = "a programme funding lone contracts, contracts with terms only on shared lines, and one with facts"
contracts = ["ALONE-ENDED", "ALONE-NAMED", "SHARED", "SHARES-BY-LINE", "PLAIN-A", "PAID-ONE"]

[[budget]]
programme = "MIXED-PROG"
year = 2020
unit = "yuan"
original = "5000"
spent = "1200"
source = "a made-up budget: what the report's cash flow and the checks read of a programme"
"""


@pytest.fixture
def more(mixed, tmp_path):
    """The example store with MIXED and MORE imported beside it: every kind of line and contract the split tells apart."""
    extra = tmp_path / "more.toml"
    extra.write_text(MORE, encoding="utf-8")
    mixed("import", str(extra))
    return mixed
