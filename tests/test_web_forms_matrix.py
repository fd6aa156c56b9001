"""Who may send the forms' pages, enforced on the server: each role against each of their data-changing routes.

A role the route does not belong to gets 403 and the store (facts, users, history) is unchanged; an owner gets
through (not 403, no server error). The routes come from the app's own table: a POST route the core does not own
and that has no sample form in tests/web_form_samples.py fails the first test, so a new form cannot be left out.
"""

from __future__ import annotations

from web import permissions

from .web import ROLES, Browser
from .web_form_samples import SAMPLES
from .web_forms import snapshot, site, clock  # noqa: F401

CORE = {"/signin", "/signout", "/settings", "/settings/password", "/admin/users", "/admin/users/{name}/disable",
        "/admin/users/{name}/password"}  # the core's forms, in its own matrix (tests/test_web_permissions.py)


def post_routes() -> list[str]:
    from web.app import routes

    return sorted({route.path for route in routes() if "POST" in (route.methods or ())})


def test_every_form_route_has_an_owner_and_a_sample():
    mine = [path for path in post_routes() if path not in CORE]
    assert set(mine) == set(SAMPLES), (sorted(set(mine) ^ set(SAMPLES)))
    for path in mine:
        owners = permissions.owners(path)
        assert owners and all(o in ROLES or o == permissions.OWN for o in owners), (path, owners)


def allowed(role: str, path: str) -> bool:
    owners = permissions.owners(path)
    return permissions.OWN in owners or role in owners


def test_role_by_route_matrix(site, db_url):
    """Each role against each route, each pair in a fresh session on the same store."""
    seen = []
    for path, (params, fields, files) in SAMPLES.items():
        url = path.format(**params)
        for role in ROLES:
            browser = Browser(site)
            assert browser.sign_in(role).status_code == 303, role
            before = snapshot(db_url)
            form = dict(fields) | {"csrf_token": browser.token("/settings")}
            response = browser.client.post(url, data=form, files=files or None)
            if allowed(role, path):
                assert response.status_code != 403, (role, path, response.text[-300:])
                assert response.status_code < 500, (role, path)
                seen.append((role, path, response.status_code))
            else:
                assert response.status_code == 403, (role, path, response.status_code)
                assert "未做任何修改" in response.text, (role, path)
                assert snapshot(db_url) == before, (role, path)
    # the owners' forms went through: what they wrote is in the history under their own names
    from db.store import open_store

    opened = open_store(db_url, create=False)
    try:
        done = {(e["user"], e["action"]) for e in opened.store.history()}
    finally:
        opened.store.close()
    assert {("logistics", "assess"), ("finance", "pay"), ("finance", "reverse payment"), ("procurement", "add tender"),
            ("procurement", "usage"), ("finance", "add programme"), ("finance", "add budget"), ("finance", "add fee line"),
            ("finance", "fee amount")} <= done, done
    assert [status for role, path, status in seen if path == "/import"] == [200, 200]  # admin and finance
