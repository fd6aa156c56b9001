"""The portfolio as of a day, as the HTML report and ``contracts check`` compute it (contracts.report.build,
Store.integrity_findings), kept while the store does not change.

Every change to the stored facts appends to the history in the same transaction, so the history's last id says
whether anything changed: the dashboard and the findings page of a thousand readers cost one computation per change
(per worker), not one per page view.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contracts.report import Report
    from db.store import Store

EXPIRING_DAYS = 180  # the dashboard's window for contracts that expire (issue #14)
REBID_HORIZON = 365  # as `contracts rebid` by default
REBID_METHODS = ("public",)  # as the HTML report: the longest method, the one to start first


@dataclass(frozen=True)
class Portfolio:
    report: "Report"
    integrity: list  # the store's own findings (database check, history chain), as `contracts check` lists first
    contracts: int

    @property
    def findings(self) -> list:
        return self.integrity + list(self.report.findings)


_lock = threading.Lock()
_kept: dict[tuple, Portfolio] = {}


def state(store: "Store") -> tuple:
    """What changes whenever a fact changes: the history's last id (and the store it is of)."""
    from sqlalchemy import text

    with store.reading() as connection:
        return store.url, connection.execute(text("SELECT MAX(id) FROM history")).scalar()


def portfolio(store: "Store", as_of: dt.date) -> Portfolio:
    key = (*state(store), as_of)
    with _lock:
        kept = _kept.get(key)
        if kept is not None:
            return kept
        from contracts.report import build

        integrity = store.integrity_findings()
        contracts = store.load()
        report = build(contracts=contracts, lines=store.lines(contracts=contracts), budgets=store.budgets(), as_of=as_of,
                       expiring_days=EXPIRING_DAYS, rebid_horizon=REBID_HORIZON, methods=REBID_METHODS)
        kept = Portfolio(report, integrity, len(contracts))
        _kept.clear()  # one state at a time: the newest
        _kept[key] = kept
        return kept
