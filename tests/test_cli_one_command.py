"""The console script runs the app with only the command a command line names (cli/app.py's app_for): the same
answers as the whole app, for commands, groups, help, global options anywhere and every kind of mistake."""

import pytest
from typer.testing import CliRunner

from cli.app import app, app_for, named_command


@pytest.mark.parametrize("args, named", [
    (["show", "TW1"], "show"),
    (["--db", "x.db", "show", "TW1"], "show"),
    (["--db=x.db", "--yes", "--force", "schedule", "TW1"], "schedule"),
    (["show", "TW1", "--lang", "zh", "--unit", "wan"], "show"),  # moved before the command, as the app reads them
    (["--lang=zh", "report", "html"], "report"),
    (["--user", "li", "pay", "TW1"], "pay"),
    (["export", "all.json", "--force"], "export"),
    (["--help"], None),
    (["--version", "show"], None),
    (["--bogus", "show"], None),
    ([], None),
    (["--db", "x.db"], None),
    (["--", "show"], None),
])
def test_the_command_a_line_names(args, named):
    assert named_command(args) == named


def test_a_line_naming_no_known_command_gets_the_whole_app():
    for args in ([], ["--help"], ["nope"], ["--bogus", "show", "TW1"], ["shw", "TW1"]):
        assert app_for(args) is app, args
    one = app_for(["report", "fy", "2024"])
    assert [info.name for info in one.registered_groups] == ["report"] and one.registered_commands == []
    assert [info.name for info in app_for(["show", "TW1"]).registered_commands] == ["show"]
    assert len(app.registered_commands) > 30  # the whole app is left as it was


def _every_command_line(url: str) -> list[list[str]]:
    names = [info.name for info in app.registered_commands + app.registered_groups]
    lines = [[name, "--help"] for name in names]
    lines += [["report", "fy", "--help"], ["report", "html", "--help"], ["user", "add", "--help"], ["report", "nope"]]
    db = ["--db", url]
    lines += [
        [*db, "show", "SEAL-2021"], [*db, "--lang", "zh", "show", "SEAL-2021"], [*db, "show", "SEAL-2021", "--lang", "zh"],
        [*db, "--unit", "wan", "schedule", "TW2"], [*db, "expiring", "--within", "400", "--as-of", "2024-06-01", "-f", "json"],
        [*db, "payable", "TW2", "--seq", "7", "-f", "json"], [*db, "report", "fy", "2024"], [*db, "list"],
        [*db, "show", "NOPE"], [*db, "show"], [*db, "show", "TW1", "--bogus"], [*db, "payable", "TW2", "--quarter", "2024Q5"],
        [*db, "schedule", "TW1", "--as-of", "2024-13-01"], [*db, "forecast", "--years", "x"], [*db, "check", "-f", "json"],
        ["--lang", "zh", "show", "--help"], ["--db", url],
    ]
    return lines


def test_the_one_command_answers_as_the_whole_app(loaded):
    # Every top-level command's and group's help, sub-commands' help, outputs in both languages and units, and refusals
    # (an unknown code, a missing argument, an unknown option, bad values): the same exit code, output and error.
    runner = CliRunner()
    for args in _every_command_line(loaded.url):
        one, whole = runner.invoke(app_for(args), args), runner.invoke(app, args)
        assert (one.exit_code, one.stdout, one.stderr) == (whole.exit_code, whole.stdout, whole.stderr), (args, one.stderr)
        assert one.exception is None or isinstance(one.exception, SystemExit), (args, one.exception)
