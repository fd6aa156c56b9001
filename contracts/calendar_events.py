"""Due dates, expiries and rebid start dates as calendar events, with stable identities.

Each event's uid names what it is about (an installment, a contract's expiry, a line's rebid),
so that a calendar exported again updates the events a clerk already has instead of adding
copies. Pure: the CLI writes them as iCalendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from .money import format_money_grouped
from .payables import PAID, Ledger
from .rebid import RebidRow


@dataclass(frozen=True)
class Event:
    uid: str
    day: dt.date
    summary: str
    description: str
    remind_days: int  # a reminder this many days before


def events(ledgers: Iterable[Ledger], rebids: Iterable[RebidRow], as_of: dt.date) -> list[Event]:
    """Installments still to be paid and falling due on or after ``as_of``, expiries to come, rebid starts."""
    found: list[Event] = []
    for ledger in ledgers:
        terms = ledger.terms
        for item in ledger.payables:
            if item.seq == 0 or item.due < as_of or item.state == PAID:
                continue
            amount = item.owed if item.owed is not None else item.gross
            found.append(Event(f"due-{terms.code}-{item.seq}@contracts-tracker", item.due,
                               f"{terms.code} installment {item.seq} due: {format_money_grouped(amount)}",
                               f"{terms.name}; period {item.period_start} to {item.period_end}; {item.state}", 7))
        if terms.service_end >= as_of:
            found.append(Event(f"expiry-{terms.code}@contracts-tracker", terms.service_end, f"{terms.code} expires",
                               f"{terms.name}: the service period ends (billing ended {terms.billing_end})", 120))
    for row in rebids:
        if row.latest_start is None or row.latest_start < as_of:
            continue
        found.append(Event(f"rebid-{row.line}-{row.method}@contracts-tracker", row.latest_start,
                           f"{row.line}: start the {row.method} procurement by today",
                           f"coverage ends {row.coverage_ends}; sign by {row.sign_by}; state {row.state}", 14))
    return sorted(found, key=lambda event: (event.day, event.uid))
