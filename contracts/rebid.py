"""Rebid deadlines: the latest day to start a successor procurement, per method, to sign before expiry.

The minimum durations come from the Government Procurement Law (GPL), its
Implementing Regulation (条例) and the Ministry of Finance's orders; the buyer's
own times (preparation, evaluation to award, signing after the challenge period)
are settings. Days are counted as the law counts them: a period "of N days from"
a day ends N days later; a period of N working days beginning on a day counts
that day when it is a working day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from .tenders import METHODS
from .workdays import WorkCalendar

ON_TRACK, START_NOW, LATE, LAPSED = "on track", "start now", "late", "lapsed"
IN_TRANSITION = "in transition"  # the line's own state (contracts.lines): an approved transition covers it


@dataclass(frozen=True)
class LeadTimes:
    preparation_days: int = 30  # the buyer's own: approvals, requirements, documents (a setting)
    award_working_days: int = 5  # bid deadline to award notice: evaluation, report, decision (a setting)
    challenge_working_days: int = 7  # suppliers may challenge within 7 working days (GPL art. 52)
    signing_days: int = 3  # after the challenge period (a setting; the law allows 30 days from the award, GPL art. 46)
    start_now_days: int = 30  # slack at or below which the answer is "start now"

    def with_settings(self, **settings) -> "LeadTimes":
        return replace(self, **{key: value for key, value in settings.items() if value is not None})


# What each method needs between the announcement (or invitation) and the deadline for bids, and the articles
# that say so (quoted in procurement_law.ARTICLES).
BIDDING_BASIS = {
    "public": ("GPL art. 35", "条例 art. 31"),
    "invited": ("条例 art. 21", "GPL art. 35"),
    "consultation": ("财库〔2014〕214号 art. 10",),
    "negotiation": ("MOF Order 74 art. 29",),
    "quotation": ("MOF Order 74 art. 45",),
    "single-source": ("条例 art. 38",),
}
BIDDING_RULES = {
    "public": "bids due at least 20 days after the documents are issued (GPL art. 35); documents available at least "
              "5 working days (条例 art. 31)",
    "invited": "prequalification notice at least 5 working days (条例 art. 21), then bids due at least 20 days "
               "after the documents are issued (GPL art. 35)",
    "consultation": "responses due at least 10 days after the documents are issued; documents available at least "
                    "5 working days (财库〔2014〕214号 art. 10)",
    "negotiation": "responses due at least 3 working days after the documents are issued (MOF Order 74 art. 29)",
    "quotation": "quotations due at least 3 working days after the request is issued (MOF Order 74 art. 45)",
    "single-source": "public notice of at least 5 working days before negotiating (条例 art. 38)",
}


def bid_deadline(method: str, announced: dt.date, calendar: WorkCalendar) -> dt.date:
    if method == "public":
        return max(announced + dt.timedelta(days=20), calendar.nth_workday_from(announced, 5) + dt.timedelta(days=1))
    if method == "invited":
        invited = calendar.nth_workday_from(announced, 5) + dt.timedelta(days=1)
        return invited + dt.timedelta(days=20)
    if method == "consultation":
        return max(announced + dt.timedelta(days=10), calendar.nth_workday_from(announced, 5) + dt.timedelta(days=1))
    if method in ("negotiation", "quotation"):
        return calendar.workdays_after(announced, 3)
    if method == "single-source":
        return calendar.nth_workday_from(announced, 5) + dt.timedelta(days=1)
    raise ValueError(method)


@dataclass(frozen=True)
class Plan:
    """One way through a procurement, started on ``start``."""

    method: str
    start: dt.date
    announce: dt.date
    bids_due: dt.date
    award_notice: dt.date
    challenge_ends: dt.date
    signed: dt.date


def plan(method: str, start: dt.date, lead: LeadTimes, calendar: WorkCalendar) -> Plan:
    announce = start + dt.timedelta(days=lead.preparation_days)
    bids_due = bid_deadline(method, announce, calendar)
    award = calendar.workdays_after(bids_due, lead.award_working_days)
    challenge = calendar.workdays_after(award, lead.challenge_working_days)
    signed = calendar.nth_workday_from(challenge + dt.timedelta(days=lead.signing_days), 1)  # offices sign on working days
    return Plan(method, start, announce, bids_due, award, challenge, signed)


def latest_start(method: str, expires: dt.date, lead: LeadTimes, calendar: WorkCalendar) -> Plan:
    """The latest start whose plan signs before ``expires`` (the day the current coverage ends)."""
    start = expires - dt.timedelta(days=lead.preparation_days + 20)
    # Step back until the plan fits, then forward while it still fits: the plan is monotone in its start.
    while plan(method, start, lead, calendar).signed >= expires:
        start -= dt.timedelta(days=7)
    while plan(method, start + dt.timedelta(days=1), lead, calendar).signed < expires:
        start += dt.timedelta(days=1)
    return plan(method, start, lead, calendar)


@dataclass(frozen=True)
class RebidRow:
    line: str
    coverage_ends: dt.date
    method: str
    latest_start: dt.date | None
    sign_by: dt.date | None  # None: no day is known by which to sign (an open-ended transition)
    slack_days: int | None
    state: str
    plan: Plan | None = None
    earliest_signing: dt.date | None = None  # if this method were started on the as-of day
    assumed_days: tuple[str, ...] = ()  # holidays assumed (not yet published) in the days these dates were counted over


def state_for(slack: int, expired: bool, lead: LeadTimes) -> str:
    if expired:
        return LAPSED
    if slack < 0:
        return LATE
    if slack <= lead.start_now_days:
        return START_NOW
    return ON_TRACK


class Plans:
    """``plan``, ``latest_start`` and the calendar's assumed days for one set of lead times and one calendar, each
    worked out once per method and day: a province's lines end on a few hundred days, and every lapsed line asks for
    the same earliest signing (``rebid`` over 100,000 lines asked for it 100,000 times)."""

    def __init__(self, lead: LeadTimes, calendar: WorkCalendar) -> None:
        self.lead, self.calendar = lead, calendar
        self._earliest: dict[tuple[str, dt.date], dt.date] = {}
        self._latest: dict[tuple[str, dt.date], Plan] = {}
        self._assumed: dict[tuple[dt.date, dt.date, int], tuple[str, ...]] = {}

    def earliest(self, method: str, as_of: dt.date) -> dt.date:
        """The earliest signing of a tender started on ``as_of``."""
        key = (method, as_of)
        if key not in self._earliest:
            self._earliest[key] = plan(method, as_of, self.lead, self.calendar).signed
        return self._earliest[key]

    def latest(self, method: str, expires: dt.date) -> Plan:
        key = (method, expires)
        if key not in self._latest:
            self._latest[key] = latest_start(method, expires, self.lead, self.calendar)
        return self._latest[key]

    def assumed(self, first: dt.date, last: dt.date) -> tuple[str, ...]:
        # The calendar notes each year it had to assume as it is asked about days (its set only grows): the answer
        # is kept for as long as that set stays the size it was.
        key = (first, last, len(self.calendar.fallback_years))
        if key not in self._assumed:
            self._assumed[key] = self.calendar.assumed_between(first, last)
        return self._assumed[key]


def rebid_rows(line: str, coverage_ends: dt.date, as_of: dt.date, lead: LeadTimes, calendar: WorkCalendar,
               methods: tuple[str, ...] = tuple(METHODS), *, in_transition: bool = False,
               transition_ends: dt.date | None = None, plans: Plans | None = None) -> list[RebidRow]:
    """For one line whose coverage ends on ``coverage_ends``: each method's latest start and slack.

    A line ``in_transition`` (an approved interim arrangement serves it, as ``contracts lines`` says) is in that
    state, not lapsed; if the transition has an end, the successor must be signed before it, and the latest start
    is counted back from it. ``plans``: the plans worked out for other lines already (with the same lead times and
    calendar), to share.
    """
    plans = plans or Plans(lead, calendar)
    rows = []
    for method in methods:
        earliest = plans.earliest(method, as_of)
        if in_transition:
            if transition_ends is None or as_of >= transition_ends:
                row = RebidRow(line, coverage_ends, method, None, None, None, IN_TRANSITION, None, earliest)
            else:
                best = plans.latest(method, transition_ends)
                row = RebidRow(line, coverage_ends, method, best.start, transition_ends - dt.timedelta(days=1),
                               (best.start - as_of).days, IN_TRANSITION, best, earliest)
        elif as_of >= coverage_ends:
            row = RebidRow(line, coverage_ends, method, None, coverage_ends - dt.timedelta(days=1), None, LAPSED,
                           None, earliest)
        else:
            best = plans.latest(method, coverage_ends)
            slack = (best.start - as_of).days
            row = RebidRow(line, coverage_ends, method, best.start, coverage_ends - dt.timedelta(days=1), slack,
                           state_for(slack, False, lead), best, earliest)
        if calendar.fallback_years:  # say which days the dates of this row rest on, where they were assumed
            first = min(as_of, row.latest_start or as_of)
            last = max(earliest, row.plan.signed if row.plan else earliest)
            row = replace(row, assumed_days=plans.assumed(first, last))
        rows.append(row)
    return rows


def assumptions(lead: LeadTimes, calendar: WorkCalendar, methods: tuple[str, ...] = tuple(METHODS)) -> list[str]:
    lines = [
        f"preparation before the announcement: {lead.preparation_days} days (setting --prep-days)",
        *(f"{method}: {BIDDING_RULES[method]}" for method in methods),
        f"bid deadline to award notice: {lead.award_working_days} working days (setting --award-days)",
        f"challenge period after the award notice: {lead.challenge_working_days} working days (GPL art. 52)",
        f"signing: on the first working day {lead.signing_days} days or more after the challenge period (setting --signing-days; "
        "the law allows up to 30 days from the award notice, GPL art. 46)",
        "the new contract must be signed before the day the current coverage ends",
        f"'start now' when the slack is {lead.start_now_days} days or less; 'late' when that method can no longer "
        "finish in time; 'lapsed' when the service already runs without a contract or approved transition; "
        "'in transition' when an approved transition serves it (then the successor is due before the transition "
        "ends, if it has an end); earliest signing: if that method were started on the as-of day",
        *calendar.describe_lines(),
    ]
    return lines


