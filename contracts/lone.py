"""A contract with nothing recorded but its terms and a fixed fee, alone on its line: most of a province's.

Such a line has one contract and no tender, transition or suspension, so its status is the contract's own dates
(``procurement._lone_contract_status``): not started before the billing start, covered until the service ends, then
uncovered. The whole-portfolio answers (``contracts check``, the HTML report) read these contracts as a few columns
(``Store.for_checks``, ``Store.for_report``) and ask them only what follows from those: a whole ``Contract``, a
``LineFacts`` and a ``LineStatus`` each made most of those answers' time and memory (issue #17).
``tests/test_check_lone.py`` and ``tests/test_report_lone.py`` hold every answer made from them equal to the whole
path's.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from .lines import COVERED, NOT_STARTED, UNCOVERED
from .periods import add_months


class LoneTerms(NamedTuple):
    """What the whole-portfolio answers ask of a lone contract; made by ``lone_terms``, which works out its ends."""

    code: str
    line: str  # its line's code (the contract's own code where it names none)
    line_name: str  # its line's name (the contract's name, for a line of its own)
    name: str
    billing_start: dt.date
    billing_months: int
    service_months: int
    stated_end: str
    completed_on: dt.date | None
    billing_end: dt.date  # worked out: ContractTerms.billing_end
    service_end: dt.date  # worked out: ContractTerms.service_end


def lone_terms(code: str, line: str, line_name: str, name: str, billing_start: dt.date, billing_months: int,
               service_months: int, stated_end: str = "", completed_on: dt.date | None = None) -> LoneTerms:
    """A lone contract as the store reads it, its billing and service ends worked out as its terms' are."""
    return LoneTerms(code, line, line_name, name, billing_start, billing_months, service_months, stated_end, completed_on,
                     add_months(billing_start, billing_months), add_months(billing_start, service_months))


def gap(start: dt.date, end: dt.date, as_of: dt.date) -> tuple[dt.date, dt.date] | None:
    """The gap on a lone contract's line (its service from ``start`` to ``end``) up to the day after ``as_of``, if there
    is one: its timeline is the contract (where it has days), then this gap."""
    until = max(as_of + dt.timedelta(days=1), end)
    if until <= start or end >= until:
        return None
    return (end, until) if start < end else (start, until)


def state(lone: LoneTerms, as_of: dt.date) -> str:
    """Its line's state on ``as_of`` (``lines.state_on`` of its timeline: the contract, then a gap)."""
    if as_of < lone.billing_start:
        return NOT_STARTED
    return COVERED if as_of < lone.service_end else UNCOVERED
