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

from contracts.errors import Collector, ContractsError
from contracts.plausible import refuse_code_clash
from contracts.portfolio_file import Portfolio

from . import budgets, facts, history, lines, vendors
from .mapping import terms_from_row, terms_values, write_terms
from .tables import ContractRow

CHUNK = 2000

Progress = Callable[[int], None]


def import_portfolio(session: Session, portfolio: Portfolio, result, *, update: bool = False,
                     progress: Progress | None = None, allow_credit: bool = False) -> None:
    """Write the portfolio's entries, checking each against the store; every refused entry is collected
    (with the file's own refusals, ``portfolio.errors``) and, if there is any, ``ContractsErrors`` is raised
    at the end so that the caller's transaction writes nothing. The facts of a contract whose own entry was
    refused are not checked: their errors would only repeat that one. ``allow_credit``: changes that would leave
    paid money as a credit to the vendor are meant (see contracts.repricing)."""
    tick = progress or (lambda n: None)
    errors = Collector()
    for error in portfolio.errors:
        errors.add(error)
    refused = set(portfolio.refused)

    def checking(where: str, code: str | None = None):
        return _Skipped() if code is not None and code in refused else errors.at(where)

    for where, vendor in portfolio.vendors:
        with checking(where):
            result.count("vendor", vendors.add_vendor(session, vendor, update=update))
    for where, line in portfolio.lines:
        with checking(where):
            result.count("line", lines.add_line(session, line, update=update))
    session.flush()
    refused |= _contracts(session, portfolio, result, update=update, tick=tick, errors=errors, allow_credit=allow_credit)
    for terms in portfolio.contracts:
        if terms.line and terms.code not in refused:
            with errors.at(f"contract {terms.code}") as entry:
                lines.check_line(session, terms.line)
            if entry.failed:
                refused.add(terms.code)
    cache: dict[str, facts.Held] = {}
    for where, rule in portfolio.rules:
        with checking(where, rule.contract):
            result.count("rule", facts.add_rule(session, rule, update=update, cache=cache, allow_credit=allow_credit))
    session.flush()
    for entry in portfolio.amendments:
        with checking(entry.where, entry.contract):
            result.count("amendment", facts.record_amendment(session, entry.contract, entry.raw, same_is_unchanged=True,
                                                             cache=cache, allow_credit=allow_credit)[1])
    for entry in portfolio.openings:
        with checking(entry.where, entry.contract):
            result.count("opening", facts.set_opening(session, entry.contract, entry.raw, update=update, cache=cache)[1])
    for where, tender in portfolio.tenders:
        with checking(where):
            result.count("tender", lines.add_tender(session, tender, same_is_unchanged=True)[1])
    for entry in portfolio.transitions:
        with checking(entry.where):
            result.count("transition", lines.add_transition(session, entry.contract, entry.raw, same_is_unchanged=True)[1])
    for entry in portfolio.suspensions:
        with checking(entry.where):
            result.count("suspension", lines.add_suspension(session, entry.contract, entry.raw, same_is_unchanged=True)[1])
    session.flush()
    for entry in portfolio.usage:
        with checking(entry.where, entry.contract):
            result.count("usage", lines.record_usage(session, entry.contract, entry.raw, same_is_unchanged=True)[1])
            session.flush()
    if portfolio.usage:
        cache.clear()  # usage changes what unit-priced installments cost: load those contracts afresh
    for where, fee_line in portfolio.fee_lines:
        with checking(where):
            result.count("fee line", budgets.add_fee_line(session, fee_line, update=update))
    session.flush()
    for where, programme in portfolio.programmes:
        with checking(where):
            result.count("programme", budgets.add_programme(session, programme, update=update))
    session.flush()
    for entry in portfolio.budgets:
        with checking(entry.where):
            result.count("budget", budgets.add_budget(session, entry.contract, entry.raw, update=update)[1])
    for entry in portfolio.fee_amounts:
        with checking(entry.where):
            result.count("fee amount", budgets.add_fee_amount(session, entry.contract, entry.raw, same_is_unchanged=True)[1])
    for entry in portfolio.assessments:
        with checking(entry.where, entry.contract):
            status = facts.record_assessment(session, entry.contract, entry.raw, replace=update, same_is_unchanged=True,
                                             cache=cache, allow_credit=allow_credit)[1]
            result.count("assessment", status)
    tick(len(portfolio.assessments))
    for entry in sorted(portfolio.payments, key=lambda e: str(e.raw.get("paid_on"))):
        with checking(entry.where, entry.contract):
            result.count("payment", facts.record_payment(session, entry.contract, entry.raw, same_is_unchanged=True,
                                                         cache=cache)[1])
    tick(len(portfolio.payments))
    errors.raise_any()


class _Skipped:
    """An entry not checked (its contract was refused): whatever it raises is not reported again."""

    failed = False

    def __enter__(self) -> "_Skipped":
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        return isinstance(error, ContractsError)


def _contracts(session: Session, portfolio: Portfolio, result, *, update: bool, tick: Progress,
               errors: Collector, allow_credit: bool = False) -> set[str]:
    """New contracts in bulk; identical ones left alone; changed ones only with ``update`` (and, where money was paid
    on what they would re-price, ``allow_credit``). Returns the codes refused."""
    wanted = {terms.code for terms in portfolio.contracts}
    stored = set(session.exec(select(ContractRow.code)))
    present = stored & wanted
    folded = {code.casefold(): code for code in stored}  # codes are unique without regard to case
    rows = {}
    for chunk in _chunks(sorted(present)):
        rows.update({row.code: row for row in session.exec(select(ContractRow).where(ContractRow.code.in_(chunk)))})
    pending: list[dict] = []
    logged: list[dict] = []
    refused: set[str] = set()
    for terms in portfolio.contracts:
        row = rows.get(terms.code)
        if row is None:
            with errors.at() as entry:
                refuse_code_clash(terms.code, [folded.get(terms.code.casefold(), terms.code)])
            if entry.failed:
                refused.add(terms.code)
                continue
            pending.append(terms_values(terms))
            result.added.append(terms.code)
            logged.append(history.entry(session, "add contract", f"contract {terms.code}", contract=terms.code, after=terms))
        elif terms_from_row(row) == terms:
            result.unchanged.append(terms.code)
        elif update:
            with errors.at() as entry:
                facts.check_terms_update(session, terms, allow_credit=allow_credit)
            if entry.failed:
                refused.add(terms.code)
                continue
            logged.append(history.entry(session, "update contract", f"contract {terms.code}", contract=terms.code,
                                        before=terms_from_row(row), after=terms))
            write_terms(row, terms)
            result.updated.append(terms.code)
        else:
            errors.add(ContractsError("code", terms.code, "exists already with other terms; use --update to replace them"))
            refused.add(terms.code)
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
    return refused


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
