"""Dates and periods: anchored month arithmetic, half-open periods, calendar cuts.

Periods are half-open ``[start, end)``. Month arithmetic is always anchored on
an original date (start + k months, clipped to the month's end) and never
chained, so a start on 31 January gives 30 April, 31 July, 31 October.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from .errors import ContractsError

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # ASCII digits: \d would take full-width ones
_QUARTER = re.compile(r"^([0-9]{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)


_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS[month - 1]


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` plus a whole number of months, clipped to the end of the month."""
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    day = start.day
    if day > 28:  # only the 29th to the 31st can fall off the end of a month
        day = min(day, days_in_month(year, month0 + 1))
    return dt.date(year, month0 + 1, day)


def months_between(start: dt.date, end: dt.date) -> int:
    """The number of whole anchored months from ``start`` that fit before or on ``end``."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months


@dataclass(frozen=True, order=True)
class Period:
    """A half-open span of days ``[start, end)``."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def contains(self, day: dt.date) -> bool:
        return self.start <= day < self.end



def calendar_period_containing(day: dt.date, months: int) -> Period:
    """The calendar month, quarter, half-year or year (by ``months``) that holds ``day``."""
    return _calendar_period(day.year, (day.month - 1) // months, months)


@lru_cache(maxsize=4096)
def _calendar_period(year: int, index: int, months: int) -> Period:
    # Every contract cut at calendar quarters asks for the same few periods: compute each once.
    first_month = index * months + 1
    end_year, month0 = divmod(year * 12 + first_month - 1 + months, 12)
    return Period(dt.date(year, first_month, 1), dt.date(end_year, month0 + 1, 1))


def quarter_period(text: str, field: str = "quarter") -> Period:
    """Read "2024Q1" (or "2024-Q1") as the calendar quarter it names."""
    match = _QUARTER.match(text.strip())
    if not match:
        raise ContractsError(field, text, "is not a calendar quarter (e.g. 2024Q1)")
    start = dt.date(int(match.group(1)), 3 * int(match.group(2)) - 2, 1)
    return Period(start, add_months(start, 3))


def parse_date(value: object, field: str) -> dt.date:
    """Read an ISO date (YYYY-MM-DD) or a TOML date; refuse impossible ones."""
    if isinstance(value, dt.datetime):
        raise ContractsError(field, value.isoformat(), "must be a date without a time (YYYY-MM-DD)")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ContractsError(field, value, "is not a real date") from None
    raise ContractsError(field, value, "is not a date in the form YYYY-MM-DD")


def parse_optional_date(value: object, field: str) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value, field)
