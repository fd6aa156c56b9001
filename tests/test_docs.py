"""The README's command table and the app agree both ways (as sqlite-utils' test_docs does): every command the
app has is in the table, and every command the table names is in the app."""

import re

import typer.main

from cli.main import app

from .conftest import ROOT


def app_commands() -> dict[str, object]:
    """Every leaf command of the app by its path ("import", "rule add", "report fy")."""
    found: dict[str, object] = {}

    def walk(command, path: list[str]) -> None:
        children = getattr(command, "commands", None)
        if children:
            for name, child in children.items():
                walk(child, path + [name])
        else:
            found[" ".join(path)] = command

    walk(typer.main.get_command(app), [])
    return found


def readme_commands() -> list[tuple[str, str]]:
    """(the span as written, the command path it names) for each `contracts ...` in the README's command table."""
    root = typer.main.get_command(app)
    named = []
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `contracts"):
            continue
        for span in re.findall(r"`(contracts [^`]*)`", line):
            command, path = root, []
            for word in span.split()[1:]:
                children = getattr(command, "commands", None)
                if not children or word not in children:
                    break
                command, path = children[word], path + [word]
            named.append((span, " ".join(path) if not getattr(command, "commands", None) else ""))
    return named


def test_every_command_of_the_app_is_in_the_readme_table():
    documented = {path for _, path in readme_commands()}
    missing = sorted(set(app_commands()) - documented)
    assert not missing, f"commands missing from the README's table: {missing}"


def test_every_command_the_readme_table_names_is_in_the_app():
    unknown = [span for span, path in readme_commands() if not path]
    assert not unknown, f"the README's table names commands the app does not have: {unknown}"


def test_every_command_and_option_has_help():
    for path, command in app_commands().items():
        assert command.help, f"'contracts {path}' has no help text"
