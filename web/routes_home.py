"""首页, the dashboard, and the findings of the checks.

What it shows is what the HTML report and the CLI compute (web/portfolio.py): contracts expiring within 180 days,
rebid deadlines, this quarter's installments by state, arrears by age, failed tenders, the count of findings.
The order fits the reader's roles: logistics sees the quarter's installments first (what awaits assessment),
finance the payables and arrears, procurement the rebid deadlines and failed tenders, others the expiries.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from contracts.payables import ARREARS_SUMMARY_KEYS
from contracts.procurement_rows import FAILED_KEYS, failure_record

from . import pages
from .pages import get, render, status_note, table
from .portfolio import EXPIRING_DAYS, portfolio
from .text import t

EXPIRING_COLUMNS = ("contract", "name", "billing_end", "service_end", "days_left", "status")
REBID_COLUMNS = ("line", "coverage_ends", "method", "latest_start", "sign_by", "slack_days", "state")
PAYABLE_COLUMNS = ("contract", "seq", "due", "gross", "total_deduction", "net", "paid", "owed", "state", "basis")
FINDING_COLUMNS = ("severity", "check", "record", "stated", "computed", "explanation")
QUARTER_STATES = ("awaiting assessment", "payable", "partly paid", "paid")
SECTIONS_FIRST = {  # the role -> the section it needs first
    "logistics": ("quarter", "expiring", "arrears", "rebid", "failed"),
    "finance": ("quarter", "arrears", "expiring", "rebid", "failed"),
    "procurement": ("rebid", "failed", "expiring", "quarter", "arrears"),
}
DEFAULT_ORDER = ("expiring", "rebid", "quarter", "arrears", "failed")
ROWS_SHOWN = 20  # per section: a dashboard points at what needs doing first; the full lists are elsewhere
STATE_RANK = {"awaiting assessment": 0, "payable": 1, "partly paid": 2, "paid": 3}


def contract_link(row) -> str:
    return f"/contracts/{row['contract']}"


def section_order(roles) -> tuple[str, ...]:
    for role in ("logistics", "finance", "procurement"):
        if role in roles:
            return SECTIONS_FIRST[role]
    return DEFAULT_ORDER


@dataclass(frozen=True)
class Ranked:
    """The dashboard's rows, ranked and cut to ROWS_SHOWN, and its counts: made once per state of the store."""
    expiring: list
    rebids: list
    quarter: list
    arrears: list
    failed: list
    counts: dict  # rows per section before cutting
    quarter_counts: list
    findings: dict


def _top(rows, key, limit: int = ROWS_SHOWN + 1) -> list:
    return heapq.nsmallest(limit, rows, key=key)  # one pass: a province's 100,000 rows are not sorted for 20


def rank(found) -> Ranked:
    """What needs doing first, first: the soonest expiry, the least slack, what awaits assessment, the largest
    arrears (the total row kept last), the most failures in a row."""
    report = found.report
    rebids = [{key: getattr(row, key) for key in REBID_COLUMNS} for row in
              _top(report.rebids, lambda row: (row.slack_days is None, row.slack_days or 0, row.coverage_ends, row.line))]
    quarter = _top(report.payables, lambda row: (STATE_RANK.get(row["state"], 1), row["due"], row["contract"]))
    arrears = _top(report.arrears[:-1], lambda row: (-row["total"], row["contract"])) + report.arrears[-1:]
    failed = [failure_record(summary) for summary in _top(report.failed_tenders, lambda s: (-s.consecutive_failures, s.line))]
    states: dict[str, int] = {}
    for row in report.payables:
        states[row["state"]] = states.get(row["state"], 0) + 1
    severities: dict[str, int] = {}
    for finding in found.findings:
        severities[finding.severity] = severities.get(finding.severity, 0) + 1
    return Ranked(report.expiring[:ROWS_SHOWN + 1], rebids, quarter, arrears, failed,
                  {"expiring": len(report.expiring), "rebid": len(report.rebids), "quarter": len(report.payables),
                   "arrears": len(report.arrears), "failed": len(report.failed_tenders)},
                  [(state, states.get(state, 0)) for state in QUARTER_STATES],
                  {"count": len(found.findings), **{s: severities.get(s, 0) for s in ("error", "warning", "info")}})


def dashboard(request: Request) -> Response:
    day = pages.as_of(request)
    answer = portfolio(pages.store(request), day, wait=request.app.state.settings.wait_seconds, now=pages.now(request))
    if answer.portfolio is None:
        return render(request, "home.html", title=t("Home"), day=day, pending=status_note(request, answer), sections=[])
    found = answer.portfolio
    report, ranked = found.report, found.kept("dashboard", rank)

    def section(name: str, rows: list, keys, **options) -> dict:
        return table(rows, keys, limit=ROWS_SHOWN, of=ranked.counts[name], **options)

    sections = {
        "expiring": section("expiring", ranked.expiring, EXPIRING_COLUMNS, links={"contract": contract_link},
                            caption=t("Expiring within {days} days", days=EXPIRING_DAYS), empty="no contract expires in that window"),
        "rebid": section("rebid", ranked.rebids, REBID_COLUMNS, caption=t("Rebid deadlines"),
                         empty="no service needs a new procurement within the horizon"),
        "quarter": section("quarter", ranked.quarter, PAYABLE_COLUMNS, links={"contract": contract_link},
                           caption=t("This quarter's installments ({quarter})", quarter=report.payable_quarter),
                           empty="nothing falls due in that window"),
        "arrears": section("arrears", ranked.arrears if len(ranked.arrears) > 1 else [], ARREARS_SUMMARY_KEYS,
                           links={"contract": lambda row: contract_link(row) if row["contract"] != "TOTAL" else None},
                           caption=t("Arrears by age"), empty="nothing is in arrears", keep_last=True),
        "failed": section("failed", ranked.failed, FAILED_KEYS[:5], caption=t("Failed tenders"), empty="no failed tenders"),
    }
    order = section_order(pages.current_user(request).roles)
    return render(request, "home.html", title=t("Home"), day=day, sections=[sections[name] for name in order],
                  pending=status_note(request, answer),
                  quarter=report.payable_quarter, quarter_counts=ranked.quarter_counts, totals=report.totals,
                  findings_count=ranked.findings["count"], counts=ranked.findings, contracts=found.contracts)


def findings_page(request: Request) -> Response:
    day = pages.as_of(request)
    answer = portfolio(pages.store(request), day, wait=request.app.state.settings.wait_seconds, now=pages.now(request))
    rows = [finding.__dict__ for finding in answer.portfolio.findings] if answer.portfolio else []
    return render(request, "findings.html", title=t("Findings"), day=day, pending=status_note(request, answer),
                  findings=table(rows, FINDING_COLUMNS, caption=t("Checks as of {day}", day=day.isoformat()), limit=1000,
                                 empty="no findings: the data adds up") if answer.portfolio else None)


routes = [
    get("/", dashboard, name="home"),
    get("/findings", findings_page, name="findings"),
]
