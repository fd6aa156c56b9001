"""Signing in and staying signed in: anonymous readers go to the sign-in page, forms need the page's token,
five wrong passwords lock an account for 15 minutes, sessions end when idle, at sign-out, and at once when the user
is disabled or their password changes; every response carries the security headers; stored text is escaped."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from .web_forms import clock, site  # noqa: F401  (the one site: the example, a user per role)
from .web import PASSWORD, Browser, cheap_hashes, make_site, snapshot, text_of

UTC = dt.timezone.utc




def filled(path: str) -> str:
    """A route's path with its parameters filled by values that exist in the examples."""
    return path.replace("{code}", "TW2").replace("{seq}", "1").replace("{name}", "viewer")


def get_routes(app) -> list[str]:
    return [route.path for route in app.routes if "GET" in (getattr(route, "methods", None) or ())]


def history(url: str) -> list[dict]:
    from db.store import open_store

    opened = open_store(url, create=False)
    try:
        return opened.store.history()
    finally:
        opened.store.close()


def test_every_page_sends_an_anonymous_reader_to_sign_in(site):
    browser = Browser(site)
    paths = get_routes(site)
    assert {"/", "/contracts", "/contracts/{code}", "/history", "/settings"} <= set(paths)
    for path in paths:
        response = browser.get(filled(path))
        if path == "/signin":
            assert response.status_code == 200 and 'name="password"' in response.text
            continue
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/signin"), path


def test_security_headers_on_every_response(site):
    browser = Browser(site)
    browser.sign_in("viewer")
    for response in (browser.get("/signin"), browser.get("/"), browser.get("/contracts/TW2"), browser.get("/static/app.css"),
                     browser.get("/contracts/NO-SUCH")):
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
    page = browser.get("/").text
    assert "<script" not in page and "style=" not in page  # nothing inline for the policy to block


def test_sign_in_sets_a_protected_cookie_and_records_it(site, db_url):
    browser = Browser(site)
    response = browser.sign_in("finance")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie  # plain http here
    page = browser.get("/")
    assert page.status_code == 200 and "首页" in page.text and "当前用户：finance（财务）" in page.text
    assert [(e["user"], e["action"]) for e in history(db_url)][-1] == ("finance", "sign in")


def test_cookie_is_secure_over_https(site):
    from starlette.testclient import TestClient

    client = TestClient(site, base_url="https://testserver", follow_redirects=False)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/signin").text).group(1)
    response = client.post("/signin", data={"csrf": token, "name": "viewer", "password": PASSWORD})
    assert response.status_code == 303 and "Secure" in response.headers["set-cookie"]


def test_a_forged_cookie_is_no_session(site):
    browser = Browser(site)
    browser.client.cookies.set("contracts_session", "eyJ1IjoiYWRtaW4ifQ.forged")
    assert browser.get("/").headers["location"].startswith("/signin")


def test_wrong_password_and_unknown_name_say_the_same(site, db_url):
    browser = Browser(site)
    wrong = browser.sign_in("finance", "not the password")
    unknown = browser.sign_in("nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in wrong.text and "用户名或密码错误" in unknown.text
    assert browser.get("/").status_code == 303  # still not signed in
    actions = [(e["user"], e["action"]) for e in history(db_url)]
    assert ("finance", "sign-in failed") in actions and not any(user == "nobody" for user, _ in actions)


def test_five_failures_lock_the_account_for_fifteen_minutes(site, db_url, clock):
    browser = Browser(site)
    for attempt in range(1, 5):
        assert "用户名或密码错误" in browser.sign_in("logistics", f"wrong {attempt} password").text
    fifth = browser.sign_in("logistics", "wrong 5 password")
    # locked at 02:00 UTC for 15 minutes: until 10:15 in China (UTC+8)
    assert fifth.status_code == 401 and "已被锁定" in fifth.text and "10:15" in fifth.text
    refused = browser.sign_in("logistics")  # the right password, while locked
    assert refused.status_code == 401 and "已被锁定" in refused.text
    clock.advance(minutes=14, seconds=59)
    assert browser.sign_in("logistics").status_code == 401
    clock.advance(seconds=2)  # 15 minutes and 1 second after the lock
    assert browser.sign_in("logistics").status_code == 303
    assert browser.get("/").status_code == 200
    actions = [e["action"] for e in history(db_url) if e["user"] == "logistics"]
    assert actions == ["sign-in failed"] * 5 + ["lock user", "sign-in refused", "sign-in refused", "sign in"]
    lock = next(e for e in history(db_url) if e["action"] == "lock user")
    assert '"locked_until": "2024-03-31T02:15:00+00:00"' in lock["after"]


def test_a_success_starts_the_count_again(site, clock):
    browser = Browser(site)
    for _ in range(4):
        browser.sign_in("viewer", "wrong password!")
    assert browser.sign_in("viewer").status_code == 303
    other = Browser(site)
    for _ in range(4):
        assert "已被锁定" not in other.sign_in("viewer", "wrong password!").text  # 4 in a row again, not 8
    assert other.sign_in("viewer").status_code == 303


def test_session_ends_after_eight_idle_hours(site, clock):
    browser = Browser(site)
    browser.sign_in("viewer")
    clock.advance(hours=7, minutes=59)
    assert browser.get("/contracts").status_code == 200  # used: the idle time counts from here
    clock.advance(hours=7, minutes=59)
    assert browser.get("/contracts").status_code == 200
    clock.advance(hours=8, seconds=1)
    ended = browser.get("/contracts")
    assert ended.status_code == 303 and "ended=1" in ended.headers["location"]
    assert "会话已结束" in browser.get(ended.headers["location"]).text
    assert browser.get("/").status_code == 303  # and it stays ended


def test_sign_out_ends_the_session_and_every_copy_of_it(site, db_url):
    browser, elsewhere = Browser(site), Browser(site)
    browser.sign_in("viewer")
    elsewhere.sign_in("viewer")
    kept = browser.client.cookies.get("contracts_session")
    response = browser.post("/signout")
    assert response.status_code == 303 and response.headers["location"] == "/signin"
    assert browser.get("/").status_code == 303
    assert history(db_url)[-1]["action"] == "sign out" and history(db_url)[-1]["user"] == "viewer"
    copied = Browser(site)  # the cookie as it was before signing out, replayed
    copied.client.cookies.set("contracts_session", kept)
    assert copied.get("/").status_code == 303
    assert elsewhere.get("/").status_code == 303  # signing out ends the user's other sessions too


def test_changing_ones_own_password(site, db_url):
    browser, elsewhere = Browser(site), Browser(site)
    browser.sign_in("logistics")
    elsewhere.sign_in("logistics")
    before = snapshot(db_url)
    wrong = browser.post("/settings/password", {"current_password": "not it at all", "password": "a new password 2024",
                                                "password2": "a new password 2024"})
    assert wrong.status_code == 422 and "current_password: is not your password; nothing was changed" in wrong.text
    short = browser.post("/settings/password", {"current_password": PASSWORD, "password": "short", "password2": "short"})
    assert short.status_code == 422 and "password: is 5 characters long: at least 10 are needed" in short.text
    # no password and no session changed (the wrong current password counts as a failed sign-in, nothing more)
    assert [(row[3], row[7]) for row in snapshot(db_url)[1]] == [(row[3], row[7]) for row in before[1]]
    done = browser.post("/settings/password", {"current_password": PASSWORD, "password": "a new password 2024",
                                               "password2": "a new password 2024"})
    assert done.status_code == 303 and browser.get("/").status_code == 200  # this session goes on
    assert elsewhere.get("/").status_code == 303  # the others end
    assert Browser(site).sign_in("logistics", "a new password 2024").status_code == 303


def test_a_disabled_users_open_session_stops_working(site, db_url):
    from db import users
    from db.store import open_store

    browser = Browser(site)
    browser.sign_in("procurement")
    assert browser.get("/").status_code == 200
    opened = open_store(db_url, create=False)
    users.disable(opened.store, "procurement")
    opened.store.close()
    assert browser.get("/").status_code == 303
    again = Browser(site).sign_in("procurement")
    assert again.status_code == 401 and "已停用" in again.text


def test_a_new_password_ends_open_sessions(site, db_url):
    from db import users
    from db.store import open_store

    browser = Browser(site)
    browser.sign_in("finance")
    opened = open_store(db_url, create=False)
    users.set_password(opened.store, "finance", "a new password 2024")
    opened.store.close()
    assert browser.get("/").status_code == 303
    assert Browser(site).sign_in("finance", "a new password 2024").status_code == 303


@pytest.mark.parametrize("token", [None, "not-the-token"])
def test_a_form_without_the_right_token_is_refused_and_writes_nothing(site, db_url, token):
    browser = Browser(site)
    browser.sign_in("admin")
    before = snapshot(db_url)
    response = browser.post("/admin/users", {"name": "mallory", "role": "admin", "password": "long enough pw",
                                             "password2": "long enough pw"}, token=token)
    assert response.status_code == 403 and "表单已失效" in response.text
    response = browser.post("/settings", {"language": "en"}, token=token)
    assert response.status_code == 403
    assert snapshot(db_url) == before


def test_the_token_of_another_session_does_not_work(site, db_url):
    mallory, admin = Browser(site), Browser(site)
    mallory.sign_in("viewer")
    admin.sign_in("admin")
    before = snapshot(db_url)
    response = admin.post("/admin/users", {"name": "mallory", "role": "admin", "password": "long enough pw",
                                           "password2": "long enough pw"}, token=mallory.token())
    assert response.status_code == 403 and snapshot(db_url) == before


def test_sign_in_needs_the_token_too(site, db_url):
    browser = Browser(site)
    response = browser.client.post("/signin", data={"name": "admin", "password": PASSWORD})
    assert response.status_code == 403 and browser.get("/").status_code == 303


def test_stored_text_is_shown_as_text(site, cli):
    cli("add", "--code", "XSS", "--name", "<script>alert(1)</script>", "--vendor", '"><img src=x onerror=alert(2)>',
        "--billing-start", "2024-01-01", "--billing-months", "12", "--annual-fee", "1200")
    browser = Browser(site)
    browser.sign_in("viewer")
    for path in ("/contracts?q=XSS", "/contracts/XSS", "/history"):
        page = browser.get(path).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
        assert "<script>alert(1)" not in page and "<img src=x" not in page, path


def test_next_after_sign_in_stays_on_this_site(site):
    browser = Browser(site)
    token = browser.token("/signin?next=//evil.example/")
    response = browser.client.post("/signin", data={"csrf": token, "name": "viewer", "password": PASSWORD,
                                                    "next": "//evil.example/"})
    assert response.headers["location"] == "/"
    browser = Browser(site)
    token = browser.token("/signin?next=/contracts/TW2")
    response = browser.client.post("/signin", data={"csrf": token, "name": "viewer", "password": PASSWORD,
                                                    "next": "/contracts/TW2"})
    assert response.headers["location"] == "/contracts/TW2"


def test_demo_is_read_only_and_says_so(monkeypatch, tmp_path, clock):
    from web.config import demo_store

    cheap_hashes(monkeypatch)
    url, folder = demo_store()
    try:
        app = make_site(url, tmp_path, clock=clock, demo=True)
        browser = Browser(app)
        for path in ("/", "/contracts", "/contracts/TW2", "/history"):
            page = browser.get(path)
            assert page.status_code == 200 and "演示：内置示例数据" in page.text, path
        before = snapshot(url)
        response = browser.post("/admin/users", {"name": "x1", "role": "admin", "password": "long enough pw",
                                                 "password2": "long enough pw"})
        assert response.status_code == 403 and snapshot(url) == before
        assert "DEMO-OM" in text_of(browser.get("/contracts").text)
    finally:
        folder.cleanup()
