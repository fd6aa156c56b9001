"""Opening the store for one command, telling the user what happened to its schema."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import typer

from .options import db_url
from .render import say


@contextmanager
def store_for(ctx: typer.Context, given: str | None, *, create: bool = False, as_of=None) -> Iterator["Store"]:  # noqa: F821
    """The store for one command. Facts it records are checked as of ``as_of`` (default today): a payment, an
    assessment, an opening or a tender outcome dated later is refused (see contracts.plausible)."""
    import datetime as dt

    from contracts.limits import check_text
    from db.store import open_store

    user = (ctx.obj or {}).get("user")
    if user is not None:
        check_text(user, "history", "user")  # before anything is opened: one clear line naming --user
        if not user.strip():
            from contracts.errors import ContractsError

            raise ContractsError("user", user, "is empty; give the name of the person the change is made for")
    from . import files, spreadsheet

    files.protect_store(db_url(ctx, given))  # no output of this command may replace the store's own file
    opened = open_store(db_url(ctx, given), create=create, confirm_upgrade=upgrade_confirmation(ctx))
    if spreadsheet.pending():
        spreadsheet.remember_names(opened.store)
    if opened.upgraded_from is not None:
        backup = f"; the earlier file is kept at {opened.backup}" if opened.backup else ""
        say(f"upgraded the store at {opened.store.url} from schema {opened.upgraded_from}{backup}")
    if user:
        opened.store.user = user.strip()
    opened.store.as_of = as_of or dt.date.today()
    try:
        yield opened.store
    finally:
        opened.store.close()


def store_exists(ctx: typer.Context, given: str | None) -> bool:
    """Whether the store named exists already (a missing SQLite file does not; any other database is taken to)."""
    from db.store import store_exists as exists

    return exists(db_url(ctx, given))


def upgrade_confirmation(ctx: typer.Context):
    """Upgrade an older store with --yes, or when the person at the terminal says so; never silently."""
    import sys

    def confirm(current: str, head: str) -> bool:
        if (ctx.obj or {}).get("yes"):
            return True
        if not sys.stdin.isatty():
            return False
        return typer.confirm(f"The store uses schema {current}; this program needs {head}. Upgrade it now "
                             "(an SQLite file is copied aside first)?", default=False, err=True)

    return confirm
