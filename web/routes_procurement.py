"""采购 (procurement): service lines and their states, rebid deadlines by method with the assumptions, failed tenders
with what the law opens next (``contracts lines``, ``rebid``, ``tenders --failed``), a line's timeline; and the forms
of ``contracts tender add``, ``transition add``, ``suspend`` and ``usage``, each handed to the same store function.

Field names are the CLI's option names (``bid_deadline``, ``approved_by``, ``unit_price``, ``while_covered``,
``planned``, ...), except a suspension's ``start``/``end`` (the CLI's --from/--to), which are what the store calls
them; ``line`` is a field of the tender form, the path's ``{code}`` elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from contracts.errors import ContractsError

from cli import i18n

from . import pages
from .forms import errors_at, stripped, typed
from .pages import get, post, render, table

REBID_HORIZON = 365  # days, as `contracts rebid` by default
LINE_COLUMNS = ("line", "name", "contracts", "current", "state", "coverage_ends", "flags")
TENDER_COLUMNS = ("line", "attempt", "method_name", "announced", "outcome", "ground", "bidders", "contract")
SEGMENT_COLUMNS = ("kind", "start", "end", "days", "refs")
TENDER_FIELDS = ("line", "method", "outcome", "approved", "announced", "bid_deadline", "opened", "awarded", "signed",
                 "ground", "bidders", "method_approval", "contract", "note")
TRANSITION_FIELDS = ("start", "end", "approved_by", "basis", "reference", "unit_price")
SUSPENSION_FIELDS = ("start", "end", "reason", "reference")
USAGE_FIELDS = ("period", "quantity", "amount", "note")
FLAGS = ("while_covered", "planned")


ROWS_SHOWN = 100  # per table: the most urgent first; every row is in the CLI's `lines`, `rebid` and `tenders`
CODES_OFFERED = 500  # line codes offered as the tender form's suggestions (any code may be typed)


@dataclass(frozen=True)
class Procurement:
    """The page's figures as of a day, computed once per change of the store (web/portfolio.kept): records the CLI
    prints, in no language yet (each reader's language is applied when the page is rendered)."""
    lines: list  # status records
    rebid: list  # rebid records, as `contracts rebid` orders them
    assumptions: list  # the rebid plan's assumptions (domain notes)
    failures: list  # contracts.procurement.failures summaries
    tenders: list  # tender records of every line
    line_codes: list


def compute(store, day) -> Procurement:
    """`contracts lines`, `rebid` (every method, the default lead times and working calendar) and `tenders`."""
    from contracts.procurement import every_line_status, failures
    from contracts.procurement import rebid as plan
    from contracts.procurement_rows import rebid_record, status_record, tender_rows
    from contracts.rebid import LeadTimes, assumptions
    from contracts.tenders import METHODS
    from contracts.workdays import WorkCalendar

    portfolio = store.for_checks()  # contracts with terms only, alone on their lines, as columns (db/portfolio_reads.py)
    everything = portfolio.lines  # the other lines, whole: a lone line has no tender and no failure
    every_status = every_line_status(everything, portfolio.lone, day)  # the table lists every line: each has its status
    lead, calendar, methods = LeadTimes(), WorkCalendar(), tuple(METHODS)
    return Procurement(
        lines=[status_record(status) for status in every_status],
        rebid=[rebid_record(row) for row in plan(every_status, day, REBID_HORIZON, lead, calendar, methods)],
        assumptions=list(assumptions(lead, calendar, methods)),
        failures=list(failures(everything, day, transition_limit_months=12)),
        tenders=[row for facts in everything for row in tender_rows(facts.tenders)],
        line_codes=[status.line for status in every_status],
    )


def _failures(summaries) -> list[dict]:
    """`contracts tenders --failed`: per line, its attempts, the options the law opens, flags and notes."""
    from contracts.procurement_rows import TENDER_KEYS, tender_rows
    from cli.prose import sentence

    found = []
    for summary in summaries[:ROWS_SHOWN]:
        found.append({
            "title": pages.t("{line}: {failed} failed of {attempts}, {consecutive} in a row; last ground: {ground}",
                             line=summary.line, failed=summary.failed, attempts=len(summary.attempts),
                             consecutive=summary.consecutive_failures, ground=summary.last_ground or "-"),
            "attempts": table(tender_rows(summary.attempts), [k for k in TENDER_COLUMNS if k in TENDER_KEYS][1:]),
            "options": [{"action": sentence(o.action), "basis": sentence(o.basis),
                         "when": sentence(o.condition) if o.condition else "",
                         "needs": sentence(o.approval) if o.approval else ""} for o in summary.options],
            "flags": [sentence(flag) for flag in summary.flags], "notes": [sentence(note) for note in summary.notes],
        })
    return found


def procurement_page(request: Request, *, status: int = 200, form=None, errors=None) -> Response:
    from contracts.procurement_rows import REBID_KEYS
    from contracts.tenders import GROUNDS, METHODS, OUTCOMES
    from cli.prose import sentence

    from .portfolio import kept

    day = pages.as_of(request)
    answer = kept(pages.store(request), ("procurement", day), lambda store: compute(store, day),
                  wait=request.app.state.settings.wait_seconds, now=pages.now(request))
    found: Procurement | None = answer.value
    done = request.query_params.get("done", "")
    figures = dict(lines=None, rebid=None, assumptions=[], failures=[], failures_count=0, tenders=None, line_codes=[])
    if found is not None:
        figures = answer.derived(("procurement", day, i18n.language(), i18n.unit(), ROWS_SHOWN), lambda: dict(
            lines=table(found.lines, LINE_COLUMNS, limit=ROWS_SHOWN,
                        links={"line": lambda row: f"/procurement/lines/{row['line']}"},
                        caption=pages.t("Service lines as of {day}", day=day.isoformat()), empty="no service lines yet"),
            rebid=table(found.rebid, REBID_KEYS[:-1], limit=ROWS_SHOWN,
                        caption=pages.t("Rebid deadlines as of {day} (horizon {days} days)", day=day.isoformat(),
                                        days=REBID_HORIZON),
                        empty="no service needs a new procurement within the horizon"),
            assumptions=[sentence(note) for note in found.assumptions], failures=_failures(found.failures),
            failures_count=len(found.failures),
            tenders=table(found.tenders, TENDER_COLUMNS, limit=ROWS_SHOWN, caption=pages.t("Tenders"),
                          empty="no tenders recorded"),
            line_codes=found.line_codes[:CODES_OFFERED]))
    return render(
        request, "procurement.html", status=status, title=pages.t("Procurement"), day=day,
        pending=pages.status_note(request, answer), shown=ROWS_SHOWN, **figures,
        methods=[(key, f"{key} {i18n.value(key)}" if i18n.value(key) != key else key) for key in METHODS],
        outcomes=[(key, i18n.value(key)) for key in OUTCOMES], grounds=[(key, i18n.value(key)) for key in GROUNDS], form=typed(form, TENDER_FIELDS) if form is not None else {"outcome": "failed"},
        errors=errors or {}, message=pages.t("Recorded tender {id}.", id=done) if done.isdigit() else "",
    )


def procurement(request: Request) -> Response:
    return procurement_page(request)


def add_tender(request: Request) -> Response:
    from contracts.tenders import make_tender

    form = pages.form(request)
    given = {key: str(form.get(key)).strip() for key in TENDER_FIELDS
             if key != "line" and form.get(key) not in (None, "") and str(form.get(key)).strip()}
    try:
        line = str(form.get("line") or "").strip()
        if not line:
            raise ContractsError("line", None, "is required: the service line (or a contract code that forms its own line)")
        stored = pages.store(request).add_tender(make_tender(given, line))
    except ContractsError as error:
        return procurement_page(request, status=422, form=form, errors=errors_at(error, TENDER_FIELDS))
    return pages.RedirectResponse(f"/procurement?done={stored.id}", status_code=303)


def line_page(request: Request, code: str, *, status: int = 200, which: str = "", form=None, errors=None) -> Response:
    from contracts.procurement import line_status
    from contracts.procurement_rows import TENDER_KEYS, USAGE_KEYS, segment_rows, tender_rows, usage_listing
    from cli.prose import sentence

    day = pages.as_of(request)
    everything = pages.store(request).lines(only=code)  # an unknown line: "is not a service line" (404)
    [facts] = everything
    line = line_status(facts, day)
    forms = {name: {} for name in ("transition", "suspension", "usage")}
    if form is not None:
        forms[which] = typed(form, {"transition": TRANSITION_FIELDS, "suspension": SUSPENSION_FIELDS,
                                    "usage": USAGE_FIELDS}[which] + FLAGS)
    done = request.query_params.get("done", "")
    return render(
        request, "procurement_line.html", status=status, title=f"{code} {line.name}", code=code, line=line, day=day,
        state=line.state, segments=table(segment_rows(line), SEGMENT_COLUMNS, caption=pages.t("Timeline")),
        tenders=table(tender_rows(facts.tenders), [k for k in TENDER_COLUMNS if k in TENDER_KEYS][1:],
                      caption=pages.t("Tenders"), empty="no tenders recorded"),
        usage=table(usage_listing(everything, code, day.year, day)[0], USAGE_KEYS,
                    caption=pages.t("Usage of {code}", code=code), empty="no usage recorded"),
        flags=[sentence(flag) for flag in line.flags], forms=forms, which=which, errors=errors or {},
        message={"transition": pages.t("Recorded the transition."), "suspension": pages.t("Recorded the suspension."),
                 "usage": pages.t("Recorded the usage.")}.get(done, ""),
    )


def line_view(request: Request) -> Response:
    return line_page(request, request.path_params["code"])


def _flags(form) -> dict:
    return {name: bool(form.get(name)) for name in FLAGS}


def add_transition(request: Request) -> Response:
    code, form = request.path_params["code"], pages.form(request)
    raw = stripped(form, TRANSITION_FIELDS) | _flags(form)
    try:
        pages.store(request).add_transition(code, raw)
    except ContractsError as error:
        return line_page(request, code, status=422, which="transition", form=form,
                         errors=errors_at(error, TRANSITION_FIELDS + FLAGS))
    return pages.RedirectResponse(f"/procurement/lines/{code}?done=transition", status_code=303)


def add_suspension(request: Request) -> Response:
    code, form = request.path_params["code"], pages.form(request)
    raw = stripped(form, SUSPENSION_FIELDS) | _flags(form)
    try:
        pages.store(request).add_suspension(code, raw)
    except ContractsError as error:
        return line_page(request, code, status=422, which="suspension", form=form,
                         errors=errors_at(error, SUSPENSION_FIELDS + FLAGS, {"from": "start", "to": "end"}))
    return pages.RedirectResponse(f"/procurement/lines/{code}?done=suspension", status_code=303)


def _is_line(store, code: str) -> bool:
    try:
        store.lines(only=code)
    except ContractsError as error:
        if error.problem.startswith("is not a service line"):
            return False
        raise
    return True


def record_usage(request: Request) -> Response:
    """``contracts usage CODE --period --quantity``: a unit-priced contract, or a line (its contract or transition)."""
    code, form = request.path_params["code"], pages.form(request)
    raw = stripped(form, USAGE_FIELDS)
    store = pages.store(request)
    back = str(form.get("line") or "").strip()
    try:
        for key in ("period", "quantity"):
            if raw[key] is None:
                raise ContractsError(key, None, "is required with --period/--quantity")
        store.record_usage(code, raw)
    except ContractsError as error:
        if back and _is_line(store, back):
            return line_page(request, back, status=422, which="usage", form=form, errors=errors_at(error, USAGE_FIELDS))
        return pages.problem(request, 422, error.line())
    return pages.RedirectResponse(f"/procurement/lines/{back}?done=usage" if back else f"/contracts/{code}", status_code=303)


routes = [
    get("/procurement", procurement, name="procurement"),
    post("/procurement/tenders", add_tender, name="procurement_tender"),
    get("/procurement/lines/{code}", line_view, name="procurement_line"),
    post("/procurement/lines/{code}/transitions", add_transition, name="procurement_transition"),
    post("/procurement/lines/{code}/suspensions", add_suspension, name="procurement_suspension"),
    post("/contracts/{code}/usage", record_usage, name="contract_usage"),
]
