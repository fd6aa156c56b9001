"""Opening the store for one command, telling the user what happened to its schema."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import typer

from .options import db_url
from .render import say


@contextmanager
def store_for(ctx: typer.Context, given: str | None, *, create: bool = False) -> Iterator["Store"]:  # noqa: F821
    from db.store import open_store

    opened = open_store(db_url(ctx, given), create=create)
    if opened.upgraded_from is not None:
        backup = f"; the earlier file is kept at {opened.backup}" if opened.backup else ""
        say(f"upgraded the store at {opened.store.url} from schema {opened.upgraded_from}{backup}")
    try:
        yield opened.store
    finally:
        opened.store.close()
