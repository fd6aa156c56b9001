"""The web app: its pages, gathered from the route modules below, each behind the gate of web/guard.py.

To add pages: write ``web/routes_<name>.py`` with a list ``routes`` of ``pages.get(...)``/``pages.post(...)``, its
templates in web/templates, add the module's name to ROUTE_MODULES (one line), its menu entry to MENU if it has
one, and each POST path to web/permissions.py. The tests pick up every route from the app's route table.
"""

from __future__ import annotations

import importlib
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .config import Settings, session_key
from .security import SecurityHeaders

ROUTE_MODULES = [
    "web.routes_auth",
    "web.routes_home",
    "web.routes_contracts",
    "web.routes_history",
    "web.routes_admin",
    "web.routes_request",
    # the data-changing pages of #14 point 4 (branch webforms)
    "web.routes_assessment",
    "web.routes_payments",
    "web.routes_procurement",
    "web.routes_budget",
    "web.routes_report",
    "web.routes_calendar",
    "web.routes_import",
    "web.routes_vendors",
]

# The main menu: (label, path), in this order.
MENU = [
    ("Home", "/"),
    ("Contracts", "/contracts"),
    ("History", "/history"),
    ("Findings", "/findings"),
    ("Procurement", "/procurement"),  # the data-changing pages (branch webforms)
    ("Budgets", "/budget"),
    ("Report", "/report"),
    ("Calendar", "/calendar"),
    ("Vendors", "/vendors"),
    ("Import", "/import"),
    ("Users", "/admin/users"),
    ("Settings", "/settings"),
]

STATIC = Path(__file__).parent / "static"


def routes() -> list[Route]:
    """Every route of every module in ROUTE_MODULES, as declared (before the gate)."""
    found: list[Route] = []
    for name in ROUTE_MODULES:
        found += importlib.import_module(name).routes
    return found


def create_app(settings: Settings) -> Starlette:
    """The ASGI app over the store of ``settings`` (opened here; an older schema is not upgraded by the app:
    ``contracts serve`` does that with the user's consent before starting)."""
    from db.store import open_store

    from .guard import wrap

    opened = open_store(settings.database_url, create=False, confirm_upgrade=lambda current, head: False, pooled=True)
    gated = []
    for route in routes():
        method = "POST" if "POST" in (route.methods or ()) else "GET"
        gated.append(Route(route.path, wrap(route.path, route.endpoint, public=getattr(route, "public", False), method=method),
                           methods=[method], name=route.name))
    gated.append(Mount("/static", StaticFiles(directory=str(STATIC)), name="static"))

    @asynccontextmanager
    async def lifespan(app):
        yield
        opened.store.close()

    app = Starlette(routes=gated, lifespan=lifespan)
    app.state.settings = settings
    app.state.store = opened.store
    app.state.key = session_key(settings)
    app.state.menu = MENU
    app.add_middleware(SecurityHeaders)
    return app


# While a whole-portfolio computation runs in its thread (web/portfolio.kept), a page's thread needs the interpreter
# lock back after every read from the database or the socket; Python hands it over every 5 ms by default, so a page
# of 10 ms took 250 ms to 1.5 s at 100,000 contracts (bench/RESULTS.md). Handing it over every 0.5 ms costs the
# computation a little and keeps the pages quick.
SWITCH_INTERVAL_S = 0.0005


def from_environment() -> Starlette:
    """The app in a uvicorn worker: settings from the environment ``contracts serve`` set (web/config.py)."""
    import gc
    import sys

    from cli.main import DEFAULT_GC_THRESHOLDS

    sys.setswitchinterval(SWITCH_INTERVAL_S)
    gc.set_threshold(*DEFAULT_GC_THRESHOLDS)  # a server runs for months: its cycles are collected (cli.main.run)
    return create_app(Settings.from_environment())
