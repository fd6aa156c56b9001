"""Importing a whole portfolio in one transaction, fast enough for a province.

Contracts are written with one bulk insert per chunk; the other facts are
checked against each contract's facts, loaded once per contract and kept up to
date in memory while the import runs. One refused entry and nothing is written.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

from sqlalchemy import insert
from sqlmodel import Session, select

from contracts.errors import ContractsError
from contracts.plausible import refuse_code_clash
from contracts.portfolio_file import Portfolio

from . import budgets, facts, history, lines
from .mapping import terms_from_row, terms_values, write_terms
from .tables import ContractRow

CHUNK = 2000

Progress = Callable[[int], None]


@contextmanager
def located(where: str) -> Iterator[None]:
    try:
        yield
    except ContractsError as exc:
        raise exc.located(where) from None


def import_portfolio(session: Session, portfolio: Portfolio, result, *, update: bool = False,
                     progress: Progress | None = None, allow_credit: bool = False) -> None:
    """``allow_credit``: changes that would leave paid money as a credit to the vendor are meant (see contracts.repricing)."""
    tick = progress or (lambda n: None)
    for where, line in portfolio.lines:
        with located(where):
            result.count("line", lines.add_line(session, line, update=update))
    session.flush()
    _contracts(session, portfolio, result, update=update, tick=tick, allow_credit=allow_credit)
    for terms in portfolio.contracts:
        if terms.line:
            with located(f"contract {terms.code}"):
                lines.check_line(session, terms.line)
    cache: dict[str, facts.Facts] = {}
    for where, rule in portfolio.rules:
        with located(where):
            result.count("rule", facts.add_rule(session, rule, update=update, cache=cache, allow_credit=allow_credit))
    session.flush()
    for entry in portfolio.amendments:
        with located(entry.where):
            result.count("amendment", facts.record_amendment(session, entry.contract, entry.raw, same_is_unchanged=True,
                                                             cache=cache, allow_credit=allow_credit)[1])
    for entry in portfolio.openings:
        with located(entry.where):
            result.count("opening", facts.set_opening(session, entry.contract, entry.raw, update=update, cache=cache)[1])
    for where, tender in portfolio.tenders:
        with located(where):
            result.count("tender", lines.add_tender(session, tender, same_is_unchanged=True)[1])
    for entry in portfolio.transitions:
        with located(entry.where):
            result.count("transition", lines.add_transition(session, entry.contract, entry.raw, same_is_unchanged=True)[1])
    for entry in portfolio.suspensions:
        with located(entry.where):
            result.count("suspension", lines.add_suspension(session, entry.contract, entry.raw, same_is_unchanged=True)[1])
    session.flush()
    for entry in portfolio.usage:
        with located(entry.where):
            result.count("usage", lines.record_usage(session, entry.contract, entry.raw, same_is_unchanged=True)[1])
            session.flush()
    if portfolio.usage:
        cache.clear()  # usage changes what unit-priced installments cost: load those contracts afresh
    for where, fee_line in portfolio.fee_lines:
        with located(where):
            result.count("fee line", budgets.add_fee_line(session, fee_line, update=update))
    session.flush()
    for where, programme in portfolio.programmes:
        with located(where):
            result.count("programme", budgets.add_programme(session, programme, update=update))
    session.flush()
    for entry in portfolio.budgets:
        with located(entry.where):
            result.count("budget", budgets.add_budget(session, entry.contract, entry.raw, update=update)[1])
    for entry in portfolio.fee_amounts:
        with located(entry.where):
            result.count("fee amount", budgets.add_fee_amount(session, entry.contract, entry.raw, same_is_unchanged=True)[1])
    for entry in portfolio.assessments:
        with located(entry.where):
            status = facts.record_assessment(session, entry.contract, entry.raw, replace=update, same_is_unchanged=True,
                                             cache=cache, allow_credit=allow_credit)[1]
            result.count("assessment", status)
    tick(len(portfolio.assessments))
    for entry in sorted(portfolio.payments, key=lambda e: str(e.raw.get("paid_on"))):
        with located(entry.where):
            result.count("payment", facts.record_payment(session, entry.contract, entry.raw, same_is_unchanged=True,
                                                         cache=cache)[1])
    tick(len(portfolio.payments))


def _contracts(session: Session, portfolio: Portfolio, result, *, update: bool, tick: Progress, allow_credit: bool = False) -> None:
    """New contracts in bulk; identical ones left alone; changed ones only with ``update``."""
    wanted = {terms.code for terms in portfolio.contracts}
    stored = set(session.exec(select(ContractRow.code)))
    present = stored & wanted
    folded = {code.casefold(): code for code in stored}
    rows = {}
    for chunk in _chunks(sorted(present)):
        rows.update({row.code: row for row in session.exec(select(ContractRow).where(ContractRow.code.in_(chunk)))})
    pending: list[dict] = []
    logged: list[dict] = []
    for terms in portfolio.contracts:
        row = rows.get(terms.code)
        if row is None:
            refuse_code_clash(terms.code, [folded.get(terms.code.casefold(), terms.code)])
            pending.append(terms_values(terms))
            result.added.append(terms.code)
            logged.append(history.entry(session, "add contract", f"contract {terms.code}", contract=terms.code, after=terms))
        elif terms_from_row(row) == terms:
            result.unchanged.append(terms.code)
        elif update:
            facts.check_terms_update(session, terms, allow_credit=allow_credit)
            logged.append(history.entry(session, "update contract", f"contract {terms.code}", contract=terms.code,
                                        before=terms_from_row(row), after=terms))
            write_terms(row, terms)
            result.updated.append(terms.code)
        else:
            raise ContractsError("code", terms.code, "exists already with other terms; use --update to replace them")
        if len(pending) >= CHUNK:
            session.execute(insert(ContractRow.__table__), pending)
            tick(len(pending))
            pending = []
    if pending:
        session.execute(insert(ContractRow.__table__), pending)
        tick(len(pending))
    history.log_many(session, logged)
    tick(len(result.unchanged) + len(result.updated))
    session.flush()


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
