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
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable, Mapping, NamedTuple, Sequence

from . import fastpath, limits
from .errors import ContractsError
from .money import from_fen, parse_money, split_fen, to_fen
from .basis import Basis, adding, combined, described, kind_of, weakest
from .payables import AT_GROSS, AWAITING_USAGE, SETTLED_BEFORE, Ledger
from .payments import Payment, paid_by_year
from .schedule import installments_fen
from .periods import Period, add_months
from .stated import Stated, parse_stated
from .terms import CODE_PATTERN, ContractTerms

if TYPE_CHECKING:
    from .bulk import TermsOnly
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
    purpose: str = ""  # what the source says the money was for, quoted (资金分配主要用于 ...)
    purpose_contracts: tuple[str, ...] = ()  # the contracts that statement names

    @property
    def in_force(self) -> Stated:
        return self.adjusted or self.original


@dataclass(frozen=True)
class FeeLine:
    code: str
    name: str
    notes: str = ""
    unit_price: Decimal | None = None  # where its amounts are a price times a quantity (500.00 per set)
    unit: str = ""  # what the price is per ("set")
    sub_unit: str = ""  # a smaller unit a source may count in ("seal") ...
    sub_units: int | None = None  # ... and how many of them make one unit (4 seals a set)


@dataclass(frozen=True)
class FeeAmount:
    """An amount budgeted for, or paid on, a fee line in a fiscal year; or a quantity delivered (``kind`` "delivered").

    ``months``: the months a payment is for, as the source gives them (a payment in 2023 for 2022-03..05 settles
    2022's services late); empty: the amount's own year.
    """

    fee_line: str
    year: int
    kind: str  # "budgeted", "paid" or "delivered"
    amount: Stated | None  # None for a quantity delivered
    note: str = ""
    source: str = ""
    months: tuple[Period, ...] = ()
    quantity: int | None = None
    quantity_unit: str = ""

    @property
    def months_text(self) -> str:
        return months_text(self.months)


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


def _text(raw: Mapping[str, Any], key: str, record: str) -> str:
    return limits.text(raw.get(key), record, key)


def _year(value: Any) -> int:
    year = limits.whole(value, "year", minimum=None, what="a year such as 2023")
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
    name = _text(raw, "name", "programme")
    if not name:
        raise ContractsError("name", None, "is required")
    return Programme(_code(raw), name, _text(raw, "department", "programme"), _text(raw, "notes", "programme"), _codes(raw, "contracts"),
                     _codes(raw, "fee_lines"))


def make_budget(raw: Mapping[str, Any], programme: str) -> Budget:
    known = {"programme", "year", "original", "adjusted", "spent", "unit", "source", "purpose", "purpose_contracts"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ContractsError(unknown[0], None, "is not a budget field (known: year, original, adjusted, spent, unit, source, "
                             "purpose, purpose_contracts)")
    year = _year(raw.get("year"))
    unit = str(raw.get("unit") or "yuan")
    if raw.get("original") in (None, ""):
        if raw.get("adjusted") not in (None, ""):
            raise ContractsError("adjusted", raw["adjusted"], "needs the original budget (--original) it adjusts")
        raise ContractsError("original", None, "is required")
    original = parse_stated(raw["original"], unit, "original")
    adjusted = None if raw.get("adjusted") in (None, "") else parse_stated(raw["adjusted"], unit, "adjusted")
    spent = None if raw.get("spent") in (None, "") else parse_stated(raw["spent"], unit, "spent")
    purpose = _text(raw, "purpose", "budget")
    named = _codes(raw, "purpose_contracts")
    if named and not purpose:
        raise ContractsError("purpose_contracts", ", ".join(named), "needs the purpose statement that names them (purpose)")
    return Budget(programme, year, original, adjusted, spent, _text(raw, "source", "budget"), purpose, named)


def make_fee_line(raw: Mapping[str, Any]) -> FeeLine:
    known = ("code", "name", "notes", "unit_price", "unit", "sub_unit", "sub_units")
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ContractsError(unknown[0], None, f"is not a fee-line field (known: {', '.join(known)})")
    name = _text(raw, "name", "fee_line")
    if not name:
        raise ContractsError("name", None, "is required")
    price = None if raw.get("unit_price") in (None, "") else parse_money(raw["unit_price"], "unit_price")
    unit, sub_unit = _text(raw, "unit", "fee_line"), _text(raw, "sub_unit", "fee_line")
    if price is not None and not unit:
        raise ContractsError("unit", None, "is required with a unit price: what the price is per (e.g. set)")
    sub_units = None if raw.get("sub_units") in (None, "") else limits.whole(raw["sub_units"], "sub_units", minimum=2, maximum=10**6)
    if (sub_units is None) != (not sub_unit):
        raise ContractsError("sub_units", raw.get("sub_units"), "and sub_unit go together: e.g. 4 seals (sub_unit) to a set")
    return FeeLine(_code(raw), name, _text(raw, "notes", "fee_line"), price, unit, sub_unit, sub_units)


MONTH_SPAN = re.compile(r"^(\d{4})-(\d{2})(?:\s*\.\.\s*(\d{4})-(\d{2}))?$")


def parse_months(text: Any, field: str = "months") -> tuple[Period, ...]:
    """"2022-03..2022-05, 2023-02" as the months it names (each span [first day, first day after its last month))."""
    if text in (None, ""):
        return ()
    if not isinstance(text, str):
        raise ContractsError(field, text, "write the months as 2022-03..2022-05, 2023-02")
    spans = []
    for part in re.split(r"[,;，；]", text):
        match = MONTH_SPAN.match(part.strip())
        if not match:
            raise ContractsError(field, text, "write the months as 2022-03..2022-05, 2023-02 (YYYY-MM, or a span first..last)")
        first_year, first_month, last_year, last_month = match.groups()
        try:
            start = dt.date(int(first_year), int(first_month), 1)
            last = dt.date(int(last_year or first_year), int(last_month or first_month), 1)
        except ValueError:
            raise ContractsError(field, text, "names a month that does not exist") from None
        if last < start:
            raise ContractsError(field, text, f"has a span that ends before it begins ({part.strip()})")
        if not (FIRST_YEAR <= start.year and last.year <= LAST_YEAR):
            raise ContractsError(field, text, f"is outside {FIRST_YEAR}-{LAST_YEAR}")
        spans.append(Period(start, add_months(last, 1)))
    spans.sort()
    for before, after in zip(spans, spans[1:]):
        if after.start < before.end:
            raise ContractsError(field, text, "names a month twice")
    return tuple(spans)


def months_text(months: Sequence[Period]) -> str:
    """The months as people write them: 2022-03..2022-05, 2023-02."""
    def month(day: dt.date) -> str:
        return f"{day.year}-{day.month:02d}"

    return ", ".join(month(p.start) if add_months(p.start, 1) == p.end else f"{month(p.start)}..{month(add_months(p.end, -1))}"
                     for p in months)


def make_fee_amount(raw: Mapping[str, Any], fee_line: str) -> FeeAmount:
    known = ("fee_line", "year", "budgeted", "paid", "delivered", "unit", "note", "source", "months", "quantity_unit")
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ContractsError(unknown[0], None, "is not a fee-line amount field (known: year, budgeted, paid or delivered, unit, "
                             "months, quantity_unit, note, source)")
    year = _year(raw.get("year"))
    given = [key for key in ("budgeted", "paid", "delivered") if raw.get(key) not in (None, "")]
    if len(given) != 1:
        raise ContractsError("paid", None, "give exactly one of budgeted, paid and delivered (a quantity)")
    kind = given[0]
    months = parse_months(raw.get("months"))
    if months and kind == "budgeted":
        raise ContractsError("months", raw.get("months"), "are for what a payment or a delivery was for, not for a budget")
    note, source = _text(raw, "note", "fee_amount"), _text(raw, "source", "fee_amount")
    if kind == "delivered":
        quantity = limits.whole(raw["delivered"], "delivered", minimum=0, maximum=10**12)
        unit = limits.text(raw.get("quantity_unit"), "fee_amount", "quantity_unit")
        if not unit:
            raise ContractsError("quantity_unit", None, "is required with a quantity delivered: what was counted (e.g. seal)")
        return FeeAmount(fee_line, year, kind, None, note, source, months, quantity, unit)
    if raw.get("quantity_unit") not in (None, ""):
        raise ContractsError("quantity_unit", raw["quantity_unit"], "is for a quantity delivered")
    amount = parse_stated(raw[kind], str(raw.get("unit") or "yuan"), kind)
    return FeeAmount(fee_line, year, kind, amount, note, source, months)


# -- the fiscal-year report ----------------------------------------------------------------------------

@dataclass(frozen=True)
class FyRow:
    programme: str
    item: str  # a contract code, a fee line code, or "" for the programme's own row
    kind: str  # "contract", "fee line" or "programme"
    original: Decimal | None
    adjusted: Decimal | None  # as stated; None where the source states no adjusted budget
    obligations: Decimal | None  # falling due in the year (net where assessed, gross otherwise); None: unknown
    paid: Decimal | None  # payments made in the year; None: not recorded (the year was settled before tracking)
    unpaid_of_year: Decimal | None  # obligations of the year still owed at its end
    earlier_arrears: Decimal | None  # obligations of earlier years still owed at the year's end
    execution_rate: Decimal | None  # paid / the budget in force
    coverage: Decimal | None  # the budget in force / obligations
    budget_in_force: Decimal | None = None  # the adjusted budget, else the original (the basis says which)
    paid_for_earlier: Decimal | None = None  # of what was paid in the year, what settled earlier years' obligations
    basis: str = "computed"  # ``contracts.basis``: what these figures rest on, and what a total leaves out


class YearFigures(NamedTuple):
    """One contract's figures for a fiscal year, as known at its end."""

    obligations: Decimal | None
    unpaid: Decimal | None
    earlier: Decimal | None
    basis: str = "computed"
    paid_unknown: bool = False  # some of the year was settled before tracking began: what was paid then is not recorded
    paid_for_earlier: Decimal | None = ZERO


def _ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if not denominator or numerator is None:
        return None
    return (numerator / denominator).quantize(Decimal("0.0001"))


def contract_year_figures(ledger: Ledger, year: int, payments: Sequence[Payment] = ()) -> YearFigures:
    """(obligations, unpaid of the year, earlier arrears, basis, ...) of one contract, from a ledger built as of 31 December.

    Installments settled before tracking began (by an opening balance) count as obligations of their year, settled
    then, not as arrears; what was paid for them is not recorded. The opening balance's amount owed counts as earlier
    arrears. Where deductions are made but their rules are not recorded, the figures are upper bounds; an installment
    still to be assessed counts at gross; a unit-priced installment awaiting its usage is unknown, left out and said so.
    ``payments``: the contract's payments, to tell how much of the year's paid settled earlier years.
    """
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    obligations = unpaid = earlier = ZERO
    bases: list[str] = []  # the basis of each figure counted
    settled_before = awaiting_usage = in_year = 0
    for item in ledger.payables:
        if item.seq and item.settled_by == SETTLED_BEFORE:
            if first <= item.due <= last:
                obligations += item.net if item.net is not None else item.gross
                settled_before += 1
                bases.append(item.basis)
            continue
        if item.state == AWAITING_USAGE:
            if first <= item.due <= last:
                awaiting_usage += 1
            continue
        amount = item.net if item.net is not None else item.gross
        owed = item.owed if item.owed is not None else item.gross
        if first <= item.due <= last and item.seq:
            obligations += amount
            unpaid += owed
            in_year += 1
            bases.append(AT_GROSS if item.net is None else item.basis)
        elif item.due < first or (item.seq == 0 and item.due <= last):
            earlier += owed
            if owed:
                bases.append(item.basis)
    basis = combined(bases) if bases else "computed"
    if awaiting_usage:
        basis = adding(basis, Basis.UNKNOWN, f"{awaiting_usage} installment(s) awaiting usage, not counted")
        if not (in_year or settled_before):
            return YearFigures(None, None, earlier, basis)
    paid_on = {p.id: p.paid_on for p in payments}
    due_on = {item.seq: item.due for item in ledger.payables}
    for_earlier = ZERO  # what the year's payments settled of installments due before it (or of the opening balance)
    for allocation in ledger.allocation.allocations:
        day = paid_on.get(allocation.payment)
        if day is not None and first <= day <= last and (allocation.seq == 0 or due_on[allocation.seq] < first):
            for_earlier += allocation.amount
    if settled_before and not in_year:
        # The whole year lies before tracking: what stayed owed at its end, and what its payments settled, are folded
        # into the opening balance, which does not say which years it came from. Unknown, not zero.
        basis = adding(basis, Basis.UNKNOWN, "what stayed owed at the year's end is inside the opening balance")
        return YearFigures(obligations, None, None, basis, True, None)
    return YearFigures(obligations, unpaid, earlier, basis, bool(settled_before), for_earlier)


def schedule_year_figures(terms: ContractTerms, year: int) -> YearFigures:
    """The same as ``contract_year_figures`` for a contract with terms alone (nothing paid, nothing assessed),
    straight from the schedule engine: what a province-wide report needs for most of its contracts. A unit-priced
    contract with no usage recorded falls due by amounts no one knows yet."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    obligations = earlier = 0
    count = 0
    for _, _, _, due, fen in installments_fen(terms):
        if due < first:
            earlier += fen
        elif due <= last:
            obligations += fen
            count += 1
        else:
            break
    if terms.is_unit_priced:  # nothing known to be owed (or in arrears) until its quantities are recorded
        if not count:
            return YearFigures(ZERO, ZERO, ZERO)
        return YearFigures(None, None, ZERO, described(Basis.UNKNOWN, [f"{count} installment(s) awaiting usage, not counted"]))
    return YearFigures(from_fen(obligations), from_fen(obligations), from_fen(earlier))


def schedule_years_figures(terms: ContractTerms, years: Sequence[int]) -> dict[int, YearFigures]:
    """``schedule_year_figures`` for several fiscal years at once, from one pass over the schedule (the HTML report's
    cash-flow chart asks for seven years of a province)."""
    by_year: dict[int, int] = {}
    counts: dict[int, int] = {}
    for _, _, _, due, fen in installments_fen(terms):
        by_year[due.year] = by_year.get(due.year, 0) + fen
        counts[due.year] = counts.get(due.year, 0) + 1
    figures = {}
    for year in years:
        count = counts.get(year, 0)
        if terms.is_unit_priced:  # nothing known to be owed (or in arrears) until its quantities are recorded
            figures[year] = (YearFigures(ZERO, ZERO, ZERO) if not count else
                             YearFigures(None, None, ZERO, described(Basis.UNKNOWN, [f"{count} installment(s) awaiting usage, not counted"])))
            continue
        obligations = by_year.get(year, 0)
        earlier = sum(fen for due_year, fen in by_year.items() if due_year < year)
        figures[year] = YearFigures(from_fen(obligations), from_fen(obligations), from_fen(earlier))
    return figures


def month_shares(amount: FeeAmount) -> list[tuple[dt.date, Decimal]]:
    """A paid amount over the months it was for (first days), split equally between them: each part half up, the
    last taking the rest. The source rarely says how a payment for several months divides; this is the assumption."""
    months = [month for span in amount.months for month in months_in(span)]
    parts = split_fen(to_fen(amount.amount.yuan), [(1, 1)] * len(months))
    return [(month, from_fen(part)) for month, part in zip(months, parts)]


def _shares_by_year(amount: FeeAmount) -> dict[int, Decimal]:
    """A paid amount by the fiscal year of the months it was for (its own year when it names none)."""
    if not amount.months:
        return {amount.year: amount.amount.yuan}
    shares: dict[int, Decimal] = {}
    for month, part in month_shares(amount):
        shares[month.year] = shares.get(month.year, ZERO) + part
    return shares


def months_in(span: Period) -> list[dt.date]:
    """The first days of the months a span of whole months covers."""
    found, cursor = [], span.start
    while cursor < span.end:
        found.append(cursor)
        cursor = add_months(cursor, 1)
    return found


def fee_line_row(programme: str, code: str, year: int, fee_amounts: Sequence[FeeAmount]) -> FyRow:
    """A fee line's figures for a fiscal year. Paid: as stated. What fell due: the amount budgeted for the year where
    one is stated; else what was paid for the year's months, whenever paid (an assumption, said so). A payment that
    names its months counts against those months' year: paid in 2023 for 2022's months, it settled 2022 late."""
    paid_amounts = [(a, _shares_by_year(a)) for a in fee_amounts if a.fee_line == code and a.kind == "paid"]
    budgeted = [a.amount.yuan for a in fee_amounts if a.fee_line == code and a.kind == "budgeted" and a.year == year]
    paid_known = [a.amount.yuan for a, _ in paid_amounts if a.year == year]
    paid = sum(paid_known, ZERO) if paid_known or budgeted else None  # no payment of the year recorded: not known to be none
    for_year_whenever = sum((shares.get(year, ZERO) for _, shares in paid_amounts), ZERO)
    for_year_in_year = sum((shares.get(year, ZERO) for a, shares in paid_amounts if a.year == year), ZERO)
    for_year_later = sum((shares.get(year, ZERO) for a, shares in paid_amounts if a.year > year), ZERO)
    for_earlier = sum((part for a, shares in paid_amounts if a.year == year for y, part in shares.items() if y < year), ZERO)
    earlier_owed = sum((part for a, shares in paid_amounts if a.year > year for y, part in shares.items() if y < year), ZERO)
    if not budgeted and not any(a.year == year or year in shares for a, shares in paid_amounts):
        # Nothing recorded for the year at all: not "nothing fell due", but unknown.
        # Earlier arrears are known only as far as later payments for earlier months show them.
        return FyRow(programme, code, "fee line", None, None, None, None, None, earlier_owed or None, None, None,
                     paid_for_earlier=None, basis=described(Basis.UNKNOWN, ["no amount recorded for the year"]))
    notes = []
    if budgeted:
        obligations, kind = sum(budgeted, ZERO), Basis.STATED
        unpaid = max(obligations - for_year_in_year, ZERO)
        notes.append("what fell due: the amount budgeted")
    else:
        obligations, kind, unpaid = for_year_whenever, Basis.ASSUMED, for_year_later
        notes.append("what fell due: taken as what was paid for the year's months (no amount budgeted)")
    if any(len(shares) > 1 and year in shares for _, shares in paid_amounts):
        notes.append("a payment for months of two years split between them by months")
    return FyRow(programme, code, "fee line", None, None, obligations, paid, unpaid, earlier_owed, None, None,
                 paid_for_earlier=for_earlier, basis=described(kind, notes))


def fy_report(year: int, programmes: Sequence[Programme], budgets: Sequence[Budget],
              figures: Mapping[str, YearFigures | tuple], payments_in_year: Mapping[str, Decimal],
              fee_amounts: Sequence[FeeAmount]) -> list[FyRow]:
    """Per programme: a row per contract and fee line it funds, then the programme's row with its budget.

    ``figures`` gives each contract's ``YearFigures`` at the year's end (``contract_year_figures`` or
    ``schedule_year_figures``); ``payments_in_year`` what it was paid during the year (reversals netted). The
    programme row adds up what its items know exactly, and says what it leaves out.
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
            found = figures.get(code)
            if found is None:
                continue
            if not isinstance(found, YearFigures):
                found = YearFigures(*found)
            paid, basis = payments_in_year.get(code, ZERO), found.basis
            if found.paid_unknown:
                basis = adding(basis, Basis.UNKNOWN, "what was paid for them then is not recorded")
                paid = paid or None
            items.append(_fy_row((programme.code, code, "contract", None, None, found.obligations, paid, found.unpaid,
                                  found.earlier, None, None, None, found.paid_for_earlier, basis)))
        for code in programme.fee_lines:
            items.append(fee_line_row(programme.code, code, year, fee_amounts))
        budget = next((b for b in budgets if b.programme == programme.code and b.year == year), None)
        totals = _item_totals(items)
        in_force = budget.in_force.yuan if budget else None
        rows.extend(items)
        rows.append(FyRow(programme.code, "", "programme", budget.original.yuan if budget else None,
                          budget.adjusted.yuan if budget and budget.adjusted else None, *totals[:4],
                          _ratio(totals[1], in_force), _ratio(in_force, totals[0]) if in_force is not None else None,
                          budget_in_force=in_force, paid_for_earlier=totals[4], basis=_programme_basis(items, budget)))
    return rows


_FY_FIELDS = tuple(FyRow.__dataclass_fields__)
_TOTALLED = ("obligations", "paid", "unpaid_of_year", "earlier_arrears", "paid_for_earlier")


def _fy_row(values: tuple) -> FyRow:
    """``FyRow(*values)``, every field given in order, made without the frozen dataclass's ``__init__`` (one
    ``object.__setattr__`` a field): the HTML report makes a row per contract and year, 700,000 for a province."""
    row = object.__new__(FyRow)
    row.__dict__.update(zip(_FY_FIELDS, values))
    return row


def _item_totals(items: Sequence[FyRow]) -> list[Decimal | None]:
    """The programme's totals of ``_TOTALLED``: each adds up what its items know (their basis says what it leaves
    out), in the items' order from 0.00; nothing known is no total at all (but no items at all is 0.00)."""
    sums: list[Decimal | None] = [None] * len(_TOTALLED)
    for row in items:
        values = row.__dict__
        for index, key in enumerate(_TOTALLED):
            value = values[key]
            if value is not None:
                total = sums[index]
                sums[index] = (ZERO if total is None else total) + value
    return [ZERO if total is None and not items else total for total in sums]


def _programme_basis(items: Sequence[FyRow], budget: Budget | None) -> str:
    """A programme row rests on its items: as weak as the weakest, naming the items it leaves out or bounds."""
    kinds = [kind_of(row.basis) for row in items]
    notes = []
    left_out = [row.item for row in items if row.obligations is None]
    if left_out:
        notes.append(f"leaves out what is unknown of {', '.join(left_out)}")
    unknown_paid = [row.item for row in items if row.paid is None and row.obligations is not None]
    if unknown_paid:
        notes.append(f"leaves out what was paid before tracking began for {', '.join(unknown_paid)}")
    partly = [row.item for row in items if row.obligations is not None and kind_of(row.basis) is Basis.UNKNOWN
              and row.item not in unknown_paid]
    if partly:
        notes.append(f"leaves out installments of {', '.join(partly)} awaiting usage")
    bounded = [row.item for row in items if kind_of(row.basis) is Basis.UPPER_BOUND]
    if bounded:
        notes.append(f"{', '.join(bounded)}: upper bounds (deductions not recorded, or not yet assessed)")
    assumed = [row.item for row in items if kind_of(row.basis) is Basis.ASSUMED]
    if assumed:
        notes.append(f"{', '.join(assumed)}: rest on assumptions")
    if budget is not None and budget.adjusted is None:
        notes.append("no adjusted budget stated: the original is in force")
    return described(weakest(kinds), notes)


def shown_rows(rows: Sequence[FyRow], items: int) -> list[FyRow]:
    """The rows a page or a terminal shows of a fiscal year: every programme, and the ``items`` contracts and fee lines
    with the largest obligations (ties in the rows' order, an unknown one as none), in the rows' order."""
    import heapq

    keep = {id(row) for row in heapq.nsmallest(items, (row for row in rows if row.kind != "programme"),
                                                key=lambda row: -(row.obligations or 0))}
    return [row for row in rows if row.kind == "programme" or id(row) in keep]


FY_KEYS = ("programme", "item", "kind", "original", "adjusted", "obligations", "paid", "unpaid_of_year", "earlier_arrears",
           "execution_rate", "coverage", "budget_in_force", "paid_for_earlier", "basis")


def fiscal_years_figures(contracts: Sequence["Contract"], budgets: Budgets, years: Sequence[int],
                         as_of: dt.date | None = None,
                         ledgers_as_of: Mapping[str, Ledger] | None = None, *,
                         programmes_only: bool = False, terms_only: "TermsOnly | None" = None) -> dict[int, list[FyRow]]:
    """``fiscal_year_figures`` of several years, each contract's schedule walked once for them all and its ledger
    built once per state of its facts (``Contract.facts_known_on``): every year from the as-of year on shares one,
    and so do the years before its first assessment or payment. ``ledgers_as_of``: ledgers the caller built as of
    ``as_of`` already, by code (``ledgers.full_ledgers``), used rather than built again. ``programmes_only``: each
    year's programme rows alone (the HTML report's cash flow), so that a province's rows of every contract and year
    are never all held at once; the figures of the contracts with terms only are made a year at a time too.
    ``terms_only``: more contracts, with terms only and a fixed fee, as columns (``bulk.split_contracts``, when the
    caller has split them already), summed by arrays as those of a long list are anyway."""
    figures: dict[int, dict[str, YearFigures]] = {year: {} for year in years}
    paid: dict[int, dict[str, Decimal]] = {year: {} for year in years}
    summed = None
    if terms_only is None:
        # Most of a province's contracts have terms only: their schedules summed by arrays, every year at once.
        terms_only, contracts = fastpath.split_if_many(contracts)
    if terms_only is not None:
        summed = _TermsOnlyYears(terms_only, years)
        contracts = list(contracts) + summed.left
    for contract in contracts:
        if contract.terms_only:
            for year, found in schedule_years_figures(contract.terms, years).items():
                figures[year][contract.code] = found
            continue
        ledgers: dict[tuple[int, int], Ledger] = {}
        if ledgers_as_of is not None and as_of is not None and contract.code in ledgers_as_of:
            ledgers[contract.facts_known_on(as_of)] = ledgers_as_of[contract.code]
        for year in years:
            seen = dt.date(year, 12, 31) if as_of is None else min(dt.date(year, 12, 31), as_of)
            counted = [p for p in contract.payments if p.paid_on <= seen]
            known = contract.facts_known_on(seen)
            ledger = ledgers.get(known)
            if ledger is None:
                ledger = ledgers[known] = contract.ledger(seen)
            figures[year][contract.code] = contract_year_figures(ledger, year, counted)
            amount = paid_by_year(counted).get(year)
            if amount is not None:
                paid[year][contract.code] = amount
    programmes = budgets.programmes
    if summed is not None and programmes_only:
        programmes = summed.by_programme(programmes, figures)
    every_year = {}
    for index, year in enumerate(years):
        of_year = figures.pop(year)  # each year's figures let go once its rows are made
        if summed is not None and not programmes_only:
            summed.add_year(index, of_year)
        rows = fy_report(year, programmes, budgets.budgets, of_year, paid[year], budgets.fee_amounts)
        every_year[year] = [row for row in rows if row.kind == "programme"] if programmes_only else rows
    return every_year


SUMMED_ITEM = "\x00terms only "  # the key of contracts summed as one item (no stored code holds a control character)


class _TermsOnlyYears:
    """``schedule_years_figures`` of contracts with terms only and a fixed fee, given as columns: their schedules
    summed by arrays for every year at once (a few integers a contract), each year's figures made when asked for;
    ``left``: the few the arrays leave to the engine, whole."""

    def __init__(self, terms_only: "TermsOnly", years: Sequence[int]) -> None:
        from . import bulk

        self.codes = terms_only.codes
        self.of_year, self.before, uncovered = bulk.years_sums(terms_only.columns, years)
        self.alone = uncovered.tolist()
        self.stands_for: dict[str, int] = {}  # by_programme's keys: how many items each one's sums stand for
        left = [code for code, alone in zip(self.codes, self.alone) if alone]
        self.left = list(terms_only.contracts_of(left)) if left else []

    def by_programme(self, programmes: Sequence[Programme], figures: dict[int, dict[str, YearFigures]],
                     kept: frozenset[int] = frozenset()) -> list[Programme]:
        """For programme rows alone: the programmes with the contracts summed here taken out of each and put back as
        one item of their sums a year, added to ``figures`` (year -> key -> figures) under a key no code can be
        (``SUMMED_ITEM``). A programme row's figures are the same: its totals add exact amounts (in any order, the
        same Decimal), and an item with terms only is known in every total (paid 0.00, nothing earlier settled), its
        basis computed: it names no contract in the row's basis. Those funded by no programme are summed for the
        "(none)" group the same way. ``kept``: positions left out of the sums (their callers add them by code).
        ``self.stands_for`` then says how many items each key's sums stand for."""
        position = {code: index for index, (code, alone) in enumerate(zip(self.codes, self.alone))
                    if not alone and index not in kept}
        funded = {code for programme in programmes for code in programme.contracts}
        groups = [(programme, [position[code] for code in programme.contracts if code in position])
                  for programme in programmes]
        loose = [index for code, index in position.items() if code not in funded]
        made = []
        for programme, positions in groups:
            if positions:
                key = SUMMED_ITEM + programme.code
                self._add_sums(key, positions, figures)
                programme = replace(programme, contracts=tuple(
                    code for code in programme.contracts if code not in position) + (key,))
            made.append(programme)
        if loose:
            self._add_sums(SUMMED_ITEM, loose, figures)  # not funded: fy_report puts it in the "(none)" group
        return made

    def _add_sums(self, key: str, positions: list[int], figures: dict[int, dict[str, YearFigures]]) -> None:
        self.stands_for[key] = len(positions)
        of_year, before = self.of_year[positions].T.tolist(), self.before[positions].T.tolist()  # exact Python sums
        for year, obligations_fen, earlier_fen in zip(figures, of_year, before):
            obligations = from_fen(sum(obligations_fen))
            figures[year][key] = YearFigures(obligations, obligations, from_fen(sum(earlier_fen)))

    def add_year(self, index: int, figures: dict[str, YearFigures]) -> None:
        """The figures of the year at ``index`` (of the years given), added by code to ``figures``."""
        make = YearFigures.__new__
        for code, obligations_fen, earlier_fen, alone in zip(self.codes, self.of_year[:, index].tolist(),
                                                            self.before[:, index].tolist(), self.alone):
            if not alone:
                obligations = from_fen(obligations_fen)
                figures[code] = make(YearFigures, obligations, obligations, from_fen(earlier_fen))

    def largest(self, index: int, count: int) -> frozenset[int]:
        """The positions of the covered contracts whose obligations in the year at ``index`` are at least the
        ``count``-th largest of them (every one tied with it too): no other can be among the ``count`` items with the
        largest obligations of a report, since ``count`` items (at least) come before each of them."""
        import numpy as np

        if count <= 0:
            return frozenset()
        covered = np.flatnonzero(~np.asarray(self.alone, bool))
        if covered.size <= count:
            return frozenset(covered.tolist())
        obligations = self.of_year[covered, index]
        threshold = np.partition(obligations, covered.size - count)[covered.size - count]
        return frozenset(covered[obligations >= threshold].tolist())

    def add_positions(self, index: int, positions: Iterable[int], figures: dict[str, YearFigures]) -> None:
        """As ``add_year``, for the contracts at ``positions`` alone."""
        for position in positions:
            obligations = from_fen(int(self.of_year[position, index]))
            figures[self.codes[position]] = YearFigures(obligations, obligations, from_fen(int(self.before[position, index])))


def fiscal_year_figures(contracts: Iterable["Contract"], budgets: Budgets, year: int,
                        as_of: dt.date | None = None, terms_only: "TermsOnly | None" = None) -> list[FyRow]:
    """The fiscal-year report: per programme, its contracts and fee lines, then the programme's row.

    What is known on ``as_of`` (None: every recorded fact) and by the year's end, whichever is earlier:
    ledgers are built as of that day, and only payments made by then count. So ``report fy`` for a year
    gone by counts every payment of the year, and the HTML report as of a day in the year counts the
    payments made so far; a payment recorded after the as-of day never counts. A contract with nothing
    recorded but its terms comes straight from the schedule engine.
    """
    return _fiscal_year_rows(contracts, budgets, year, as_of, terms_only, None).rows


class ShownYear(NamedTuple):
    """What a terminal shows of a fiscal year: ``shown_rows`` of the whole report, and how many items it has."""

    rows: list[FyRow]
    items: int


def fiscal_year_shown(contracts: Iterable["Contract"], budgets: Budgets, year: int, as_of: dt.date | None,
                      largest: int, terms_only: "TermsOnly | None" = None) -> ShownYear:
    """``shown_rows(fiscal_year_figures(...), largest)`` and the report's number of items, without making the rows of
    the contracts with terms only (``terms_only``, as columns) that cannot be among the ``largest``: each programme's
    are summed as one item for its row (``_TermsOnlyYears.by_programme``), the same row as the whole report's."""
    return _fiscal_year_rows(contracts, budgets, year, as_of, terms_only, largest)


def _fiscal_year_rows(contracts: Iterable["Contract"], budgets: Budgets, year: int, as_of: dt.date | None,
                      terms_only: "TermsOnly | None", largest: int | None) -> ShownYear:
    from .year_figures import year_figures

    seen = dt.date(year, 12, 31) if as_of is None else min(dt.date(year, 12, 31), as_of)
    figures: dict[str, YearFigures] = {}
    paid: dict[str, Decimal] = {}
    programmes = budgets.programmes
    summed = None
    if terms_only is not None and len(terms_only):
        # More contracts with terms only and a fixed fee, as columns: their schedules summed all at once.
        from itertools import chain

        summed = _TermsOnlyYears(terms_only, [year])
        if largest is None:
            summed.add_year(0, figures)
        else:
            kept = summed.largest(0, largest)
            summed.add_positions(0, sorted(kept), figures)
            programmes = summed.by_programme(programmes, {year: figures}, kept)
        contracts = chain(contracts, summed.left)
    for contract in contracts:
        if contract.terms_only:
            figures[contract.code] = schedule_year_figures(contract.terms, year)
            continue
        counted = [p for p in contract.payments if p.paid_on <= seen]
        # contract_year_figures of its ledger as of that day, from the ledger's rows in fen (no payable is made)
        figures[contract.code] = year_figures(contract, seen, year, counted)
        amount = paid_by_year(counted).get(year)
        if amount is not None:
            paid[contract.code] = amount
    rows = fy_report(year, programmes, budgets.budgets, figures, paid, budgets.fee_amounts)
    if largest is None:
        return ShownYear(rows, sum(1 for row in rows if row.kind != "programme"))
    stands_for = summed.stands_for if summed is not None else {}
    rows = [row for row in rows if row.item not in stands_for]
    items = sum(1 for row in rows if row.kind != "programme") + sum(stands_for.values())
    return ShownYear(shown_rows(rows, largest), items)


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
