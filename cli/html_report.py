"""The portfolio report as one self-contained HTML page: inline CSS and SVG, no script, no link outside.

It opens from a USB stick, in any browser, with no network; it prints on A4 (charts keep their
patterns, sections avoid breaking inside a table row). Headings follow --lang, amounts --unit.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any, Mapping, Sequence

from contracts import __version__
from contracts.report import Report

from . import i18n
from .render import human
from .svg_charts import cashflow_svg, timeline_svg

STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Helvetica Neue", Arial, sans-serif;
       color: #1a202c; margin: 24px auto; max-width: 1060px; padding: 0 16px; line-height: 1.4; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; border-bottom: 2px solid #2b6cb0; padding-bottom: 3px;
     margin-top: 30px; } h3 { font-size: 14px; margin: 14px 0 4px; }
.meta { color: #4a5568; font-size: 13px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0; }
.card { border: 1px solid #cbd5e0; border-radius: 6px; padding: 8px 12px; min-width: 150px; }
.card .label { font-size: 12px; color: #4a5568; } .card .value { font-size: 18px; font-weight: bold; }
table { border-collapse: collapse; width: 100%; font-size: 12px; margin: 6px 0 10px; }
th, td { border: 1px solid #cbd5e0; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #edf2f7; } td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; background: #f7fafc; }
.error { color: #c53030; font-weight: bold; } .warning { color: #b7791f; font-weight: bold; } .info { color: #2b6cb0; }
.note { font-size: 12px; color: #4a5568; } .empty { color: #718096; font-style: italic; }
svg.chart { border: 1px solid #e2e8f0; background: #fff; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } tr, .card, svg.chart { break-inside: avoid; }
               .cards { gap: 6px; } }
"""

EXPIRING_COLUMNS = ("contract", "name", "billing_end", "service_end", "days_left", "status")
REBID_COLUMNS = ("line", "coverage_ends", "method", "latest_start", "sign_by", "slack_days", "state")
PAYABLE_COLUMNS = ("contract", "seq", "period_start", "period_end", "due", "gross", "total_deduction", "net", "paid", "owed", "state")
FINDING_COLUMNS = ("severity", "check", "record", "stated", "computed", "explanation")
TENDER_COLUMNS = ("attempt", "method", "announced", "outcome", "ground", "bidders", "contract", "note")


def _cell(key: str, value: Any) -> str:
    numeric = isinstance(value, (Decimal, int)) and not isinstance(value, bool)
    css = ' class="num"' if numeric else (f' class="{escape(value)}"' if key == "severity" else "")
    return f"<td{css}>{escape(human(value, key))}</td>"


ROW_LIMIT = 200  # rows of one table a person reads in a report; the commands give the rest


def table(rows: Sequence[Mapping[str, Any]], keys: Sequence[str], *, total_row: Mapping[str, Any] | None = None,
          empty: str = "none", full_list: str = "") -> str:
    """An HTML table; past ROW_LIMIT rows, the first ones and a note naming the command that lists them all
    (any total row still adds up every row)."""
    if not rows:
        return f'<p class="empty">{escape(i18n.t(empty))}</p>'
    cut = ""
    if len(rows) > ROW_LIMIT:
        cut = (f'<p class="note">{escape(i18n.t("The first {shown} of {count} rows; {command} lists them all.", shown=ROW_LIMIT, count=len(rows), command=full_list or "the command"))}</p>')
        rows = rows[:ROW_LIMIT]
    head = "".join(f"<th>{escape(i18n.header(key))}</th>" for key in keys)
    body = "".join("<tr>" + "".join(_cell(key, row.get(key)) for key in keys) + "</tr>" for row in rows)
    if total_row:
        body += '<tr class="total">' + "".join(_cell(key, total_row.get(key)) for key in keys) + "</tr>"
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{cut}"


def _card(label: str, value: str) -> str:
    return f'<div class="card"><div class="label">{escape(label)}</div><div class="value">{escape(value)}</div></div>'


def _section(title: str, body: str, anchor: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{body}</section>'


def render(report: Report, *, contract_count: int, rebid_methods: Sequence[str]) -> str:
    t = i18n.t
    day = report.as_of.isoformat()
    errors = sum(1 for f in report.findings if f.severity == "error")
    cards = "".join([
        _card(t("contracts"), str(contract_count)),
        _card(t("in arrears"), i18n.shown_amount(report.totals["arrears"])),
        _card(t("due this quarter (net where assessed)"), i18n.shown_amount(report.totals["payable_net"])),
        _card(t("findings"), f"{len(report.findings)} ({errors} {t('errors')})"),
    ])
    timeline_note = (f'<p class="note">{escape(t("{count} more lines are left out of the timeline; the tables below include them.", count=report.timeline_omitted))}</p>'
                     if report.timeline_omitted else "")
    flows = [{"year": f.year, "obligations": f.obligations, "adjusted_budget": f.budget, "paid": f.paid} for f in report.flows]
    flow_total = {"year": i18n.value("total"), "obligations": sum((f.obligations for f in report.flows), Decimal("0.00")),
                  "paid": sum((f.paid for f in report.flows), Decimal("0.00"))}
    rebids = [{key: getattr(row, key) for key in REBID_COLUMNS} for row in report.rebids]
    payables = report.payables
    payable_total = {"contract": i18n.value("total"), **{key: sum((row[key] or Decimal("0.00") for row in payables), Decimal("0.00"))
                                                       for key in ("gross", "total_deduction", "net", "paid", "owed")}} if payables else None
    arrears_keys = tuple(report.arrears[0].keys()) if report.arrears else ()
    tenders = "".join(
        f"<h3>{escape(t('{line}: {failed} failed of {attempts}, {consecutive} in a row; last ground: {ground}', line=s.line, failed=s.failed, attempts=len(s.attempts), consecutive=s.consecutive_failures, ground=s.last_ground or '-'))}</h3>"
        + table([{"attempt": n, "method": a.method, "announced": a.announced, "outcome": a.outcome, "ground": a.ground,
                  "bidders": a.bidders, "contract": a.contract, "note": a.note} for n, a in enumerate(s.attempts, start=1)],
                TENDER_COLUMNS)
        + "".join(f'<p class="note">{escape(flag)}</p>' for flag in s.flags)
        for s in report.failed_tenders) or f'<p class="empty">{escape(t("none"))}</p>'
    rounding = i18n.rounding_note()
    body = [
        f"<header><h1>{escape(t('Service contracts: report as of {day}', day=day))}</h1>",
        f'<p class="meta">{escape(t("Generated by contracts {version}.", version=__version__))} '
        f'{escape(rounding or t("Amounts in yuan, to the fen."))}</p>',
        f'<div class="cards">{cards}</div></header>',
        _section(t("Portfolio timeline"), timeline_svg(report.timeline, report.window, report.as_of) + timeline_note, "timeline"),
        _section(t("Fiscal-year cash flow"), cashflow_svg(report.flows) + table(flows, ("year", "obligations", "adjusted_budget", "paid"),
                                                                                   total_row=flow_total), "cashflow"),
        _section(t("Expiring contracts and rebid deadlines"),
                 f"<h3>{escape(t('Contracts whose service ends within {days} days', days=report.expiring_days))}</h3>"
                 + table(report.expiring, EXPIRING_COLUMNS, full_list=f"contracts expiring --within {report.expiring_days}")
                 + f"<h3>{escape(t('Services to re-procure within {days} days (method: {methods})', days=report.rebid_horizon, methods=', '.join(i18n.value(m) for m in rebid_methods)))}</h3>"
                 + table(rebids, REBID_COLUMNS, full_list=f"contracts rebid --horizon {report.rebid_horizon} "
                         + " ".join(f"--method {m}" for m in rebid_methods))
                 + "".join(f'<p class="note">{escape(t("Working days assumed for a year not yet published: {days}", days=text))}</p>'
                           for text in dict.fromkeys("; ".join(r.assumed_days) for r in report.rebids if r.assumed_days)), "expiring"),
        _section(t("Payables and arrears"),
                 f"<h3>{escape(t('Installments due in {quarter}', quarter=report.payable_quarter))}</h3>"
                 + table(payables, PAYABLE_COLUMNS, total_row=payable_total,
                         full_list=f"contracts payable --quarter {report.payable_quarter}")
                 + f"<h3>{escape(t('Due and unpaid, by days overdue'))}</h3>"
                 + table(sorted(report.arrears[:-1], key=lambda row: -row["total"]), arrears_keys, total_row=report.arrears[-1] if len(report.arrears) > 1 else None,
                         empty="nothing is in arrears", full_list="contracts arrears --summary"), "payables"),
        _section(t("Failed tenders"), tenders, "tenders"),
        _section(t("Findings of the checks"), table([f.__dict__ for f in report.findings], FINDING_COLUMNS,
                                                     empty="no findings: the data adds up", full_list="contracts check"),
                 "findings"),
    ]
    lang = "zh-CN" if i18n.language() == "zh" else "en"
    title = escape(t("Service contracts: report as of {day}", day=day))
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
            f"<style>{STYLE}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")

