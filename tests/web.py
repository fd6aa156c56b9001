"""Driving the web app in tests: a store with the examples and one user per role, a client that signs in and
sends forms with the page's own token, and a snapshot of everything stored (to show a refusal wrote nothing)."""

from __future__ import annotations

import datetime as dt
import json
import re

import warnings

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2 for its test client; httpx is what it runs on here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PASSWORD = "correct horse battery"  # 21 characters
ROLES = ("admin", "finance", "logistics", "procurement", "viewer")
TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


class Clock:
    """The app's clock, moved by the test (no sleeping)."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


def cheap_hashes(monkeypatch) -> None:
    """argon2id with the cheapest parameters: the tests sign in hundreds of times on a shared 2-CPU machine."""
    from argon2.profiles import CHEAPEST

    from db import users

    monkeypatch.setattr(users, "HASH_PROFILE", CHEAPEST)


def make_site(url: str, tmp_path, *, clock: Clock, roles=ROLES, demo: bool = False):
    """The app over the store at ``url`` (which holds what the test put there), its as-of day 2024-03-31."""
    from web.app import create_app
    from web.config import Settings

    settings = Settings(database_url=url, clock=clock, today=lambda: dt.date(2024, 3, 31), demo=demo,
                        key_file=str(tmp_path / "web-key"))
    return create_app(settings)


def add_users(url: str, names_roles: dict[str, list[str]], now: dt.datetime) -> None:
    from db import users
    from db.store import open_store

    opened = open_store(url, create=True)
    try:
        opened.store.user = "it"
        for name, roles in names_roles.items():
            users.add(opened.store, name, roles, PASSWORD, now=now)
    finally:
        opened.store.close()


class Browser:
    """A person at a browser: cookies kept, forms sent with the token of the page they came from."""

    def __init__(self, app) -> None:
        self.client = TestClient(app, base_url="http://testserver", follow_redirects=False)

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def token(self, path: str = "/settings") -> str:
        page = self.client.get(path)
        found = TOKEN.search(page.text)
        assert found, f"no form token on {path} ({page.status_code})"
        return found.group(1)

    def sign_in(self, name: str, password: str = PASSWORD):
        return self.client.post("/signin", data={"csrf": self.token("/signin"), "name": name, "password": password, "next": "/"})

    def post(self, path: str, data: dict | None = None, *, token: str | None | bool = True):
        """A form: with the token of a signed-in page (True), a given one, or none (None)."""
        form = dict(data or {})
        if token is True:
            form["csrf"] = self.token("/settings")
        elif token:
            form["csrf"] = token
        return self.client.post(path, data=form)


def snapshot(url: str) -> tuple:
    """Everything stored: the export of the facts, the users as stored (hashes too), the history's length."""
    from sqlalchemy import text

    from db.store import open_store

    opened = open_store(url, create=False)
    try:
        store = opened.store
        with store.reading() as connection:
            people = [tuple(row) for row in connection.execute(text("SELECT * FROM app_user ORDER BY name"))]
            count = connection.execute(text("SELECT COUNT(*) FROM history")).scalar()
        return json.dumps(store.export(), sort_keys=True, default=str), people, count
    finally:
        opened.store.close()


def text_of(html: str) -> str:
    """The page's visible text, roughly: tags removed, entities left as they are."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
