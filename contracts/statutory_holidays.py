"""China's statutory holidays for a year the official working-day calendar does not cover yet.

The State Council publishes each year's arrangement (its 调休 notice) late in the year before, and
the ``chinesecalendar`` package carries the published years. For a later year the holidays
themselves are still known: 全国年节及纪念日放假办法 (as revised in 2024, in force from 2025) gives
元旦 1 day, 春节 4 (农历除夕 and 正月初一 to 初三), 清明节 1, 劳动节 2 (May 1-2), 端午节 1,
中秋节 1 and 国庆节 3 (Oct 1-3), and a holiday that falls on a Saturday or Sunday is made up on a
working day (补假). Their dates come from the solar and lunar calendars.

We take the dates from the ``holidays`` package (its China calendar: the statutory days under
each year's rules, the lunar ones from its Chinese lunisolar tables for 1901-2100 and 清明 from the
solar term), rather than compute a lunar calendar of our own. The make-up days are placed on the
first working days after the holiday (the notice may place them elsewhere), and what the notice
usually moves besides (the weekends worked and the days taken around each holiday) is not
guessed: those days are flagged, and counted as ordinary weekdays and weekends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

ONE_DAY = dt.timedelta(days=1)
AROUND_DAYS = 7  # how far from a holiday the notice usually moves days (a week either side)
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
NAMES = {"农历除夕": "春节"}  # the package names the eve apart; the law counts it in the Spring Festival


@dataclass(frozen=True)
class HolidayBlock:
    """One festival's days off in a year: its statutory days and the days that make up for weekends."""

    name: str
    statutory: tuple[dt.date, ...]
    made_up: tuple[dt.date, ...]  # 补假: weekdays off because statutory days fell on a weekend (or on another holiday)

    @property
    def days(self) -> tuple[dt.date, ...]:
        return tuple(sorted(self.statutory + self.made_up))

    @property
    def first(self) -> dt.date:
        return self.days[0]

    @property
    def last(self) -> dt.date:
        return self.days[-1]

    def describe(self) -> str:
        text = f"{span(self.first, self.last)} {self.name}"
        if self.made_up:
            text += f" ({', '.join(day.isoformat() for day in self.made_up)} 补假)"
        return text


@dataclass(frozen=True)
class EstimatedYear:
    year: int
    blocks: tuple[HolidayBlock, ...]
    source: str  # the package and version the dates come from
    days_off: frozenset[dt.date] = frozenset()
    # What an answer must say when it counts over part of the year: (first, last, words), worked out once.
    assumptions: tuple[tuple[dt.date, dt.date, str], ...] = ()

    def around(self, block: HolidayBlock) -> tuple[tuple[dt.date, dt.date], ...]:
        """The days next to a holiday that the year's notice usually exchanges (调休), within the year."""
        first, last = block.first, block.last
        while first - ONE_DAY in self.days_off or (first - ONE_DAY).weekday() >= 5:  # the weekend it joins
            first -= ONE_DAY
        while last + ONE_DAY in self.days_off or (last + ONE_DAY).weekday() >= 5:
            last += ONE_DAY
        spans = []
        before = (max(first - dt.timedelta(days=AROUND_DAYS), dt.date(self.year, 1, 1)), first - ONE_DAY)
        after = (last + ONE_DAY, min(last + dt.timedelta(days=AROUND_DAYS), dt.date(self.year, 12, 31)))
        for start, end in (before, after):
            if start <= end:
                spans.append((start, end))
        return tuple(spans)

    def assumed_between(self, first: dt.date, last: dt.date) -> tuple[str, ...]:
        return tuple(words for start, end, words in self.assumptions if start <= last and first <= end)


def span(first: dt.date, last: dt.date) -> str:
    if first == last:
        return first.isoformat()
    return f"{first.isoformat()}..{last.isoformat()[5:] if first.year == last.year else last.isoformat()}"


def _statutory_dates(year: int) -> tuple[dict[str, list[dt.date]], str] | None:
    try:
        import holidays
    except ImportError:
        return None
    found = holidays.country_holidays("CN", years=year, observed=False, language="zh_CN")
    by_name: dict[str, list[dt.date]] = {}
    for day, names in found.items():
        for name in names.split("; "):
            name = NAMES.get(name, name)
            if name in FESTIVALS:
                by_name.setdefault(name, []).append(day)
    if "春节" not in by_name or "中秋节" not in by_name:  # beyond the package's lunar tables
        return None
    return by_name, f"holidays {holidays.__version__}"


def estimate_year(year: int) -> EstimatedYear | None:
    """The year's statutory holidays and their make-up days; None where no package can give them."""
    found = _statutory_dates(year)
    if found is None:
        return None
    by_name, source = found
    festivals = sorted(by_name.items(), key=lambda item: min(item[1]))
    taken: set[dt.date] = set()
    owed: dict[str, int] = {}
    for name, days in festivals:  # a day lost to a weekend, or to another festival on the same day, is owed
        owed[name] = sum(1 for day in days if day.weekday() >= 5 or day in taken)
        taken.update(days)
    blocks = []
    for name, days in festivals:
        made_up = []
        day = max(days)
        while len(made_up) < owed[name]:
            day += ONE_DAY
            if day.weekday() < 5 and day not in taken:
                made_up.append(day)
                taken.add(day)
        blocks.append(HolidayBlock(name, tuple(sorted(set(days))), tuple(made_up)))
    estimate = EstimatedYear(year, tuple(blocks), source, frozenset(day for block in blocks for day in block.days))
    assumptions = []
    for block in blocks:
        assumptions.append((block.first, block.last, f"{block.describe()} assumed off"))
        assumptions += [(start, end, f"{span(start, end)} may be adjusted (调休) around {block.name}")
                        for start, end in estimate.around(block)]
    return replace(estimate, assumptions=tuple(assumptions))


def describe(estimate: EstimatedYear) -> str:
    around = [f"{span(a, b)}" for block in estimate.blocks for a, b in estimate.around(block)]
    return (f"{estimate.year}: not yet in the official calendar; assumed days off, the statutory holidays from the solar "
            f"and lunar calendars ({estimate.source}) with weekend holidays made up on the next working days: "
            + "; ".join(block.describe() for block in estimate.blocks)
            + ". The year's notice usually also exchanges days next to them (调休), counted here as ordinary weekdays "
            f"and weekends: {', '.join(around)}")
