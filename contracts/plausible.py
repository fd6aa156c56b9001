"""Plausible facts: what a careful clerk would refuse to write down, whatever the database would take.

* A recorded event (a payment, an opening, a tender step, a transition, a suspension, an assessment) falls
  within the range of contract dates (terms.EARLIEST to terms.LATEST) and not after the as-of day, unless
  the command says it records a planned event: 9999-12-31 is a slip of the keyboard, not a payment.
* An opening balance settles only installments due by its own day.
* A suspension or transition while a contract covers the line is said out loud (``--while-covered``).
* Codes are unique without regard to case: ``tw2`` beside ``TW2`` is one contract typed twice.

Pure: the as-of day is given, never read from a clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Sequence

from .errors import ContractsError
from .terms import EARLIEST, LATEST


def in_range(day: dt.date | None, field: str) -> dt.date | None:
    """A date within the range of contract dates, or a refusal naming the field."""
    if day is not None and not (EARLIEST <= day < LATEST):
        raise ContractsError(field, day.isoformat(), f"is outside {EARLIEST.isoformat()} to {(LATEST - dt.timedelta(days=1)).isoformat()}, "
                             "the range of dates kept here")
    return day


def recorded_day(day: dt.date | None, field: str, as_of: dt.date | None, *, planned: bool = False,
                 what: str = "it records what happened") -> dt.date | None:
    """A day of a recorded event: in range, and (with ``as_of``) not after it unless the event is planned."""
    in_range(day, field)
    if day is not None and as_of is not None and not planned and day > as_of:
        raise ContractsError(field, day.isoformat(), f"is after the as-of day {as_of.isoformat()} (today, unless given): {what}")
    return day


def opening_settles(settled_through_seq: int, dues: Sequence[dt.date], as_of: dt.date, code: str) -> None:
    """An opening balance records what was settled before tracking began: no installment due after its day."""
    if settled_through_seq and dues[settled_through_seq - 1] > as_of:
        first_late = next(seq for seq in range(1, settled_through_seq + 1) if dues[seq - 1] > as_of)
        raise ContractsError("settled_through_seq", settled_through_seq,
                             f"would settle installment {first_late} of {code}, due {dues[first_late - 1].isoformat()}, after the "
                             f"opening's day {as_of.isoformat()}; an opening records only what was settled before tracking began")


def overlapping(start: dt.date, end: dt.date | None, contracts: Iterable[tuple[str, dt.date, dt.date]]) -> list[str]:
    """The contracts (code, start, end; half-open) that a span from ``start`` (to ``end``, or open) overlaps,
    each as 'CODE (start to end)'."""
    return [f"{code} ({first.isoformat()} to {last.isoformat()})" for code, first, last in contracts
            if first < (end or dt.date.max) and start < last]


def refuse_while_covered(noun: str, line: str, start: dt.date, end: dt.date | None, contracts: Iterable[tuple[str, dt.date, dt.date]],
                         *, while_covered: bool) -> list[str]:
    """A transition or suspension of a line while one of its contracts serves it needs ``while_covered``;
    returns what it overlaps (for the caller to say so)."""
    overlaps = overlapping(start, end, contracts)
    if overlaps and not while_covered:
        raise ContractsError("start", start.isoformat(), f"puts a {noun} of {line} while contract {overlaps[0]} covers it; "
                             "if that is so, say it with --while-covered (while_covered = true in a file)")
    return overlaps


def code_clash(code: str, existing: Iterable[str]) -> str | None:
    """An existing code that differs from ``code`` only in case (None: no clash)."""
    folded = code.casefold()
    return next((other for other in existing if other != code and other.casefold() == folded), None)


def refuse_code_clash(code: str, existing: Iterable[str], field: str = "code", noun: str = "contract") -> None:
    other = code_clash(code, existing)
    if other is not None:
        raise ContractsError(field, code, f"differs only in case from {noun} {other!r}; codes are unique without regard to case")
