"""Working days on the official Chinese calendar, adjusted weekends (调休) included.

The holidays come from the ``chinesecalendar`` package (the State Council's
yearly notices, as data). For a year the package does not cover yet, the
statutory holidays are taken from the solar and lunar calendars
(``statutory_holidays``) and the rest of the year is Monday to Friday; the
calendar remembers which years it estimated so that every answer can say which
days it assumed. Where even that is unknown (no package gives the year), Monday
to Friday is assumed, and said.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .statutory_holidays import EstimatedYear, describe as describe_estimate, estimate_year, span

ONE_DAY = dt.timedelta(days=1)


@dataclass
class WorkCalendar:
    """Answers "is this a working day?"; ``weekends_only`` ignores the official holidays altogether."""

    weekends_only: bool = False
    fallback_years: set[int] = field(default_factory=set)
    _known: dict[dt.date, bool] = field(default_factory=dict, repr=False, compare=False)
    _estimates: dict[int, EstimatedYear | None] = field(default_factory=dict, repr=False, compare=False)

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
                estimate = self.estimate(day.year)
                if estimate is not None:
                    return day.weekday() < 5 and day not in estimate.days_off
        return day.weekday() < 5

    def estimate(self, year: int) -> EstimatedYear | None:
        """The statutory holidays assumed for a year the official calendar does not cover (remembered)."""
        if year not in self._estimates:
            self._estimates[year] = estimate_year(year)
        return self._estimates[year]

    def assumed_between(self, first: dt.date, last: dt.date) -> tuple[str, ...]:
        """What this calendar assumed, rather than looked up, about the days from ``first`` to ``last``.

        Each estimated holiday that falls in the range (with its make-up days), and each stretch next to one that
        the year's notice usually adjusts; a year with no estimate at all is said to be Monday to Friday.
        """
        found: list[str] = []
        for year in sorted(y for y in self.fallback_years if first.year <= y <= last.year):
            estimate = self.estimate(year)
            if estimate is None:
                found.append(f"{year}: Monday to Friday (its holidays are not known)")
            else:
                found += estimate.assumed_between(first, last)
        return tuple(found)

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
        return "; ".join(self.describe_lines())

    def describe_lines(self) -> list[str]:
        """What the working days rest on: the official calendar, and each year whose holidays were assumed."""
        if self.weekends_only:
            return ["working days: Monday to Friday (official holidays ignored by request)"]
        lines = ["working days: the official Chinese calendar, adjusted weekends included (chinesecalendar)"]
        for year in sorted(self.fallback_years):
            estimate = self.estimate(year)
            if estimate is None:
                lines.append(f"{year}: holidays not yet published and not known to the installed packages, "
                             "Monday to Friday assumed")
            else:
                lines.append(describe_estimate(estimate))
        return lines
