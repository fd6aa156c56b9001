"""The payment request (付款审批单) of one installment, as a document: every field it prints, worked out here once so
that the printable page of the CLI (``contracts voucher CODE SEQ -o request.html``) and of the web app are the same.

Pure: a ``Contract``, the installment's seq, the day, and what the store knows of the payee (a ``Vendor``) and of the
programme that funds it (a ``Programme``) in; a ``PaymentRequest`` out. Nothing unknown is filled in: a payee's bank
or account that is not recorded stays ``None`` and prints as 未登记 (not recorded), never a guess.

Choices:
- An installment whose amount is not known yet (awaiting assessment, or usage) is refused, with the words of the
  existing request (``contracts.ledgers.requested_installment``): a request asks for an exact sum, and a gross
  figure on a form people sign would be paid as if it were the sum.
- A fully paid installment gives a request that says 已付清 and asks for 0.00 (零元整): a reprint of a settled
  request must not look like a claim.
- A partly paid one asks for what is still owed; the net, and what was paid on it, are printed beside it.
- The number is ``CODE-SEQ-YYYYMMDD`` (seq in three digits, the request's date): the same installment printed again
  on the same day has the same number, so a reprint matches the signed copy; printed on another day it has another,
  since its figures (paid, owed) may have changed meanwhile. Nothing is stored to make it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from .basis import Basis, kind_of
from .budget import Programme
from .contract import Contract
from .ledgers import requested_installment
from .numerals import capital
from .payables import PAID
from .vendors import Vendor

TITLE = "付款审批单"
SETTLED = "已付清"
NOT_RECORDED = "未登记"
ZERO = Decimal("0.00")

# Who signs, in the order the form lists them: (key, 中文, English).
SIGNATURES = (
    ("handler", "经办人", "Prepared by"),
    ("department_head", "部门负责人", "Head of department"),
    ("finance_review", "财务审核", "Finance review"),
    ("leader_in_charge", "分管领导", "Leader in charge"),
    ("unit_head", "单位负责人", "Head of unit"),
)

QUARTERS_ZH = "一二三四"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class DeductionLine:
    rule: str
    reason: str
    amount: Decimal


@dataclass(frozen=True)
class PaymentRequest:
    """Every field of one printed payment request. ``None`` is "not recorded": the page prints 未登记."""

    number: str
    date: dt.date  # the request's date: the day it is made as of
    applying_unit: str | None  # the buyer (申请单位)
    payee: str | None  # the contract's vendor (收款单位)
    credit_code: str | None
    bank: str | None
    account: str | None
    vendor_recorded: bool  # a vendor record of that name exists
    programme_code: str | None
    programme_name: str | None
    contract_code: str
    contract_name: str
    contract_total: Decimal | None  # the schedule's sum as amended; None for a unit-priced contract (not known ahead)
    paid_so_far: Decimal  # every payment to the contract recorded by the day, reversals netted
    seq: int
    period_start: dt.date
    period_end: dt.date  # exclusive, as every period of the tool
    last_day: dt.date  # the period's last day, inclusive, as the form prints it
    due: dt.date
    purpose: str  # 用途, e.g. 2023年第三季度天网二期服务费
    purpose_en: str
    gross: Decimal
    deductions: tuple[DeductionLine, ...]
    total_deduction: Decimal
    net: Decimal
    paid_on_installment: Decimal
    requested: Decimal  # what this request asks to be paid: the amount still owed (0.00 when settled)
    requested_in_words: str  # in capital numerals (大写), after 人民币
    settled: bool  # 已付清: the installment is paid in full and nothing is asked
    state: str
    upper_bound: bool  # deductions are made per assessment under rules not recorded: net and request are upper bounds
    basis: str
    opening_before: bool  # payments before tracking began are not in ``paid_so_far`` (an opening balance is recorded)
    attachments: int | None  # 附件张数; None: left blank to be written by hand
    signatures: tuple[tuple[str, str, str], ...] = SIGNATURES

    @property
    def title(self) -> str:
        return TITLE


def request_number(code: str, seq: int, day: dt.date) -> str:
    """CODE-SEQ-YYYYMMDD: TW2-006-20231001 (see the module's notes for why)."""
    return f"{code}-{seq:03d}-{day:%Y%m%d}"


def funding_programme(programmes: Iterable[Programme], code: str) -> Programme | None:
    """The programme (预算项目) that funds the contract ``code``, if one does."""
    return next((p for p in programmes if code in p.contracts), None)


def short_name(name: str) -> str:
    """The Chinese name a form uses: "天网二期 Tianwang phase 2 (200 new points)" -> 天网二期. A name with no Chinese
    in front is kept whole."""
    head = re.split(r"[A-Za-z(（]", name, maxsplit=1)[0].strip(" \t-—–:：,，;；")
    return head if _CJK.search(head) else name.strip()


def _months_between(start: dt.date, end: dt.date) -> int | None:
    """Whole calendar months from the 1st of a month to the 1st of another, else None."""
    if start.day != 1 or end.day != 1:
        return None
    return (end.year - start.year) * 12 + end.month - start.month


def period_words(start: dt.date, end: dt.date) -> tuple[str, str]:
    """The period [start, end) as a form names it, in Chinese and in English: a calendar quarter (2023年第三季度),
    month (2023年7月), half-year or year when it is one; otherwise its first and last day (2023年5月24日至8月23日)."""
    months = _months_between(start, end)
    y, m = start.year, start.month
    if months == 12 and m == 1:
        return f"{y}年度", f"{y}"
    if months == 6 and m in (1, 7):
        return f"{y}年{'上' if m == 1 else '下'}半年", f"{'first' if m == 1 else 'second'} half of {y}"
    if months == 3 and m in (1, 4, 7, 10):
        q = (m - 1) // 3
        return f"{y}年第{QUARTERS_ZH[q]}季度", f"Q{q + 1} {y}"
    if months == 1:
        return f"{y}年{m}月", f"{calendar.month_name[m]} {y}"
    last = end - dt.timedelta(days=1)
    tail = f"{last.month}月{last.day}日" if last.year == y else f"{last.year}年{last.month}月{last.day}日"
    return f"{y}年{m}月{start.day}日至{tail}", f"{start.isoformat()} to {last.isoformat()}"


def payment_request_document(contract: Contract, seq: int, as_of: dt.date, *, vendor: Vendor | None = None,
                             programme: Programme | None = None, attachments: int | None = None) -> PaymentRequest:
    """The payment request of installment ``seq`` as of ``as_of``, every field worked out from the facts known that day.

    ``vendor``: the record of the contract's vendor (looked up by name by the caller), None if there is none; a vendor
    of another name is not this contract's payee and is refused. ``programme``: the one funding the contract, if any.
    Refused: a seq not in the schedule; an installment awaiting assessment or usage (no exact sum to ask for).
    """
    from .errors import ContractsError

    terms = contract.current_terms
    if vendor is not None and vendor.name != terms.vendor:
        raise ContractsError("vendor", vendor.name, f"is not the vendor of {contract.code} ({terms.vendor or 'none named'})")
    if programme is not None and contract.code not in programme.contracts:
        raise ContractsError("programme", programme.code, f"does not fund {contract.code}")
    if attachments is not None and attachments < 0:
        raise ContractsError("attachments", attachments, "must be a whole number, 0 or more")
    ledger = contract.ledger(as_of)
    item = requested_installment(ledger, seq)
    settled = item.state == PAID
    requested = ZERO if settled else item.owed
    last_day = item.period_end - dt.timedelta(days=1)
    when_zh, when_en = period_words(item.period_start, item.period_end)
    name = short_name(terms.name)
    total = None if terms.is_unit_priced else sum((i.amount for i in contract.schedule(as_of)), ZERO)
    paid_so_far = sum((p.amount for p in contract.payments if p.paid_on <= as_of), ZERO)
    return PaymentRequest(
        number=request_number(contract.code, seq, as_of), date=as_of,
        applying_unit=terms.buyer or None, payee=terms.vendor or None,
        credit_code=(vendor.credit_code or None) if vendor else None, bank=(vendor.bank or None) if vendor else None,
        account=(vendor.account or None) if vendor else None, vendor_recorded=vendor is not None,
        programme_code=programme.code if programme else None, programme_name=programme.name if programme else None,
        contract_code=contract.code, contract_name=terms.name, contract_total=total, paid_so_far=paid_so_far,
        seq=seq, period_start=item.period_start, period_end=item.period_end, last_day=last_day, due=item.due,
        purpose=f"{when_zh}{name}服务费", purpose_en=f"{terms.name.strip()}: service fee, {when_en}",
        gross=item.gross,
        deductions=tuple(DeductionLine(d.rule, d.reason, d.amount) for d in item.deductions if d.amount),
        total_deduction=item.total_deduction, net=item.net, paid_on_installment=item.paid,
        requested=requested, requested_in_words=capital(requested), settled=settled, state=str(item.state),
        upper_bound=kind_of(item.basis) == Basis.UPPER_BOUND, basis=item.basis,
        opening_before=contract.opening is not None, attachments=attachments,
    )
