"""`contracts report html`: the whole portfolio as of one day, as a page people open, print and pass on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from contracts.errors import ContractsError

from .options import AsOfOption, DbOption, as_of_date, whole_number
from .render import say
from .session import store_for


def report_html(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help="The .html file to write.")],
    within: Annotated[str, typer.Option("--within", help="Days ahead for expiring contracts.")] = "180",
    horizon: Annotated[str, typer.Option(help="Days ahead for rebid deadlines.")] = "365",
    method: Annotated[Optional[list[str]], typer.Option(help="Procurement methods for the rebid deadlines (repeatable).")] = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """One self-contained HTML page: timeline, cash flow, expiries, rebids, payables, arrears, failed tenders, checks."""
    from contracts.report import build
    from contracts.tenders import METHODS

    from .html_report import render
    from .progress import progress_bar

    day = as_of_date(as_of)
    expiring_days, rebid_days = whole_number(within, "within"), whole_number(horizon, "horizon")
    methods = tuple(method) if method else ("public",)
    for name in methods:
        if name not in METHODS:
            raise ContractsError("method", name, f"must be one of: {', '.join(METHODS)}")
    from . import files
    from .options import db_url

    files.protect_store(db_url(ctx, db))
    files.check_target(output)
    with progress_bar("reading the store", 3) as advance:
        with store_for(ctx, db) as store:
            # Contracts with terms only, alone on their lines, as columns; the rest whole (db/portfolio_reads.py).
            portfolio = store.for_report()
            advance(1)
            budgets = store.budgets()
            advance(1)
            report = build(contracts=portfolio.contracts, lines=portfolio.lines, budgets=budgets, as_of=day,
                           expiring_days=expiring_days, rebid_horizon=rebid_days, methods=methods, lone=portfolio.lone,
                           terms_only=portfolio.terms_only)
        import datetime as dt

        page = render(report, contract_count=portfolio.count, rebid_methods=methods,
                      generated=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
        advance(1)
    files.write(output, page)
    from .i18n import t

    say(t("wrote the report as of {day} to {path} ({contracts} contracts, {findings} findings)", day=day.isoformat(),
          path=str(output), contracts=portfolio.count, findings=len(report.findings)))
