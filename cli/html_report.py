"""The portfolio report as one self-contained HTML page: inline CSS and SVG, no script, no link outside.

It opens from a USB stick, in any browser, with no network; it prints on A4 (charts keep their
patterns, sections avoid breaking inside a table row). Headings follow --lang, amounts --unit.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any, Mapping, Sequence

from contracts import __version__
from contracts.basis import Basis, combined, kind_of, mark
from contracts.report import Report

from . import i18n
from .render import human, legend_lines
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
th { background: #edf2f7; white-space: nowrap; } td.num, td.day { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.day { text-align: left; } td.short { white-space: nowrap; }
caption { text-align: left; font-weight: bold; font-size: 14px; margin: 14px 0 4px; }
tr.total td { font-weight: bold; background: #f7fafc; }
.error { color: #c53030; font-weight: bold; } .warning { color: #b7791f; font-weight: bold; } .info { color: #2b6cb0; }
.note { font-size: 12px; color: #4a5568; } .empty { color: #718096; font-style: italic; }
svg.chart { border: 1px solid #e2e8f0; background: #fff; }
@media print { body { margin: 0; max-width: none; padding: 0; } h1, h2, h3, caption { break-after: avoid; page-break-after: avoid; }
               tr, .card, svg.chart, .keep { break-inside: avoid; page-break-inside: avoid; }
               thead { display: table-header-group; } table { font-size: 10.5px; } .cards { gap: 6px; } }
"""

PAGE = """
@page { size: A4; margin: 14mm 12mm 16mm 12mm;
        @bottom-left { content: "%(generated)s"; font-size: 8pt; color: #4a5568; }
        @bottom-right { content: %(numbers)s; font-size: 8pt; color: #4a5568; } }
"""

EXPIRING_COLUMNS = ("contract", "name", "billing_end", "service_end", "days_left", "status")
REBID_COLUMNS = ("line", "coverage_ends", "method", "latest_start", "sign_by", "slack_days", "state")
PAYABLE_COLUMNS = ("contract", "seq", "period_start", "period_end", "due", "gross", "total_deduction", "net", "paid", "owed", "state",
                   "basis")
FINDING_COLUMNS = ("severity", "check", "record", "stated", "computed", "explanation")
TENDER_COLUMNS = ("attempt", "method", "announced", "outcome", "ground", "bidders", "contract", "note")


def _cell(key: str, value: Any) -> str:
    import datetime as dt

    numeric = isinstance(value, (Decimal, int)) and not isinstance(value, bool)
    css = (' class="num"' if numeric else ' class="day"' if isinstance(value, dt.date)
           else (f' class="{escape(value)} short"' if key == "severity" else ' class="short"' if key in SHORT else ""))
    return f"<td{css}>{escape(human(value, key))}</td>"


SHORT = {"check", "record", "stated", "computed", "method", "outcome", "state", "status", "bucket", "contract", "line",
         "ground", "seq", "attempt"}  # columns of a few words: never one character a line
KEEP_TOGETHER = 25  # a table this short moves to the next page whole rather than leave its caption behind
ROW_LIMIT = 200  # rows of one table a person reads in a report; the commands give the rest


def table(rows: Sequence[Mapping[str, Any]], keys: Sequence[str], *, total_row: Mapping[str, Any] | None = None,
          empty: str = "none", full_list: str = "", caption: str = "",
          more_totals: Sequence[Mapping[str, Any]] = ()) -> str:
    """An HTML table with its caption and column headers scoped for screen readers; past ROW_LIMIT rows, the first
    ones and a note naming the command that lists them all (any total row still adds up every row)."""
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    if not rows:
        return (f'<div class="keep"><p class="caption"><b>{escape(caption)}</b></p>' if caption else "<div>") + \
            f'<p class="empty">{escape(i18n.t(empty))}</p></div>'
    cut = ""
    if len(rows) > ROW_LIMIT:
        cut = (f'<p class="note">{escape(i18n.t("The first {shown} of {count} rows; {command} lists them all.", shown=ROW_LIMIT, count=len(rows), command=full_list or "the command"))}</p>')
        rows = rows[:ROW_LIMIT]
    head = "".join(f'<th scope="col">{escape(i18n.header(key))}</th>' for key in keys)
    body = "".join("<tr>" + "".join(_cell(key, row.get(key)) for key in keys) + "</tr>" for row in rows)
    for total in ([total_row] if total_row else []) + list(more_totals):
        body += '<tr class="total">' + "".join(_cell(key, total.get(key)) for key in keys) + "</tr>"
    keep = ' class="keep"' if len(rows) <= KEEP_TOGETHER else ""
    return f"<table{keep}>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{cut}"


def _card(label: str, value: str) -> str:
    return f'<div class="card"><div class="label">{escape(label)}</div><div class="value">{escape(value)}</div></div>'


def _section(title: str, body: str, anchor: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{body}</section>'


def _payable_totals(payables: Sequence[Mapping[str, Any]]) -> tuple[dict | None, dict | None]:
    """The quarter's totals, as the cards count them: the installments whose net is known, and apart (at gross)
    those still awaiting their assessment, whose net nobody knows yet. The card adds the two."""
    zero = Decimal("0.00")
    known = [row for row in payables if row["net"] is not None]
    waiting = [row for row in payables if row["net"] is None and row["gross"]]
    total = {"contract": i18n.value("TOTAL"), **{key: sum((row[key] or zero for row in known), zero)
                                                 for key in ("gross", "total_deduction", "net", "paid", "owed")}} if known else None
    apart = {"contract": i18n.t("awaiting assessment (at gross)"), "gross": sum((row["gross"] for row in waiting), zero),
             "owed": sum((row["gross"] for row in waiting), zero)} if waiting else None
    return total, apart


def render(report: Report, *, contract_count: int, rebid_methods: Sequence[str], generated: str = "") -> str:
    """The page. ``generated``: when it was made (the CLI reads the clock), shown at the top and on every printed page."""
    from .prose import basis_text, sentence

    t = i18n.t
    day = report.as_of.isoformat()
    errors = sum(1 for f in report.findings if f.severity == "error")
    payables = report.payables
    payable_total, awaiting = _payable_totals(payables)
    due_card = i18n.shown_amount(report.totals["payable_net"])
    if awaiting:
        due_card += " " + t("(of which {amount} awaiting assessment)", amount=i18n.shown_amount(awaiting["gross"]))
    cards = "".join([
        _card(t("contracts"), f"{contract_count:,}"),
        _card(t("in arrears"), i18n.shown_amount(report.totals["arrears"])),
        _card(t("due this quarter (net where assessed)"), due_card),
        _card(t("findings"), f"{len(report.findings)} ({errors} {t('errors')})"),
    ])
    timeline_note = (f'<p class="note">{escape(t("{count} more lines are left out of the timeline; the tables below include them.", count=report.timeline_omitted))}</p>'
                     if report.timeline_omitted else "")
    flows = [{"year": f.year, "obligations": f.obligations, "adjusted_budget": f.budget, "paid": f.paid,
              "basis": mark(f.basis)} for f in report.flows]
    flow_total = {"year": i18n.value("TOTAL"), "obligations": sum((f.obligations or 0 for f in report.flows), Decimal("0.00")),
                  "paid": sum((f.paid or 0 for f in report.flows), Decimal("0.00")), "basis": mark(combined(f.basis for f in report.flows))}
    flow_notes = "".join(f'<p class="note">{escape(str(f.year))}: {escape(basis_text(f.basis))}</p>'
                         for f in report.flows if kind_of(f.basis) is not Basis.COMPUTED)
    flow_notes += "".join(f'<p class="note">{escape(line)}</p>' for line in legend_lines(f.basis for f in report.flows))
    rebids = [{key: getattr(row, key) for key in REBID_COLUMNS} for row in report.rebids]
    arrears_keys = tuple(report.arrears[0].keys()) if report.arrears else ()
    # Payables and arrears: each row's basis as its mark, the notes and the legend once under the tables.
    money_bases = [row.get("basis") or "computed" for row in (*payables, *report.arrears)]
    payables = [{**row, "basis": mark(row.get("basis") or "computed")} for row in payables]
    arrears_rows = [{**row, "basis": mark(row.get("basis") or "computed")} for row in report.arrears]
    money_notes = "".join(f'<p class="note">{escape(basis_text(basis))}</p>'
                          for basis in dict.fromkeys(money_bases) if kind_of(basis) is not Basis.COMPUTED)
    money_notes += "".join(f'<p class="note">{escape(line)}</p>' for line in legend_lines(money_bases))
    tenders = "".join(
        table([{"attempt": n, "method": a.method, "announced": a.announced, "outcome": a.outcome, "ground": a.ground,
                "bidders": a.bidders, "contract": a.contract, "note": a.note} for n, a in enumerate(s.attempts, start=1)],
              TENDER_COLUMNS, caption=t('{line}: {failed} failed of {attempts}, {consecutive} in a row; last ground: {ground}',
                                        line=s.line, failed=s.failed, attempts=len(s.attempts),
                                        consecutive=s.consecutive_failures, ground=i18n.value(s.last_ground or '-')))
        + "".join(f'<p class="note">{escape(sentence(flag))}</p>' for flag in s.flags)
        for s in report.failed_tenders) or f'<p class="empty">{escape(t("none"))}</p>'
    rounding = i18n.rounding_note()
    made = t("Generated by contracts {version} on {moment}.", version=__version__, moment=generated) if generated \
        else t("Generated by contracts {version}.", version=__version__)
    body = [
        f"<header><h1>{escape(t('Service contracts: report as of {day}', day=day))}</h1>",
        f'<p class="meta">{escape(made)} {escape(rounding or t("Amounts in yuan, to the fen."))}</p>',
        f'<div class="cards">{cards}</div></header>',
        _section(t("Portfolio timeline"), timeline_svg(report.timeline, report.window, report.as_of) + timeline_note, "timeline"),
        _section(t("Fiscal-year cash flow"), cashflow_svg(report.flows) + table(flows, ("year", "obligations", "adjusted_budget", "paid", "basis"),
                                                                                   total_row=flow_total, caption=t("By fiscal year"))
                 + flow_notes, "cashflow"),
        _section(t("Expiring contracts and rebid deadlines"),
                 table(report.expiring, EXPIRING_COLUMNS, full_list=f"contracts expiring --within {report.expiring_days}",
                       caption=t('Contracts whose service ends within {days} days', days=report.expiring_days))
                 + table(rebids, REBID_COLUMNS, full_list=f"contracts rebid --horizon {report.rebid_horizon} "
                         + " ".join(f"--method {m}" for m in rebid_methods),
                         caption=t('Services to re-procure within {days} days (method: {methods})', days=report.rebid_horizon,
                                   methods=', '.join(i18n.value(m) for m in rebid_methods)))
                 + "".join(f'<p class="note">{escape(t("Working days assumed for a year not yet published: {days}", days=text))}</p>'
                           for text in dict.fromkeys("; ".join(r.assumed_days) for r in report.rebids if r.assumed_days)), "expiring"),
        _section(t("Payables and arrears"),
                 table(payables, PAYABLE_COLUMNS, total_row=payable_total, more_totals=[awaiting] if awaiting else (),
                       full_list=f"contracts payable --quarter {report.payable_quarter}",
                       caption=t('Installments due in {quarter}', quarter=report.payable_quarter))
                 + table(sorted(arrears_rows[:-1], key=lambda row: -row["total"]), arrears_keys,
                         total_row=arrears_rows[-1] if len(arrears_rows) > 1 else None,
                         empty="nothing is in arrears", full_list="contracts arrears --summary",
                         caption=t('Due and unpaid, by days overdue')) + money_notes, "payables"),
        _section(t("Failed tenders"), tenders, "tenders"),
        _section(t("Findings of the checks"), table([f.__dict__ for f in report.findings], FINDING_COLUMNS,
                                                     empty="no findings: the data adds up", full_list="contracts check",
                                                     caption=t("Checks as of {day}", day=day)),
                 "findings"),
    ]
    lang = "zh-CN" if i18n.language() == "zh" else "en"
    title = escape(t("Service contracts: report as of {day}", day=day))
    numbers = ('"第 " counter(page) " 页，共 " counter(pages) " 页"' if lang == "zh-CN"
               else '"Page " counter(page) " of " counter(pages)')
    page = PAGE % {"generated": _css_text(f"{t('Service contracts: report as of {day}', day=day)} · {made}"), "numbers": numbers}
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
            f"<style>{STYLE}{page}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


def _css_text(text: str) -> str:
    """Text inside a CSS string: quotes and backslashes escaped, and nothing that could close the style element."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ").replace("\n", " ")
