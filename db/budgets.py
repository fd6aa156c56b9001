"""Loading and recording programmes, budgets, fee lines and their amounts."""

from __future__ import annotations

from typing import Any, Mapping

from sqlmodel import Session, select

from contracts.budget import Budget, FeeAmount, FeeLine, Programme, make_budget, make_fee_amount
from contracts.errors import ContractsError
from contracts.money import to_fen
from contracts.plausible import refuse_code_clash

from . import history
from .reads import load_budgets
from .tables import BudgetRow, ContractRow, FeeAmountRow, FeeLineRow, FundingRow, ProgrammeRow


def _programme_row(session: Session, code: str) -> ProgrammeRow:
    row = session.exec(select(ProgrammeRow).where(ProgrammeRow.code == code)).first()
    if row is None:
        raise ContractsError("programme", code, "is not a programme ('contracts programmes' lists them; add one with 'contracts programme add')")
    return row


def add_programme(session: Session, programme: Programme, *, update: bool = False) -> str:
    row = session.exec(select(ProgrammeRow).where(ProgrammeRow.code == programme.code)).first()
    status = "added"
    if row is not None:
        current = next(p for p in load_budgets(session.connection()).programmes if p.code == programme.code)
        if current == programme:
            return "unchanged"
        if not update:
            raise ContractsError("code", programme.code, "is a programme already with other details; use --update")
        history.log(session, "update programme", f"programme {programme.code}", before=current, after=programme)
        row.name, row.department, row.notes = programme.name, programme.department, programme.notes
        for funding in session.exec(select(FundingRow).where(FundingRow.programme_id == row.id)):
            session.delete(funding)
        session.flush()
        status = "updated"
    else:
        refuse_code_clash(programme.code, session.exec(select(ProgrammeRow.code)), noun="programme")
        row = ProgrammeRow(code=programme.code, name=programme.name, department=programme.department, notes=programme.notes)
        session.add(row)
        history.log(session, "add programme", f"programme {programme.code}", after=programme)
        session.flush()
    for kind, codes in (("contract", programme.contracts), ("fee_line", programme.fee_lines)):
        for code in codes:
            if kind == "contract" and session.exec(select(ContractRow.id).where(ContractRow.code == code)).first() is None:
                raise ContractsError("contracts", code, "is not a contract in this store")
            if kind == "fee_line" and session.exec(select(FeeLineRow.id).where(FeeLineRow.code == code)).first() is None:
                raise ContractsError("fee_lines", code, "is not a fee line ('contracts fee-line add' adds one)")
            taken = session.exec(select(FundingRow).where(FundingRow.kind == kind, FundingRow.code == code)).first()
            if taken is not None:
                owner = session.get(ProgrammeRow, taken.programme_id)
                raise ContractsError("contracts" if kind == "contract" else "fee_lines", code, f"is funded by programme {owner.code} already")
            session.add(FundingRow(programme_id=row.id, kind=kind, code=code))
    return status


def add_budget(session: Session, programme: str, raw: Mapping[str, Any], *, update: bool = False) -> tuple[Budget, str]:
    row = _programme_row(session, programme)
    budget = make_budget(raw, programme)
    existing = session.exec(select(BudgetRow).where(BudgetRow.programme_id == row.id, BudgetRow.year == budget.year)).first()
    values = dict(unit=budget.original.unit, original_text=budget.original.text, original_fen=to_fen(budget.original.yuan),
                  adjusted_text=budget.adjusted.text if budget.adjusted else None,
                  adjusted_fen=to_fen(budget.adjusted.yuan) if budget.adjusted else None,
                  spent_text=budget.spent.text if budget.spent else None,
                  spent_fen=to_fen(budget.spent.yuan) if budget.spent else None, source=budget.source,
                  purpose=budget.purpose, purpose_contracts=",".join(budget.purpose_contracts))
    if existing is not None:
        if all(getattr(existing, key) == value for key, value in values.items()):
            return budget, "unchanged"
        if not update:
            raise ContractsError("year", budget.year, f"has a budget for {programme} already; use --update to correct it")
        before = {key: getattr(existing, key) for key in values}
        for key, value in values.items():
            setattr(existing, key, value)
        history.log(session, "update budget", f"budget of {programme} for {budget.year}", before=before, after=budget)
        return budget, "updated"
    session.add(BudgetRow(programme_id=row.id, year=budget.year, **values))
    history.log(session, "add budget", f"budget of {programme} for {budget.year}", after=budget)
    return budget, "added"


def _fee_line_values(line: FeeLine) -> dict:
    return dict(name=line.name, notes=line.notes, unit_price_fen=None if line.unit_price is None else to_fen(line.unit_price),
                unit=line.unit, sub_unit=line.sub_unit, sub_units=line.sub_units)


def add_fee_line(session: Session, line: FeeLine, *, update: bool = False) -> str:
    row = session.exec(select(FeeLineRow).where(FeeLineRow.code == line.code)).first()
    values = _fee_line_values(line)
    if row is not None:
        if all(getattr(row, key) == value for key, value in values.items()):
            return "unchanged"
        if not update:
            raise ContractsError("code", line.code, "is a fee line already with other details; use --update")
        history.log(session, "update fee line", f"fee line {line.code}", before={key: getattr(row, key) for key in values},
                    after=line)
        for key, value in values.items():
            setattr(row, key, value)
        return "updated"
    refuse_code_clash(line.code, session.exec(select(FeeLineRow.code)), noun="fee line")
    session.add(FeeLineRow(code=line.code, **values))
    history.log(session, "add fee line", f"fee line {line.code}", after=line)
    return "added"


def add_fee_amount(session: Session, fee_line: str, raw: Mapping[str, Any], *, same_is_unchanged: bool = False) -> tuple[FeeAmount, str]:
    row = session.exec(select(FeeLineRow).where(FeeLineRow.code == fee_line)).first()
    if row is None:
        raise ContractsError("fee_line", fee_line, "is not a fee line ('contracts fee-line add' adds one)")
    amount = make_fee_amount(raw, fee_line)
    values = dict(kind=amount.kind, unit=amount.amount.unit if amount.amount else "yuan",
                  text=amount.amount.text if amount.amount else None,
                  amount_fen=to_fen(amount.amount.yuan) if amount.amount else None, note=amount.note, source=amount.source,
                  months=amount.months_text, quantity=amount.quantity, quantity_unit=amount.quantity_unit)
    if same_is_unchanged:
        for stored in session.exec(select(FeeAmountRow).where(FeeAmountRow.fee_line_id == row.id, FeeAmountRow.year == amount.year)):
            if all(getattr(stored, key) == value for key, value in values.items() if key not in ("amount_fen", "source")):
                return amount, "unchanged"
    session.add(FeeAmountRow(fee_line_id=row.id, year=amount.year, **values))
    history.log(session, "fee amount", f"{amount.kind} on fee line {fee_line} in {amount.year}", after=amount)
    return amount, "added"


