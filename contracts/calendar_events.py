"""Due dates, expiries and rebid start dates as calendar events, with stable identities.

Each event's uid names what it is about (an installment, a contract's expiry, a line's rebid),
so that a calendar exported again updates the events a clerk already has instead of adding
copies. Each event also names the records its content comes from (``sources``: a contract's code, or a line's
and its contracts' codes), so that the CLI can give it a SEQUENCE and LAST-MODIFIED from the stored history.
Pure: each event carries what it is about (its kind and facts); the CLI words it, in English or Chinese, and
writes it as iCalendar. Nothing in an event depends on the day of export beyond which events there are: a rebid
event names its own date, never "today".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from .payables import AWAITING_USAGE, PAID, Ledger
from .rebid import RebidRow


@dataclass(frozen=True)
class Event:
    uid: str
    day: dt.date
    kind: str  # "due", "overdue", "expiry" or "rebid"
    facts: dict  # what the wording needs: codes, amounts (None: not known yet), dates, states
    remind_days: int | None  # a reminder this many days before; None: no reminder (the day has passed)
    sources: tuple[str, ...] = ()  # the contracts and lines whose stored facts make the event


def events(ledgers: Iterable[Ledger], rebids: Iterable[RebidRow], as_of: dt.date, *, overdue: bool = False,
           line_contracts: dict[str, tuple[str, ...]] | None = None) -> list[Event]:
    """Installments still to be paid and falling due on or after ``as_of`` (with ``overdue``, also those due before
    and still unpaid), expiries to come, rebid starts. An installment whose amount is not known yet (a unit-priced
    period without its usage) has amount None: it is never announced as 0.00."""
    found: list[Event] = []
    line_contracts = line_contracts or {}
    for ledger in ledgers:
        terms = ledger.terms
        for item in ledger.payables:
            if item.seq == 0 or item.state == PAID:
                continue
            late = item.due < as_of
            if late and not overdue:
                continue
            unknown = item.state == AWAITING_USAGE
            amount = None if unknown else (item.owed if item.owed is not None else item.gross)
            found.append(Event(f"due-{terms.code}-{item.seq}@contracts-tracker", item.due, "overdue" if late else "due",
                               {"code": terms.code, "seq": item.seq, "amount": amount, "name": terms.name,
                                "start": item.period_start, "end": item.period_end, "state": item.state, "due": item.due},
                               None if late else 7, (terms.code,)))
        if terms.service_end >= as_of:
            found.append(Event(f"expiry-{terms.code}@contracts-tracker", terms.service_end, "expiry",
                               {"code": terms.code, "name": terms.name, "billing_end": terms.billing_end}, 120, (terms.code,)))
    for row in rebids:
        if row.latest_start is None or row.latest_start < as_of:
            continue
        found.append(Event(f"rebid-{row.line}-{row.method}@contracts-tracker", row.latest_start, "rebid",
                           {"line": row.line, "method": row.method, "day": row.latest_start,
                            "coverage_ends": row.coverage_ends, "sign_by": row.sign_by,
                            "assumed": "; ".join(row.assumed_days)}, 14,
                           (row.line, *line_contracts.get(row.line, ()))))
    return sorted(found, key=lambda event: (event.day, event.uid))
