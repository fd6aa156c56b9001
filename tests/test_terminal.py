"""The terminal, as an 80-column user and a script piping the output see it (issue #16, point 6).

Reproduced first: a bare `contracts` printed its help twice; every option showed <str> or <bool>; 37 commands in
one list; in 80 columns `list` lost its right-hand columns, and piped it was 178-240 characters wide whatever
COLUMNS said; no colour; `add` had no options for unit-priced contracts; `pay` without --on did not say it used today.
"""

import datetime as dt
import os
import re
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import ROOT


def _run(*args, env=None, db=None):
    """The real program in a pipe, as a script would run it."""
    command = [sys.executable, "-c", "from cli.main import run; run()", *(["--db", db] if db else []), *args]
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "FORCE_COLOR")}
    environment.update(env or {})
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=environment, timeout=120)


@pytest.mark.parametrize("args", [[], ["report"], ["line"], ["rule"]])
def test_a_bare_command_prints_its_help_once(args):
    done = _run(*args, env={"COLUMNS": "100"})
    assert done.returncode == 0
    assert done.stdout.count("Usage:") == 1, done.stdout


def test_help_says_what_options_take_and_groups_the_commands():
    done = _run("--help", env={"COLUMNS": "120"})
    for panel in ("Contracts", "Payments", "Procurement", "Budgets", "Outputs"):
        assert f"─ {panel} ─" in done.stdout
    order = [done.stdout.index(f"─ {p} ─") for p in ("Contracts", "Payments", "Procurement", "Budgets", "Outputs")]
    assert order == sorted(order)  # in the order of the jobs
    assert "─ Commands ─" not in done.stdout  # every command has its place
    for args in (["list", "--help"], ["pay", "--help"], ["rules", "--help"], ["add", "--help"]):
        shown = _run(*args, env={"COLUMNS": "120"}).stdout
        assert "<str>" not in shown and "<bool>" not in shown, shown
    assert re.search(r"--as-of\s+DATE", _run("list", "--help", env={"COLUMNS": "120"}).stdout)


def test_every_option_and_argument_has_help():
    command = typer.main.get_command(app)
    missing = []

    def walk(group, path):
        for param in group.params:
            if param.name != "help" and not (getattr(param, "help", None) or "").strip():
                missing.append(f"{' '.join(path)} {param.name}")
        for name, sub in getattr(group, "commands", {}).items():
            walk(sub, path + [name])

    walk(command, ["contracts"])
    assert missing == []


def test_a_table_fits_80_columns_and_says_what_it_left_out(loaded):
    done = _run("list", "--as-of", "2024-12-31", env={"COLUMNS": "80"}, db=loaded.url)
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "│ TW2 " in done.stdout and "expired" in done.stdout and "days left" in done.stdout
    assert "left out to fit 80 columns: frequency, billing start, annual fee" in " ".join(done.stdout.split())
    wide = _run("list", "--as-of", "2024-12-31", env={"COLUMNS": "200"}, db=loaded.url)
    assert "left out" not in wide.stdout and "annual fee" in wide.stdout
    assert max(len(line) for line in wide.stdout.splitlines()) <= 200
    # in Chinese too: CJK characters take two columns each
    zh = _run("--lang", "zh", "arrears", "--summary", "--as-of", "2024-12-31", env={"COLUMNS": "80"}, db=loaded.url)
    from rich.cells import cell_len

    assert max(cell_len(line) for line in zh.stdout.splitlines()) <= 80
    assert "合计" in zh.stdout and "未显示" in zh.stdout


def test_colour_for_states_and_no_colour_with_no_color(loaded):
    coloured = _run("list", "--as-of", "2024-12-31", env={"COLUMNS": "160", "FORCE_COLOR": "1"}, db=loaded.url)
    red = re.findall(r"\x1b\[[0-9;]*31m([^\x1b]+)", coloured.stdout)
    assert "expired" in [text.strip() for text in red]  # an expired contract's status stands out
    plain = _run("list", "--as-of", "2024-12-31", env={"COLUMNS": "160", "FORCE_COLOR": "1", "NO_COLOR": "1"}, db=loaded.url)
    assert not re.search(r"\x1b\[[0-9;]*3[0-7]m", plain.stdout)  # NO_COLOR: no colour at all
    piped = _run("list", "--as-of", "2024-12-31", db=loaded.url)
    assert "\x1b[" not in piped.stdout  # a pipe never gets escape codes
    checks = _run("check", "--as-of", "2024-12-31", env={"COLUMNS": "200", "FORCE_COLOR": "1"}, db=loaded.url)
    assert re.search(r"\x1b\[[0-9;]*33m\s*warning", checks.stdout)


def test_add_takes_every_term(cli):
    cli("init")
    cli("line", "add", "SEAL", "--name", "印章刻制")
    cli("add", "--code", "SEAL-2024", "--name", "印章刻制服务 2024", "--billing-start", "2024-01-01", "--billing-months", "12",
        "--pricing", "unit", "--unit-price", "500.00", "--unit", "set", "--annual-cap", "800000", "--line", "SEAL",
        "--vendor", "乐山鑫昌鑫印章雕刻中心", "--frequency", "quarterly")
    cli("usage", "SEAL-2024", "--period", "2024Q1", "--quantity", "212")
    [row] = [r for r in cli.json("payable", "SEAL-2024", "--as-of", "2024-04-30") if r["seq"] == 1]
    assert row["gross"] == "106000.00"  # 212 sets at 500.00
    assert [line["line"] for line in cli.json("lines")] == ["SEAL"]
    # and --unit still means the display unit where it should
    assert "万元" in cli("--unit", "wan", "payable", "SEAL-2024", "--as-of", "2024-04-30").stdout


def test_pay_without_on_says_it_used_today(loaded):
    out = loaded("pay", "TW2", "--amount", "100.00").stdout
    today = dt.date.today().isoformat()
    assert f"on {today}" in out and f"(no --on given: paid today, {today})" in out
    assert "no --on given" not in loaded("pay", "TW2", "--amount", "100.00", "--on", "2024-01-05").stdout


def test_a_piped_table_honours_columns(loaded):
    runner = CliRunner()
    narrow = runner.invoke(app, ["--db", loaded.url, "list", "--as-of", "2024-12-31"], env={"COLUMNS": "90"})
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 90


BORDERS = "┃│┓┐┫┤┩┘"  # the right-hand edge of a Rich table's lines


def test_a_table_is_never_cut_at_its_right_edge(loaded):
    """Found in the audit: with the names (Chinese and English, 26-66 cells) wrapping, `list` at 90-150 columns
    kept columns that Rich could not fit: the basis column was cut ("┃ basi") and the right border lost (as of
    2024-12-31: at 100 columns). Rich crops every line to the width, so counting characters cannot see it: every
    table line must end in a border. Piped (the runner is not a terminal), COLUMNS sets the width."""
    from rich.cells import cell_len

    runner = CliRunner()
    for width in (90, 100, 120, 150):
        done = runner.invoke(app, ["--db", loaded.url, "list", "--as-of", "2024-12-31"], env={"COLUMNS": str(width)})
        table = [line.rstrip() for line in done.stdout.splitlines() if line[:1] in "┏┃┡│└"]
        assert len(table) >= 7 + 4  # seven contracts, the header and three rules
        assert all(cell_len(line) <= width and line[-1] in BORDERS for line in table), f"{width}:\n" + "\n".join(table)
        header = " ".join(table[1:table.index(next(line for line in table if line.startswith("┡")))])
        assert "basis" in header and "status" in header  # the last column is there, and what it is for
        if width >= 150:  # with room to spare (the names wrapping at 26+ cells), each heading keeps to one line
            assert header.count("┃") == table[1].count("┃"), header
