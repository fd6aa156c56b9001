"""Whole-portfolio figures kept while the store does not change, and brought up to date in the background: the
portfolio as of a day, as the HTML report and ``contracts check`` compute it (contracts.report.build,
Store.integrity_findings), and through ``kept`` the procurement and budget pages' figures.

Every change to the stored facts appends to the history in the same transaction, so the history's last id (of the
entries about facts) says whether anything changed: each page costs one computation per change (per worker), not
one per view. On a province's portfolio a computation takes seconds to minutes, so a page waits for it at most a
moment (WAIT_SECONDS, the `wait_seconds` setting), and once a computation of its kind has taken longer than that,
hardly at all (QUICK_WAIT_SECONDS): meanwhile it shows the newest figures made for the same question, saying from
when they are, or, before the first are ready, that they are being made. A small store's answer comes within the
moment, always fresh.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from contracts.report import Report
    from db.store import Store

EXPIRING_DAYS = 180  # the dashboard's window for contracts that expire (issue #14)
REBID_HORIZON = 365  # as `contracts rebid` by default
REBID_METHODS = ("public",)  # as the HTML report: the longest method, the one to start first
WAIT_SECONDS = 1.0  # how long a page waits for a computation before showing the last one (or saying it is coming)


@dataclass(frozen=True)
class Portfolio:
    report: "Report"
    integrity: list  # the store's own findings (database check, history chain), as `contracts check` lists first
    contracts: int
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
    portfolio: Any  # what was made (a Portfolio for the dashboard); None: the first computation is not ready yet
    fresh: bool  # made for the store as it is now
    failed: str = ""  # the one line of an error the last computation ended with
    made_at: dt.datetime | None = None  # when the computation of what is shown started (UTC)
    made: "_Made | None" = field(default=None, repr=False, compare=False)

    @property
    def value(self) -> Any:
        return self.portfolio

    def derived(self, name: tuple, make: Callable[[], Any]) -> Any:
        """What a page makes of the figures for a reader (its tables in the reader's language and unit), made once
        per computation and ``name``: a page then costs its template, not its tables, while the store is unchanged
        (and, while new figures are computed, it competes for the interpreter with that computation)."""
        if self.made is None:
            return make()
        with _lock:
            if name in self.made.derived:
                return self.made.derived[name]
        value = make()
        with _lock:
            return self.made.derived.setdefault(name, value)


@dataclass(frozen=True)
class _Made:
    value: Any
    key: tuple  # (store, the history's last id about facts, kind)
    made_at: dt.datetime
    derived: dict = field(default_factory=dict, compare=False, repr=False)


_lock = threading.Lock()
_latest: dict[tuple, _Made] = {}  # (store, kind) -> the newest made
_running: dict[tuple, threading.Event] = {}  # key -> set when done
_failures: dict[tuple, str] = {}
_took: dict[tuple, float] = {}  # (store, kind's name) -> seconds the last computation of that kind took
QUICK_WAIT_SECONDS = 0.05  # the wait when the last computation of the kind took longer than the page's wait
# Before a kind was computed once: the dashboard's computation took 4.2 s of CPU at 2,000 contracts (bench/RESULTS.md),
# about 2 ms a contract; a store whose size predicts more than the page's wait gets the quick wait from the first view.
SECONDS_PER_CONTRACT = 0.002


# One whole-portfolio computation at a time per worker: they hold the portfolio in memory (2 GB at 100,000 contracts
# for the dashboard's) and, sharing one interpreter lock, running several at once only slows each and every page
# served meanwhile. A computation that waits for another's figures (the report, a workbook) lets go while it waits.
_heavy = threading.Lock()
_local = threading.local()
KEPT_AT_MOST = 12  # figures kept per worker (the newest of each kind and day): a reader's many as-of days must not pile up


def _waiting(done: threading.Event, seconds: float) -> None:
    """A page's wait, or a computation's for another's figures: the latter lets go of _heavy meanwhile (and must hold
    no other lock then), and the time is not counted as its own."""
    if getattr(_local, "holding", False):
        began = time.perf_counter()
        _heavy.release()
        try:
            done.wait(seconds)
        finally:
            _heavy.acquire()
            _local.waited = getattr(_local, "waited", 0.0) + time.perf_counter() - began
    else:
        done.wait(seconds)


_used: dict[tuple, float] = {}  # (store, kind) -> when a page last asked for it (time.monotonic)


def _forget_the_least_used(keep: tuple) -> list:
    """Under _lock: at most KEPT_AT_MOST figures, those asked for least recently forgotten first, never ``keep`` (the
    figures just made: a report that waited for another computation finishes last). Returned, to be freed once _lock
    is let go."""
    forgotten = []
    while len(_latest) > KEPT_AT_MOST:
        least = min((name for name in _latest if name != keep), key=lambda name: _used.get(name, 0.0))
        forgotten.append(_latest.pop(least))
        _used.pop(least, None)
    return forgotten


_collection_paused = [0, True]  # computations running with the cyclic garbage collector paused; was it enabled


@contextmanager
def _no_cycle_collection():
    """The cyclic garbage collector paused while a computation runs: at 100,000 contracts it makes millions of
    (acyclic: reference counting frees them) objects, and each full collection it set off walked the whole heap
    holding the interpreter lock, stalling every page for up to 1.4 s (measured with py-spy and a probe)."""
    with _lock:
        _collection_paused[0] += 1
        if _collection_paused[0] == 1:
            _collection_paused[1] = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _lock:
            _collection_paused[0] -= 1
            if _collection_paused[0] == 0 and _collection_paused[1]:
                gc.enable()


def _contracts(store: "Store") -> int:
    from sqlalchemy import text

    with store.reading() as connection:
        return connection.execute(text("SELECT COUNT(*) FROM contract")).scalar() or 0


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


def _run(store: "Store", make: Callable[["Store"], Any], key: tuple, done: threading.Event,
         started: dt.datetime) -> None:
    from contracts.errors import ContractsError

    took = None
    dropped: list = []  # figures replaced or forgotten: freed after _lock is let go (millions of objects at 100k)
    try:
        with _heavy, _no_cycle_collection():
            _local.holding, _local.waited = True, 0.0
            clock = time.perf_counter()  # its own time: not its turn's wait, nor its waits for other figures
            try:
                made = _Made(make(store), key, started)
            finally:
                _local.holding = False
                took = time.perf_counter() - clock - _local.waited
        with _lock:
            latest = _latest.get(key[::2])
            if latest is None or (latest.key[1] or 0) <= (key[1] or 0):
                dropped.append(latest)
                _latest[key[::2]] = made
                _used.setdefault(key[::2], time.monotonic())
                dropped.extend(_forget_the_least_used(key[::2]))
            _failures.pop(key[::2], None)
    except ContractsError as error:
        with _lock:
            _failures[key[::2]] = error.line()
    except Exception as error:  # a page must say the figures failed, not wait for them for ever
        logging.getLogger("contracts.web").exception("computing %s failed", key[2])
        with _lock:
            _failures[key[::2]] = f"error: the figures could not be computed ({type(error).__name__}); the server's log has the details"
    finally:
        with _lock:
            _running.pop(key, None)
            if took is not None:
                _took[(key[0], _kind_name(key[2]))] = took
        done.set()


def _kind_name(kind: tuple) -> tuple:
    """What a computation's time is remembered by: its kind, and for a workbook which one (their sizes differ)."""
    return kind[:2] if kind[0] == "workbook" else kind[:1]


def kept(store: "Store", kind: tuple, make: Callable[["Store"], Any], *, wait: float,
         now: dt.datetime | None = None) -> Answer:
    """What ``make(store)`` returns for the store as it is now, kept until a fact changes: ``kind`` names it (its first
    item the kind of computation, the rest what it depends on, such as the as-of day). If it is not made yet, it is
    made in a thread of its own, and the page waits for it up to ``wait`` seconds, or only QUICK_WAIT_SECONDS when
    the last computation of the same kind, with those running or queued before it, took longer than ``wait`` (a
    province's portfolio: the page then answers at once with the newest made for the same kind, saying from when it
    is, or that it is being made)."""
    key = (store.url, state(store), kind)
    with _lock:
        _used[key[::2]] = time.monotonic()
        latest = _latest.get(key[::2])
        if latest is not None and latest.key == key:
            return Answer(latest.value, True, made_at=latest.made_at, made=latest)
        done = _running.get(key)
        if done is None:
            done = _running[key] = threading.Event()
            started = now or dt.datetime.now(dt.timezone.utc)
            threading.Thread(target=_run, args=(store, make, key, done, started), daemon=True,
                             name=f"kept {kind}").start()
        took = _took.get((store.url, _kind_name(kind)))
        # One computation runs at a time: those running or waiting for their turn come first.
        ahead = sum(_took.get((other[0], _kind_name(other[2])), 0.0) for other in _running
                    if other != key and other[0] == store.url)
    if took is None:  # never computed here yet: expect what the store's size predicts
        took = _contracts(store) * SECONDS_PER_CONTRACT
    _waiting(done, wait if took + ahead <= wait else min(wait, QUICK_WAIT_SECONDS))
    with _lock:
        latest = _latest.get(key[::2])
        if latest is not None and latest.key == key:
            return Answer(latest.value, True, made_at=latest.made_at, made=latest)
        return Answer(latest.value if latest else None, False, _failures.get(key[::2], ""),
                      latest.made_at if latest else None, latest)


def _compute(store: "Store", as_of: dt.date) -> Portfolio:
    from contracts.report import build

    integrity = store.integrity_findings()
    portfolio = store.for_report()  # contracts with terms only, alone on their lines, as columns (db/portfolio_reads.py)
    report = build(contracts=portfolio.contracts, lines=portfolio.lines, budgets=store.budgets(), as_of=as_of,
                   expiring_days=EXPIRING_DAYS, rebid_horizon=REBID_HORIZON, methods=REBID_METHODS, lone=portfolio.lone,
                   terms_only=portfolio.terms_only)
    return Portfolio(report, integrity, portfolio.count)


def portfolio(store: "Store", as_of: dt.date, *, wait: float | None = None, now: dt.datetime | None = None) -> Answer:
    """The portfolio (contracts.report.build and the store's own findings) as of a day, kept as ``kept`` says."""
    return kept(store, ("portfolio", as_of), lambda opened: _compute(opened, as_of),
                wait=WAIT_SECONDS if wait is None else wait, now=now)
