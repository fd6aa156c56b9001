"""Driving the data-changing pages in tests: the Emeishan example with one user per role, a person at a browser who
sends a page's own form (its ``csrf_token``), and reading a field's message back from the page."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from .web import ROLES, Browser, Clock, add_users, cheap_hashes, make_site, snapshot, text_of  # noqa: F401

UTC = dt.timezone.utc
FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Clerk(Browser):
    """A signed-in person who reads amounts in yuan to the fen (the 设置 page's switch), in Chinese."""

    def form_token(self, path: str) -> str:
        page = self.client.get(path)
        found = FORM_TOKEN.search(page.text)
        assert found, f"no csrf_token on {path} ({page.status_code}): {page.text[-500:]}"
        return found.group(1)

    def send(self, page: str, data: dict, *, action: str | None = None, token: bool = True):
        """The form of ``page`` sent to ``action`` (default: the page itself), with the page's token."""
        form = dict(data)
        if token:
            form["csrf_token"] = self.form_token(page)
        return self.client.post(action or page.split("?")[0], data=form)


def clerk(site, name: str, *, unit: str = "yuan") -> Clerk:
    person = Clerk(site)
    assert person.sign_in(name).status_code == 303
    assert person.post("/settings", {"language": "zh", "money_unit": unit}).status_code in (200, 303)
    return person


def field_message(page: str, field: str) -> str | None:
    """The message shown at a form field (None when there is none), unescaped."""
    found = re.search(rf'id="{re.escape(field)}-error" role="alert">([^<]*)<', page)
    return html.unescape(found.group(1)) if found else None


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert found, f"no field {name}"
    return html.unescape(found.group(1))


@pytest.fixture
def clock():
    return Clock(dt.datetime(2024, 3, 31, 2, 0, tzinfo=UTC))


@pytest.fixture
def site(loaded, db_url, tmp_path, monkeypatch, clock):
    """The Emeishan example, a user per role (named as the role), the pages answering as of 2024-03-31."""
    cheap_hashes(monkeypatch)
    add_users(db_url, {role: [role] for role in ROLES}, clock.now)
    return make_site(db_url, tmp_path, clock=clock)
