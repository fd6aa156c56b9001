"""The store: open a database, load domain objects, save facts in one transaction per command."""

from __future__ import annotations

import datetime as dt
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

from contracts.errors import ContractsError
from contracts.terms import ContractTerms

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from contracts.amendments import Amendment
    from contracts.assessments import Assessment
    from contracts.budget import Budget, Budgets, FeeAmount, FeeLine, Programme
    from contracts.bulk import TermsOnly
    from contracts.contract import Contract
    from contracts.deductions import Rule
    from contracts.lines import ServiceLine, Suspension, Transition
    from contracts.payables import Ledger
    from contracts.payments import Opening, Payment
    from contracts.portfolio_file import Portfolio
    from contracts.procurement import LineFacts
    from contracts.tenders import Tender
    from contracts.usage import Usage
    from contracts.vendors import Vendor

    from .portfolio_reads import ChecksInput, ReportInput

from . import migrate
from .engine import make_engine, plain_postgres_url, plain_sqlite_file, resolve_url, shown_url, sqlite_path
from .mapping import write_terms
from .sql import database_errors


_ENGINE_MADE = threading.Lock()  # a store's engine is made when first needed, from any thread


@dataclass
class OpenedStore:
    store: "Store"
    created: bool = False
    upgraded_from: str | None = None
    backup: Path | None = None


def open_store(url: str | None = None, *, create: bool = True, confirm_upgrade=None, pooled: bool = False) -> OpenedStore:
    """Open (and if need be create or upgrade) the store behind ``url``.

    With ``create=False`` a missing SQLite file is an error rather than a new
    empty store, so that a mistyped path is not silently a new database. An
    existing store on an older schema is upgraded only if ``confirm_upgrade(current,
    head)`` says yes (None: yes, for programs that open their own stores). ``pooled``: a server's store, read through
    SQLAlchemy's pool of connections on PostgreSQL rather than a new connection of the driver's for each read.
    """
    resolved = resolve_url(url)
    shown = shown_url(resolved)
    path = sqlite_path(resolved) if "://" in resolved else None
    if path is not None:
        if not path.exists() and not create:
            raise ContractsError("db", str(path), "has no store yet; run 'contracts init' or 'contracts import FILE' first")
        if not path.parent.exists():
            if create and url is None:
                path.parent.mkdir(parents=True, exist_ok=True)  # the default data directory
            else:
                raise ContractsError("db", str(path), f"cannot be created: folder {str(path.parent)!r} does not exist")
        if path.exists() and path.is_dir():
            raise ContractsError("db", str(path), "is a folder, not a database file")
    driver_file = _driver_file(path, resolved)
    if driver_file is not None and migrate.driver_revision(driver_file) == migrate.HEAD:
        # A store at this program's schema, in a plain SQLite file: opened without SQLAlchemy, which is loaded
        # only if the command goes on to use it (see db/sql.py). Anything else takes the way below.
        return OpenedStore(Store(None, shown, url=resolved, driver_file=driver_file))
    driver_pg = None if pooled else plain_postgres_url(resolved)
    if driver_pg is not None:
        try:
            revision = migrate.pg_driver_revision(driver_pg)
        except database_errors() as exc:  # the server cannot be reached: said in one line, as the engine would
            raise database_error(exc, shown) from None
        if revision == migrate.HEAD:
            return OpenedStore(Store(None, shown, url=resolved, driver_pg=driver_pg))  # the same, on PostgreSQL
    engine = make_engine(resolved)
    try:
        state = migrate.inspect_schema(engine, shown)
        if state.is_new and not create:
            # An empty file (or database) is not a store, and a command that only reads must not make it one.
            raise ContractsError("db", str(path) if path is not None else shown,
                                 "holds no contracts store (it is empty); run 'contracts init' or 'contracts import FILE' first")
        if state.needs_upgrade and not state.is_new:
            from .integrity import refuse_if_damaged

            with engine.connect() as connection:
                refuse_if_damaged(connection, shown)  # never upgrade (write into) a damaged store
        # A file made just now (or one the fast way could not read) is read through the driver from now on, too.
        opened = OpenedStore(Store(engine, shown, url=resolved, driver_file=_driver_file(path, resolved)),
                             created=state.is_new)
        if state.needs_upgrade and not state.is_new and confirm_upgrade is not None and not confirm_upgrade(state.current, state.head):
            raise ContractsError("db", shown, f"uses schema {state.current} and this program needs {state.head}: run again with "
                                 "--yes to upgrade it (an SQLite file is copied aside first); nothing was changed")
        if state.needs_upgrade:
            opened.backup = migrate.upgrade(engine, backup_from=None if state.is_new else path)
            opened.upgraded_from = state.current
    except ContractsError:
        engine.dispose()
        raise
    except database_errors() as exc:
        engine.dispose()
        raise database_error(exc, shown) from None
    return opened


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def _findings_in_a_process(path: str, shown: str) -> Iterator[Callable[[], list]]:
    """The store's integrity findings (``Store.integrity_findings``) worked out in a forked process; what it refuses
    is refused here, in the same words."""
    import importlib
    import multiprocessing

    for module in ("history", "integrity", "sql"):  # imported before the fork, never in the child
        importlib.import_module(f"{__package__}.{module}")

    sys.stdout.flush()  # a forked child must not write out again what this process had not written yet
    sys.stderr.flush()
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_send_findings, args=(sending, path, shown), name="integrity", daemon=True)
    child.start()
    sending.close()
    answer: list = []

    def wait() -> list:
        if not answer:
            try:
                got = receiving.recv()
            except EOFError:  # the child died without a word
                got = ("failed", None)
            except BaseException:  # interrupted here (Ctrl-C): the child's work is not waited for
                child.terminate()
                child.join()
                raise
            child.join()
            if got[0] == "failed":  # whatever went wrong there is worked out (and said) here
                got = ("found", Store(None, shown, driver_file=path).integrity_findings())
            answer.append(got)
        kind, value = answer[0]
        if kind == "refused":
            raise ContractsError(*value)
        return value

    try:
        yield wait
        wait()
    finally:
        receiving.close()
        if child.is_alive():
            child.terminate()
            child.join()


def _send_findings(sending, path: str, shown: str) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to answer, once; it ends this child
    try:
        sending.send(("found", Store(None, shown, driver_file=path).integrity_findings()))
    except ContractsError as refused:
        sending.send(("refused", (refused.field, refused.value, refused.problem, refused.where)))
    except BaseException:  # noqa: BLE001 - no traceback from here: the parent works it out again and says it
        sending.send(("failed", None))
    finally:
        sending.close()


def _driver_file(path: Path | None, resolved: str) -> str | None:
    """The SQLite file the store's reads open straight through the driver: that of a plain SQLite URL, once it exists
    (None: every read through SQLAlchemy, which keeps a URL's options: immutable, mode=ro, ...)."""
    return str(path) if path is not None and path.is_file() and plain_sqlite_file(resolved) is not None else None


def store_exists(url: str | None) -> bool:
    """Whether opening ``url`` would find a store rather than make one: false only for a missing SQLite file."""
    resolved = resolve_url(url)
    path = sqlite_path(resolved) if "://" in resolved else None
    return path is None or path.exists()


def database_error(exc: BaseException, shown: str) -> ContractsError:
    """One line for a failure of the database itself (unreachable, not a database, locked)."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    if "file is not a database" in text:
        return ContractsError("db", shown, "is not a database file")
    if "database is locked" in text:
        return ContractsError("db", shown, "is locked by another program; try again in a moment")
    if "readonly" in text or "read-only" in text:
        return ContractsError("db", shown, "is read-only; nothing was written")
    import sqlite3

    errors, psycopg = sys.modules.get("sqlalchemy.exc"), sys.modules.get("psycopg")
    if isinstance(exc, sqlite3.Error) or (errors is not None and isinstance(exc, (errors.OperationalError, errors.DBAPIError))) \
            or (psycopg is not None and isinstance(exc, psycopg.Error)):
        return ContractsError("db", shown, f"cannot be used: {text}")
    return ContractsError("db", shown, f"failed: {text}")


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)  # contract codes
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    others: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> status -> count

    def count(self, kind: str, status: str) -> None:
        status = "updated" if status.startswith("version") else status
        per_kind = self.others.setdefault(kind, {})
        per_kind[status] = per_kind.get(status, 0) + 1


ANALYZE_AFTER = 10_000  # contracts added or changed by one import: PostgreSQL vacuumed and analysed after it


class Store:
    """Domain objects in, domain objects out; every write in one transaction."""

    def __init__(self, engine: Engine | None, shown_url: str, user: str = "", *, url: str | None = None,
                 driver_file: str | None = None, driver_pg: str | None = None) -> None:
        self._engine = engine  # None: made from ``url`` when first needed
        self._resolved_url = url
        # The SQLite file, or the PostgreSQL database (a libpq URI), the reads open straight through the driver
        # (``light_reading``, db/sql.py); None: through SQLAlchemy.
        self._driver_file = driver_file
        self._driver_pg = driver_pg
        self.account = _login()  # who runs the program: recorded beside ``user`` (on whose behalf) in the history
        self.user = user or self.account
        self.as_of: dt.date | None = None  # the day facts are recorded as of: later ones are refused (None: no such check)
        self.overlaps: list[str] = []  # what the last transition or suspension was said to overlap (--while-covered)
        self._sound = False  # the quick check passed once (SQLite)
        self._write_engine = None
        self.url = shown_url

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with _ENGINE_MADE:  # once, whichever of the web's request threads asks first
                if self._engine is None:
                    try:
                        self._engine = make_engine(self._resolved_url)
                    except database_errors() as exc:
                        raise database_error(exc, self.url) from None
        return self._engine

    @property
    def write_engine(self) -> Engine:
        # Writing units of work take SQLite's write lock at once (see engine._sqlite_begin).
        if self._write_engine is None:
            engine = self.engine
            with _ENGINE_MADE:
                if self._write_engine is None:
                    self._write_engine = engine.execution_options(sqlite_immediate=True)
        return self._write_engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    @contextmanager
    def session(self, *, write: bool = False):
        """A unit of work: commits if the block finishes, rolls everything back if not."""
        from sqlmodel import Session

        try:
            with Session(self.write_engine if write else self.engine, expire_on_commit=False) as session:
                session.info.update(user=self.user, account=self.account, as_of=self.as_of)
                with session.begin():
                    if write:
                        self._before_writing(session)
                    yield session
        except database_errors() as exc:
            raise database_error(exc, self.url) from None

    def _before_writing(self, session) -> None:
        """Refuse to write into a damaged SQLite store (once per command); on PostgreSQL, queue behind any other
        writer of the history (see db/history.lock), taken first so that writers never wait on each other in a circle."""
        from . import history
        from .integrity import refuse_if_damaged

        if not self._sound:
            from contracts.limits import check_text

            check_text(self.user, "history", "user")  # whoever set it (the CLI's --user, the web's sign-in): one line
            refuse_if_damaged(session.connection(), self.url)
            self._sound = True
        history.lock(session)

    def integrity_findings(self) -> list:
        """The store's own soundness as findings of ``check`` (see db/integrity.py)."""
        from .integrity import store_findings

        # PostgreSQL's checks are SQLAlchemy text (its statistics, amcheck): through SQLAlchemy there
        with (self.reading() if self._driver_pg is not None else self.light_reading()) as connection:
            return store_findings(connection)

    @contextmanager
    def integrity_in_background(self, *, process: bool | None = None) -> Iterator[Callable[[], list]]:
        """``integrity_findings`` worked out beside the block while it reads the store, so that the two take the time
        of the longer rather than of both (``check`` on a province's store). The block is given the function that
        waits for the findings; leaving the block waits too.

        In a process of its own (forked: nothing to import again) where the store is an SQLite file read through the
        driver and this process runs no other thread (a command, not the web server): the history chain's walk is
        Python, which a thread would run on the block's interpreter, taking turns with it (0.9 s of ``check`` at
        100,000 contracts); a process walks it on another core. Otherwise in a thread: the database's own check runs
        in its C code (SQLite's integrity_check, PostgreSQL's queries), which leaves Python free. ``process``: force
        one way (tests)."""
        import threading

        if process is None:
            process = self._driver_file is not None and threading.active_count() == 1 and _can_fork()
        if process and self._driver_file is not None:
            with _findings_in_a_process(self._driver_file, self.url) as wait:
                yield wait
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="integrity") as pool:
            running = pool.submit(self.integrity_findings)
            yield running.result

    # -- reading ----------------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only look through SQLAlchemy Core (no ORM to start up)."""
        try:
            with self.engine.connect() as connection:
                yield connection
        except database_errors() as exc:
            raise database_error(exc, self.url) from None

    @contextmanager
    def light_reading(self):
        """A read-only look for the queries written as ``db.sql.Query`` values (the loader's, the whole-portfolio
        reads', the export's, the integrity check's): straight through the SQLite driver where the store is a plain
        file at this schema, otherwise ``reading``. One snapshot for the block."""
        if self._driver_pg is not None:
            import psycopg

            from .sql import PgReader

            with self._driver_reading(lambda: PgReader(self._driver_pg), psycopg.Error) as reader:
                yield reader
            return
        if self._driver_file is None:
            with self.reading() as connection:
                yield connection
            return
        import sqlite3

        from .sql import DriverReader

        with self._driver_reading(lambda: DriverReader(self._driver_file), sqlite3.Error) as reader:
            yield reader

    @contextmanager
    def _driver_reading(self, open_reader: Callable, errors: type[BaseException]):
        """A driver's reader (sqlite3's or psycopg's) for the block, closed after it; the driver's ``errors``, opening
        or reading, said in one line as the engine's would be."""
        try:
            reader = open_reader()
        except errors as exc:
            raise database_error(exc, self.url) from None
        try:
            yield reader
        except errors as exc:
            raise database_error(exc, self.url) from None
        finally:
            reader.close()

    def load(self, codes: Sequence[str] | None = None, *, lock: bool = False, active_from: dt.date | None = None,
             active_before: dt.date | None = None) -> list[Contract]:
        """The contracts with these codes (all if None), in code order, each with every fact attached.

        ``active_from``/``active_before``: only contracts with an installment that can fall due in that window.
        ``lock`` locks their rows while they are read (writers use the same loader inside their transaction).
        """
        from . import loader

        with (self.reading() if lock else self.light_reading()) as connection:
            return [loaded.contract for loaded in loader.load(connection, codes, lock=lock, active_from=active_from,
                                                               active_before=active_before)]

    def stream(self, *, active_from: dt.date | None = None, active_before: dt.date | None = None) -> Iterator[Contract]:
        """Every contract (or those active in the window, as ``load`` takes it), in code order, with every fact,
        made a batch at a time as they are taken: for answers over a whole province in flat memory. The store is
        read until the last one is taken (or the iterator is closed)."""
        from . import loader

        with self.light_reading() as connection:
            yield from loader.stream(connection, active_from=active_from, active_before=active_before)

    @contextmanager
    def split(self, *, active_from: dt.date | None = None,
              active_before: dt.date | None = None) -> Iterator[tuple["TermsOnly", Iterator[Contract]]]:
        """The contracts ``stream`` would give, in two parts: those with terms only and a fixed fee as columns
        (``contracts.bulk.TermsOnly``, for answers made by arrays), and every other one streamed whole. Both are read
        through one connection, open until the block ends."""
        from . import columns

        with self.light_reading() as connection:
            yield columns.split(connection, active_from=active_from, active_before=active_before)

    def contract(self, code: str) -> Contract:
        """One contract with every fact attached (an unknown code is an error naming it)."""
        [contract] = self.load([code])
        return contract

    def expiring(self, first: dt.date, last: dt.date) -> list[tuple[str, str, dt.date, dt.date, dt.date]]:
        """(code, name, billing start, billing end, service end) of contracts whose service ends in ``[first, last]``."""
        from . import reads

        with self.light_reading() as connection:
            return reads.expiring(connection, first, last)

    def contract_page(self, *, as_of: dt.date, search: str = "", status: str = "", line: str = "", programme: str = "",
                      sort: str = "code", descending: bool = False, limit: int = 50, offset: int = 0) -> tuple[int, list]:
        """(how many match, one page of rows) of the contract list, filtered, sorted and paged by the database."""
        from . import reads

        with self.light_reading() as connection:
            return reads.contract_page(connection, as_of=as_of, search=search, status=status, line=line, programme=programme,
                                       sort=sort, descending=descending, limit=limit, offset=offset)

    def list_filters(self) -> tuple[list[str], list[tuple[str, str]]]:
        """The service lines' codes and the programmes' (code, name)."""
        from . import reads

        with self.light_reading() as connection:
            return reads.line_and_programme_codes(connection)

    def lines(self, only: str | None = None, contracts: Sequence[Contract] | None = None) -> list[LineFacts]:
        """Every service line (or ``only`` that one) with its facts; ``contracts``: the portfolio, if loaded already."""
        from . import line_reads, loader

        with self.light_reading() as connection:
            if contracts is None and only is not None:
                # One line's contracts only (amendments never change a contract's line): a line's page on a
                # province's store reads its few contracts, not all of them.
                from .sql import query, run

                codes = list(run(connection, query("SELECT code FROM contract WHERE line = :only OR (line = '' AND code = :only)", ()),
                                 {"only": only}).scalars())
                contracts = [loaded.contract for loaded in loader.load(connection, codes)] if codes else []
            elif contracts is None:
                contracts = [loaded.contract for loaded in loader.load(connection)]
            return line_reads.load_lines(connection, contracts, only)

    def for_checks(self) -> "ChecksInput":
        """The portfolio as the checks read it: contracts with terms only, each alone on its line, as a few columns;
        every other contract and line whole (``db/portfolio_reads.py``)."""
        from .portfolio_reads import for_checks

        with self.light_reading() as connection:
            return for_checks(connection)

    def for_report(self) -> "ReportInput":
        """The portfolio as the HTML report reads it: ``for_checks``, and the lone contracts' schedules as columns."""
        from .portfolio_reads import for_report

        with self.light_reading() as connection:
            return for_report(connection, self.load)

    def budgets(self) -> Budgets:
        """Programmes, budgets, fee lines and their amounts."""
        from . import reads

        with self.light_reading() as connection:
            return reads.load_budgets(connection)

    def history(self, contract: str | None = None) -> list[dict]:
        """The history, oldest first; with a contract code, only the changes to it."""
        from sqlalchemy import text

        sql = 'SELECT id, at, "user", account, action, contract, record, before, after, hash FROM history'  # "user": a keyword in PostgreSQL
        with self.reading() as connection:
            rows = connection.execute(text(sql + (" WHERE contract = :code" if contract else "") + " ORDER BY id"),
                                      {"code": contract} if contract else {})
            return [dict(row._mapping) for row in rows]

    def history_page(self, *, limit: int, offset: int) -> tuple[list[dict], bool]:
        """One page of the history, newest first, and whether there is more."""
        from sqlalchemy import text

        sql = ('SELECT id, at, "user", account, action, contract, record, before, after FROM history '
               "ORDER BY id DESC LIMIT :limit OFFSET :offset")
        with self.reading() as connection:
            rows = [dict(row._mapping) for row in connection.execute(text(sql), {"limit": limit + 1, "offset": offset})]
        return rows[:limit], len(rows) > limit

    def vendors(self) -> list[Vendor]:
        """Every vendor (payee of payment requests), in name order."""
        from .vendors import load_vendors

        with self.reading() as connection:
            return load_vendors(connection)

    def vendor(self, name: str) -> Vendor | None:
        """The vendor a contract names (``ContractTerms.vendor``), or None when none is recorded under that name."""
        from .vendors import vendor_named

        with self.reading() as connection:
            return vendor_named(connection, name)

    @property
    def export_steps(self) -> int:
        """How many times ``export`` tells its progress."""
        from .export import QUERIES

        return QUERIES

    def export(self, progress: Callable[[int], None] | None = None) -> dict:
        """Every stored fact, as one document (see ``db.export``); ``progress(n)`` follows the tables read."""
        from .export import export_all

        with self.light_reading() as connection:
            return export_all(connection, progress)

    def write_export(self, out, progress: Callable[[int], None] | None = None) -> dict[str, int]:
        """The same document written to the text stream ``out`` as it is made (see ``db.export.write_export``);
        returns the entries written per list section."""
        from .export import write_export

        with self.light_reading() as connection:
            return write_export(connection, out, progress)

    # -- writing ----------------------------------------------------------------------------------

    def add(self, terms: ContractTerms) -> None:
        from .tables import ContractRow

        with self.session(write=True) as session:
            if _find(session, terms.code) is not None:
                raise ContractsError("code", terms.code, "exists already; use 'contracts import --update' to change its terms")
            from sqlalchemy import func
            from sqlmodel import select

            from contracts.plausible import refuse_code_clash

            refuse_code_clash(terms.code, session.exec(select(ContractRow.code).where(func.lower(ContractRow.code) == terms.code.lower())))
            if terms.line:
                _lines().check_line(session, terms.line)
            session.add(write_terms(ContractRow(), terms))
            from . import history

            history.log(session, "add contract", f"contract {terms.code}", contract=terms.code, after=terms)

    def restore(self, document: dict, source: str) -> dict[str, int]:
        from .export import restore

        with self.session(write=True) as session:
            return restore(session, document, source)

    def add_rule(self, rule: Rule, *, update: bool = False, allow_credit: bool = False) -> str:
        with self.session(write=True) as session:
            return _facts().add_rule(session, rule, update=update, allow_credit=allow_credit)

    def assess(self, code: str, raw: Mapping[str, Any], *, replace: bool = False,
               allow_credit: bool = False) -> tuple[Assessment, str, Contract]:
        """Record an assessment; returns it, whether it was added or a new version, and the contract with it."""
        with self.session(write=True) as session:
            cache: dict = {}
            assessment, status = _facts().record_assessment(session, code, raw, replace=replace, cache=cache,
                                                            allow_credit=allow_credit)
            return assessment, status, cache[code].contract

    def pay(self, code: str, raw: Mapping[str, Any]) -> tuple[Payment, Ledger]:
        """Record a payment; returns it (with its id) and the ledger it leaves."""
        with self.session(write=True) as session:
            cache: dict = {}
            payment, _, _ = _facts().record_payment(session, code, raw, cache=cache)
            return payment, cache[code].contract.ledger()

    def reverse(self, code: str, payment_id: int, *, on: dt.date, reference: str = "", note: str = "") -> Payment:
        with self.session(write=True) as session:
            return _facts().reverse_payment(session, code, payment_id, on=on, reference=reference, note=note)

    def amend(self, code: str, raw: Mapping[str, Any], *, allow_credit: bool = False) -> tuple[Amendment, Contract, Contract]:
        """Record an amendment; returns it with the contract before and after it."""
        with self.session(write=True) as session:
            amendment, _, before, after = _facts().record_amendment(session, code, raw, allow_credit=allow_credit)
            return amendment, before, after

    def set_opening(self, code: str, raw: Mapping[str, Any], *, update: bool = False) -> tuple[Opening, str]:
        with self.session(write=True) as session:
            return _facts().set_opening(session, code, raw, update=update)

    def add_line(self, line: ServiceLine, *, update: bool = False) -> str:
        with self.session(write=True) as session:
            return _lines().add_line(session, line, update=update)

    def add_tender(self, tender: Tender) -> Tender:
        with self.session(write=True) as session:
            return _lines().add_tender(session, tender)[0]

    def add_transition(self, line: str, raw: Mapping[str, Any]) -> Transition:
        with self.session(write=True) as session:
            transition = _lines().add_transition(session, line, raw)[0]
            self.overlaps = session.info.get("overlaps", [])  # the contracts it was said to overlap (--while-covered)
            return transition

    def add_suspension(self, line: str, raw: Mapping[str, Any]) -> Suspension:
        with self.session(write=True) as session:
            suspension = _lines().add_suspension(session, line, raw)[0]
            self.overlaps = session.info.get("overlaps", [])
            return suspension

    def record_usage(self, code: str, raw: Mapping[str, Any]) -> tuple[Usage, str]:
        """Record usage; returns it and where it went (a contract, or a line's transition), in words."""
        with self.session(write=True) as session:
            usage, _, where = _lines().record_usage(session, code, raw)
            return usage, where

    def add_programme(self, programme: Programme, *, update: bool = False) -> str:
        with self.session(write=True) as session:
            return _budgets().add_programme(session, programme, update=update)

    def add_budget(self, programme: str, raw: Mapping[str, Any], *, update: bool = False) -> tuple[Budget, str]:
        with self.session(write=True) as session:
            return _budgets().add_budget(session, programme, raw, update=update)

    def add_fee_line(self, fee_line: FeeLine, *, update: bool = False) -> str:
        with self.session(write=True) as session:
            return _budgets().add_fee_line(session, fee_line, update=update)

    def add_fee_amount(self, fee_line: str, raw: Mapping[str, Any]) -> FeeAmount:
        with self.session(write=True) as session:
            return _budgets().add_fee_amount(session, fee_line, raw)[0]

    def add_vendor(self, vendor: Vendor, *, update: bool = False) -> str:
        """Record a vendor: "added", "unchanged", or with ``update`` "updated" (a different one of that name is refused
        without it)."""
        from .vendors import add_vendor

        with self.session(write=True) as session:
            return add_vendor(session, vendor, update=update)

    def import_portfolio(self, portfolio: Portfolio, *, update: bool = False,
                         progress: Callable[[int], None] | None = None, allow_credit: bool = False) -> ImportResult:
        """Add what is new, leave what is identical, change what differs only with ``update``.

        All or nothing: one refused entry and none is written (see ``db.importer``).
        """
        from .importer import import_portfolio

        result = ImportResult()
        with self.session(write=True) as session:
            import_portfolio(session, portfolio, result, update=update, progress=progress, allow_credit=allow_credit)
        if len(result.added) + len(result.updated) >= ANALYZE_AFTER:
            self._refresh_statistics()
        return result

    def _refresh_statistics(self) -> None:
        """After a bulk import on PostgreSQL, ``VACUUM ANALYZE``, as pg_restore advises: where autovacuum is off or
        has not come round yet, a store just filled is planned as if it were empty, and its rows are not yet marked
        all-visible, so no index-only scan can skip them (`expiring` reads a million contracts' covering index alone,
        migration 0012). A second or so at a million contracts. SQLite's planner needs neither."""
        if self.engine.dialect.name != "postgresql":
            return
        try:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")  # never inside a transaction
        except database_errors() as exc:
            raise database_error(exc, self.url) from None


def _login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name (a container, a service): say so rather than fail
        return "unknown"


def _facts():
    from . import facts  # imported when first needed: a quick look at one contract should not pay for it

    return facts


def _lines():
    from . import lines

    return lines


def _budgets():
    from . import budgets

    return budgets


def _find(session, code: str):
    from sqlmodel import select

    from .tables import ContractRow

    return session.exec(select(ContractRow).where(ContractRow.code == code)).first()

