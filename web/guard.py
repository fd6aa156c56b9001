"""The one gate every route passes: who is signed in, the form token, the role, the reader's language.

Every route of the app is wrapped here when the app is built (web/app.py), so no page can forget a check:
- reading: signed in (else to the sign-in page), the session neither idle too long nor ended (disabled user,
  changed password: ``session_epoch``);
- changing (POST): also the form token (CSRF) and the role that owns the route (web/permissions.py); a request
  that fails gets 403 and the handler never runs, so nothing is written;
- the handler runs in a worker thread with the user's language and money unit in force for that request only.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from contracts.errors import ContractsError

from . import permissions, sessions
from .config import DEMO_USER

MAX_BODY = 32 * 2**20  # bytes of a POST: a form, or a filled-in template uploaded to /import


@dataclass
class Identity:
    user: Any  # db.users.User or None
    session: sessions.Session
    ended: bool = False  # a session was there and is no longer valid (idle, disabled, password changed)


def identify(app, cookie: str | None, now: dt.datetime) -> Identity:
    from db import users

    settings, store = app.state.settings, app.state.store
    session = sessions.load(cookie, app.state.key)
    if settings.demo:  # no sign-in: everyone is the demo's read-only user
        user = users.find(store, DEMO_USER)
        return Identity(user, session or sessions.signed_in(DEMO_USER, user.session_epoch if user else 0, now))
    if session is None:
        return Identity(None, sessions.fresh())
    if not session.user:
        return Identity(None, session)
    user = users.find(store, session.user)
    last_seen = dt.datetime.fromtimestamp(session.last_seen, dt.timezone.utc)
    from contracts.access import idle_expired

    if user is None or user.disabled or user.session_epoch != session.epoch or idle_expired(last_seen, now, settings.idle):
        return Identity(None, sessions.fresh(), ended=True)
    return Identity(user, session)


def wrap(path: str, endpoint: Callable[[Request], Response], *, public: bool, method: str):
    """The route's endpoint behind the gate."""

    async def gated(request: Request) -> Response:
        from .pages import problem
        from .text import t

        app = request.app
        now = app.state.settings.clock()
        who = await run_in_threadpool(identify, app, request.cookies.get(sessions.COOKIE), now)
        request.state.user, request.state.session, request.state.session_ended = who.user, who.session, who.ended
        request.state.form = None
        if method == "POST":
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) > MAX_BODY:  # refused unread: an upload the size of a disk is no template
                return await _respond(request, who, lambda r: problem(
                    r, 413, t("The file is larger than {limit} MB; nothing was changed.", limit=MAX_BODY // 2**20)))
            try:
                request.state.form = await request.form(max_files=10, max_fields=2000)
            except Exception:  # a body that is not a form
                return await _respond(request, who, lambda r: problem(r, 400, t("Bad request")))
        if who.user is None and not public:
            if method == "GET":
                target = "/signin" + (f"?next={quote(request.url.path)}" if request.url.path != "/" else "")
                if who.ended:
                    target += ("&" if "?" in target else "?") + "ended=1"
                return _with_cookie(request, RedirectResponse(target, status_code=303), who.session, now)
        if method == "POST":
            refusal = _refusal(request, path, who)
            if refusal is not None:
                return await _respond(request, who, lambda r: problem(r, 403, refusal()))
        return await _respond(request, who, endpoint)

    gated.__name__ = getattr(endpoint, "__name__", "page")
    return gated


def _refusal(request: Request, path: str, who: Identity):
    """None when the POST may go ahead; else a function giving the reason (called where the language is set)."""
    from contracts.access import ROLES

    from .text import t

    owner = permissions.owner(path)
    form = request.state.form or {}
    # "csrf" (the core's forms) or "csrf_token" (the data-changing forms of web/forms.py): the same session token
    if not sessions.token_matches(who.session, form.get(sessions.CSRF_FIELD) or form.get("csrf_token")):
        return lambda: t("The form has expired or was not sent by this site; nothing was changed. Reload the page and try again.")
    if owner is None:
        return lambda: f"{path}: not in the table of permissions (web/permissions.py); nothing was changed"
    if owner == permissions.SIGN_IN:
        return None
    if who.user is None:
        return lambda: t("Your session has ended; please sign in again.")
    if owner == permissions.OWN:
        return None
    if request.app.state.settings.demo:
        return lambda: t("The demo is read-only; nothing was changed.")
    owners = permissions.owners(path)  # one role, or several (an import: admin or finance)
    if not any(role in ROLES and who.user.may_change(role) for role in owners):
        return lambda: t("Your roles ({roles}) may not do this; it belongs to the role {owner}. Nothing was changed.",
                         roles=", ".join(who.user.roles) or "-", owner=" / ".join(owners))
    return None


async def _respond(request: Request, who: Identity, endpoint) -> Response:
    response = await run_in_threadpool(_run, request, who, endpoint)
    session = getattr(request.state, "new_session", None)
    if session is False:  # signed out
        response.delete_cookie(sessions.COOKIE, path="/")
        return response
    return _with_cookie(request, response, session or who.session, request.app.state.settings.clock())


def _run(request: Request, who: Identity, endpoint) -> Response:
    """In the worker thread: the reader's language and unit for this request only, a store writing in their name."""
    from cli import i18n

    from .pages import problem

    user = who.user
    language = user.language if user else (request.query_params.get("lang") or "zh")
    i18n.configure("en" if language == "en" else "zh", (user.money_unit if user else "wan"), here_only=True)
    base = request.app.state.store
    acting = copy.copy(base)
    acting.user = user.name if user else ""
    acting.as_of = request.app.state.settings.as_of()
    request.state.store = acting
    try:
        return endpoint(request)
    except ContractsError as error:  # a refused value or an unknown code: the CLI's one line
        return problem(request, 404 if error.problem.startswith(("is not a contract", "is not a user", "is not a service line")) else 400,
                       error.line())
    finally:
        base._sound = base._sound or acting._sound  # the quick check of an SQLite store passed: once per server is enough


def _with_cookie(request: Request, response: Response, session: sessions.Session, now: dt.datetime) -> Response:
    if session.user:
        session = session.seen(now)  # idle expiry counts from the last request
    response.set_cookie(sessions.COOKIE, sessions.dump(session, request.app.state.key), max_age=sessions.MAX_COOKIE_AGE,
                        path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https")
    return response
