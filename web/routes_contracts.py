"""合同: the list (searched, filtered, sorted and paged by the database) and one contract's page."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from contracts.lifecycle import status_on
from contracts.money import from_fen

from . import pages
from .pages import get, render, table
from .text import t

PAGE_SIZE = 50
LIST_COLUMNS = ("contract", "name", "vendor", "line", "service_end", "days_left", "status", "annual_fee")
INSTALLMENT_COLUMNS = ("seq", "period_start", "period_end", "due", "gross", "total_deduction", "net", "paid", "owed",
                       "state", "basis")
PAYMENT_COLUMNS = ("id", "paid_on", "amount", "seq", "reference", "note", "reverses", "reversed_by", "allocated")
ASSESSMENT_COLUMNS = ("seq", "assessed_on", "inputs", "user", "reference", "after")
HISTORY_COLUMNS = ("at", "user", "action", "record", "before", "after")


def _choice(value: str | None, allowed, default: str = "") -> str:
    return value if value in allowed else default


def contract_list(request: Request) -> Response:
    from contracts.limits import option_whole
    from db.reads import LIST_SORTS, LIST_STATUSES

    query = request.query_params
    day = pages.as_of(request)
    store = pages.store(request)
    lines, programmes = store.list_filters()
    chosen = {
        "q": (query.get("q") or "").strip()[:200],
        "status": _choice(query.get("status"), LIST_STATUSES),
        "line": _choice(query.get("line"), lines),
        "programme": _choice(query.get("programme"), [code for code, _ in programmes]),
        "sort": _choice(query.get("sort"), LIST_SORTS, "code"),
        "desc": "1" if query.get("desc") == "1" else "",
    }
    page = option_whole(query.get("page") or "1", "page", minimum=1, maximum=10**7)
    total, rows = store.contract_page(as_of=day, search=chosen["q"], status=chosen["status"], line=chosen["line"],
                                      programme=chosen["programme"], sort=chosen["sort"], descending=bool(chosen["desc"]),
                                      limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    records = [{
        "contract": row.code, "name": row.name, "vendor": row.vendor, "line": row.line, "service_end": row.service_end,
        "days_left": (row.service_end - day).days,
        "status": status_on(row.billing_start, row.billing_end, row.service_end, day).value,
        "annual_fee": None if row.pricing == "unit" else from_fen(row.annual_fee_fen),  # unit-priced: no annual fee
    } for row in rows]

    def link(number: int) -> str:
        return "/contracts?" + urlencode({**{k: v for k, v in chosen.items() if v}, "page": number})

    first = (page - 1) * PAGE_SIZE + 1
    return render(request, "contracts.html", title=t("Contracts"), day=day, chosen=chosen, lines=lines,
                  programmes=programmes, statuses=LIST_STATUSES, sorts=list(LIST_SORTS),
                  contracts=table(records, LIST_COLUMNS, links={"contract": lambda r: f"/contracts/{r['contract']}"},
                                  empty="no contract matches"),
                  total=total, shown=(first, first + len(rows) - 1) if rows else None,
                  previous=link(page - 1) if page > 1 else None,
                  next=link(page + 1) if page * PAGE_SIZE < total else None)


def timeline(contract, day: dt.date) -> list[tuple[dt.date, str, bool]]:
    """(day, what happens, whether it is past) in order: signing, billing start, amendments, billing end, service end."""
    terms = contract.current_terms
    events = []
    if terms.signed_on:
        events.append((terms.signed_on, pages.header("signed_on")))
    events.append((terms.billing_start, pages.header("billing_start")))
    for amendment in contract.amendments:
        events.append((amendment.effective_from, f"{pages.header('amendments')}: {amendment.reference or ''}".rstrip(": ")))
    events.append((terms.billing_end, pages.header("billing_end")))
    events.append((terms.service_end, pages.header("service_end")))
    return [(when, what, when <= day) for when, what in sorted(events, key=lambda event: event[0])]


def contract_page(request: Request) -> Response:
    from contracts.amendments import AMENDMENT_KEYS, amendment_records
    from contracts.ledgers import payable_rows, payment_rows
    from contracts.overview import CONTRACT_KEYS, contract_overview, contract_remarks, schedule_summary
    from cli.prose import sentence
    from cli.render import human

    code = request.path_params["code"]
    day = pages.as_of(request)
    store = pages.store(request)
    contract = store.contract(code)
    overview = contract_overview(contract, day)
    terms = [(pages.header(key), human(overview.get(key), key)) for key in CONTRACT_KEYS
             if overview.get(key) not in (None, "") and key != "code"]
    remarks = [sentence(text) for text in [schedule_summary(contract), *contract_remarks(contract)]]
    installments = payable_rows([contract], day)
    request_link = lambda row: f"/contracts/{code}/installments/{row['seq']}/request"  # noqa: E731
    assessments = [{"seq": a.seq, "assessed_on": a.assessed_on, "inputs": a.describe(), "user": a.assessed_by,
                    "reference": a.document, "after": a.version} for a in contract.assessments]
    from .routes_history import readable

    history = readable(list(reversed(store.history(code))))
    return render(
        request, "contract.html", title=f"{contract.code} {contract.terms.name}", contract=contract, day=day, terms=terms,
        remarks=remarks, state=overview["status"], timeline=timeline(contract, day),
        installments=table(installments, INSTALLMENT_COLUMNS, links={"seq": request_link}, caption=t("Installments")),
        payments=table(payment_rows(contract, day), PAYMENT_COLUMNS, caption=t("Payments"), empty="no payments recorded"),
        amendments=table(amendment_records(contract), AMENDMENT_KEYS[1:], caption=t("Amendments"), empty="no amendments"),
        assessments=table(assessments, ASSESSMENT_COLUMNS, headers={"user": pages.header("user"), "after": "version"},
                          caption=t("Assessments"), empty="none"),
        history=table(history, HISTORY_COLUMNS, caption=t("History"), empty="no changes recorded"),
    )


routes = [
    get("/contracts", contract_list, name="contracts"),
    get("/contracts/{code}", contract_page, name="contract"),
]
