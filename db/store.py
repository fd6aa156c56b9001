"""The store: open a database, load domain objects, save facts in one transaction per command."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from contracts.errors import ContractsError
from contracts.terms import ContractTerms

from . import migrate
from .engine import make_engine, resolve_url, sqlite_path
from .mapping import terms_from_row, write_terms


def _display(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


@dataclass
class OpenedStore:
    store: "Store"
    created: bool = False
    upgraded_from: str | None = None
    backup: Path | None = None


def open_store(url: str | None = None, *, create: bool = True, confirm_upgrade=None) -> OpenedStore:
    """Open (and if need be create or upgrade) the store behind ``url``.

    With ``create=False`` a missing SQLite file is an error rather than a new
    empty store, so that a mistyped path is not silently a new database. An
    existing store on an older schema is upgraded only if ``confirm_upgrade(current,
    head)`` says yes (None: yes, for programs that open their own stores).
    """
    resolved = resolve_url(url)
    shown = _display(resolved)
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
    engine = make_engine(resolved)
    try:
        state = migrate.inspect_schema(engine, shown)
        if state.is_new and not create:
            # An empty file (or database) is not a store, and a command that only reads must not make it one.
            raise ContractsError("db", str(path) if path is not None else shown,
                                 "holds no contracts store (it is empty); run 'contracts init' or 'contracts import FILE' first")
        if state.needs_upgrade and not state.is_new:
            with engine.connect() as connection:
                from .integrity import refuse_if_damaged

                refuse_if_damaged(connection, shown)  # never upgrade (write into) a damaged store
        opened = OpenedStore(Store(engine, shown), created=state.is_new)
        if state.needs_upgrade and not state.is_new and confirm_upgrade is not None and not confirm_upgrade(state.current, state.head):
            raise ContractsError("db", shown, f"uses schema {state.current} and this program needs {state.head}: run again with "
                                 "--yes to upgrade it (an SQLite file is copied aside first); nothing was changed")
        if state.needs_upgrade:
            opened.backup = migrate.upgrade(engine, backup_from=None if state.is_new else path)
            opened.upgraded_from = state.current
    except ContractsError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        raise database_error(exc, shown) from None
    return opened


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
    if isinstance(exc, (OperationalError, DBAPIError)):
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


class Store:
    """Domain objects in, domain objects out; every write in one transaction."""

    def __init__(self, engine: Engine, shown_url: str, user: str = "") -> None:
        self.engine = engine
        self.account = _login()  # who runs the program: recorded beside ``user`` (on whose behalf) in the history
        self.user = user or self.account
        self.as_of: dt.date | None = None  # the day facts are recorded as of: later ones are refused (None: no such check)
        self._sound = False  # the quick check passed once (SQLite)
        # Writing units of work take SQLite's write lock at once (see engine._sqlite_begin).
        self.write_engine = engine.execution_options(sqlite_immediate=True)
        self.url = shown_url

    def close(self) -> None:
        self.engine.dispose()

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
        except SQLAlchemyError as exc:
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

        with self.reading() as connection:
            return store_findings(connection)

    # -- contracts ---------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only look through SQLAlchemy Core (no ORM to start up): see ``db.reads``."""
        try:
            with self.engine.connect() as connection:
                yield connection
        except SQLAlchemyError as exc:
            raise database_error(exc, self.url) from None

    def all_terms(self) -> list[ContractTerms]:
        """Every contract's terms as in force after its amendments."""
        from sqlmodel import select

        from contracts.amendments import apply

        from .mapping import amendment_from_row
        from .tables import AmendmentRow, ContractRow

        with self.session() as session:
            rows = session.exec(select(ContractRow).order_by(ContractRow.code)).all()
            amendments: dict[int, list] = {}
            for row in session.exec(select(AmendmentRow).order_by(AmendmentRow.effective_from)):
                amendments.setdefault(row.contract_id, []).append(row)
            codes = {row.id: row.code for row in rows}
            return [apply(terms_from_row(row), [amendment_from_row(a, codes[row.id]) for a in amendments[row.id]])
                    if row.id in amendments else terms_from_row(row) for row in rows]

    def terms(self, code: str) -> ContractTerms:
        from . import reads

        with self.reading() as connection:
            return reads.terms(connection, code)

    def amended_codes(self) -> set[str]:
        from sqlalchemy import text

        with self.reading() as connection:
            return set(connection.execute(text(
                "SELECT DISTINCT contract.code FROM amendment JOIN contract ON contract.id = amendment.contract_id")).scalars())

    def contract(self, code: str):
        """(terms, facts or None): the facts only for an amended contract, whose schedule they change."""
        from . import reads

        with self.reading() as connection:
            terms = reads.terms(connection, code)
            return terms, reads.facts(connection, code) if reads.has_amendments(connection, code) else None

    def expiring(self, first: dt.date, last: dt.date) -> list[tuple]:
        """(code, name, billing start, billing end, service end) of contracts whose service ends in ``[first, last]``."""
        from . import reads

        with self.reading() as connection:
            return reads.expiring(connection, first, last)

    def add(self, terms: ContractTerms) -> None:
        from .tables import ContractRow

        with self.session(write=True) as session:
            if _find(session, terms.code) is not None:
                raise ContractsError("code", terms.code, "exists already; use 'contracts import --update' to change its terms")
            from sqlalchemy import func
            from sqlmodel import select

            from contracts.plausible import refuse_code_clash

            from .tables import ContractRow as Row

            refuse_code_clash(terms.code, session.exec(select(Row.code).where(func.lower(Row.code) == terms.code.lower())))
            if terms.line:
                _lines().check_line(session, terms.line)
            session.add(write_terms(ContractRow(), terms))
            from . import history

            history.log(session, "add contract", f"contract {terms.code}", contract=terms.code, after=terms)

    # -- rules, assessments, payments, openings ----------------------------------------------------

    def facts(self, code: str):
        from . import reads

        with self.reading() as connection:
            return reads.facts(connection, code)

    def export(self, progress=None) -> dict:
        """Every stored fact, as one document (see ``db.export``); ``progress(n)`` follows the tables read."""
        from .export import export_all

        with self.session() as session:
            return export_all(session, progress)

    def restore(self, document: dict, source: str) -> dict:
        from .export import restore

        with self.session(write=True) as session:
            return restore(session, document, source)

    def history(self, contract: str | None = None) -> list[dict]:
        """The history, oldest first; with a contract code, only the changes to it."""
        from sqlalchemy import text

        sql = 'SELECT id, at, "user", account, action, contract, record, before, after, hash FROM history'  # "user": a keyword in PostgreSQL
        with self.reading() as connection:
            rows = connection.execute(text(sql + (" WHERE contract = :code" if contract else "") + " ORDER BY id"),
                                      {"code": contract} if contract else {})
            return [dict(row._mapping) for row in rows]

    def portfolio(self, *, active_from=None, active_before=None):
        """(terms, facts or None) for every contract, for reports over the whole portfolio (see ``db.bulk``)."""
        from . import bulk

        with self.reading() as connection:
            return bulk.load_portfolio(connection, active_from=active_from, active_before=active_before)

    def all_facts(self):
        """Every contract's facts, for commands over the whole portfolio (see ``db.bulk``)."""
        from . import bulk

        with self.reading() as connection:
            return bulk.load_all_facts(connection)

    def add_rule(self, rule, *, update: bool = False, allow_credit: bool = False) -> str:
        with self.session(write=True) as session:
            return _facts().add_rule(session, rule, update=update, allow_credit=allow_credit)

    def assess(self, code: str, raw, *, replace: bool = False, allow_credit: bool = False):
        with self.session(write=True) as session:
            return _facts().record_assessment(session, code, raw, replace=replace, allow_credit=allow_credit)

    def pay(self, code: str, raw):
        """Record a payment; returns it (with its id) and the ledger it leaves."""
        with self.session(write=True) as session:
            payment, _, ledger = _facts().record_payment(session, code, raw)
            return payment, ledger

    def reverse(self, code: str, payment_id: int, *, on, reference: str = "", note: str = ""):
        with self.session(write=True) as session:
            return _facts().reverse_payment(session, code, payment_id, on=on, reference=reference, note=note)

    def amend(self, code: str, raw, *, allow_credit: bool = False):
        """Record an amendment; returns it with the payables before and after."""
        with self.session(write=True) as session:
            amendment, _, before, after = _facts().record_amendment(session, code, raw, allow_credit=allow_credit)
            return amendment, before, after

    def set_opening(self, code: str, raw, *, update: bool = False):
        with self.session(write=True) as session:
            return _facts().set_opening(session, code, raw, update=update)

    def lines(self, only: str | None = None):
        with self.session() as session:
            return _lines().load_lines(session, only)

    def add_line(self, line, *, update: bool = False) -> str:
        with self.session(write=True) as session:
            return _lines().add_line(session, line, update=update)

    def add_tender(self, tender):
        with self.session(write=True) as session:
            return _lines().add_tender(session, tender)[0]

    def add_transition(self, line: str, raw):
        with self.session(write=True) as session:
            transition = _lines().add_transition(session, line, raw)[0]
            self.overlaps = session.info.get("overlaps", [])  # the contracts it was said to overlap (--while-covered)
            return transition

    def add_suspension(self, line: str, raw):
        with self.session(write=True) as session:
            suspension = _lines().add_suspension(session, line, raw)[0]
            self.overlaps = session.info.get("overlaps", [])
            return suspension

    def record_usage(self, code: str, raw):
        with self.session(write=True) as session:
            usage, _, where = _lines().record_usage(session, code, raw)
            return usage, where

    def budget_facts(self):
        with self.session() as session:
            return _budgets().load_budget_facts(session)

    def add_programme(self, programme, *, update: bool = False) -> str:
        with self.session(write=True) as session:
            return _budgets().add_programme(session, programme, update=update)

    def add_budget(self, programme: str, raw, *, update: bool = False):
        with self.session(write=True) as session:
            return _budgets().add_budget(session, programme, raw, update=update)

    def add_fee_line(self, fee_line, *, update: bool = False) -> str:
        with self.session(write=True) as session:
            return _budgets().add_fee_line(session, fee_line, update=update)

    def add_fee_amount(self, fee_line: str, raw):
        with self.session(write=True) as session:
            return _budgets().add_fee_amount(session, fee_line, raw)[0]

    def import_portfolio(self, portfolio: "Portfolio", *, update: bool = False, progress=None,  # noqa: F821
                         allow_credit: bool = False) -> ImportResult:
        """Add what is new, leave what is identical, change what differs only with ``update``.

        All or nothing: one refused entry and none is written (see ``db.importer``).
        """
        from .importer import import_portfolio

        result = ImportResult()
        with self.session(write=True) as session:
            import_portfolio(session, portfolio, result, update=update, progress=progress, allow_credit=allow_credit)
        return result

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

