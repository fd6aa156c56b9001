"""The printable payment request (付款审批单): the document of ``contracts.voucher`` as one HTML page for A4.

Two ways in, one template (web/templates/voucher.html, autoescaped: every stored text is shown as text):
``voucher_html(store, code, seq, as_of=...)`` loads what the document needs from the store; ``render_voucher(doc)``
renders a document already made (the web app's route and the CLI both end there). The stylesheet
(web/static/print.css) is inlined by default, so that a file opened from disk prints as it should; the web app, whose
Content-Security-Policy allows only its own stylesheets, passes ``stylesheet="/static/print.css"`` to link it instead.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from contracts.voucher import NOT_RECORDED, SETTLED, TITLE, PaymentRequest, funding_programme, payment_request_document

HERE = Path(__file__).resolve().parent
LANGUAGES = ("zh", "en")

LABELS = {
    "zh": {
        "title": TITLE, "applying_unit": "申请单位", "date": "日期", "number": "编号", "payee": "收款单位",
        "credit_code": "统一社会信用代码", "bank": "开户行", "account": "账号", "programme": "预算项目",
        "contract_code": "合同编号", "contract_name": "合同名称", "contract_total": "合同总额", "paid_so_far": "累计已付",
        "total_unknown": "按量计价，总额未定", "period": "服务期间", "to": "至", "due": "应付日",
        "purpose": "用途", "gross": "应付金额", "deduction": "考核扣款", "none": "无",
        "rules_not_recorded": "按考核情况扣款，扣款规则未登记", "not_recorded": NOT_RECORDED,
        "total_deduction": "扣款合计", "net": "应付净额", "upper_bound": "扣款规则未登记：此为上限",
        "paid_on_installment": "本期已付", "requested": "本次申请付款", "settled": SETTLED,
        "nothing_asked": "本期已付清，本次不申请付款。", "rmb": "人民币", "in_words": "大写",
        "attachments": "附件", "sheets": "张", "remarks": "备注", "sign_date": "日期：　年　月　日",
        "footer": "金额单位：元，精确到分。未登记：系统中无此项记录，请核实后手工填写，勿以估计数代替。",
        "upper_bound_remark": "合同约定按考核情况扣除应扣款项后支付，扣款规则未在系统中登记：所列净额及申请金额为上限，应按考核结果扣款后支付。",
        "opening_remark": "累计已付仅含开始记录以后登记的付款；此前已结清的期次不计入。",
        "partly_paid_remark": "本期已部分支付，本次申请尚欠部分。",
        "no_vendor_remark": "收款单位未登记开户行、账号等信息（contracts vendor add 可登记）。",
    },
    "en": {
        "title": f"Payment request ({TITLE})", "applying_unit": "Applying unit", "date": "Date", "number": "No.",
        "payee": "Payee", "credit_code": "Credit code", "bank": "Bank", "account": "Account",
        "programme": "Programme", "contract_code": "Contract", "contract_name": "Name", "contract_total": "Contract total",
        "paid_so_far": "Paid so far", "total_unknown": "unit-priced: not fixed", "period": "Service period", "to": "to",
        "due": "due", "purpose": "Purpose", "gross": "Gross", "deduction": "Deduction", "none": "none",
        "rules_not_recorded": "deducted per assessment; the rules are not recorded", "not_recorded": "not recorded",
        "total_deduction": "Deductions in all", "net": "Net", "upper_bound": "rules not recorded: an upper bound",
        "paid_on_installment": "Paid on it", "requested": "Amount requested", "settled": f"PAID ({SETTLED})",
        "nothing_asked": "This installment is paid in full; nothing is requested.", "rmb": "RMB 人民币", "in_words": "in words",
        "attachments": "Attachments", "sheets": "sheet(s)", "remarks": "Remarks", "sign_date": "Date: ______",
        "footer": "Amounts in yuan, to the fen. \"not recorded\": the store holds no such record; check it and write it "
                  "by hand, never an estimate.",
        "upper_bound_remark": "The contract deducts per assessment, under rules not recorded here: the net and the amount "
                              "requested are upper bounds, to be paid after the assessment's deductions.",
        "opening_remark": "Paid so far counts the payments recorded since tracking began; installments settled before are not in it.",
        "partly_paid_remark": "Partly paid: this request asks for what is still owed.",
        "no_vendor_remark": "No vendor record gives the payee's bank and account ('contracts vendor add' records one).",
    },
}


def _installment(language: str):
    return (lambda seq: f"第{seq}期") if language == "zh" else (lambda seq: f"installment {seq}")


def _day(language: str):
    def day(value: dt.date) -> str:
        return f"{value.year}年{value.month}月{value.day}日" if language == "zh" else value.isoformat()
    return day


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    # autoescape for every template: a vendor named <script> is printed as text, never run
    return Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def stylesheet_text() -> str:
    return (HERE / "static" / "print.css").read_text(encoding="utf-8")


def remarks(doc: PaymentRequest, language: str = "zh") -> list[str]:
    """What the reader must know about the figures: an upper bound, payments before tracking, a partial payment,
    a payee with no record."""
    label = LABELS[language]
    found = []
    if doc.upper_bound and not doc.settled:
        found.append(label["upper_bound_remark"])
    if doc.paid_on_installment and not doc.settled:
        found.append(label["partly_paid_remark"])
    if doc.opening_before:
        found.append(label["opening_remark"])
    if not doc.vendor_recorded:
        found.append(label["no_vendor_remark"])
    return found


def render_voucher(doc: PaymentRequest, *, language: str = "zh", stylesheet: str | None = None) -> str:
    """The document as a complete HTML page. ``stylesheet``: a URL to link (the web app: "/static/print.css");
    None inlines the print stylesheet (a file opened from disk)."""
    from contracts.errors import ContractsError
    from markupsafe import Markup

    if language not in LANGUAGES:
        raise ContractsError("lang", language, f"must be one of: {', '.join(LANGUAGES)}")
    label = dict(LABELS[language], installment=_installment(language))
    not_recorded = Markup('<span class="unknown">{}</span>').format(label["not_recorded"])

    def known(value: str | None):
        return not_recorded if value is None else value

    css = None if stylesheet else Markup(stylesheet_text())  # our own file, not stored text
    return _environment().get_template("voucher.html").render(
        doc=doc, zh=language == "zh", label=label, known=known, day=_day(language), money=_money,
        remarks=remarks(doc, language), stylesheet=stylesheet, css=css)


def voucher_html(store, code: str, seq: int, *, as_of: dt.date, language: str = "zh", stylesheet: str | None = None,
                 attachments: int | None = None) -> str:
    """The payment request of installment ``seq`` of contract ``code`` as of ``as_of``, as a standalone HTML page:
    the contract, its vendor's record (by the name the contract gives) and the programme funding it, from ``store``."""
    doc = voucher_document(store, code, seq, as_of=as_of, attachments=attachments)
    return render_voucher(doc, language=language, stylesheet=stylesheet)


def voucher_document(store, code: str, seq: int, *, as_of: dt.date, attachments: int | None = None) -> PaymentRequest:
    """The document, loaded from the store: what ``voucher_html`` renders, for a front end that wants the values."""
    contract = store.contract(code)
    payee = contract.current_terms.vendor
    vendor = store.vendor(payee) if payee else None
    programme = funding_programme(store.budgets().programmes, contract.code)
    return payment_request_document(contract, seq, as_of, vendor=vendor, programme=programme, attachments=attachments)
