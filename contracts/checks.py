"""``contracts check``: what in the data does not add up, each finding with its evidence.

As beancount does with its entries: every check is a function over the facts
that returns findings (severity, record, field, stated value, computed value,
explanation); none of them changes anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from decimal import Decimal
from typing import Iterable, Mapping, Sequence

from .amendments import adds_over_ten_percent, supplement_check
from .budget import Budget, Budgets, FeeAmount, Programme
from .contract import Contract
from .lines import UNCOVERED
from .lone import LoneTerms
from .money import format_money
from .overview import stated_end_agrees
from .payables import AWAITING, Ledger
from .payments import paid_by_year
from .procurement import LineStatus
from .schedule import contract_total
from .stated import Stated, compare_total
from .terms import ContractTerms

class Severity(StrEnum):
    """How much a finding matters, most first (the values are what every output prints)."""

    ERROR = "error"  # the figures contradict each other beyond what rounding explains
    WARNING = "warning"  # worth acting on
    INFO = "info"  # worth knowing


ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
SEVERITIES = tuple(Severity)


@dataclass(frozen=True)
class Finding:
    severity: Severity
    check: str
    record: str
    field: str
    stated: str
    computed: str
    explanation: str


@dataclass(frozen=True)
class CheckSettings:
    completion_gap_days: int = 90  # completion to billing start longer than this is worth a note
    assessment_grace_days: int = 30  # an installment due longer than this without assessment is late


def stated_ends(terms_list: Iterable[ContractTerms]) -> list[Finding]:
    return [_stated_end(t.code, t.stated_end, t.service_months, t.billing_start, t.service_end)
            for t in terms_list if stated_end_agrees(t.stated_end, t.service_end) is False]


def _stated_end(code: str, stated: str, months: int, start: dt.date, end: dt.date) -> Finding:
    return Finding(WARNING, "stated end", f"contract {code}", "stated_end", stated, end.isoformat(),
                   f"{months} months from {start.isoformat()} end on {end.isoformat()}, not in {stated} as the source states")


def completion_gaps(terms_list: Iterable[ContractTerms], settings: CheckSettings) -> list[Finding]:
    return [_completion_gap(t.code, t.completed_on, t.billing_start) for t in terms_list
            if t.completed_on and (t.billing_start - t.completed_on).days > settings.completion_gap_days]


def _completion_gap(code: str, completed_on: dt.date, start: dt.date) -> Finding:
    return Finding(INFO, "completion gap", f"contract {code}", "completed_on", completed_on.isoformat(), start.isoformat(),
                   f"works completed {(start - completed_on).days} days before billing began (acceptance, 验收计费, came later)")


def line_junctions(statuses: Iterable[LineStatus]) -> list[Finding]:
    findings = []
    for status in statuses:
        for j in status.junctions:
            if j.kind == "continuous":
                continue
            findings.append(Finding(WARNING, f"contract {j.kind}", f"line {status.line}", "contracts",
                                    f"{j.before} to {j.after}", f"{j.days} days",
                                    f"{j.kind} from {j.start.isoformat()} to {j.end.isoformat()} between {j.before} and {j.after}"))
    return findings


def uncovered_lines(statuses: Iterable[LineStatus], as_of: dt.date) -> list[Finding]:
    return [_uncovered(s.line, s.state, s.coverage_ends, as_of) for s in statuses if s.state == UNCOVERED]


def _uncovered(line: str, state: str, coverage_ends: dt.date | None, as_of: dt.date) -> Finding:
    return Finding(WARNING, "no contract", f"line {line}", "state", "", state,
                   f"on {as_of.isoformat()} the line has no contract and no approved transition "
                   f"(coverage ended {coverage_ends.isoformat() if coverage_ends else 'never began'}); record a successor, "
                   "a transition or a suspension")


def lone_findings(lone: Iterable[LoneTerms], as_of: dt.date, settings: CheckSettings = CheckSettings()) -> list[Finding]:
    """What ``run_checks`` finds of contracts alone on their lines with terms only (``contracts.lone``): a stated end
    that disagrees, a completion gap, and a line left without a contract (uncovered exactly when the contract has
    begun and its service has ended by ``as_of``: ``lone.state``). ``tests/test_check_lone.py`` holds these findings
    equal to the whole path's for any such contract and day."""
    findings = []
    gap_days = settings.completion_gap_days
    for row in lone:
        start, end, stated, completed_on = row.billing_start, row.service_end, row.stated_end, row.completed_on
        if stated and stated_end_agrees(stated, end) is False:
            findings.append(_stated_end(row.code, stated, row.service_months, start, end))
        if completed_on is not None and (start - completed_on).days > gap_days:
            findings.append(_completion_gap(row.code, completed_on, start))
        if start <= as_of and end <= as_of:
            findings.append(_uncovered(row.line, UNCOVERED, end, as_of))
    return findings


def overpayments(ledgers: Iterable[Ledger]) -> list[Finding]:
    return [
        Finding(WARNING, "paid above due", f"contract {ledger.terms.code}", "payments", format_money(ledger.credit), "0.00",
                f"payments exceed what was owed by {format_money(ledger.credit)} (a credit to the vendor)")
        for ledger in ledgers if ledger.credit > 0
    ]


def unassessed(ledgers: Iterable[Ledger], as_of: dt.date, settings: CheckSettings) -> list[Finding]:
    findings = []
    for ledger in ledgers:
        late = [p for p in ledger.payables if p.state == AWAITING and (as_of - p.due).days > settings.assessment_grace_days]
        if late:
            oldest = min(late, key=lambda p: p.due)
            findings.append(Finding(WARNING, "not assessed", f"contract {ledger.terms.code}", "assessment", "",
                                    f"{len(late)} installment(s)",
                                    f"due more than {settings.assessment_grace_days} days ago and not yet assessed, "
                                    f"the oldest seq {oldest.seq} due {oldest.due.isoformat()}"))
    return findings


def budget_totals(budgets: Iterable[Budget], programmes: Sequence[Programme], payments_by_year: Mapping[tuple[str, int], Decimal],
                  fee_amounts: Sequence[FeeAmount]) -> list[Finding]:
    """A programme's stated spending against the sum of its recorded payments, knowing the rounding."""
    findings = []
    for budget in budgets:
        if budget.spent is None:
            continue
        programme = next((p for p in programmes if p.code == budget.programme), None)
        if programme is None:
            continue
        items = [Stated(payments_by_year[(code, budget.year)], format_money(payments_by_year[(code, budget.year)]))
                 for code in programme.contracts if (code, budget.year) in payments_by_year]
        items += [a.amount for a in fee_amounts if a.fee_line in programme.fee_lines and a.year == budget.year and a.kind == "paid"]
        comparison = compare_total(budget.spent, items)
        if comparison.difference == 0:
            continue
        severity = INFO if comparison.within_rounding else ERROR
        verdict = (f"within the rounding of the stated figures (up to {comparison.tolerance.normalize():f} yuan)"
                   if comparison.within_rounding else f"more than their rounding explains (up to {comparison.tolerance.normalize():f} yuan)")
        findings.append(Finding(severity, "stated total", f"budget {budget.programme} {budget.year}", "spent",
                                budget.spent.shown(), format_money(comparison.items_total),
                                f"the {len(items)} recorded payments add up to {format_money(comparison.items_total)}; "
                                f"the difference {format_money(comparison.difference)} is {verdict}"))
    return findings


def amendment_totals(amended: Iterable[tuple[ContractTerms, Decimal]]) -> list[Finding]:
    """Amendments that add more than 10% to the original amount (the limit for a supplementary contract).

    ``amended``: each amended contract's original terms with its amended total."""
    findings = []
    for original_terms, amended_total in amended:
        original = contract_total(original_terms)
        if adds_over_ten_percent(original, amended_total - original):
            findings.append(Finding(WARNING, "amended over 10%", f"contract {original_terms.code}", "amendments",
                                    format_money(original), format_money(amended_total),
                                    f"the amendments add {format_money(amended_total - original)}, more than 10% of the "
                                    "original amount, the limit for a supplementary contract (GPL art. 49)"))
    return findings


def run_checks(*, terms: Sequence[ContractTerms], ledgers: Sequence[Ledger], statuses: Sequence[LineStatus],
               budgets: Sequence[Budget] = (), programmes: Sequence[Programme] = (),
               payments_by_year: Mapping[tuple[str, int], Decimal] | None = None, fee_amounts: Sequence[FeeAmount] = (),
               as_of: dt.date, settings: CheckSettings = CheckSettings(),
               amended: Sequence[tuple[ContractTerms, Decimal]] = ()) -> list[Finding]:
    findings = (
        amendment_totals(amended) +
        budget_totals(budgets, programmes, payments_by_year or {}, fee_amounts)
        + overpayments(ledgers)
        + stated_ends(terms)
        + line_junctions(statuses)
        + uncovered_lines(statuses, as_of)
        + unassessed(ledgers, as_of, settings)
        + completion_gaps(terms, settings)
    )
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.check, f.record))


def portfolio_findings(contracts: Sequence[Contract], statuses: Sequence[LineStatus], budgets: Budgets, as_of: dt.date,
                       settings: CheckSettings = CheckSettings(),
                       ledgers: Sequence[Ledger] | Mapping[str, Ledger] | None = None,
                       lone: Iterable[LoneTerms] = ()) -> list[Finding]:
    """Every check over a whole portfolio, as of ``as_of``: what ``contracts check`` and the HTML report show.

    ``lone``: more contracts, each with terms only and alone on its line, as the store reads them for the checks
    (``LoneTerms``); ``contracts`` and ``statuses`` are then the rest of the portfolio and its other lines.

    ``ledgers``: the contracts' ledgers as of ``as_of``, if the caller has them already: in the same order, or by
    code for those not on the fast path (``ledgers.full_ledgers``). A contract with nothing but its terms has no
    finding a ledger could give (no credit, nothing awaiting assessment, no rule), so it gets no ledger."""
    from .fastpath import on_fast_path
    from .source_checks import source_findings

    if ledgers is None:
        by_code = {c.code: c.ledger(as_of) for c in contracts if not on_fast_path(c)}
    elif isinstance(ledgers, Mapping):
        by_code = dict(ledgers)
    else:
        by_code = {c.code: ledger for c, ledger in zip(contracts, ledgers)}
    payments_by_year = {(contract.code, year): amount for contract in contracts if contract.payments
                        for year, amount in paid_by_year(contract.payments).items()}
    amended = [(c.terms, supplement_check(c)[1]) for c in contracts if c.amendments]
    found = run_checks(terms=[c.terms for c in contracts], ledgers=list(by_code.values()),
                      statuses=statuses, budgets=budgets.budgets, programmes=budgets.programmes,
                      payments_by_year=payments_by_year, fee_amounts=budgets.fee_amounts, as_of=as_of,
                      settings=settings, amended=amended)
    found += source_findings(contracts, by_code, budgets, as_of, settings)
    found += lone_findings(lone, as_of, settings)
    return sorted(found, key=lambda f: (SEVERITIES.index(f.severity), f.check, f.record))
