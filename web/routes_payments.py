"""付款 (finance): record a payment and see where it went, reverse one; overpayment refused with the amount owed,
as ``contracts pay`` does (contracts.contract.place_payment decides, db.facts records it with the contract's row
locked: the same code path as Store.pay).

A stale form is refused: the form carries ``owed_seen``, what was owed (on its installment, or on the whole
contract) when it was shown; the write compares it with what is owed now, inside the same transaction and under the
same row lock as the payment itself, so that two clerks sending the same form never both get through, and a form
sent twice is applied once. An empty ``owed_seen`` (a form made elsewhere) skips that comparison; the overpayment
refusal holds regardless.

Fields (an interface: the browser and concurrency tests rely on them): ``csrf_token``, ``paid_on``, ``amount``,
``seq`` (optional), ``reference``, ``note`` (optional), ``owed_seen``; the reversal: ``csrf_token``, ``on``,
``reference``, ``note``.
"""

from __future__ import annotations

from decimal import Decimal

from starlette.requests import Request
from starlette.responses import Response

from contracts.errors import ContractsError

from . import pages
from .forms import FORM, blank, errors_at, typed
from .pages import get, post, render, table

PAYMENT_COLUMNS = ("id", "paid_on", "amount", "seq", "reference", "note", "reverses", "reversed_by", "allocated", "credit")
OPEN_COLUMNS = ("seq", "due", "net", "paid", "owed", "state", "basis")
PAY_FIELDS = ("paid_on", "amount", "seq", "reference", "note", "owed_seen")
REVERSE_FIELDS = ("on", "reference", "note")


class Stale(Exception):
    """What is owed changed since the form was shown."""

    def __init__(self, seen: Decimal, now: Decimal, where: str) -> None:
        self.seen, self.now, self.where = seen, now, where


def owed_now(ledger, seq: int | None, day) -> Decimal | None:
    """What is owed on installment ``seq`` (None while its net is unknown), or on the contract: the owed of every
    installment due by ``day`` whose net is known, and of the opening balance (contracts.payables computes each)."""
    if seq is not None:
        return ledger.payable(seq).owed
    return sum((item.owed for item in ledger.payables if item.owed is not None and item.due <= day), Decimal("0.00"))


def today(request: Request):
    """The day a payment form is made and checked for: today (not a page's ?as_of, which only changes the view)."""
    return request.app.state.settings.as_of()


def _seq_of(value) -> int | None:
    from contracts import limits

    return None if blank(value) is None else limits.whole(value, "seq", minimum=1)


def _page(request: Request, contract, *, status: int = 200, form=None, errors=None, reverse_errors=None,
          reverse_form=None, reversing: int | None = None, message: str = "", placed=None, stale=None) -> Response:
    from contracts.ledgers import payable_rows, payment_rows

    code = contract.code
    day = pages.as_of(request)
    ledger = contract.ledger()
    seq = None
    chosen = request.query_params.get("seq") if form is None else (form.get("seq") if form is not None else None)
    try:
        seq = _seq_of(chosen)
        if seq is not None and not 1 <= seq <= len(contract.schedule()):
            seq = None
    except ContractsError:
        seq = None
    owed = owed_now(ledger, seq, today(request))
    shown = typed(form, PAY_FIELDS) if form is not None else {"paid_on": day.isoformat(), "seq": str(seq or "")}
    shown["owed_seen"] = "" if owed is None else f"{owed:.2f}"  # always what is owed now: a refused form is shown afresh
    rows = payment_rows(contract, day)
    open_items = [row for row in payable_rows([contract], day) if row["owed"] is None or row["owed"] > 0]
    return render(
        request, "payments.html", status=status, title=pages.t("Payments of {code}", code=code), contract=contract,
        form=shown, errors=errors or {}, form_error=(errors or {}).get(FORM, ""), owed=owed, seq=seq,
        payments=table(rows, PAYMENT_COLUMNS, caption=pages.t("Payments"), empty="no payments recorded"),
        reversible=[row["id"] for row in rows if row["reverses"] is None and row["reversed_by"] is None],
        open_items=table(open_items, OPEN_COLUMNS, caption=pages.t("Open installments"), empty="none"),
        choices=[(row["seq"], row["owed"]) for row in open_items if row["seq"] and row["owed"] is not None],
        reverse_form=typed(reverse_form, REVERSE_FIELDS) if reverse_form is not None else {"on": day.isoformat()},
        reverse_errors=reverse_errors or {}, reversing=reversing, message=message, placed=placed, stale=stale,
        day=day,
    )


def payments_page(request: Request) -> Response:
    from contracts.ledgers import payment_placement

    contract = pages.store(request).contract(request.path_params["code"])
    paid, placed, message = request.query_params.get("paid", ""), None, ""
    reversed_ = request.query_params.get("reversed", "")
    if paid.isdigit():
        payment = next((p for p in contract.payments if p.id == int(paid)), None)
        if payment is not None:
            where, credit = payment_placement(contract.ledger(), payment.id)
            placed = {"payment": payment, "where": where, "credit": credit}
    if reversed_.isdigit():
        reversal = next((p for p in contract.payments if p.id == int(reversed_)), None)
        if reversal is not None and reversal.reverses is not None:
            message = pages.t("Recorded payment {id}: reversal of payment {original} ({amount}) on {day}.", id=reversal.id,
                              original=reversal.reverses, amount=pages.money(-reversal.amount), day=reversal.paid_on.isoformat())
    return _page(request, contract, placed=placed, message=message)


def pay(request: Request) -> Response:
    """Store.pay's transaction with the staleness check inside it, before the payment is placed."""
    from contracts.money import parse_money

    from db import facts

    store = pages.store(request)
    code = request.path_params["code"]
    form = pages.form(request)
    raw = {"amount": blank(form.get("amount")), "paid_on": blank(form.get("paid_on")), "seq": blank(form.get("seq")),
           "reference": str(form.get("reference") or ""), "note": str(form.get("note") or "")}
    try:
        seen = blank(form.get("owed_seen"))
        seen = None if seen is None else parse_money(seen, "owed_seen", positive=False, allow_zero=True)
        seq = _seq_of(raw["seq"])
        with store.session(write=True) as session:
            cache: dict = {}
            holding = facts.held(session, code, cache)  # the contract's row locked, as Store.pay does
            if seen is not None:
                if seq is not None and not 1 <= seq <= len(holding.contract.schedule()):
                    raise ContractsError("seq", seq, f"is not in the schedule of {code} (installments 1 to "
                                         f"{len(holding.contract.schedule())})")
                ledger = holding.contract.ledger()
                now, total = owed_now(ledger, seq, today(request)), owed_now(ledger, None, today(request))
                # owed_seen is the installment's owed when the form was shown for one, else the contract's total
                if seen not in (now, total):
                    raise Stale(seen, now if now is not None else total, f"{code} seq {seq}" if seq is not None else code)
            payment, _, _ = facts.record_payment(session, code, raw, cache=cache)
    except Stale as stale:
        return _page(request, store.contract(code), status=409, form=form, stale={
            "message": pages.t("What is owed on {where} changed since this form was shown: {seen} then, {now} now "
                               "(someone recorded a payment or an assessment meanwhile). Nothing was written; check the "
                               "payments below and send the form again if the payment is still due.",
                               where=stale.where, seen=pages.money(stale.seen), now=pages.money(stale.now))})
    except ContractsError as error:
        return _page(request, store.contract(code), status=422, form=form,
                     errors=errors_at(error, PAY_FIELDS, {"allow_credit": FORM}))
    return pages.RedirectResponse(f"/contracts/{code}/payments?paid={payment.id}", status_code=303)


def reverse(request: Request) -> Response:
    from contracts import limits
    from contracts.periods import parse_date

    store = pages.store(request)
    code = request.path_params["code"]
    form = pages.form(request)
    try:
        payment_id = limits.whole(request.path_params["id"], "reverse", minimum=1)
    except ContractsError as error:
        return pages.problem(request, 404, pages.field_errors(error)["reverse"])
    try:
        on = blank(form.get("on"))
        if on is None:
            raise ContractsError("on", None, "is required")
        reversal = store.reverse(code, payment_id, on=parse_date(on, "on"), reference=str(form.get("reference") or ""),
                                 note=str(form.get("note") or ""))
    except ContractsError as error:
        return _page(request, store.contract(code), status=422, reverse_form=form, reversing=payment_id,
                     reverse_errors=errors_at(error, REVERSE_FIELDS, {"paid_on": "on"}))
    return pages.RedirectResponse(f"/contracts/{code}/payments?reversed={reversal.id}", status_code=303)


routes = [
    get("/contracts/{code}/payments", payments_page, name="payments"),
    post("/contracts/{code}/payments", pay, name="payments_pay"),
    post("/contracts/{code}/payments/{id}/reverse", reverse, name="payments_reverse"),
]
