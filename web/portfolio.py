"""The portfolio as of a day, as the HTML report and ``contracts check`` compute it (contracts.report.build,
Store.integrity_findings), kept while the store does not change, and brought up to date in the background.

Every change to the stored facts appends to the history in the same transaction, so the history's last id says
whether anything changed: the dashboard and the findings page cost one computation per change (per worker), not
one per page view. On a province's portfolio that computation takes minutes, so a page never waits for it longer
than a moment (WAIT_SECONDS): meanwhile it shows the last one made for the same day, saying from when it is, or,
before the first is ready, that it is being made. A small store's answer comes within the moment, always fresh.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from contracts.report import Report
    from db.store import Store

EXPIRING_DAYS = 180  # the dashboard's window for contracts that expire (issue #14)
REBID_HORIZON = 365  # as `contracts rebid` by default
REBID_METHODS = ("public",)  # as the HTML report: the longest method, the one to start first
WAIT_SECONDS = 5.0  # how long a page waits for a computation before showing the last one (or saying it is coming)


@dataclass(frozen=True)
class Portfolio:
    report: "Report"
    integrity: list  # the store's own findings (database check, history chain), as `contracts check` lists first
    contracts: int
    key: tuple = ()  # (store, the history's last id, as-of day) it was made for
    made_at: dt.datetime | None = None  # when the computation started (UTC)
    derived: dict = field(default_factory=dict, compare=False, repr=False)

    def kept(self, name: str, make: Callable[["Portfolio"], Any]) -> Any:
        """What a page derives from the portfolio (sorted, ranked, counted), made once per state of the store."""
        with _lock:
            if name not in self.derived:
                self.derived[name] = make(self)
            return self.derived[name]

    @property
    def findings(self) -> list:
        return self.integrity + list(self.report.findings)


@dataclass(frozen=True)
class Answer:
    portfolio: Portfolio | None  # None: the first computation is not ready yet
    fresh: bool  # made for the store as it is now
    failed: str = ""  # the one line of an error the last computation ended with


_lock = threading.Lock()
_latest: dict[tuple, Portfolio] = {}  # (store, as-of day) -> the newest made
_running: dict[tuple, threading.Event] = {}  # key -> set when done
_failures: dict[tuple, str] = {}


# History entries about people, not facts: signing in, users and calendar feeds change no figure of the portfolio,
# so they must not throw its computation away (at a province's size that is minutes of work per sign-in).
PEOPLE_ACTIONS = ("add user", "change password", "disable user", "lock user", "make calendar feed",
                  "revoke calendar feed", "sign in", "sign out", "sign-in failed")


def state(store: "Store") -> int | None:
    """What changes whenever a fact changes: the id of the history's last entry about facts (read backwards from
    the end, so it costs the few entries about people written since)."""
    from sqlalchemy import bindparam, text

    query = text("SELECT id FROM history WHERE action NOT IN :people ORDER BY id DESC LIMIT 1").bindparams(
        bindparam("people", expanding=True))
    with store.reading() as connection:
        return connection.execute(query, {"people": list(PEOPLE_ACTIONS)}).scalar()


def _compute(store: "Store", as_of: dt.date, key: tuple, done: threading.Event, started: dt.datetime) -> None:
    from contracts.errors import ContractsError
    from contracts.report import build

    try:
        integrity = store.integrity_findings()
        contracts = store.load()
        report = build(contracts=contracts, lines=store.lines(contracts=contracts), budgets=store.budgets(), as_of=as_of,
                       expiring_days=EXPIRING_DAYS, rebid_horizon=REBID_HORIZON, methods=REBID_METHODS)
        made = Portfolio(report, integrity, len(contracts), key, started)
        with _lock:
            latest = _latest.get(key[::2])
            if latest is None or (latest.key[1] or 0) <= (key[1] or 0):
                _latest[key[::2]] = made
            _failures.pop(key[::2], None)
    except ContractsError as error:
        with _lock:
            _failures[key[::2]] = error.line()
    finally:
        with _lock:
            _running.pop(key, None)
        done.set()


def portfolio(store: "Store", as_of: dt.date, *, wait: float | None = None, now: dt.datetime | None = None) -> Answer:
    """The portfolio for the store as it is now if it is ready within ``wait`` seconds, else the newest made for the
    same day (not fresh), else None; a computation for the store as it is now is started (at ``now``, the app's
    clock) if none is running."""
    key = (store.url, state(store), as_of)
    with _lock:
        latest = _latest.get(key[::2])
        if latest is not None and latest.key == key:
            return Answer(latest, True)
        done = _running.get(key)
        if done is None:
            done = _running[key] = threading.Event()
            started = now or dt.datetime.now(dt.timezone.utc)
            threading.Thread(target=_compute, args=(store, as_of, key, done, started), daemon=True,
                             name=f"portfolio {as_of}").start()
    done.wait(WAIT_SECONDS if wait is None else wait)
    with _lock:
        latest = _latest.get(key[::2])
        if latest is not None and latest.key == key:
            return Answer(latest, True)
        return Answer(latest, False, _failures.get(key[::2], ""))
