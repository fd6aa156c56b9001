"""Programmes, their budgets per fiscal year, other fee lines, and the fiscal-year report.

A programme (项目, e.g. the police Tianwang and IT operations programme) has a
budget per fiscal year (the calendar year): the original (年初预算), the adjusted
(调整后预算) and, where the source states it, what was spent. It funds contracts
and other fee lines: recurring costs with no schedule in this store (Tianwang
electricity, the police access network), recorded as amounts budgeted and paid
per year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .errors import ContractsError
from .money import from_fen
from .payables import SETTLED_BEFORE, Ledger
from .payments import paid_by_year
from .schedule import installments_fen
from .stated import Stated, parse_stated
from .terms import CODE_PATTERN, ContractTerms

if TYPE_CHECKING:
    from .contract import Contract

FIRST_YEAR, LAST_YEAR = 1990, 2100
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Programme:
    code: str
    name: str
    department: str = ""
    notes: str = ""
    contracts: tuple[str, ...] = ()
    fee_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Budget:
    programme: str
    year: int
    original: Stated
    adjusted: Stated | None = None
    spent: Stated | None = None  # what the source states was spent in the year
    source: str = ""

    @property
    def in_force(self) -> Stated:
        return self.adjusted or self.original


@dataclass(frozen=True)
class FeeLine:
    code: str
    name: str
    notes: str = ""


@dataclass(frozen=True)
class FeeAmount:
    """An amount budgeted for, or paid on, a fee line in a fiscal year."""

    fee_line: str
    year: int
    kind: str  # "budgeted" or "paid"
    amount: Stated
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class Budgets:
    """Every programme with what it funds, their budgets per year, the fee lines and their amounts."""

    programmes: tuple[Programme, ...] = ()
    budgets: tuple[Budget, ...] = ()
    fee_lines: tuple[FeeLine, ...] = ()
    fee_amounts: tuple[FeeAmount, ...] = ()

    def programme_of(self) -> dict[str, str]:
        """Contract code -> the programme that funds it."""
        return {code: p.code for p in self.programmes for code in p.contracts}


def _code(raw: Mapping[str, Any], key: str = "code") -> str:
    code = str(raw.get(key) or "").strip()
    if not CODE_PATTERN.match(code):
        raise ContractsError(key, code, "must be letters, digits, '-', '_' or '.', at most 32, e.g. POLICE-IT")
    return code


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    return "" if value is None else str(value).strip()


def _year(value: Any) -> int:
    if isinstance(value, bool) or value is None or not str(value).strip().isdigit():
        raise ContractsError("year", value, "must be a year such as 2023")
    year = int(str(value).strip())
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ContractsError("year", year, f"is outside {FIRST_YEAR}-{LAST_YEAR}")
    return year


def _codes(raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key) or []
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    return tuple(sorted({_code({key: item}, key) for item in value}))  # a set: order and repeats do not matter


def make_programme(raw: Mapping[str, Any]) -> Programme:
    unknown = sorted(set(raw) - {"code", "name", "department", "notes", "contracts", "fee_lines"})
    if unknown:
        raise ContractsError(unknown[0], None, "is not a programme field (known: code, name, department, notes, contracts, fee_lines)")
    name = _text(raw, "name")
    if not name:
        raise ContractsError("name", None, "is required")
    return Programme(_code(raw), name, _text(raw, "department"), _text(raw, "notes"), _codes(raw, "contracts"),
                     _codes(raw, "fee_lines"))


def make_budget(raw: Mapping[str, Any], programme: str) -> Budget:
    unknown = sorted(set(raw) - {"programme", "year", "original", "adjusted", "spent", "unit", "source"})
    if unknown:
        raise ContractsError(unknown[0], None, "is not a budget field (known: year, original, adjusted, spent, unit, source)")
    year = _year(raw.get("year"))
    unit = _text(raw, "unit") or "yuan"
    if raw.get("original") in (None, ""):
        if raw.get("adjusted") not in (None, ""):
            raise ContractsError("adjusted", raw["adjusted"], "needs the original budget (--original) it adjusts")
        raise ContractsError("original", None, "is required")
    original = parse_stated(raw["original"], unit, "original")
    adjusted = None if raw.get("adjusted") in (None, "") else parse_stated(raw["adjusted"], unit, "adjusted")
    spent = None if raw.get("spent") in (None, "") else parse_stated(raw["spent"], unit, "spent")
    return Budget(programme, year, original, adjusted, spent, _text(raw, "source"))


def make_fee_line(raw: Mapping[str, Any]) -> FeeLine:
    unknown = sorted(set(raw) - {"code", "name", "notes"})
    if unknown:
        raise ContractsError(unknown[0], None, "is not a fee-line field (known: code, name, notes)")
    name = _text(raw, "name")
    if not name:
        raise ContractsError("name", None, "is required")
    return FeeLine(_code(raw), name, _text(raw, "notes"))


def make_fee_amount(raw: Mapping[str, Any], fee_line: str) -> FeeAmount:
    unknown = sorted(set(raw) - {"fee_line", "year", "budgeted", "paid", "unit", "note", "source"})
    if unknown:
        raise ContractsError(unknown[0], None, "is not a fee-line amount field (known: year, budgeted or paid, unit, note, source)")
    year = _year(raw.get("year"))
    given = [key for key in ("budgeted", "paid") if raw.get(key) not in (None, "")]
    if len(given) != 1:
        raise ContractsError("paid", None, "give exactly one of budgeted and paid")
    kind = given[0]
    amount = parse_stated(raw[kind], _text(raw, "unit") or "yuan", kind)
    return FeeAmount(fee_line, year, kind, amount, _text(raw, "note"), _text(raw, "source"))


# -- the fiscal-year report ----------------------------------------------------------------------------

@dataclass(frozen=True)
class FyRow:
    programme: str
    item: str  # a contract code, a fee line code, or "" for the programme's own row
    kind: str  # "contract", "fee line" or "programme"
    original: Decimal | None
    adjusted: Decimal | None
    obligations: Decimal  # falling due in the year (net where assessed, gross otherwise)
    paid: Decimal  # payments made in the year
    unpaid_of_year: Decimal  # obligations of the year still owed at its end
    earlier_arrears: Decimal  # obligations of earlier years still owed at the year's end
    execution_rate: Decimal | None  # paid / adjusted budget
    coverage: Decimal | None  # adjusted budget / obligations


def _ratio(numerator: Decimal, denominator: Decimal | None) -> Decimal | None:
    if not denominator:
        return None
    return (numerator / denominator).quantize(Decimal("0.0001"))


def contract_year_figures(ledger: Ledger, year: int) -> tuple[Decimal, Decimal, Decimal]:
    """(obligations, unpaid of the year, earlier arrears) of one contract, from a ledger built as of 31 December.

    Installments settled before tracking began are neither obligations nor arrears here; the opening
    balance's amount owed counts as earlier arrears.
    """
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    obligations = unpaid = earlier = ZERO
    for item in ledger.payables:
        if item.settled_by == SETTLED_BEFORE and item.seq:
            continue
        amount = item.net if item.net is not None else item.gross
        owed = item.owed if item.owed is not None else item.gross
        if first <= item.due <= last and item.seq:
            obligations += amount
            unpaid += owed
        elif item.due < first or (item.seq == 0 and item.due <= last):
            earlier += owed
    return obligations, unpaid, earlier


def schedule_year_figures(terms: ContractTerms, year: int) -> tuple[Decimal, Decimal, Decimal]:
    """The same as ``contract_year_figures`` for a contract with terms alone (nothing paid, nothing assessed),
    straight from the schedule engine: what a province-wide report needs for most of its contracts."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    obligations = earlier = 0
    for _, _, _, due, fen in installments_fen(terms):
        if due < first:
            earlier += fen
        elif due <= last:
            obligations += fen
        else:
            break
    return from_fen(obligations), from_fen(obligations), from_fen(earlier)


def fy_report(year: int, programmes: Sequence[Programme], budgets: Sequence[Budget],
              figures: Mapping[str, tuple[Decimal, Decimal, Decimal]], payments_in_year: Mapping[str, Decimal],
              fee_amounts: Sequence[FeeAmount]) -> list[FyRow]:
    """Per programme: a row per contract and fee line it funds, then the programme's row with its budget.

    ``figures`` gives each contract's (obligations, unpaid of the year, earlier arrears) at the year's end
    (``contract_year_figures`` or ``schedule_year_figures``); ``payments_in_year`` what it was paid during the
    year (reversals netted). The programme row adds up its items exactly.
    """
    rows: list[FyRow] = []
    funded = {code for p in programmes for code in p.contracts}
    groups = list(programmes)
    loose = sorted(code for code in figures if code not in funded)
    if loose:
        groups.append(Programme("(none)", "contracts funded by no programme", contracts=tuple(loose)))
    for programme in groups:
        items: list[FyRow] = []
        for code in programme.contracts:
            if code not in figures:
                continue
            obligations, unpaid, earlier = figures[code]
            paid = payments_in_year.get(code, ZERO)
            items.append(FyRow(programme.code, code, "contract", None, None, obligations, paid, unpaid, earlier, None, None))
        for code in programme.fee_lines:
            amounts = [a for a in fee_amounts if a.fee_line == code and a.year == year]
            budgeted = sum((a.amount.yuan for a in amounts if a.kind == "budgeted"), ZERO)
            paid = sum((a.amount.yuan for a in amounts if a.kind == "paid"), ZERO)
            obligations = budgeted if any(a.kind == "budgeted" for a in amounts) else paid
            items.append(FyRow(programme.code, code, "fee line", None, None, obligations, paid,
                               max(obligations - paid, ZERO), ZERO, None, None))
        budget = next((b for b in budgets if b.programme == programme.code and b.year == year), None)
        totals = [sum((getattr(row, key) for row in items), ZERO)
                  for key in ("obligations", "paid", "unpaid_of_year", "earlier_arrears")]
        adjusted = budget.in_force.yuan if budget else None
        rows.extend(items)
        rows.append(FyRow(programme.code, "", "programme", budget.original.yuan if budget else None, adjusted, *totals,
                          _ratio(totals[1], adjusted), _ratio(adjusted, totals[0]) if adjusted is not None else None))
    return rows



FY_KEYS = ("programme", "item", "kind", "original", "adjusted", "obligations", "paid", "unpaid_of_year", "earlier_arrears",
           "execution_rate", "coverage")


def fiscal_year_figures(contracts: Sequence["Contract"], budgets: Budgets, year: int,
                        as_of: dt.date | None = None) -> list[FyRow]:
    """The fiscal-year report: per programme, its contracts and fee lines, then the programme's row.

    What is known on ``as_of`` (None: every recorded fact) and by the year's end, whichever is earlier:
    ledgers are built as of that day, and only payments made by then count. So ``report fy`` for a year
    gone by counts every payment of the year, and the HTML report as of a day in the year counts the
    payments made so far; a payment recorded after the as-of day never counts. A contract with nothing
    recorded but its terms comes straight from the schedule engine.
    """
    seen = dt.date(year, 12, 31) if as_of is None else min(dt.date(year, 12, 31), as_of)
    figures: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
    paid: dict[str, Decimal] = {}
    for contract in contracts:
        if contract.terms_only:
            figures[contract.code] = schedule_year_figures(contract.terms, year)
            continue
        figures[contract.code] = contract_year_figures(contract.ledger(seen), year)
        amount = paid_by_year(p for p in contract.payments if p.paid_on <= seen).get(year)
        if amount is not None:
            paid[contract.code] = amount
    return fy_report(year, budgets.programmes, budgets.budgets, figures, paid, budgets.fee_amounts)


PROGRAMME_KEYS = ("programme", "name", "contracts", "fee_lines", "year", "original", "adjusted", "spent", "stated_in")


def programme_rows(budgets: Budgets) -> list[dict]:
    """Each programme with what it funds and, a row a year, its budget as stated."""
    rows = []
    for p in budgets.programmes:
        for b in [b for b in budgets.budgets if b.programme == p.code] or [None]:
            rows.append({"programme": p.code, "name": p.name, "contracts": ", ".join(p.contracts),
                         "fee_lines": ", ".join(p.fee_lines), "year": b.year if b else None,
                         "original": b.original.yuan if b else None, "adjusted": b.adjusted.yuan if b and b.adjusted else None,
                         "spent": b.spent.yuan if b and b.spent else None, "stated_in": b.original.unit if b else None})
    return rows
