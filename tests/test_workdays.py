"""Working days in a year the official calendar does not cover yet: the statutory holidays, worked by hand."""

import datetime as dt

import chinese_calendar
import pytest

from contracts.rebid import LeadTimes, latest_start, rebid_rows
from contracts.statutory_holidays import estimate_year
from contracts.workdays import WorkCalendar

D = dt.date


def blocks(year):
    return {block.name: (block.statutory, block.made_up) for block in estimate_year(year).blocks}


def official_covers(year):
    try:
        chinese_calendar.is_workday(D(year, 6, 1))
        return True
    except NotImplementedError:
        return False


def test_the_holidays_of_2027_by_hand():
    # 2027 is 丁未年. From the lunar calendar: 正月初一 is Saturday 6 February (so 除夕 is Friday 5 February),
    # 五月初五 (端午) Wednesday 9 June, 八月十五 (中秋) Wednesday 15 September; the solar term 清明 falls on
    # Monday 5 April. The 2024 rules: 元旦 1 day, 春节 4 (除夕 to 初三), 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3.
    # A statutory day on a Saturday or Sunday is made up on a working day (补假), here the next ones:
    #   春节 Sat 02-06 and Sun 02-07 -> Tue 02-09, Wed 02-10; 劳动节 Sat 05-01, Sun 05-02 -> Mon 05-03, Tue 05-04;
    #   国庆 Sat 10-02, Sun 10-03 -> Mon 10-04, Tue 10-05. 元旦 is a Friday: nothing to make up.
    assert not official_covers(2027)  # else this test no longer tests an estimate
    assert blocks(2027) == {
        "元旦": ((D(2027, 1, 1),), ()),
        "春节": ((D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)), (D(2027, 2, 9), D(2027, 2, 10))),
        "清明节": ((D(2027, 4, 5),), ()),
        "劳动节": ((D(2027, 5, 1), D(2027, 5, 2)), (D(2027, 5, 3), D(2027, 5, 4))),
        "端午节": ((D(2027, 6, 9),), ()),
        "中秋节": ((D(2027, 9, 15),), ()),
        "国庆节": ((D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)), (D(2027, 10, 4), D(2027, 10, 5))),
    }


def test_2028_mid_autumn_on_national_day_is_made_up_too():
    # 2028: 八月十五 is Tuesday 3 October, inside 国庆 (Sun 10-01 .. Tue 10-03). 国庆 loses Sunday 10-01 and
    # 中秋 loses its day to 国庆: two days made up, Wed 10-04 and Thu 10-05. 元旦 is a Saturday -> Mon 01-03;
    # 端午 (五月初五) is Sunday 28 May -> Mon 05-29. 春节: 除夕 Tue 01-25, 初一 Wed 01-26 .. 初三 Fri 01-28.
    found = blocks(2028)
    assert found["国庆节"] == ((D(2028, 10, 1), D(2028, 10, 2), D(2028, 10, 3)), (D(2028, 10, 4),))
    assert found["中秋节"] == ((D(2028, 10, 3),), (D(2028, 10, 5),))
    assert found["元旦"] == ((D(2028, 1, 1),), (D(2028, 1, 3),))
    assert found["端午节"] == ((D(2028, 5, 28),), (D(2028, 5, 29),))
    assert found["春节"] == ((D(2028, 1, 25), D(2028, 1, 26), D(2028, 1, 27), D(2028, 1, 28)), ())


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_estimate_agrees_with_the_published_years(year):
    # Where the State Council's notice is published, every day the estimate takes off is off in it too
    # (the notice adds more: the 调休 days, which the estimate does not guess).
    estimate = estimate_year(year)
    assert len([day for block in estimate.blocks for day in block.statutory]) == 13
    for day in estimate.days_off:
        assert chinese_calendar.is_holiday(day), day


def test_covered_years_are_answered_as_published():
    calendar = WorkCalendar()
    day = D(2024, 1, 1)
    while day < D(2027, 1, 1):
        assert calendar.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
    assert calendar.fallback_years == set()
    assert calendar.describe() == "working days: the official Chinese calendar, adjusted weekends included (chinesecalendar)"


def test_a_2027_working_day_count_across_the_spring_festival():
    calendar = WorkCalendar()
    # 7 working days after Wed 2027-02-03: Thu 04, then 05..10 are off (除夕, 春节, 补假), Thu 11, Fri 12,
    # Mon 15, Tue 16, Wed 17, Thu 18. Monday to Friday would have given Fri 02-12.
    assert calendar.workdays_after(D(2027, 2, 3), 7) == D(2027, 2, 18)
    assert calendar.fallback_years == {2027}
    assert not calendar.is_workday(D(2027, 2, 9)) and calendar.is_workday(D(2027, 2, 11))
    assert calendar.is_workday(D(2027, 2, 20)) is False  # a Saturday: a 调休 working day is never guessed
    lines = calendar.describe_lines()
    assert lines[1].startswith("2027: not yet in the official calendar; assumed days off")
    assert "2027-02-05..02-10 春节 (2027-02-09, 2027-02-10 补假)" in lines[1]
    assert "2027-02-11..02-17" in lines[1]  # the week after: usually adjusted, flagged


def test_tw2s_rebid_across_the_2027_spring_festival():
    # TW2's coverage ends Wed 2027-02-24: sign by Tue 02-23. Public tender, 30 days of preparation. Working back:
    # signing falls on the first working day 3 days after the challenge period, so that ends by Fri 02-19; its 7
    # working days are 02-11, 12, 15..19, so the award notice is on Thu 02-04 at the latest (02-05..10 are off);
    # 5 working days before it (01-29, 02-01..04) the bids are due Thu 01-28, 20 days after the announcement on
    # Fri 01-08, 30 days after the start: Wed 2026-12-09. (Monday to Friday gave 2026-12-15.)
    calendar = WorkCalendar()
    best = latest_start("public", D(2027, 2, 24), LeadTimes(), calendar)
    assert (best.start, best.announce, best.bids_due, best.award_notice, best.challenge_ends, best.signed) == (
        D(2026, 12, 9), D(2027, 1, 8), D(2027, 1, 28), D(2027, 2, 4), D(2027, 2, 19), D(2027, 2, 22))
    [row] = rebid_rows("TW2", D(2027, 2, 24), D(2026, 11, 24), LeadTimes(), calendar, ("public",))
    assert (row.latest_start, row.slack_days, row.state) == (D(2026, 12, 9), 15, "start now")
    assert "2027-02-05..02-10 春节 (2027-02-09, 2027-02-10 补假) assumed off" in row.assumed_days
    assert "2027-01-01 元旦 assumed off" in row.assumed_days


def test_a_row_within_published_years_assumes_nothing():
    [row] = rebid_rows("X", D(2025, 10, 1), D(2025, 6, 1), LeadTimes(), WorkCalendar(), ("public",))
    assert row.assumed_days == ()


def test_a_year_no_package_knows_is_monday_to_friday_and_said_so():
    calendar = WorkCalendar()
    assert estimate_year(2101) is None  # beyond the lunar tables
    assert calendar.is_workday(D(2101, 1, 3))  # a Monday; 元旦 unknown too: nothing is assumed off
    assert "2101: holidays not yet published and not known to the installed packages, Monday to Friday assumed" in calendar.describe()
    assert calendar.assumed_between(D(2101, 1, 1), D(2101, 2, 1)) == ("2101: Monday to Friday (its holidays are not known)",)


def test_weekends_only_ignores_holidays_as_before():
    calendar = WorkCalendar(weekends_only=True)
    assert calendar.is_workday(D(2027, 2, 9)) and calendar.fallback_years == set()
