"""预算 (finance): programmes and budgets (``contracts programmes``), the fiscal-year report (``report fy``, ``?year=``)
and the forecast (``forecast``, ``?from=&years=``), each also a download as the CLI's XLSX workbook
(cli/spreadsheet.py, the very sheets of ``--format xlsx``); forms for programmes, budgets, fee lines and their
amounts, each handed to the store function the CLI calls.

The figures come from contracts.budget.fiscal_year_figures and contracts.forecast.forecast_portfolio; this module
only lays them out as the CLI's table does (a rate as a percentage, the programme's row as TOTAL).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from contracts.errors import ContractsError

from cli import i18n

from . import pages
from .forms import errors_at, stripped, typed
from .pages import get, post, render, table

FORECAST_BY = "contract"
FORECAST_TABLE = (FORECAST_BY, "year", "Q1", "Q2", "Q3", "Q4", "gross", "expected_net", "basis")
FORECAST_ROWS = ("contract", "line", "programme", "year", "quarter", "gross", "expected_net", "basis", "ends_in_window")
FY_TABLE = ("programme", "item", "kind", "original", "adjusted", "obligations", "paid", "unpaid_of_year", "earlier_arrears",
            "execution_rate", "coverage", "basis")
FEE_AMOUNT_COLUMNS = ("year", "kind", "amount", "delivered", "months", "note", "source")
PROGRAMME_FIELDS = ("code", "name", "department", "contracts", "fee_lines", "notes")
BUDGET_FIELDS = ("programme", "year", "original", "adjusted", "spent", "unit", "source", "purpose", "purpose_contracts")
FEE_LINE_FIELDS = ("code", "name", "notes", "unit_price", "per", "sub_unit", "sub_units")
FEE_AMOUNT_FIELDS = ("year", "budgeted", "paid", "delivered", "quantity_unit", "months", "unit", "note", "source")
_workbooks = threading.Lock()  # cli/spreadsheet.py builds one workbook at a time (module state)


def _year(value, field: str, default: int) -> int:
    from contracts import limits

    year = default if value in (None, "") else limits.whole(value, field)
    if not 1990 <= year <= 2100:
        raise ContractsError(field, year, "is outside 1990-2100")
    return year


def fy_records(rows, *, for_sheet: bool = False) -> list[dict]:
    """``report fy``'s rows: a rate as a percentage in a table, a number in a sheet (shown as a percentage)."""

    def ratio(value):
        return value if value is None or for_sheet else f"{value:.2%}"

    return [{**row.__dict__, "item": row.item or "TOTAL", "execution_rate": ratio(row.execution_rate),
             "coverage": ratio(row.coverage)} for row in rows]


def fy_sentences(rows) -> list[str]:
    """What ``report fy`` says under its table, per programme with a budget: fell due, allowed, paid, unpaid."""
    from cli.budget_commands import FY_SENTENCE
    from cli.i18n import amount_with_unit, t

    def money(amount):  # an amount no one knows is said to be unknown, never 0.00
        return amount_with_unit(amount) if amount is not None else t("unknown")

    said = []
    for row in rows:
        if row.kind == "programme" and row.budget_in_force is not None:
            rate = f"{row.execution_rate:.2%}" if row.execution_rate is not None else "-"
            cover = f"{row.coverage:.2%}" if row.coverage is not None else "-"
            said.append(t(FY_SENTENCE, programme=row.programme, obligations=money(row.obligations),
                          adjusted=money(row.budget_in_force), paid=money(row.paid), rate=rate, cover=cover,
                          unpaid=money(row.unpaid_of_year), earlier=money(row.earlier_arrears)))
    return said


def forecast_result(store, first: int, count: int, day: dt.date):
    """``forecast --from FIRST --years COUNT`` (by due date, no expected deduction), as the command computes it: the
    contracts with terms only as columns, summed by arrays, the rest whole."""
    from contracts.forecast import forecast_portfolio

    programmes = store.budgets().programme_of()
    with store.split(active_from=dt.date(first, 1, 1), active_before=dt.date(first + count, 1, 1)) as (terms_only, rest):
        return forecast_portfolio(rest, programmes, first, count, as_of=day, terms_only=terms_only)


def _small(value) -> int:
    from contracts import limits

    return 3 if value in (None, "") else limits.whole(value, "years", minimum=1, maximum=50)


ROWS_SHOWN = 100  # contracts' rows of the forecast on the page (the year totals are always there); all in the XLSX


@dataclass(frozen=True)
class Forecast:
    """``forecast --from FIRST --years COUNT``'s rows, computed once per change of the store (web/portfolio.kept)."""
    result: object  # contracts.forecast.ForecastResult (its rows for the workbook)
    by_contract: list  # totals by contract and year, as the CLI's table
    year_totals: list
    ending: list  # (code, service end) of the contracts that end in the window, soonest first


def compute_forecast(store, first: int, count: int, day: dt.date) -> Forecast:
    result = forecast_result(store, first, count, day)
    return Forecast(result, result.totals(FORECAST_BY), result.year_totals(FORECAST_BY), result.ending_on())


@dataclass(frozen=True)
class FiscalYear:
    """``report fy YEAR``'s rows, and those the page shows, computed once per change of the store."""
    rows: list  # every row (the workbook's)
    shown: list  # every programme and the ROWS_SHOWN items with the largest obligations, in the rows' order
    items: int  # how many items (contracts, fee lines) there are in all
    remark: str = ""  # when payments stop being recorded long before the year's end (contracts.ledgers.year_recording_gap)


def compute_fy(store, year: int, day: dt.date) -> FiscalYear:
    """As `report fy` on a terminal: every programme and the items with the largest obligations (a province's year has
    tens of thousands: chosen here, once, not on every view), and what it says when payments stop being recorded."""
    from contracts.budget import shown_rows
    from contracts.ledgers import fiscal_year_report

    budgets = store.budgets()
    # As `report fy` computes it: the contracts with terms only as columns, summed by arrays, the rest whole.
    with store.split(active_before=dt.date(year + 1, 1, 1)) as (terms_only, rest):
        rows, remark = fiscal_year_report(rest, budgets, year, day, terms_only=terms_only)
    return FiscalYear(rows, shown_rows(rows, ROWS_SHOWN), sum(1 for row in rows if row.kind != "programme"), remark)


def _fy_table(figures: FiscalYear, year: int) -> dict:
    caption = pages.t("Fiscal year {year}", year=year)
    if figures.items > ROWS_SHOWN:
        caption += pages.t(" (the {shown} items with the largest obligations of {count}, and every programme; the "
                           "workbook has them all)", shown=ROWS_SHOWN, count=f"{figures.items:,}")
    return table(fy_records(figures.shown), FY_TABLE, caption=caption, empty="nothing to report")


def _forecast_tables(forecast: Forecast, first: int, count: int) -> dict:
    shown = forecast.by_contract[:ROWS_SHOWN]
    return {"forecast": table(shown + forecast.year_totals, FORECAST_TABLE,
                              caption=pages.t("Obligations {first}-{last} by due date", first=first, last=first + count - 1),
                              empty="nothing falls due in that window"),
            "forecast_cut": (len(shown), len(forecast.by_contract)) if len(shown) < len(forecast.by_contract) else None}


def kept_fy(request: Request, year: int):
    from .portfolio import kept

    day = pages.as_of(request)
    return kept(pages.store(request), ("fy", year, day), lambda store: compute_fy(store, year, day),
                wait=request.app.state.settings.wait_seconds, now=pages.now(request))


def kept_forecast(request: Request, first: int, count: int, day: dt.date, *, wait: bool = True):
    from .portfolio import kept

    return kept(pages.store(request), ("forecast", first, count, day),
                lambda store: compute_forecast(store, first, count, day),
                wait=request.app.state.settings.wait_seconds if wait else 0.0, now=pages.now(request))


def budget_page(request: Request, *, status: int = 200, which: str = "", form=None, errors=None) -> Response:
    from contracts.budget import PROGRAMME_KEYS, programme_rows
    from cli.prose import sentence

    day = pages.as_of(request)
    store = pages.store(request)
    query = request.query_params
    year = _year(query.get("year"), "year", day.year)
    first, count = _year(query.get("from"), "from", day.year + 1), _small(query.get("years"))
    budgets = store.budgets()
    # The fiscal year's wait covers the forecast's too when the fiscal year is not ready: both are computed at once,
    # and a page waits for whole-portfolio figures once, not once per table.
    fy_answer = kept_fy(request, year)
    forecast_answer = kept_forecast(request, first, count, day, wait=fy_answer.fresh)
    figures, forecast = fy_answer.value, forecast_answer.value
    forms = {name: {} for name in ("programme", "budget", "fee_line")}
    if form is not None:
        forms[which] = typed(form, {"programme": PROGRAMME_FIELDS, "budget": BUDGET_FIELDS, "fee_line": FEE_LINE_FIELDS}[which]
                             + ("update",))
    done = query.get("done", "")
    reader = (i18n.language(), i18n.unit(), ROWS_SHOWN)
    fiscal = fy_answer.derived(("fy", year, day, *reader), lambda: {
        "fy": _fy_table(figures, year),
        "fy_said": fy_sentences(figures.rows) + ([f"{i18n.t('note')}: {sentence(figures.remark)}"] if figures.remark else []),
    }) if figures is not None else {}
    outlook = forecast_answer.derived(("forecast", first, count, *reader), lambda: _forecast_tables(
        forecast, first, count)) if forecast is not None else {}
    return render(
        request, "budget.html", status=status, title=pages.t("Budgets"), day=day, year=year, first=first, count=count,
        programmes=table(programme_rows(budgets), PROGRAMME_KEYS, caption=pages.t("Programmes and budgets"),
                         empty="no programmes yet"),
        fy_pending=pages.status_note(request, fy_answer), forecast_pending=pages.status_note(request, forecast_answer),
        fy=fiscal.get("fy"), fy_said=fiscal.get("fy_said", []),
        forecast=outlook.get("forecast"), forecast_cut=outlook.get("forecast_cut"),
        ending=forecast.ending[:ROWS_SHOWN] if forecast else [], ending_count=len(forecast.ending) if forecast else 0,
        shown=ROWS_SHOWN,
        fee_lines=[(line.code, line.name) for line in budgets.fee_lines],
        programme_codes=[p.code for p in budgets.programmes],
        forms=forms, which=which, errors=errors or {},
        message={"programme": pages.t("Saved the programme."), "budget": pages.t("Saved the budget."),
                 "fee_line": pages.t("Saved the fee line.")}.get(done, ""),
    )


def budget(request: Request) -> Response:
    return budget_page(request)


def _workbook_bytes(store, name: str, build) -> bytes:
    """A workbook of the CLI's sheets as bytes: ``build()`` emits them as ``--format xlsx`` would."""
    from cli import spreadsheet

    with _workbooks:
        spreadsheet.start(_nowhere(name))
        try:
            spreadsheet.remember_names(store)
            build()
            return spreadsheet.take_bytes() or b""
        finally:
            spreadsheet.discard()


def _download(request: Request, name: str, kind: tuple, figures_of, emit_sheets) -> Response:
    """A workbook made in the background once per change of the store, like the figures in it (a province's forecast
    has hundreds of thousands of rows: minutes of openpyxl), in the reader's language and unit; 503 until it is made.
    In the computation's thread: ``figures_of(store)`` gets the page's figures (waiting for them), then
    ``emit_sheets(figures)`` emits the sheets, one workbook at a time (never waiting for figures while holding the
    workbook lock: another workbook's computation may be the one that must run)."""
    from urllib.parse import quote

    from .portfolio import kept

    language, unit = i18n.language(), i18n.unit()

    def make(store) -> bytes:
        i18n.configure(language, unit, here_only=True)
        figures = figures_of(store)
        return _workbook_bytes(store, name, lambda: emit_sheets(figures))

    answer = kept(pages.store(request), ("workbook", *kind, language, unit), make,
                  wait=request.app.state.settings.wait_seconds, now=pages.now(request))
    if answer.failed and not answer.fresh:
        return pages.problem(request, 500, answer.failed)
    if answer.value is None or not answer.fresh:
        return _not_ready(request)
    return Response(answer.value, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def _figures(store, kind: tuple, make):
    """In a workbook's thread: the page's kept figures (waiting for them, or computing them), fresh."""
    from .portfolio import kept

    answer = kept(store, kind, make, wait=WORKBOOK_WAIT_SECONDS)
    if answer.value is None or not answer.fresh:
        raise ContractsError("figures", kind[0], answer.failed or "could not be computed in time; try again")
    return answer.value


WORKBOOK_WAIT_SECONDS = 3600


def _nowhere(name: str) -> str:
    """A target that is never written (the bytes are taken instead): a name in the temporary folder, checked by
    cli/spreadsheet.start as a target would be."""
    import tempfile
    import uuid
    from pathlib import Path

    return str(Path(tempfile.gettempdir()) / f"contracts-web-{uuid.uuid4().hex}-{name}")


def fy_workbook(request: Request) -> Response:
    from contracts.budget import FY_KEYS
    from cli.render import emit

    year = _year(request.path_params["year"], "year", 0)
    day = pages.as_of(request)

    def sheets(figures):
        emit(fy_records(figures.rows, for_sheet=True), "xlsx", keys=FY_KEYS, title=pages.t("Fiscal year {year}", year=year),
             subtotal=lambda row: row["kind"] == "programme")

    return _download(request, f"fy-{year}.xlsx", ("fy", year, day),
                     lambda store: _figures(store, ("fy", year, day), lambda opened: compute_fy(opened, year, day)), sheets)


def forecast_workbook(request: Request) -> Response:
    from cli.render import emit

    day = pages.as_of(request)
    first, count = _year(request.query_params.get("from"), "from", day.year + 1), _small(request.query_params.get("years"))

    def sheets(forecast):
        emit([row.record() for row in forecast.result.rows()], "xlsx", keys=FORECAST_ROWS,
             title=pages.t("Obligations {first}-{last} by due date", first=first, last=first + count - 1))

    return _download(request, f"forecast-{first}-{first + count - 1}.xlsx", ("forecast", first, count, day),
                     lambda store: _figures(store, ("forecast", first, count, day),
                                            lambda opened: compute_forecast(opened, first, count, day)), sheets)


def _not_ready(request: Request) -> Response:
    """A workbook is of the store as it is: while its figures are being computed, say so (and when to come back)."""
    response = pages.problem(request, 503, pages.t("The workbook is still being prepared; try again in a minute."))
    response.headers["retry-after"] = "60"
    return response


def _redirect(done: str) -> Response:
    return pages.RedirectResponse(f"/budget?done={done}", status_code=303)


def add_programme(request: Request) -> Response:
    from contracts.budget import make_programme

    form = pages.form(request)
    raw = stripped(form, PROGRAMME_FIELDS)
    raw["contracts"], raw["fee_lines"] = raw["contracts"] or "", raw["fee_lines"] or ""
    try:
        pages.store(request).add_programme(make_programme(raw), update=bool(form.get("update")))
    except ContractsError as error:
        return budget_page(request, status=422, which="programme", form=form, errors=errors_at(error, PROGRAMME_FIELDS))
    return _redirect("programme")


def add_budget(request: Request) -> Response:
    form = pages.form(request)
    raw = stripped(form, [key for key in BUDGET_FIELDS if key != "programme"])
    raw["unit"] = raw["unit"] or "yuan"
    raw["purpose_contracts"] = raw["purpose_contracts"] or ""
    try:
        programme = str(form.get("programme") or "").strip()
        if not programme:
            raise ContractsError("programme", None, "is required")
        pages.store(request).add_budget(programme, raw, update=bool(form.get("update")))
    except ContractsError as error:
        return budget_page(request, status=422, which="budget", form=form, errors=errors_at(error, BUDGET_FIELDS))
    return _redirect("budget")


def add_fee_line(request: Request) -> Response:
    from contracts.budget import make_fee_line

    form = pages.form(request)
    given = stripped(form, FEE_LINE_FIELDS)
    raw = {key: value for key, value in given.items() if key != "per"} | {"unit": given["per"]}
    try:
        pages.store(request).add_fee_line(make_fee_line(raw), update=bool(form.get("update")))
    except ContractsError as error:
        return budget_page(request, status=422, which="fee_line", form=form,
                           errors=errors_at(error, FEE_LINE_FIELDS, {"unit": "per"}))
    return _redirect("fee_line")


def fee_line_page(request: Request, *, status: int = 200, form=None, errors=None) -> Response:
    from contracts.budget import months_text

    code = request.path_params["code"]
    budgets = pages.store(request).budgets()
    line = next((line for line in budgets.fee_lines if line.code == code), None)
    if line is None:
        raise ContractsError("fee_line", code, "is not a fee line")
    amounts = [{"year": a.year, "kind": a.kind, "amount": a.amount.yuan if a.amount else None,
                "delivered": f"{a.quantity:,} {a.quantity_unit}" if a.quantity is not None else "",
                "months": months_text(a.months), "note": a.note, "source": a.source}
               for a in budgets.fee_amounts if a.fee_line == code]
    return render(request, "fee_line.html", status=status, title=f"{line.code} {line.name}", line=line,
                  amounts=table(amounts, FEE_AMOUNT_COLUMNS, caption=pages.t("Amounts"), empty="none"),
                  form=typed(form, FEE_AMOUNT_FIELDS) if form is not None else {"year": str(pages.as_of(request).year)},
                  errors=errors or {}, message=pages.t("Recorded.") if request.query_params.get("done") else "")


def fee_line_view(request: Request) -> Response:
    return fee_line_page(request)


def add_fee_amount(request: Request) -> Response:
    code, form = request.path_params["code"], pages.form(request)
    raw = stripped(form, FEE_AMOUNT_FIELDS)
    raw["unit"] = raw["unit"] or "yuan"
    try:
        pages.store(request).add_fee_amount(code, raw)
    except ContractsError as error:
        return fee_line_page(request, status=422, form=form, errors=errors_at(error, FEE_AMOUNT_FIELDS))
    return pages.RedirectResponse(f"/budget/fee-lines/{code}?done=1", status_code=303)


routes = [
    get("/budget", budget, name="budget"),
    get("/budget/fy/{year}.xlsx", fy_workbook, name="budget_fy_xlsx"),
    get("/budget/forecast.xlsx", forecast_workbook, name="budget_forecast_xlsx"),
    post("/budget/programmes", add_programme, name="budget_programme"),
    post("/budget/budgets", add_budget, name="budget_budget"),
    post("/budget/fee-lines", add_fee_line, name="budget_fee_line"),
    get("/budget/fee-lines/{code}", fee_line_view, name="budget_fee_line_page"),
    post("/budget/fee-lines/{code}/amounts", add_fee_amount, name="budget_fee_amount"),
]
