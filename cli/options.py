"""Options shared by many commands, and turning their text into domain values."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Optional

import typer

from contracts.errors import ContractsError
from contracts.periods import parse_date

DbOption = Annotated[Optional[str], typer.Option("--db", help="Database URL or SQLite file (overrides the global --db).")]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="table, json, csv, or xlsx (with -o FILE).")]
OutputOption = Annotated[Optional[str], typer.Option("--output", "-o", help="The file to write (for --format xlsx); an existing one only with --force.")]
AsOfOption = Annotated[Optional[str], typer.Option("--as-of", help="The day to answer for (YYYY-MM-DD; default today).")]


def as_of_date(value: str | None, field: str = "as_of") -> dt.date:
    """The as-of day: given (within the range of contract dates), or today (the CLI is the only place that reads the clock)."""
    from contracts.plausible import in_range

    return dt.date.today() if value is None else in_range(parse_date(value, field), field)


def optional_date(value: str | None, field: str) -> dt.date | None:
    return None if value is None else parse_date(value, field)


def whole_number(value: str, field: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """A numeric option: ASCII digits, at least ``minimum``, at most what the option can mean (contracts.limits.OPTION_MAX)."""
    from contracts.limits import option_whole

    return option_whole(value, field, minimum=minimum, maximum=maximum)


def db_url(ctx: typer.Context, given: str | None) -> str | None:
    """The command's own --db wins over the global one."""
    return given or (ctx.obj or {}).get("db")
