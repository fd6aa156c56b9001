"""The Typer app: global options, the one error handler at the edge, the command groups.

The program starts in cli/main.py, which answers a bare ``--version`` before this module (and Typer) loads.
Heavy modules (SQLAlchemy, Alembic, Rich tables) are imported inside commands, so that ``contracts --help``
answers at once.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from contracts import __version__
from contracts.errors import ContractsError, ContractsErrors


try:  # Typer vendors Click from 0.2x on; before that it uses Click itself
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover
    from click import exceptions as click_exceptions


ERRORS_SHOWN = 50  # lines of a many-error refusal printed; the count says how many there were
ANYWHERE = ("--lang", "--unit")  # global options people also type after the command: `report html --lang zh`
FLAGS_ANYWHERE = ("--force",)  # global flags people also type after the command: `export all.json --force`


def _global_first(args: list[str]) -> list[str]:
    """The command line with --lang and --unit moved before the command, wherever they were typed."""
    front, rest, index = [], [], 0
    while index < len(args):
        word = args[index]
        if word == "--":  # everything after is an argument, never an option
            rest += args[index:]
            break
        if word in FLAGS_ANYWHERE:
            front.append(word)
            index += 1
            continue
        if word == "--unit" and "add" in rest and index + 1 < len(args) and args[index + 1].strip().lower() not in ("yuan", "wan"):
            rest += args[index:index + 2]  # `add --unit set`: the contract's unit, not the display unit
            index += 2
            continue
        if word in ANYWHERE and index + 1 < len(args):
            front += args[index:index + 2]
            index += 2
            continue
        if word.split("=", 1)[0] in ANYWHERE and "=" in word:
            front.append(word)
        else:
            rest.append(word)
        index += 1
    return front + rest


class _OneLineErrors(TyperGroup):
    """Turn a refused input, or a command line that does not parse, into one line on stderr and a
    non-zero exit, never a traceback or a box of usage text."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        from . import files, spreadsheet

        args = _global_first(list(sys.argv[1:] if args is None else args))
        files.reset()
        spreadsheet.discard()
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            written = spreadsheet.finish()  # a workbook is written once, after the command succeeded
            if written:
                print(written, file=sys.stderr)
        except ContractsErrors as many:  # an import: every refused entry, one line each, up to a limit
            for error in many.errors[:ERRORS_SHOWN]:
                print(f"error: {error.line()}", file=sys.stderr)
            if len(many.errors) > 1:
                shown = f" (the first {ERRORS_SHOWN} shown)" if len(many.errors) > ERRORS_SHOWN else ""
                print(f"{len(many.errors)} errors{shown}; nothing was written", file=sys.stderr)
            sys.exit(1)
        except ContractsError as exc:
            spreadsheet.discard()
            print(f"error: {exc.line()}", file=sys.stderr)
            sys.exit(1)
        except click_exceptions.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # a bare command: its help, once
                message = exc.format_message()  # Rich printed it already while making the error; plain Click did not
                if message.strip():
                    print(message)
                sys.exit(0)
            where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            print(f"error: {exc.format_message()}{where}", file=sys.stderr)
            sys.exit(exc.exit_code)
        except click_exceptions.ClickException as exc:
            print(f"error: {exc.format_message()}", file=sys.stderr)
            sys.exit(exc.exit_code)
        except typer.Abort:
            print("error: aborted", file=sys.stderr)
            sys.exit(1)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


app = typer.Typer(
    cls=_OneLineErrors,
    help="Service contracts and their fees: schedules, expiries, payables, tenders and budgets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"contracts {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        Optional[str],
        typer.Option("--db", help="Database URL or SQLite file (default: CONTRACTS_DATABASE_URL, else a file in your data folder)."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Upgrade an older store without asking.")] = False,
    user: Annotated[Optional[str], typer.Option("--user", help="Who makes the change (for the history; default: your login).")] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", help="en or zh: headings and labels (default: CONTRACTS_LANG, else the locale).")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="yuan or wan (万元, rounded to 0.01 and said so) for tables, xlsx and the HTML report.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an output file that exists (before or after the command).")] = False,
) -> None:
    from . import files
    from .i18n import configure

    configure(lang, unit)
    files.reset(force=force)
    files.protect_store(db)  # no output replaces the store's own file
    ctx.obj = {"db": db, "yes": yes, "user": user, "force": force}


from . import budget_commands, contract_commands, payable_commands, procurement_commands, vendor_commands, web_commands  # noqa: E402
from .help import command_name, group_by_job, readable_types  # noqa: E402

contract_commands.register(app)  # each module registers its commands on the app
budget_commands.register(app)
payable_commands.register(app)
procurement_commands.register(app)
web_commands.register(app)
vendor_commands.register(app)
group_by_job(app)  # the help lists the commands by the job they serve
readable_types()  # --as-of DATE rather than --as-of <str>; flags without <bool>


# -- the one command a command line names ---------------------------------------------------------------------

GLOBAL_VALUES = ("--db", "--user", "--lang", "--unit")  # the app's own options that take a value
GLOBAL_FLAGS = ("--yes", "--force")


def named_command(args: list[str]) -> str | None:
    """The command (or group) a command line names, read as the app reads it (its global options first, wherever
    they were typed); None when it names none, or when an option before it is not one of the app's."""
    words = _global_first(list(args))
    index = 0
    while index < len(words):
        word = words[index]
        if word in GLOBAL_VALUES:
            index += 2
        elif word in GLOBAL_FLAGS or word.split("=", 1)[0] in GLOBAL_VALUES:
            index += 1
        elif word.startswith("-"):
            return None  # --help, --version, a mistyped option: the whole app answers
        else:
            return word
    return None


def app_for(args: list[str]) -> typer.Typer:
    """The app with only the command the command line names (and the app's own options): what the console script
    runs. Typer makes every registered command's parameters from its function's annotations before it runs one
    (48 commands: a quarter of `contracts show`'s time); the one command asked for answers the same without the
    others. A command line naming no command, or one the app does not have, gets the whole app (its help, its
    "No such command")."""
    import copy

    wanted = named_command(args)
    if wanted in _ONE:
        return _ONE[wanted]
    commands = [info for info in app.registered_commands if command_name(info) == wanted]
    groups = [info for info in app.registered_groups if command_name(info) == wanted]
    if wanted is None or not (commands or groups):
        return app
    one = copy.copy(app)
    one.registered_commands, one.registered_groups = commands, groups
    _ONE[wanted] = one  # one app per command, for a process that runs several (the tests)
    return one


_ONE: dict[str, typer.Typer] = {}
