"""日历 over HTTP: each user's feed address, made when the page is first opened, read without a session (a calendar
program cannot sign in) as the very calendar `contracts calendar` writes, revoked by its owner (the old address
stops at once), and dead for a disabled user."""

from __future__ import annotations

import re

from .web_forms import Clerk, clerk, site, clock, snapshot  # noqa: F401

ADDRESS = re.compile(r'value="(http://testserver/calendar/([A-Za-z0-9_-]{43})\.ics)"')


def address_of(person) -> tuple[str, str]:
    page = person.get("/calendar")
    assert page.status_code == 200
    found = ADDRESS.search(page.text)
    assert found, page.text[-800:]
    return found.group(1).replace("http://testserver", ""), found.group(2)


def without_stamps(ics: str) -> str:
    return re.sub(r"DTSTAMP:\S+\r?\n", "", ics)


def test_the_feed_is_the_cli_calendar_read_with_the_token_alone(site, loaded, tmp_path):
    chen = clerk(site, "logistics")
    path, token = address_of(chen)
    assert address_of(chen) == (path, token)  # made once
    made = [e for e in loaded.json("history") if e["action"] == "make calendar feed"]
    assert [(e["user"], e["record"]) for e in made] == [("logistics", "user logistics")]
    assert token not in str(made)  # the history never holds the address
    calendar = Clerk(site).get(path)  # no session at all
    assert calendar.status_code == 200 and calendar.headers["content-type"].startswith("text/calendar")
    written = tmp_path / "cal.ics"
    loaded("--lang", "zh", "calendar", "-o", str(written), "--as-of", "2024-03-31")
    assert without_stamps(calendar.text) == without_stamps(written.read_bytes().decode("utf-8"))
    # TW2's installment 9 (2024-02-24 to 2024-05-24) falls due on 2024-05-24: 4,929,753.36 / 4 = 1,232,438.34
    assert "SUMMARY:TW2 第9期应付：1\\,232\\,438.34\r\nDTSTART;VALUE=DATE:20240524" in calendar.text  # commas escaped


def test_a_revoked_address_stops_at_once_and_a_new_one_is_made(site, loaded, db_url):
    chen = clerk(site, "logistics")
    path, token = address_of(chen)
    before = snapshot(db_url)
    assert chen.send("/calendar", {}, action="/calendar/revoke", token=False).status_code == 403
    assert snapshot(db_url) == before and Clerk(site).get(path).status_code == 200
    revoked = chen.send("/calendar", {}, action="/calendar/revoke")
    assert revoked.status_code == 200 and "已作废" in revoked.text and ADDRESS.search(revoked.text) is None
    gone = Clerk(site).get(path)
    assert gone.status_code == 303 and gone.headers["location"] == "/signin"
    new_path, new_token = address_of(chen)
    assert new_token != token and Clerk(site).get(new_path).status_code == 200
    assert Clerk(site).get("/calendar/not-a-token.ics").status_code == 303


def test_a_disabled_users_feed_stops(site, loaded):
    wang = clerk(site, "finance")
    path, _ = address_of(wang)
    admin = clerk(site, "admin")
    assert admin.post("/admin/users/finance/disable").status_code == 303
    assert Clerk(site).get(path).status_code == 303
