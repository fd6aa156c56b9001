"""What every page handler uses: the signed-in user, the store, the form token, the as-of day, translations,
amounts as the CLI shows them, tables built from the same rows the CLI prints, and rendering a template.

A handler is a plain function ``def handler(request) -> Response``, declared with ``get``/``post`` in a
``web/routes_<name>.py`` module; the app (web/app.py) runs it after signing-in, the form token and the role have
been checked (web/guard.py), in a context where the reader's language and money unit are in force.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from cli import i18n
from cli.render import cell, heading, human, legend_lines

from .text import t  # noqa: F401  (pages.t: the pages' words)

if TYPE_CHECKING:
    from db.store import Store
    from db.users import User

TEMPLATES = Path(__file__).parent / "templates"
CHINA = dt.timezone(dt.timedelta(hours=8))  # times are shown in the office's time


# -- declaring routes -----------------------------------------------------------------------------

def get(path: str, endpoint: Callable[[Request], Response], *, name: str | None = None, public: bool = False) -> Route:
    """A page anyone signed in may read (``public``: also before signing in, e.g. the sign-in page)."""
    route = Route(path, endpoint, methods=["GET"], name=name)
    route.public = public  # type: ignore[attr-defined]
    return route


def post(path: str, endpoint: Callable[[Request], Response], *, name: str | None = None) -> Route:
    """A form that changes something: the role that may send it is in web/permissions.py (PERMISSIONS[path]);
    signing-in, the form token and the role are checked before ``endpoint`` runs."""
    route = Route(path, endpoint, methods=["POST"], name=name)
    route.public = False  # type: ignore[attr-defined]
    return route


# -- what a handler reads -------------------------------------------------------------------------

def current_user(request: Request) -> "User":
    """The signed-in user (db.users.User: name, roles, language, money_unit, may_change(role))."""
    return request.state.user


def store(request: Request) -> "Store":
    """The store, writing in the signed-in user's name (the history's ``user``), facts checked as of today."""
    return request.state.store


def as_of(request: Request) -> dt.date:
    """The day the pages answer for (today in China, or what a test set); ``?as_of=YYYY-MM-DD`` overrides it."""
    given = request.query_params.get("as_of")
    if given:
        from contracts.periods import parse_date

        return parse_date(given, "as_of")
    return request.app.state.settings.as_of()


def now(request: Request) -> dt.datetime:
    return request.app.state.settings.clock()


def status_note(request: Request, answer) -> str:
    """What the reader must know when a whole-portfolio page's figures (web/portfolio.kept's answer) are not those
    of the store as it is this moment."""
    if answer.failed:
        return answer.failed
    if answer.portfolio is None:
        return t("The figures are being computed; reload the page in a minute.")
    if not answer.fresh:
        made = answer.made_at.astimezone(CHINA).strftime("%H:%M")
        return t("These figures are of the store at {time}; newer ones are being computed (reload in a minute).", time=made)
    return ""


def csrf_token(request: Request) -> str:
    """The token every form that changes data carries in its hidden field ``csrf`` (the templates' csrf_field())."""
    return request.state.session.csrf


def form(request: Request) -> Mapping[str, str]:
    """The submitted form of a POST (read and checked by the guard before the handler runs)."""
    return request.state.form


def form_list(request: Request, field: str) -> list[str]:
    return [value for value in request.state.form.getlist(field) if isinstance(value, str)]


# -- amounts and tables, as the CLI shows them ------------------------------------------------------

def header(key: str) -> str:
    """A column's or field's name in the reader's language (the CLI's headings)."""
    return i18n.header(key)


def role_names(roles: Iterable[str]) -> str:
    """"管理员、财务" in Chinese, "admin, finance" in English."""
    from contracts.access import ROLE_NAMES_ZH

    if i18n.language() == "zh":
        return "、".join(ROLE_NAMES_ZH.get(role, role) for role in roles)
    return ", ".join(roles)


def money(amount: Decimal | None) -> str:
    """An amount in the reader's unit (grouped yuan to the fen, or 万元 rounded half up to 0.01), "" when unknown:
    the CLI's own formatting (cli.i18n.shown_amount)."""
    return "" if amount is None else i18n.shown_amount(amount)


def table(rows: Sequence[Mapping[str, Any]], keys: Sequence[str], *, headers: Mapping[str, str] | None = None,
          links: Mapping[str, Callable[[Mapping[str, Any]], str]] | None = None, footer: Mapping[str, Any] | None = None,
          caption: str | None = None, empty: str = "nothing to show", limit: int | None = None,
          keep_last: bool = False, of: int | None = None) -> dict:
    """A table for the ``table`` macro (templates/macros.html) from the rows the CLI prints: each cell as the CLI
    writes it (amounts in the reader's unit, states and sentences in the reader's language, a figure's basis as its
    mark), numbers aligned right, the basis legend and the rounding statement under it. ``links[key](row)`` makes
    that column's cells links (the URL is escaped by the template). ``limit``: at most that many rows (the first,
    and with ``keep_last`` the last too, a total row), saying so under the table; ``of``: how many rows there are
    in all when ``rows`` holds only the first of them."""
    from contracts.basis import mark, notes_of
    from cli.prose import sentence

    count = len(rows) if of is None else of
    if limit is not None and count > limit:
        rows = list(rows[:limit]) + ([rows[-1]] if keep_last else [])

    links = links or {}
    numeric = {key: any(isinstance(row.get(key), (Decimal, int)) and not isinstance(row.get(key), bool) for row in rows)
               for key in keys}
    body = [[{"text": cell(row, key), "href": links[key](row) if key in links else None, "numeric": numeric[key]}
             for key in keys] for row in rows]
    notes: list[str] = []
    if "basis" in keys:
        texts = [row.get("basis") or "" for row in rows]
        notes += legend_lines(texts)  # as the CLI's tables say it (i18n.t knew none of the legend's words)
        notes += [f"{mark_of} {sentence(note)}" for mark_of, note in dict.fromkeys(
            (mark(text), note) for text in texts if mark(text) for note in notes_of(text))]
    if len(rows) - keep_last < count - keep_last:
        notes.insert(0, t("The first {shown} of {count} rows are shown.", shown=len(rows) - keep_last,
                          count=f"{count - keep_last:,}"))
    rounding = i18n.rounding_note() if any(isinstance(row.get(key), Decimal) for row in rows[:50] for key in keys) else None
    return {"columns": [{"key": key, "title": heading(key, headers or {}), "numeric": numeric[key]} for key in keys],
            "rows": body, "footer": [human(footer.get(key), key) for key in keys] if footer else None,
            "caption": caption, "empty": t(empty), "notes": notes, "rounding": rounding}


# -- rendering ------------------------------------------------------------------------------------

_environment = None


def environment():
    """The Jinja2 environment: autoescaping always on (stored text is shown, never run)."""
    global _environment
    if _environment is None:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined

        _environment = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                                   trim_blocks=True, lstrip_blocks=True)
        _environment.globals.update(t=t, money=money, header=i18n.header, value=i18n.value, role_names=role_names)
    return _environment


def render_text(request: Request, template: str, **context: Any) -> str:
    user = getattr(request.state, "user", None)
    settings = request.app.state.settings
    base = {"request": request, "user": user, "demo": settings.demo, "lang": i18n.language(), "unit": i18n.unit(),
            "csrf": getattr(getattr(request.state, "session", None), "csrf", ""), "nav": navigation(request),
            "url": request.app.url_path_for}
    return environment().get_template(template).render(**base, **context)


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """A page from ``web/templates/<template>`` (which extends base.html), with the user, the form token
    (``csrf``), the navigation and the helpers ``t``, ``money``, ``header``, ``value`` available."""
    return HTMLResponse(render_text(request, template, **context), status_code=status)


def redirect(request: Request, name: str, **params: Any) -> RedirectResponse:
    """After a form was saved: to the page named ``name`` (303, so a reload does not send the form again)."""
    return RedirectResponse(request.app.url_path_for(name, **params), status_code=303)


def navigation(request: Request) -> list[tuple[str, str]]:
    """(label, URL) of the main menu: the pages registered with a menu entry (web/app.py MENU)."""
    return [(t(label), path) for label, path in request.app.state.menu]


def problem(request: Request, status: int, message: str) -> HTMLResponse:
    """A page that says what went wrong in one line (403, 404, 400), in the reader's language."""
    titles = {400: "Bad request", 403: "Forbidden", 404: "Not found", 422: "Bad request", 503: "Not ready"}
    return render(request, "problem.html", status=status, title=t(titles.get(status, "Bad request")), message=message)


def field_errors(error) -> dict[str, str]:
    """A refused value (ContractsError) as {field: its one-line message}: the CLI's own words (error lines stay in
    English, as the CLI's do), naming the value."""
    return {error.field: error.line()}
