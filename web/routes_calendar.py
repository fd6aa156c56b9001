"""日历: each user's calendar feed, ``/calendar/<token>.ics``, that Outlook, WPS or a phone subscribes to, so that
reminders move by themselves when dates change: the events of ``contracts calendar`` (due dates, expiries, rebid
start dates by public tender, two years ahead) written by its own writer (cli/ics.py), in the user's language and
money unit, as of the day it is fetched.

The feed needs no session (a calendar program cannot sign in), only the token (db/calendar_tokens.py): the 日历 page
shows the address, making a token the first time it is opened, and ``POST /calendar/revoke`` ends it (the old
address stops working at once; opening the page again makes a new one). An unknown or revoked token, or that of a
disabled user, is answered as any page asked for without signing in: with the way to the sign-in page.
"""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from . import pages
from .pages import get, post, render

METHOD, HORIZON = "public", 730  # as `contracts calendar` by default


def feed_bytes(store, day: dt.date, now: dt.datetime) -> bytes:
    """`contracts calendar --as-of DAY` as bytes (the same steps, the same writer)."""
    from contracts.calendar_events import events
    from contracts.ledgers import ledgers_as_of
    from contracts.procurement import line_status, rebid as compute_rebid
    from contracts.rebid import LeadTimes
    from contracts.workdays import WorkCalendar
    from cli.ics import calendar_bytes

    contracts = store.load()
    ledgers = ledgers_as_of(contracts, day)
    lines = store.lines(contracts=contracts)
    statuses = [line_status(facts, day) for facts in lines]
    history = store.history()
    rebids = compute_rebid(statuses, day, HORIZON, LeadTimes(), WorkCalendar(), (METHOD,))
    found = events(ledgers, rebids, day, overdue=False,
                   line_contracts={facts.line.code: tuple(t.code for t in facts.contracts) for facts in lines})
    return calendar_bytes(found, history, now)


def calendar_page(request: Request) -> Response:
    from db import calendar_tokens

    user = pages.current_user(request)
    store = pages.store(request)
    token = calendar_tokens.token_of(store, user.name)
    if token is None and not request.app.state.settings.demo:
        token = calendar_tokens.issue(store, user.name)  # made on demand, the first time the page is opened
    address = str(request.base_url).rstrip("/") + f"/calendar/{token}.ics" if token else ""
    return render(request, "calendar.html", title=pages.t("Calendar"), address=address,
                  revoked=request.query_params.get("revoked") == "1")


def revoke(request: Request) -> Response:
    from db import calendar_tokens

    calendar_tokens.revoke(pages.store(request), pages.current_user(request).name)
    return render(request, "calendar.html", title=pages.t("Calendar"), address="", revoked=True)


def feed(request: Request) -> Response:
    from cli import i18n
    from db import calendar_tokens

    store = pages.store(request)
    user = calendar_tokens.user_of(store, request.path_params["token"])
    if user is None:
        return RedirectResponse("/signin", status_code=303)
    i18n.configure("en" if user.language == "en" else "zh", user.money_unit, here_only=True)
    settings = request.app.state.settings
    content = feed_bytes(store, settings.as_of(), settings.clock())
    return Response(content, media_type="text/calendar; charset=utf-8",
                    headers={"content-disposition": 'inline; filename="contracts.ics"'})


routes = [
    get("/calendar", calendar_page, name="calendar"),
    post("/calendar/revoke", revoke, name="calendar_revoke"),
    get("/calendar/{token}.ics", feed, name="calendar_feed", public=True),
]
