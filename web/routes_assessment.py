"""考核 (logistics): record an installment's assessment under the contract's rules in force, see the deductions and
the net it would leave before saving, replace an assessment by a new version.

The form's fields are an interface (the browser test relies on them): ``csrf_token``, ``metric_<name>`` for each
metric the rules in force need, ``score``, ``items`` (one ``reason=amount`` a line, as the CLI's --item),
``assessed_on``, ``assessed_by`` (default: the signed-in user), ``document``, ``replace`` (a checkbox) and the button
``action``: ``preview`` (the very write of ``contracts assess`` rehearsed in a transaction that is rolled back: the
same checks, nothing written) or ``save`` (Store.assess, as the CLI).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from contracts.errors import ContractsError

from . import pages
from .forms import FORM, errors_at, rehearse, typed
from .pages import get, post, render, table

PAYABLE_COLUMNS = ("seq", "period_start", "period_end", "due", "gross", "total_deduction", "net", "paid", "owed", "state",
                   "basis")
DEDUCTION_COLUMNS = ("rule", "kind", "inputs", "computed", "amount", "cap_applied", "reason")
RULE_COLUMNS = ("name", "kind", "effective_from", "description")
ASSESSMENT_COLUMNS = ("after", "assessed_on", "inputs", "user", "reference")
FIXED_FIELDS = ("score", "items", "assessed_on", "assessed_by", "document")


def _installment(request: Request):
    """The contract, the installment (an unknown seq is refused naming it) and the rules in force for it."""
    from contracts.deductions import rules_in_force
    from contracts.limits import option_whole

    code = request.path_params["code"]
    contract = pages.store(request).contract(code)
    seq = option_whole(request.path_params["seq"], "seq", minimum=1)
    schedule = contract.schedule()
    if seq > len(schedule):
        raise ContractsError("seq", seq, f"is not in the schedule of {code} (installments 1 to {len(schedule)})")
    installment = schedule[seq - 1]
    return contract, installment, rules_in_force(contract.rules, installment.period_start)


def _page(request: Request, contract, installment, in_force, *, status: int = 200, form=None, errors=None,
          preview=None, message: str = "") -> Response:
    from contracts.deductions import rule_rows
    from contracts.ledgers import payable_rows

    code, seq = contract.code, installment.seq
    metrics = sorted(set().union(*(rule.metrics for rule in in_force))) if in_force else []
    fields = [f"metric_{name}" for name in metrics] + list(FIXED_FIELDS)
    shown = typed(form, fields) if form is not None else {
        "assessed_on": pages.as_of(request).isoformat(), "assessed_by": pages.current_user(request).name}
    versions = sorted((a for a in contract.assessments if a.seq == seq), key=lambda a: a.version)
    day = pages.as_of(request)
    current = payable_rows([contract], day, seq=seq)
    return render(
        request, "assessment.html", status=status,
        title=pages.t("Assessment of {code} installment {seq}", code=code, seq=seq),
        contract=contract, installment=installment, metrics=metrics, form=shown, errors=errors or {},
        replace=bool(form is not None and form.get("replace")) or (form is None and bool(versions)),
        needs_score=any(rule.kind == "scorecard" for rule in in_force),
        takes_items=any(rule.kind == "itemized" for rule in in_force),
        rules=table(rule_rows(contract.rules, code, installment.period_start), RULE_COLUMNS,
                    caption=pages.t("Deduction rules in force for this installment"),
                    empty="no deduction rules: installments are payable at gross"),
        current=table(current, PAYABLE_COLUMNS, caption=pages.t("As it stands")),
        versions=table([{"after": a.version, "assessed_on": a.assessed_on, "inputs": a.describe(), "user": a.assessed_by,
                         "reference": a.document} for a in versions], ASSESSMENT_COLUMNS,
                       headers={"after": "version", "user": pages.header("assessed_by"), "reference": pages.header("document")},
                       caption=pages.t("Assessments"), empty="none"),
        preview=preview, message=message, form_error=(errors or {}).get(FORM, ""),
    )


def assessment_page(request: Request) -> Response:
    contract, installment, in_force = _installment(request)
    saved = request.query_params.get("saved", "")
    message = pages.t("Saved: version {version} of the assessment.", version=saved) if saved.isdigit() else ""
    return _page(request, contract, installment, in_force, message=message)


def _raw(form, seq: int, metrics) -> dict:
    """What was typed, as ``contracts assess`` hands it to the store: metrics and items as name=value pairs."""
    from contracts.assessments import parse_pairs

    given = [(name, str(form.get(f"metric_{name}") or "").strip()) for name in metrics]
    unknown = [key[len("metric_"):] for key in form.keys() if key.startswith("metric_") and key[len("metric_"):] not in metrics]
    lines = [line.strip() for line in str(form.get("items") or "").splitlines() if line.strip()]
    return {"seq": seq, "assessed_on": str(form.get("assessed_on") or "").strip() or None,
            "metrics": [(name, value) for name, value in given if value] + [(name, str(form.get(f"metric_{name}")))
                                                                           for name in unknown],
            "score": str(form.get("score") or "").strip() or None, "items": parse_pairs(lines, "item"),
            "assessed_by": str(form.get("assessed_by") or ""), "document": str(form.get("document") or "")}


def record_assessment(request: Request) -> Response:
    from contracts.payables import payable_record

    from db import facts

    contract, installment, in_force = _installment(request)
    form = pages.form(request)
    code, seq = contract.code, installment.seq
    metrics = sorted(set().union(*(rule.metrics for rule in in_force))) if in_force else []
    fields = [f"metric_{name}" for name in metrics] + list(FIXED_FIELDS)
    action = str(form.get("action") or "preview")
    replace = bool(form.get("replace"))
    store = pages.store(request)
    try:
        if action not in ("preview", "save"):
            raise ContractsError("action", action, "must be one of: preview, save")
        raw = _raw(form, seq, metrics)
        if action == "save":
            assessment, status, after = store.assess(code, raw, replace=replace)
            return pages.RedirectResponse(f"/contracts/{code}/installments/{seq}/assessment?saved={assessment.version}",
                                          status_code=303)

        def assess(session):
            cache: dict = {}
            stored, _ = facts.record_assessment(session, code, raw, replace=replace, cache=cache)
            return stored, cache[code].contract

        stored, after = rehearse(store, assess)
    except ContractsError as error:
        aliases = {"item": "items", "items": "items", "metrics": FORM}
        return _page(request, contract, installment, in_force, status=422, form=form,
                     errors=errors_at(error, fields, aliases))
    row = payable_record(after.ledger().payable(seq))
    preview = {"summary": table([row], PAYABLE_COLUMNS, caption=pages.t("What this assessment would leave (not saved)")),
               "deductions": table(row["deductions"], DEDUCTION_COLUMNS, caption=pages.t("Deductions"), empty="none"),
               "described": stored.describe(), "version": stored.version, "net": row["net"]}
    return _page(request, contract, installment, in_force, form=form, preview=preview)


routes = [
    get("/contracts/{code}/installments/{seq}/assessment", assessment_page, name="assessment"),
    post("/contracts/{code}/installments/{seq}/assessment", record_assessment, name="assessment_record"),
]
