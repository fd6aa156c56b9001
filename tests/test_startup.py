"""A light start: `contracts --version` answers before the command framework, the ORM or the domain loads."""

import subprocess
import sys

from typer.testing import CliRunner

from contracts import __version__
from tests.conftest import ROOT

HEAVY = ("typer", "click", "rich", "sqlalchemy", "sqlmodel", "pydantic", "alembic", "dateutil", "cli.app", "db")

# Runs the console script's entry point (cli.main:run) as `contracts --version` would, then lists which of the
# heavy packages the process had imported by then (run() returns rather than exits, so the listing runs after it).
PROBE = f"""
import sys
sys.argv = ["contracts", "--version"]
from cli.main import run
run()
heavy = {HEAVY!r}
print(sorted(name for name in sys.modules if name in heavy or name.startswith(tuple(h + "." for h in heavy))))
"""


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_version_loads_no_framework_and_no_store():
    done = _run(PROBE)
    assert done.returncode == 0, done.stderr
    version_line, imported = done.stdout.splitlines()
    assert version_line == f"contracts {__version__}"
    assert imported == "[]"  # not typer, click, rich, sqlalchemy, sqlmodel, pydantic, alembic, nor the app itself


def test_the_probe_would_see_them_if_they_were_loaded():
    # The same probe on the path every other command takes: the framework is there, so the check above can fail.
    done = _run(PROBE.replace('["contracts", "--version"]', '["contracts", "--help"]').replace("run()\n", "try:\n    run()\nexcept SystemExit:\n    pass\n", 1))
    assert done.returncode == 0, done.stderr
    assert "'typer'" in done.stdout.splitlines()[-1]


def test_version_line_is_the_one_the_app_prints():
    fast = subprocess.run([sys.executable, "-m", "cli.main", "--version"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    from cli.main import app

    through_typer = CliRunner().invoke(app, ["--version"])  # the app's own eager --version option
    assert fast.returncode == 0 and through_typer.exit_code == 0
    assert fast.stdout == through_typer.stdout == f"contracts {__version__}\n"
    assert fast.stderr == ""


def test_version_with_other_options_still_goes_through_the_app():
    done = subprocess.run([sys.executable, "-m", "cli.main", "--version", "--lang", "zh"], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"contracts {__version__}\n"


READER = """
import sys
sys.argv = ["contracts", "--db", {url!r}, *{args!r}]
from cli.main import run
try:
    run()
except SystemExit as done:
    assert not done.code, done.code
print(sorted({{name.split(".")[0] for name in sys.modules}} & {{"sqlmodel", "pydantic", "pydantic_core", "alembic"}}),
      "sqlalchemy.orm" in sys.modules, "sqlalchemy" in sys.modules)
"""


def test_read_only_commands_import_no_orm_sqlmodel_or_pydantic(tmp_path):
    # Issue #17, point 4: a reader goes through SQLAlchemy Core; the ORM, SQLModel and pydantic only when writing (and
    # Typer is kept below 0.29, which imports pydantic for every command). The import below writes, so it has them.
    url = f"sqlite:///{tmp_path / 'store.db'}"
    from tests.conftest import EXAMPLE

    wrote = _run(READER.format(url=url, args=["import", str(EXAMPLE)]))
    assert wrote.returncode == 0, wrote.stderr
    assert wrote.stdout.split("\n")[-2] == "['alembic', 'pydantic', 'pydantic_core', 'sqlmodel'] True True"  # so the probe sees them
    for args in (["show", "SEAL-2021"], ["schedule", "SEAL-2021"], ["expiring", "--within", "400"], ["list"],
                 ["payable", "SEAL-2021", "--seq", "1"],
                 ["forecast", "--years", "2"], ["report", "fy", "2023"], ["check"], ["arrears", "--summary"],
                 ["lines"], ["rebid"]):
        done = _run(READER.format(url=url, args=args))
        assert done.returncode == 0, (args, done.stderr)
        # Read through the SQLite driver (db/sql.py) from a plain file at this schema: not even SQLAlchemy.
        assert done.stdout.split("\n")[-2] == "[] False False", args


def test_a_store_to_upgrade_or_an_url_with_options_goes_through_sqlalchemy(tmp_path):
    # The driver reads only a plain file at this program's schema; an SQLite URL with options (here read-only) is read
    # through SQLAlchemy, which understands them, with the same answer.
    url = f"sqlite:///{tmp_path / 'store.db'}"
    from tests.conftest import EXAMPLE

    assert _run(READER.format(url=url, args=["import", str(EXAMPLE)])).returncode == 0
    light = _run(READER.format(url=url, args=["show", "SEAL-2021"]))
    full = _run(READER.format(url=f"sqlite:///file:{tmp_path / 'store.db'}?mode=ro&uri=true", args=["show", "SEAL-2021"]))
    assert light.returncode == 0 and full.returncode == 0, (light.stderr, full.stderr)
    assert light.stdout.split("\n")[-2] == "[] False False"
    assert full.stdout.split("\n")[-2] == "[] False True"
    assert light.stdout.split("\n")[:-2] == full.stdout.split("\n")[:-2]
    # and every read of it goes through SQLAlchemy, which keeps the URL's options (the driver would drop them)
    from db.store import open_store

    for url, through_driver in ((f"sqlite:///{tmp_path / 'store.db'}", True),
                                (f"sqlite:///file:{tmp_path / 'store.db'}?mode=ro&uri=true", False)):
        store = open_store(url, create=False).store
        try:
            assert (store._driver_file is not None) == through_driver, url
        finally:
            store.close()
