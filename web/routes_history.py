"""历史: every change to the stored facts (who, when, what, before and after), newest first, a page at a time."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from . import pages
from .pages import get, render, table

PAGE_SIZE = 100
COLUMNS = ("at", "user", "action", "contract", "record", "before", "after")


def readable(entries: list[dict]) -> list[dict]:
    """Each entry's before and after as "field: value" lines; where both are there, only the fields that changed."""
    import json

    def parsed(text):
        try:
            return json.loads(text) if text else None
        except ValueError:
            return text

    def lines(value, keys=None) -> str | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            return str(value)
        return "; ".join(f"{key}: {value[key]}" for key in (keys if keys is not None else value) if key in value)

    shown = []
    for entry in entries:
        before, after = parsed(entry.get("before")), parsed(entry.get("after"))
        keys = None
        if isinstance(before, dict) and isinstance(after, dict):
            keys = [key for key in dict.fromkeys([*before, *after]) if before.get(key) != after.get(key)]
        shown.append({**entry, "before": lines(before, keys), "after": lines(after, keys)})
    return shown


def history_page(request: Request) -> Response:
    from contracts.limits import option_whole

    page = option_whole(request.query_params.get("page") or "1", "page", minimum=1, maximum=10**7)
    rows, more = pages.store(request).history_page(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    rows = readable(rows)
    return render(request, "history.html", title=pages.t("History"),
                  history=table(rows, COLUMNS, links={"contract": lambda row: f"/contracts/{row['contract']}" if row["contract"] else None},
                                empty="no changes recorded"),
                  previous=f"/history?page={page - 1}" if page > 1 else None,
                  next=f"/history?page={page + 1}" if more else None)


routes = [get("/history", history_page, name="history")]
