"""The Typer app: global options, the one error handler at the edge, the command groups.

Heavy modules (SQLAlchemy, Alembic, Rich tables) are imported inside commands,
so that ``contracts --help`` and ``--version`` answer at once.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from contracts import __version__
from contracts.errors import ContractsError


class _OneLineErrors(TyperGroup):
    """Turn a refused input into one line on stderr and exit 1, never a traceback."""

    def main(self, *args, **kwargs):
        try:
            return super().main(*args, **kwargs)
        except ContractsError as exc:
            print(f"error: {exc.line()}", file=sys.stderr)
            sys.exit(1)


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
) -> None:
    ctx.obj = {"db": db, "yes": yes, "user": user}


from . import budget_commands, contract_commands, payable_commands, procurement_commands  # noqa: E402

contract_commands.register(app)  # each module registers its commands on the app
budget_commands.register(app)
payable_commands.register(app)
procurement_commands.register(app)


def run() -> None:
    app()


if __name__ == "__main__":
    run()
