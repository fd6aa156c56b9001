"""Who may change what, enforced on the server: every data-changing route of the app against every role.

The routes come from the app's own route table, so a form added later is in the matrix by itself: it must have a
line in web/permissions.py (else the first test fails) and a sample form here (else the matrix test fails).
A role that does not own the route gets 403 and the store (facts, users, history) is unchanged; the owner gets
through (whatever its answer, it is not 403), and what it writes is recorded under its own name.
"""

from __future__ import annotations

import pytest

from web import permissions

from .web import ROLES, Browser, add_users, cheap_hashes, make_site, snapshot
from .web_forms import clock  # noqa: F401  (the site's clock: 2024-03-31 10:00 in China)

NEW_PASSWORD = "another long password"

# A valid form for each data-changing route: (path parameters, fields). The target of user changes is "target".
SAMPLE_FORMS: dict[str, tuple[dict, dict]] = {
    "/signin": ({}, {"name": "target", "password": "correct horse battery"}),
    "/signout": ({}, {}),
    "/settings": ({}, {"language": "en", "money_unit": "yuan"}),
    # the same password again: the next pairs of the matrix sign in with it
    "/settings/password": ({}, {"current_password": "correct horse battery", "password": "correct horse battery",
                                "password2": "correct horse battery"}),
    "/admin/users": ({}, {"name": "newcomer", "role": ["finance", "viewer"], "password": NEW_PASSWORD, "password2": NEW_PASSWORD}),
    "/admin/users/{name}/disable": ({"name": "target"}, {}),
    "/admin/users/{name}/password": ({"name": "target"}, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD}),
}


def post_routes() -> list[str]:
    from web.app import routes

    return sorted({route.path for route in routes() if "POST" in (route.methods or ())})


def allowed(role: str, owner: str) -> bool:
    return owner in (permissions.SIGN_IN, permissions.OWN) or owner == role


def test_every_data_changing_route_is_in_the_permission_table():
    missing = [path for path in post_routes() if permissions.owner(path) is None]
    assert not missing, f"POST routes with no owner in web/permissions.py: {missing}"
    unknown = sorted(set(permissions.PERMISSIONS) - set(post_routes()))
    assert not unknown, f"web/permissions.py names routes the app does not have: {unknown}"


def test_every_owner_is_a_role_that_may_change_something():
    from contracts.access import ROLES as OWNERSHIP

    for path in permissions.PERMISSIONS:
        for owner in permissions.owners(path):
            assert owner in (permissions.SIGN_IN, permissions.OWN) or OWNERSHIP.get(owner), (path, owner)


@pytest.fixture
def site(loaded, db_url, tmp_path, monkeypatch, clock):
    """As tests/web_forms.py's site, with one more user ("target") for the routes that change another user."""
    cheap_hashes(monkeypatch)
    add_users(db_url, {role: [role] for role in ROLES} | {"target": ["viewer"]}, clock.now)
    return make_site(db_url, tmp_path, clock=clock)


def test_role_by_route_matrix(site, db_url):
    """Each role against each data-changing route, each pair in a fresh session on the same store."""
    # The forms' pages have their own matrix over the same app (tests/test_web_forms_matrix.py, samples in
    # tests/web_form_samples.py); between the two every POST route of the app is tried by every role.
    from .web_form_samples import SAMPLES

    routes = [path for path in post_routes() if path not in SAMPLES]
    without_sample = [path for path in routes if path not in SAMPLE_FORMS]
    assert not without_sample, f"add a sample form for these routes to SAMPLE_FORMS: {without_sample}"
    seen = []
    for path in routes:
        owner = permissions.owner(path)
        params, fields = SAMPLE_FORMS[path]
        url = path.format(**params)
        for role in ROLES:
            browser = Browser(site)
            assert browser.sign_in(role).status_code == 303, role
            before = snapshot(db_url)
            response = browser.post(url, fields)
            if allowed(role, owner):
                assert response.status_code != 403, (role, path, response.text[-300:])
                assert response.status_code < 500
                seen.append((role, path))
            else:
                assert response.status_code == 403, (role, path, response.status_code)
                assert "未做任何修改" in response.text
                assert snapshot(db_url) == before, (role, path)
    # the owner really changed something: the admin's changes are in the history under the admin's name
    from db.store import open_store

    opened = open_store(db_url, create=False)
    try:
        entries = opened.store.history()
    finally:
        opened.store.close()
    by_admin = {(e["action"], e["record"]) for e in entries if e["user"] == "admin"}
    assert {("add user", "user newcomer"), ("disable user", "user target"), ("change password", "user target")} <= by_admin
    assert ("admin", "/admin/users") in seen and ("viewer", "/settings") in seen


def test_a_viewer_holding_another_role_too_may_do_what_that_role_owns(site, db_url, clock):
    add_users(db_url, {"both": ["viewer", "admin"]}, clock.now)
    browser = Browser(site)
    browser.sign_in("both")
    response = browser.post("/admin/users", {"name": "third", "role": "viewer", "password": NEW_PASSWORD,
                                             "password2": NEW_PASSWORD})
    assert response.status_code == 303
    from db import users
    from db.store import open_store

    opened = open_store(db_url, create=False)
    try:
        assert users.find(opened.store, "third").roles == ("viewer",)
    finally:
        opened.store.close()


def test_anonymous_forms_are_refused_and_write_nothing(site, db_url):
    from .web_form_samples import SAMPLES

    browser = Browser(site)
    token = browser.token("/signin")  # a real token of an anonymous session
    before = snapshot(db_url)
    for path in post_routes():
        if permissions.owner(path) == permissions.SIGN_IN:
            continue
        params, fields = SAMPLE_FORMS[path] if path in SAMPLE_FORMS else SAMPLES[path][:2]
        response = browser.post(path.format(**params), fields, token=token)
        assert response.status_code == 403, path
    assert snapshot(db_url) == before


@pytest.mark.parametrize("fields, field, shown", [
    ({"name": "bad name", "role": "viewer"}, "name", "'bad name'"),
    ({"name": "dave", "role": "superuser"}, "role", "'superuser'"),
    ({"name": "dave"}, "role", "give at least one"),
    ({"name": "dave", "role": "viewer", "password": "short", "password2": "short"}, "password", "5 characters long: at least 10"),
    ({"name": "dave", "role": "viewer", "password": NEW_PASSWORD, "password2": NEW_PASSWORD + "!"}, "password", "differ"),
    ({"name": "finance", "role": "viewer"}, "user", "'finance': exists already"),
])
def test_a_bad_user_form_comes_back_as_typed_with_the_message_at_the_field(site, db_url, fields, field, shown):
    form = {"password": NEW_PASSWORD, "password2": NEW_PASSWORD} | fields
    browser = Browser(site)
    browser.sign_in("admin")
    before = snapshot(db_url)
    response = browser.post("/admin/users", form)
    assert response.status_code == 422
    import re

    message = re.search(rf'<span class="error" id="{field}-error" role="alert">([^<]*)</span>', response.text)
    if field == "user":  # a name that exists: said at the top of the form (the store refused it, not the field's shape)
        message = re.search(r'<span class="error" id="user-error" role="alert">([^<]*)</span>', response.text)
    assert message is not None, response.text[-1500:]
    assert shown.replace("'", "&#39;") in message.group(1)
    assert f'value="{fields["name"]}"' in response.text  # the name as typed
    assert NEW_PASSWORD not in response.text  # a password is never sent back
    assert snapshot(db_url) == before


def test_bad_settings_are_refused_at_the_field(site, db_url):
    browser = Browser(site)
    browser.sign_in("viewer")
    before = snapshot(db_url)
    response = browser.post("/settings", {"language": "fr"})
    assert response.status_code == 422 and "language &#39;fr&#39;: must be one of: zh, en" in response.text
    assert snapshot(db_url) == before
