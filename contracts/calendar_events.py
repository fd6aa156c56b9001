"""Due dates, expiries and rebid start dates as calendar events, with stable identities.

Each event's uid names what it is about (an installment, a contract's expiry, a line's rebid),
so that a calendar exported again updates the events a clerk already has instead of adding
copies. Pure: each event carries what it is about (its kind and facts); the CLI words it, in English or
Chinese, and writes it as iCalendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from .payables import PAID, Ledger
from .rebid import RebidRow


@dataclass(frozen=True)
class Event:
    uid: str
    day: dt.date
    kind: str  # "due", "expiry" or "rebid"
    facts: dict  # what the wording needs: codes, amounts, dates, states
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
            found.append(Event(f"due-{terms.code}-{item.seq}@contracts-tracker", item.due, "due",
                               {"code": terms.code, "seq": item.seq, "amount": amount, "name": terms.name,
                                "start": item.period_start, "end": item.period_end, "state": item.state}, 7))
        if terms.service_end >= as_of:
            found.append(Event(f"expiry-{terms.code}@contracts-tracker", terms.service_end, "expiry",
                               {"code": terms.code, "name": terms.name, "billing_end": terms.billing_end}, 120))
    for row in rebids:
        if row.latest_start is None or row.latest_start < as_of:
            continue
        found.append(Event(f"rebid-{row.line}-{row.method}@contracts-tracker", row.latest_start, "rebid",
                           {"line": row.line, "method": row.method, "coverage_ends": row.coverage_ends,
                            "sign_by": row.sign_by, "state": row.state, "assumed": "; ".join(row.assumed_days)}, 14))
    return sorted(found, key=lambda event: (event.day, event.uid))
