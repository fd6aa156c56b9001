"""Every answer counted over a year whose holidays are not yet published says which days it assumed."""

import html

from icalendar import Calendar

SPRING_2027 = "2027-02-05..02-10 春节 (2027-02-09, 2027-02-10 补假) assumed off"


def test_rebid_json_table_html_and_calendar_name_the_assumed_days(loaded, tmp_path):
    # As of 2026-11-24 TW2's public-tender rebid (latest start 2026-12-09, worked in test_workdays.py) counts its
    # award and challenge periods over the 2027 Spring Festival, which the official calendar does not hold yet.
    [tw2] = [row for row in loaded.json("rebid", "--as-of", "2026-11-24", "--method", "public") if row["line"] == "TW2"]
    assert SPRING_2027 in tw2["assumed_days"]
    table = loaded("rebid", "--as-of", "2026-11-24", "--method", "public").stdout
    assert "2027: not yet in the official calendar; assumed days off" in table and "2027-02-05..02-10 春节" in table
    page = tmp_path / "report.html"
    loaded("report", "html", "--as-of", "2026-11-24", "-o", str(page))
    assert "Working days assumed for a year not yet published: " in page.read_text(encoding="utf-8")
    assert SPRING_2027 in html.unescape(page.read_text(encoding="utf-8"))
    ics = tmp_path / "due.ics"
    loaded("calendar", "-o", str(ics), "--as-of", "2026-11-24")
    [event] = [e for e in Calendar.from_ical(ics.read_bytes()).walk("VEVENT") if str(e["uid"]) == "rebid-TW2-public@contracts-tracker"]
    assert event.decoded("dtstart").isoformat() == "2026-12-09"
    assert SPRING_2027 in str(event["description"])


def test_answers_within_published_years_assume_nothing(loaded, tmp_path):
    rows = loaded.json("rebid", "--as-of", "2023-08-01")
    assert rows and all(row["assumed_days"] == "" for row in rows)
    page = tmp_path / "report.html"
    loaded("report", "html", "--as-of", "2023-08-01", "-o", str(page))
    assert "not yet published" not in page.read_text(encoding="utf-8")
