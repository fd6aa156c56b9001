"""首页, the dashboard, and the findings of the checks.

What it shows is what the HTML report and the CLI compute (web/portfolio.py): contracts expiring within 180 days,
rebid deadlines, this quarter's installments by state, arrears by age, failed tenders, the count of findings.
The order fits the reader's roles: logistics sees the quarter's installments first (what awaits assessment),
finance the payables and arrears, procurement the rebid deadlines and failed tenders, others the expiries.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from contracts.payables import ARREARS_SUMMARY_KEYS
from contracts.procurement_rows import FAILED_KEYS, failure_record

from . import pages
from .pages import get, render, table
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


def contract_link(row) -> str:
    return f"/contracts/{row['contract']}"


def section_order(roles) -> tuple[str, ...]:
    for role in ("logistics", "finance", "procurement"):
        if role in roles:
            return SECTIONS_FIRST[role]
    return DEFAULT_ORDER


def dashboard(request: Request) -> Response:
    day = pages.as_of(request)
    found = portfolio(pages.store(request), day)
    report = found.report
    by_state = {state: [row for row in report.payables if row["state"] == state] for state in QUARTER_STATES}
    quarter_counts = [(state, len(rows)) for state, rows in by_state.items()]
    sections = {
        "expiring": table(report.expiring, EXPIRING_COLUMNS, links={"contract": contract_link},
                          caption=t("Expiring within {days} days", days=EXPIRING_DAYS), empty="no contract expires in that window"),
        "rebid": table([{**{key: getattr(row, key) for key in REBID_COLUMNS}} for row in report.rebids], REBID_COLUMNS,
                       caption=t("Rebid deadlines"), empty="no service needs a new procurement within the horizon"),
        "quarter": table(report.payables, PAYABLE_COLUMNS, links={"contract": contract_link},
                         caption=t("This quarter's installments ({quarter})", quarter=report.payable_quarter),
                         empty="nothing falls due in that window"),
        "arrears": table(report.arrears, ARREARS_SUMMARY_KEYS, links={"contract": lambda row: contract_link(row) if row["contract"] != "TOTAL" else None},
                         caption=t("Arrears by age"), empty="nothing is in arrears"),
        "failed": table([failure_record(summary) for summary in report.failed_tenders], FAILED_KEYS[:5],
                        caption=t("Failed tenders"), empty="no failed tenders"),
    }
    if len(report.arrears) <= 1:  # only the TOTAL row: nothing owed
        sections["arrears"] = table([], ARREARS_SUMMARY_KEYS, caption=t("Arrears by age"), empty="nothing is in arrears")
    findings = found.findings
    counts = {severity: sum(1 for f in findings if f.severity == severity) for severity in ("error", "warning", "info")}
    order = section_order(pages.current_user(request).roles)
    return render(request, "home.html", title=t("Home"), day=day, sections=[sections[name] for name in order],
                  quarter=report.payable_quarter, quarter_counts=quarter_counts, totals=report.totals,
                  findings_count=len(findings), counts=counts, contracts=found.contracts)


def findings_page(request: Request) -> Response:
    day = pages.as_of(request)
    found = portfolio(pages.store(request), day)
    rows = [finding.__dict__ for finding in found.findings]
    return render(request, "findings.html", title=t("Findings"), day=day,
                  findings=table(rows, FINDING_COLUMNS, caption=t("Checks as of {day}", day=day.isoformat()),
                                 empty="no findings: the data adds up"))


routes = [
    get("/", dashboard, name="home"),
    get("/findings", findings_page, name="findings"),
]
