"""``contracts check``, part two: what the source leaves inconsistent, or open to more than one reading.

The figures of a performance-evaluation report rarely all fit together. These checks say where, quoting the text
stored from the source, and never pick a reading: a statement of purpose that names contracts its itemised list does
not pay; payments that fit what fell due only with an opening balance inferred rather than stated; payments short
of an installment by what may be a deduction whose rules are not recorded; fee-line amounts paid for months of
another year; amounts and quantities that disagree with a unit price.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Mapping, Sequence

from .budget import Budgets, FeeAmount, FeeLine, month_shares, months_in
from .checks import INFO, WARNING, CheckSettings, Finding
from .contract import Contract
from .deductions import UnrecordedRule, rules_in_force
from .money import format_money_grouped as money, format_share
from .payables import PARTLY_PAID, Ledger
from .payments import paid_by_year

PLAUSIBLE_DEDUCTION = Fraction(1, 10)  # a shortfall up to this share may be a deduction, where a rule gives no other


def possible_deductions(contracts: Sequence[Contract], ledgers: Mapping[str, Ledger], as_of: dt.date) -> list[Finding]:
    """Installments partly paid, short by no more than a plausible deduction, of contracts whose deductions are made
    but not recorded: possibly a deduction, rather than plain arrears. ``ledgers``: by code, of (at least) the
    contracts with rules."""
    findings = []
    for contract in contracts:
        if not any(isinstance(rule, UnrecordedRule) for rule in contract.rules):
            continue
        ledger = ledgers[contract.code]
        for item in ledger.payables:
            if item.state != PARTLY_PAID or item.due > as_of or not item.seq:
                continue
            rule = next((r for r in rules_in_force(contract.rules, item.period_start) if isinstance(r, UnrecordedRule)), None)
            if rule is None:
                continue
            share = rule.up_to_share if rule.up_to_share is not None else PLAUSIBLE_DEDUCTION
            if item.owed <= item.gross * share.numerator / share.denominator:
                findings.append(Finding(
                    INFO, "possibly a deduction", f"contract {contract.code}", "payments", money(item.owed),
                    f"{item.owed / item.gross:.2%} of {money(item.gross)}",
                    f"seq {item.seq} was paid {money(item.paid)} of {money(item.gross)}; the {money(item.owed)} short is "
                    f"within {format_share(share)} of the installment and may be a deduction under the assessment, whose "
                    f"rules are not recorded ({rule.note or rule.name}): it is shown as owed, an upper bound"))
    return findings


def purposes_not_paid(contracts: Sequence[Contract], budgets: Budgets) -> list[Finding]:
    """A budget's stated purpose names contracts that no payment recorded for the year reaches."""
    paid = {(contract.code, year) for contract in contracts for year in paid_by_year(contract.payments)}
    findings = []
    for budget in budgets.budgets:
        unpaid = [code for code in budget.purpose_contracts if (code, budget.year) not in paid]
        if not unpaid:
            continue
        findings.append(Finding(
            WARNING, "purpose not paid", f"budget {budget.programme} {budget.year}", "purpose", budget.purpose,
            ", ".join(unpaid),
            f"the statement of purpose names {', '.join(budget.purpose_contracts)}, but no payment recorded for "
            f"{budget.year} reaches {', '.join(unpaid)}: they may not have been paid, the payments listed may include "
            "them, or they may have been paid from other money; the source does not say which"))
    return findings


def openings_not_stated(contracts: Sequence[Contract]) -> list[Finding]:
    """Opening balances that are inferred or assumed rather than stated: payments fit what fell due only with them."""
    findings = []
    for contract in contracts:
        opening = contract.opening
        if opening is None or opening.basis == "stated":
            continue
        inferred = opening.basis == "inferred"
        what = (f"{money(opening.owed)} owed before {opening.as_of.isoformat()}" if opening.owed
                else f"installments 1 to {opening.settled_through_seq} settled before {opening.as_of.isoformat()}")
        findings.append(Finding(
            WARNING if inferred else INFO, "opening not stated", f"contract {contract.code}", "opening", opening.source,
            what,
            (f"{what} is inferred, not stated: the payments recorded do not fit what fell due without it, and other "
             "readings of the source may fit as well" if inferred else
             f"{what} is {opening.basis or 'recorded'}, not stated by the source")))
    return findings


def _year_of_months(amount: FeeAmount) -> set[int]:
    return {span.start.year for span in amount.months} | {(span.end - dt.timedelta(days=1)).year for span in amount.months}


def fee_amounts_for_other_years(budgets: Budgets) -> list[Finding]:
    """Amounts paid in one fiscal year for months of another: earlier services settled late (or paid in advance)."""
    findings = []
    for amount in budgets.fee_amounts:
        if amount.kind != "paid" or not amount.months or _year_of_months(amount) == {amount.year}:
            continue
        others = sorted(_year_of_months(amount) - {amount.year})
        findings.append(Finding(
            INFO, "paid for another year", f"fee line {amount.fee_line} {amount.year}", "months", amount.source or amount.note,
            amount.months_text,
            f"{amount.amount.shown()} paid in {amount.year} for {amount.months_text}: services of "
            f"{', '.join(map(str, others))} settled in {amount.year}; the fiscal-year report counts them against their months"))
    return findings


def _units(amount: Decimal, line: FeeLine) -> Fraction:
    return Fraction(amount) / Fraction(line.unit_price)


def _shown(units: Fraction) -> str:
    """A number of units as people read it: 1,256.25 (two decimals, never through a float)."""
    return f"{(Decimal(units.numerator) / units.denominator).quantize(Decimal('0.01')):,}"


def quantities_against_prices(budgets: Budgets) -> list[Finding]:
    """Fee-line amounts that hold no whole number of units at the line's price (within the rounding of the stated
    figure), and quantities delivered that disagree with the amounts paid for the same months."""
    findings = []
    lines = {line.code: line for line in budgets.fee_lines if line.unit_price}
    for amount in budgets.fee_amounts:
        line = lines.get(amount.fee_line)
        if line is None or amount.kind != "paid":
            continue
        low, high = amount.amount.yuan - amount.amount.precision, amount.amount.yuan + amount.amount.precision
        fewest, most = -(-_units(low, line) // 1), _units(high, line) // 1
        whole = fewest <= most if amount.amount.precision else _units(amount.amount.yuan, line).denominator == 1
        if not whole:
            span = f"from {money(low)} up to {money(high)}" if amount.amount.precision else money(amount.amount.yuan)
            findings.append(Finding(
                WARNING, "not whole units", f"fee line {amount.fee_line} {amount.year}", "paid", amount.amount.shown(),
                _shown(_units(amount.amount.yuan, line)),
                f"{amount.amount.shown()} ({span}) holds no whole number of {line.unit}s at {money(line.unit_price)} a "
                f"{line.unit}: the amount and the unit price cannot both be right, or it pays for something else too"))
    for delivered in budgets.fee_amounts:
        line = lines.get(delivered.fee_line)
        if line is None or delivered.kind != "delivered" or not delivered.months:
            continue
        if delivered.quantity_unit not in (line.unit, line.sub_unit):
            continue
        per = line.sub_units if delivered.quantity_unit == line.sub_unit and line.sub_units else 1
        units = Fraction(delivered.quantity, per)
        cost = (Decimal(units.numerator) * line.unit_price / units.denominator).quantize(Decimal("0.01"))
        months = {month for span in delivered.months for month in months_in(span)}
        paid = sum((_paid_for_months(amount, months) for amount in budgets.fee_amounts
                    if amount.fee_line == line.code and amount.kind == "paid"), Decimal("0.00"))
        if units.denominator == 1 and cost == paid:
            continue
        counted = f"{delivered.quantity:,} {delivered.quantity_unit}s" + (f" = {_shown(units)} {line.unit}s" if per > 1 else "")
        priced = (f"{counted} for {delivered.months_text} would cost {money(cost)} at {money(line.unit_price)} a {line.unit}, "
                  f"but {money(paid)} is recorded as paid for those months")
        explanation = (f"{priced}; and {counted} is not a whole number of {line.unit}s: the quantity, the amounts or the "
                       "months they were for do not fit together" if units.denominator != 1 else
                       f"{priced}: the quantity, the amounts or the months they were for do not fit together")
        findings.append(Finding(WARNING, "quantity and amounts disagree", f"fee line {line.code} {delivered.year}", "delivered",
                                delivered.source or str(delivered.quantity), money(paid), explanation))
    return findings


def _paid_for_months(amount: FeeAmount, months: set[dt.date]) -> Decimal:
    """The part of a paid amount that was for these months (split by months where it was for others too)."""
    if not amount.months:
        return Decimal("0.00")
    return sum((part for month, part in month_shares(amount) if month in months), Decimal("0.00"))


def source_findings(contracts: Sequence[Contract], ledgers: Mapping[str, Ledger], budgets: Budgets, as_of: dt.date,
                    settings: CheckSettings = CheckSettings()) -> list[Finding]:
    return (possible_deductions(contracts, ledgers, as_of) + purposes_not_paid(contracts, budgets)
            + openings_not_stated(contracts) + fee_amounts_for_other_years(budgets) + quantities_against_prices(budgets))
