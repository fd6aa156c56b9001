"""The store: open a database, load domain objects, save facts in one transaction per command."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlmodel import Session, select

from contracts.errors import ContractsError
from contracts.terms import ContractTerms

from . import budgets, facts, lines, migrate
from .engine import make_engine, resolve_url, sqlite_path
from .mapping import terms_from_row, write_terms
from .tables import ContractRow


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


def open_store(url: str | None = None, *, create: bool = True) -> OpenedStore:
    """Open (and if need be create or upgrade) the store behind ``url``.

    With ``create=False`` a missing SQLite file is an error rather than a new
    empty store, so that a mistyped path is not silently a new database.
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
        opened = OpenedStore(Store(engine, shown), created=state.is_new)
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


@contextmanager
def _located(where: str) -> Iterator[None]:
    try:
        yield
    except ContractsError as exc:
        raise exc.located(where) from None


class Store:
    """Domain objects in, domain objects out; every write in one transaction."""

    def __init__(self, engine: Engine, shown_url: str) -> None:
        self.engine = engine
        # Writing units of work take SQLite's write lock at once (see engine._sqlite_begin).
        self.write_engine = engine.execution_options(sqlite_immediate=True)
        self.url = shown_url

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A unit of work: commits if the block finishes, rolls everything back if not."""
        try:
            with Session(self.write_engine if write else self.engine, expire_on_commit=False) as session:
                with session.begin():
                    yield session
        except SQLAlchemyError as exc:
            raise database_error(exc, self.url) from None

    # -- contracts ---------------------------------------------------------------------------

    def all_terms(self) -> list[ContractTerms]:
        with self.session() as session:
            rows = session.exec(select(ContractRow).order_by(ContractRow.code)).all()
            return [terms_from_row(row) for row in rows]

    def terms(self, code: str) -> ContractTerms:
        with self.session() as session:
            row = _row(session, code)
            return terms_from_row(row)

    def expiring(self, first: dt.date, last: dt.date) -> list[ContractTerms]:
        """Contracts whose service ends in ``[first, last]``: an indexed range query."""
        with self.session() as session:
            query = (
                select(ContractRow)
                .where(ContractRow.service_end >= first, ContractRow.service_end <= last)
                .order_by(ContractRow.service_end, ContractRow.code)
            )
            return [terms_from_row(row) for row in session.exec(query).all()]

    def add(self, terms: ContractTerms) -> None:
        with self.session(write=True) as session:
            if _find(session, terms.code) is not None:
                raise ContractsError("code", terms.code, "exists already; use 'contracts import --update' to change its terms")
            if terms.line:
                lines.check_line(session, terms.line)
            session.add(write_terms(ContractRow(), terms))

    # -- rules, assessments, payments, openings ----------------------------------------------------

    def facts(self, code: str) -> "facts.Facts":
        with self.session() as session:
            return facts.load_facts(session, code)

    def all_facts(self) -> list["facts.Facts"]:
        with self.session() as session:
            return facts.load_all_facts(session)

    def add_rule(self, rule, *, update: bool = False) -> str:
        with self.session(write=True) as session:
            return facts.add_rule(session, rule, update=update)

    def assess(self, code: str, raw, *, replace: bool = False):
        with self.session(write=True) as session:
            return facts.record_assessment(session, code, raw, replace=replace)

    def pay(self, code: str, raw):
        """Record a payment; returns it (with its id) and the ledger it leaves."""
        with self.session(write=True) as session:
            payment, _, ledger = facts.record_payment(session, code, raw)
            return payment, ledger

    def reverse(self, code: str, payment_id: int, *, on, reference: str = "", note: str = ""):
        with self.session(write=True) as session:
            return facts.reverse_payment(session, code, payment_id, on=on, reference=reference, note=note)

    def set_opening(self, code: str, raw, *, update: bool = False):
        with self.session(write=True) as session:
            return facts.set_opening(session, code, raw, update=update)

    def lines(self, only: str | None = None):
        with self.session() as session:
            return lines.load_lines(session, only)

    def add_line(self, line, *, update: bool = False) -> str:
        with self.session(write=True) as session:
            return lines.add_line(session, line, update=update)

    def add_tender(self, tender):
        with self.session(write=True) as session:
            return lines.add_tender(session, tender)[0]

    def add_transition(self, line: str, raw):
        with self.session(write=True) as session:
            return lines.add_transition(session, line, raw)[0]

    def add_suspension(self, line: str, raw):
        with self.session(write=True) as session:
            return lines.add_suspension(session, line, raw)[0]

    def record_usage(self, code: str, raw):
        with self.session(write=True) as session:
            usage, _, where = lines.record_usage(session, code, raw)
            return usage, where

    def budget_facts(self):
        with self.session() as session:
            return budgets.load_budget_facts(session)

    def add_programme(self, programme, *, update: bool = False) -> str:
        with self.session(write=True) as session:
            return budgets.add_programme(session, programme, update=update)

    def add_budget(self, programme: str, raw, *, update: bool = False):
        with self.session(write=True) as session:
            return budgets.add_budget(session, programme, raw, update=update)

    def add_fee_line(self, fee_line, *, update: bool = False) -> str:
        with self.session(write=True) as session:
            return budgets.add_fee_line(session, fee_line, update=update)

    def add_fee_amount(self, fee_line: str, raw):
        with self.session(write=True) as session:
            return budgets.add_fee_amount(session, fee_line, raw)[0]

    def import_contracts(self, items: Sequence[ContractTerms], *, update: bool = False) -> ImportResult:
        from contracts.portfolio_file import Portfolio

        return self.import_portfolio(Portfolio(contracts=list(items)), update=update)

    def import_portfolio(self, portfolio: "Portfolio", *, update: bool = False) -> ImportResult:  # noqa: F821
        """Add what is new, leave what is identical, change what differs only with ``update``.

        All or nothing: one refused entry and none is written. Contracts go first, then
        rules, opening balances, assessments and payments, so that each can be checked
        against what came before it.
        """
        result = ImportResult()
        with self.session(write=True) as session:
            for where, line in portfolio.lines:
                with _located(where):
                    result.count("line", lines.add_line(session, line, update=update))
            session.flush()
            for terms in portfolio.contracts:
                row = _find(session, terms.code)
                if row is None:
                    session.add(write_terms(ContractRow(), terms))
                    result.added.append(terms.code)
                elif terms_from_row(row) == terms:
                    result.unchanged.append(terms.code)
                elif update:
                    write_terms(row, terms)
                    result.updated.append(terms.code)
                else:
                    raise ContractsError(
                        "code", terms.code, "exists already with other terms; use --update to replace them"
                    )
            session.flush()
            for terms in portfolio.contracts:
                if terms.line:
                    with _located(f"contract {terms.code}"):
                        lines.check_line(session, terms.line)
            for where, rule in portfolio.rules:
                with _located(where):
                    result.count("rule", facts.add_rule(session, rule, update=update))
            for entry in portfolio.openings:
                with _located(entry.where):
                    result.count("opening", facts.set_opening(session, entry.contract, entry.raw, update=update)[1])
            for where, tender in portfolio.tenders:
                with _located(where):
                    result.count("tender", lines.add_tender(session, tender, same_is_unchanged=True)[1])
            for entry in portfolio.transitions:
                with _located(entry.where):
                    result.count("transition", lines.add_transition(session, entry.contract, entry.raw, same_is_unchanged=True)[1])
            for entry in portfolio.suspensions:
                with _located(entry.where):
                    result.count("suspension", lines.add_suspension(session, entry.contract, entry.raw, same_is_unchanged=True)[1])
            session.flush()
            for entry in portfolio.usage:
                with _located(entry.where):
                    result.count("usage", lines.record_usage(session, entry.contract, entry.raw, same_is_unchanged=True)[1])
                    session.flush()
            for where, fee_line in portfolio.fee_lines:
                with _located(where):
                    result.count("fee line", budgets.add_fee_line(session, fee_line, update=update))
            session.flush()
            for where, programme in portfolio.programmes:
                with _located(where):
                    result.count("programme", budgets.add_programme(session, programme, update=update))
            session.flush()
            for entry in portfolio.budgets:
                with _located(entry.where):
                    result.count("budget", budgets.add_budget(session, entry.contract, entry.raw, update=update)[1])
            for entry in portfolio.fee_amounts:
                with _located(entry.where):
                    result.count("fee amount", budgets.add_fee_amount(session, entry.contract, entry.raw, same_is_unchanged=True)[1])
            for entry in portfolio.assessments:
                with _located(entry.where):
                    status = facts.record_assessment(session, entry.contract, entry.raw, replace=update, same_is_unchanged=True)[1]
                    result.count("assessment", status)
            for entry in sorted(portfolio.payments, key=lambda e: str(e.raw.get("paid_on"))):
                with _located(entry.where):
                    result.count("payment", facts.record_payment(session, entry.contract, entry.raw, same_is_unchanged=True)[1])
                    session.flush()
        return result

def _find(session: Session, code: str) -> ContractRow | None:
    return session.exec(select(ContractRow).where(ContractRow.code == code)).first()


def _row(session: Session, code: str) -> ContractRow:
    row = _find(session, code)
    if row is None:
        raise ContractsError("code", code, "is not a contract in this store ('contracts list' shows them)")
    return row
