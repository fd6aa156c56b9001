"""The iCalendar export: read back with icalendar; stable identities across exports."""

from icalendar import Calendar


def read(path):
    return {str(e["uid"]): e for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")}


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
    assert again.read_bytes() == path.read_bytes()  # the same export, the same file: Outlook updates, never duplicates


def test_calendar_in_chinese_and_wan(loaded, tmp_path):
    path = tmp_path / "zh.ics"
    loaded("--lang", "zh", "--unit", "wan", "calendar", "-o", str(path), "--as-of", "2024-01-01")
    events = read(path)
    due = events["due-TW2-8@contracts-tracker"]  # the same identity as in English: a re-export in another
    assert str(due["summary"]) == "TW2 第8期应付：123.24 万元"  # language updates the same event
    assert str(events["expiry-TW1@contracts-tracker"]["summary"]) == "TW1 服务到期"
    rebid = next(e for uid, e in events.items() if uid.startswith("rebid-TW1-public"))
    assert str(rebid["summary"]) == "TW1：今天是启动公开招标的最迟日期"
