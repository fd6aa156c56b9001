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


def as_of_date(value: str | None) -> dt.date:
    """The as-of day: given, or today (the CLI is the only place that reads the clock)."""
    return dt.date.today() if value is None else parse_date(value, "as_of")


def optional_date(value: str | None, field: str) -> dt.date | None:
    return None if value is None else parse_date(value, field)


def whole_number(value: str, field: str, *, minimum: int = 0) -> int:
    text = value.strip()
    if not text.lstrip("+-").isdigit():
        raise ContractsError(field, value, "must be a whole number")
    number = int(text)
    if number < minimum:
        raise ContractsError(field, value, f"must be {minimum} or more")
    return number


def db_url(ctx: typer.Context, given: str | None) -> str | None:
    """The command's own --db wins over the global one."""
    return given or (ctx.obj or {}).get("db")
