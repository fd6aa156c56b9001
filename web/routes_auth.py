"""Signing in and out, and each user's own settings (language, money unit)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from . import pages, sessions
from .pages import get, post, render
from .text import t


def _safe_next(target: str | None) -> str:
    """Only a path of this site (never //elsewhere or http://...): no open redirect after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def signin_page(request: Request, *, status: int = 200, message: str = "", name: str = "") -> Response:
    if request.state.user is not None and status == 200 and not message:
        return RedirectResponse("/", status_code=303)
    if not message and request.query_params.get("ended"):
        message = t("Your session has ended; please sign in again.")
    return render(request, "signin.html", status=status, message=message, name=name,
                  next=_safe_next(request.query_params.get("next") or (request.state.form or {}).get("next")))


def signin(request: Request) -> Response:
    from db import users

    form = pages.form(request)
    name, password = str(form.get("name") or "").strip(), str(form.get("password") or "")
    outcome = users.sign_in(pages.store(request), name, password, now=pages.now(request))
    if outcome.user is None:
        if outcome.outcome == "locked" and outcome.locked_until is not None:
            local = outcome.locked_until.astimezone(pages.CHINA).strftime("%H:%M")
            message = t("This account is locked after too many failed sign-ins; try again after {time}.", time=local)
        elif outcome.outcome == "disabled":
            message = t("This account is disabled.")
        else:
            message = t("wrong name or password")
        return signin_page(request, status=401, message=message, name=name)
    request.state.new_session = sessions.signed_in(outcome.user.name, outcome.user.session_epoch, pages.now(request))
    return RedirectResponse(_safe_next(form.get("next")), status_code=303)


def signout(request: Request) -> Response:
    from db import users

    users.sign_out(pages.store(request), pages.current_user(request).name, now=pages.now(request))
    request.state.new_session = False
    return RedirectResponse("/signin", status_code=303)


def settings_page(request: Request, *, saved: bool = False, errors: dict | None = None) -> Response:
    return render(request, "settings.html", title=t("Settings"), saved=saved or bool(request.query_params.get("saved")),
                  errors=errors or {})


def save_settings(request: Request) -> Response:
    from contracts.errors import ContractsError
    from db import users

    form = pages.form(request)
    try:
        users.set_preferences(pages.store(request), pages.current_user(request).name,
                              language=str(form.get("language") or "") or None, money_unit=str(form.get("money_unit") or "") or None)
    except ContractsError as error:
        return render(request, "settings.html", status=422, title=t("Settings"), saved=False, errors=pages.field_errors(error))
    return RedirectResponse("/settings?saved=1", status_code=303)


def change_password(request: Request) -> Response:
    from contracts.errors import ContractsError
    from db import users

    form = pages.form(request)
    user = pages.current_user(request)
    try:
        changed = users.change_own_password(pages.store(request), user.name, str(form.get("current_password") or ""),
                                            str(form.get("password") or ""), str(form.get("password2") or ""),
                                            now=pages.now(request))
    except ContractsError as error:
        return render(request, "settings.html", status=422, title=t("Settings"), saved=False, errors=pages.field_errors(error))
    # every other session of the user has ended; this one goes on with the new epoch
    request.state.new_session = sessions.signed_in(user.name, changed.session_epoch, pages.now(request))
    return RedirectResponse("/settings?saved=1", status_code=303)


routes = [
    get("/signin", signin_page, name="signin", public=True),
    post("/signin", signin, name="signin_post"),
    post("/signout", signout, name="signout"),
    get("/settings", settings_page, name="settings"),
    post("/settings", save_settings, name="settings_post"),
    post("/settings/password", change_password, name="settings_password"),
]
