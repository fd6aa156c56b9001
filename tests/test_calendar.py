"""The iCalendar export: read back with icalendar; stable identities, and versions a calendar program updates.

Reproduced first (issue #16, point 3): DTSTAMP was the as-of day and there was no SEQUENCE or LAST-MODIFIED, so
after an amendment a re-export kept UID, DTSTAMP and SEQUENCE 0 and Outlook could keep the old event; rebid events
said "by today"; unit-priced installments had "due: 0.00" reminders; no calendar name, no METHOD, no arrears.
"""

import datetime as dt

from icalendar import Calendar


def read(path):
    return {str(e["uid"]): e for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")}


def _without_stamp(path) -> bytes:
    return b"\r\n".join(line for line in path.read_bytes().split(b"\r\n") if not line.startswith(b"DTSTAMP"))


def test_calendar_events_read_back(loaded, tmp_path):
    path = tmp_path / "due.ics"
    out = loaded("calendar", "-o", str(path), "--as-of", "2024-01-01").stdout
    events = read(path)
    assert out.startswith(f"wrote {len(events)} events")
    due = events["due-TW2-8@contracts-tracker"]
    assert str(due["summary"]) == "TW2 installment 8 due: 1,232,438.34"
    assert due.decoded("dtstart").isoformat() == "2024-02-24"
    [alarm] = due.walk("VALARM")
    assert alarm.decoded("trigger").days == -7
    expiry = events["expiry-TW1@contracts-tracker"]
    assert expiry.decoded("dtstart").isoformat() == "2024-03-30"
    assert "due-TW1-20@contracts-tracker" not in events  # paid in 2023
    assert any(uid.startswith("rebid-TW1-public") for uid in events)
    again = tmp_path / "again.ics"
    loaded("calendar", "-o", str(again), "--as-of", "2024-01-01")
    # the same facts, the same file but for the moment of export: Outlook updates, never duplicates
    assert _without_stamp(again) == _without_stamp(path)


def test_a_calendar_names_itself_and_says_when_it_was_made(loaded, tmp_path):
    path = tmp_path / "due.ics"
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    loaded("calendar", "-o", str(path), "--as-of", "2024-01-01")
    calendar = Calendar.from_ical(path.read_bytes())
    assert str(calendar["method"]) == "PUBLISH"
    assert str(calendar["x-wr-calname"]) == "Service contracts: due dates, expiries and rebids"
    # SEQUENCE counts the changes recorded to what an event is made of, less one (its first version is 0): TW2 was
    # imported with its deductions rule and an opening balance (3 entries: 2); TW1 was imported with its rule, given
    # an opening balance and paid (4 entries: 3).
    assert len(loaded.json("history", "TW1")) == 4 and len(loaded.json("history", "TW2")) == 3
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert events["due-TW2-8@contracts-tracker"].decoded("sequence") == 2
    assert events["expiry-TW1@contracts-tracker"].decoded("sequence") == 3
    for event in events.values():
        stamp = event.decoded("dtstamp")
        assert before <= stamp <= dt.datetime.now(dt.timezone.utc)  # the time of export, not the as-of day
        assert event.decoded("last-modified") <= stamp


def test_a_changed_event_comes_with_a_higher_sequence(loaded, tmp_path):
    first, second = tmp_path / "1.ics", tmp_path / "2.ics"
    loaded("calendar", "-o", str(first), "--as-of", "2024-01-01")
    # From 2024-02-24, 5,000,000.00 a year: TW2's installment 9 (due 2024-05-24) becomes 1,250,000.00
    loaded("amend", "TW2", "--from", "2024-02-24", "--annual-fee", "5000000.00", "--ref", "补充协议 2024-01")
    loaded("calendar", "-o", str(second), "--as-of", "2024-01-01")
    old, new = read(first), read(second)
    changed = new["due-TW2-9@contracts-tracker"]
    assert str(changed["summary"]) == "TW2 installment 9 due: 1,250,000.00"
    assert changed.decoded("sequence") > old["due-TW2-9@contracts-tracker"].decoded("sequence")
    assert changed.decoded("last-modified") >= old["due-TW2-9@contracts-tracker"].decoded("last-modified")
    untouched = "expiry-TW1@contracts-tracker"
    assert new[untouched].decoded("sequence") == old[untouched].decoded("sequence")  # TW1 did not change
    for key in ("summary", "description", "last-modified", "dtstart"):
        assert new[untouched].decoded(key) == old[untouched].decoded(key)


def test_no_zero_reminders_and_rebids_name_their_day(loaded, tmp_path):
    path = tmp_path / "due.ics"
    loaded("calendar", "-o", str(path), "--as-of", "2021-01-01")
    events = read(path)
    summaries = [str(e["summary"]) for e in events.values()]
    assert not any(summary.endswith(" 0.00") for summary in summaries)
    # SEAL-2021 is priced by the set: a quarter whose usage is not recorded says so
    waiting = [s for s in summaries if s.startswith("SEAL-2021") and s.endswith("due: awaiting usage")]
    assert waiting
    later = tmp_path / "later.ics"
    loaded("calendar", "-o", str(later), "--as-of", "2024-01-01")
    rebid = next(e for uid, e in read(later).items() if uid.startswith("rebid-"))
    day = rebid.decoded("dtstart").isoformat()
    assert str(rebid["summary"]).endswith(f"procurement ({day})") and "today" not in str(rebid["summary"])
    assert "state" not in str(rebid["description"])  # nothing that changes with the day of export


def test_overdue_installments_on_request(loaded, tmp_path):
    plain, late = tmp_path / "plain.ics", tmp_path / "late.ics"
    loaded("calendar", "-o", str(plain), "--as-of", "2024-03-31")
    loaded("calendar", "-o", str(late), "--as-of", "2024-03-31", "--overdue")
    without, with_overdue = read(plain), read(late)
    extra = {uid: e for uid, e in with_overdue.items() if uid not in without}
    # TW2's installments 4 to 8 fell due from 2023-02-24 and are unpaid (the reference records no TW2 payment)
    overdue = extra["due-TW2-4@contracts-tracker"]
    assert str(overdue["summary"]) == "Overdue since 2023-02-24: TW2 installment 4: 1,232,438.34"
    assert overdue.walk("VALARM") == []  # its day has passed: no reminder
    assert all(e.decoded("dtstart") < dt.date(2024, 3, 31) for e in extra.values())
    assert "due-TW1-20@contracts-tracker" not in with_overdue  # paid


def test_calendar_in_chinese_and_wan(loaded, tmp_path):
    path = tmp_path / "zh.ics"
    loaded("--lang", "zh", "--unit", "wan", "calendar", "-o", str(path), "--as-of", "2024-01-01")
    calendar = Calendar.from_ical(path.read_bytes())
    assert str(calendar["x-wr-calname"]) == "服务合同：应付日期、到期与重新采购"
    events = read(path)
    due = events["due-TW2-8@contracts-tracker"]  # the same identity as in English: a re-export in another
    assert str(due["summary"]) == "TW2 第8期应付：123.24 万元"  # language updates the same event
    assert str(events["expiry-TW1@contracts-tracker"]["summary"]) == "TW1 服务到期"
    rebid = next(e for uid, e in events.items() if uid.startswith("rebid-TW1-public"))
    day = rebid.decoded("dtstart")
    assert str(rebid["summary"]) == f"TW1：启动公开招标的最迟日期（{day.year}年{day.month}月{day.day}日）"
