"""Users (admin): everyone may see who has which role; admins add users and disable them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from contracts import access
from contracts.errors import ContractsError

from . import pages
from .pages import get, post, render
from .text import t


def _listing(request: Request, *, status: int = 200, errors: dict | None = None, form=None, message: str = "") -> Response:
    from db import users

    now = pages.now(request)
    everyone = []
    for user in users.users(pages.store(request)):
        state = (t("disabled") if user.disabled else
                 t("locked until {time}", time=user.locked_until.astimezone(pages.CHINA).strftime("%Y-%m-%d %H:%M"))
                 if access.locked(user.locked_until, now) else t("active"))
        everyone.append({"name": user.name, "roles": user.roles, "disabled": user.disabled, "state": state})
    owns = "; ".join(f"{role}: {', '.join(parts) or '-'}" for role, parts in access.ROLES.items())
    form = form or {}
    return render(request, "users.html", status=status, title=t("Users"), users=everyone, roles=list(access.ROLES),
                  admin="admin" in pages.current_user(request).roles and not request.app.state.settings.demo,
                  errors=errors or {}, form={key: form.get(key, "") for key in ("name",)},
                  form_roles=form.getlist("role") if hasattr(form, "getlist") else [],
                  roles_note=t("Roles own what they may change: {list}.", list=owns),
                  message=message or ({"added": t("added user {name}", name=request.query_params.get("name", "")),
                                       "disabled": t("disabled {name}; their sessions have ended", name=request.query_params.get("name", "")),
                                       "password": t("password set for {name}; their sessions have ended", name=request.query_params.get("name", ""))}
                                      .get(request.query_params.get("done", ""), "")))


def users_page(request: Request) -> Response:
    return _listing(request)


def add_user(request: Request) -> Response:
    from urllib.parse import urlencode

    from db import users

    form = pages.form(request)
    name = str(form.get("name") or "")
    try:
        access.check_name(name)
        roles = access.check_roles(pages.form_list(request, "role"))
        access.check_password(str(form.get("password") or ""), str(form.get("password2") or ""))
        users.add(pages.store(request), name.strip(), roles, str(form.get("password")), now=pages.now(request))
    except ContractsError as error:
        return _listing(request, status=422, errors=pages.field_errors(error), form=form)
    return pages.RedirectResponse("/admin/users?" + urlencode({"done": "added", "name": name.strip()}), status_code=303)


def disable_user(request: Request) -> Response:
    from urllib.parse import urlencode

    from db import users

    name = request.path_params["name"]
    users.disable(pages.store(request), name)
    return pages.RedirectResponse("/admin/users?" + urlencode({"done": "disabled", "name": name}), status_code=303)


def reset_password(request: Request) -> Response:
    from urllib.parse import urlencode

    from db import users

    form = pages.form(request)
    name = request.path_params["name"]
    try:
        access.check_password(str(form.get("password") or ""), str(form.get("password2") or ""))
        users.set_password(pages.store(request), name, str(form.get("password")))
    except ContractsError as error:
        return _listing(request, status=422, errors=pages.field_errors(error), form=form)
    return pages.RedirectResponse("/admin/users?" + urlencode({"done": "password", "name": name}), status_code=303)


routes = [
    get("/admin/users", users_page, name="users"),
    post("/admin/users", add_user, name="users_add"),
    post("/admin/users/{name}/disable", disable_user, name="users_disable"),
    post("/admin/users/{name}/password", reset_password, name="users_password"),
]
