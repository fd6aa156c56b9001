"""Working days on the official Chinese calendar, adjusted weekends (调休) included.

The holidays come from the ``chinesecalendar`` package (the State Council's
yearly notices, as data). A year the package does not cover yet falls back to
Monday-Friday, and the calendar remembers that it did so that every answer can
say which of its figures rest on that assumption.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ONE_DAY = dt.timedelta(days=1)


@dataclass
class WorkCalendar:
    """Answers "is this a working day?"; ``weekends_only`` ignores the official holidays altogether."""

    weekends_only: bool = False
    fallback_years: set[int] = field(default_factory=set)
    _known: dict[dt.date, bool] = field(default_factory=dict, repr=False, compare=False)

    def is_workday(self, day: dt.date) -> bool:
        known = self._known.get(day)  # remembered: a portfolio's rebids ask about the same weeks thousands of times
        if known is None:
            known = self._known[day] = self._look_up(day)
        return known

    def _look_up(self, day: dt.date) -> bool:
        if not self.weekends_only:
            try:
                import chinese_calendar

                return chinese_calendar.is_workday(day)
            except (NotImplementedError, ImportError):
                self.fallback_years.add(day.year)
        return day.weekday() < 5

    def nth_workday_from(self, start: dt.date, count: int) -> dt.date:
        """The day on which a period of ``count`` working days beginning on ``start`` ends.

        The start day counts if it is a working day (a document sale from Monday for
        5 working days ends on Friday, the holidays permitting).
        """
        day, seen = start, 0
        while True:
            if self.is_workday(day):
                seen += 1
                if seen == count:
                    return day
            day += ONE_DAY

    def workdays_after(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day`` (the day itself not counted)."""
        return self.nth_workday_from(day + ONE_DAY, count) if count > 0 else day

    def describe(self) -> str:
        if self.weekends_only:
            return "working days: Monday to Friday (official holidays ignored by request)"
        text = "working days: the official Chinese calendar, adjusted weekends included (chinesecalendar)"
        if self.fallback_years:
            years = ", ".join(str(year) for year in sorted(self.fallback_years))
            text += f"; {years}: holidays not yet published in the installed calendar, Monday to Friday assumed"
        return text
