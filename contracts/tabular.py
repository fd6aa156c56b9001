"""Contracts, assessments, payments and usage as rows of a sheet: the columns of the template, and turning
the rows people filled in (in Excel, WPS or a CSV file) into the entries a portfolio file would hold.

Pure: it takes the cell values a reader produced (str, int, float, bool, date, datetime, None) and
returns plain entries for ``parse_portfolio_data``. A float from a spreadsheet is turned into the shortest
decimal that gives that float back (what Excel shows), so 3379113.6 is 3379113.6 and never 3379113.5999…;
an amount with more than two decimals is then refused, as anywhere else.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

from .assessments import parse_pairs
from .errors import ContractsError


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula, not a value typed in (its text, e.g. "=B2*12")."""

    text: str


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, date, money, whole, number, pairs, bool, choice
    required: bool
    help: str
    help_zh: str
    example: Any = None


@dataclass(frozen=True)
class SheetKind:
    name: str  # the sheet's name in the template, and the kind a CSV file holds
    section: str  # the portfolio file's section it becomes
    columns: tuple[Column, ...]
    title_zh: str

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


CONTRACTS = SheetKind("contracts", "contract", (
    Column("code", "text", True, "short unique code, e.g. TW1", "合同编号（唯一），如 TW1", "TW1"),
    Column("name", "text", True, "what the contract is for", "合同名称", "天网一期 Tianwang phase 1"),
    Column("vendor", "text", False, "the service provider", "服务商", "中国电信峨眉山分公司"),
    Column("buyer", "text", False, "the buying unit", "采购人", "峨眉山市公安局"),
    Column("signed_on", "date", False, "day signed", "签订日期", dt.date(2018, 3, 1)),
    Column("billing_start", "date", True, "验收计费: the day fees start to accrue", "验收计费日期（开始计费）", dt.date(2018, 3, 30)),
    Column("billing_months", "whole", True, "计费周期 in months", "计费周期（月）", 72),
    Column("service_months", "whole", False, "服务周期 in months (default: the billing months)", "服务周期（月，默认同计费周期）", 72),
    Column("annual_fee", "money", False, "yuan a year, to the fen (fixed-fee contracts)", "年服务费（元，精确到分）", Decimal("1716000.00")),
    Column("frequency", "choice", False, "monthly, quarterly (default), semiannual, annual", "付款频率：按月/按季度（默认）/按半年/按年（也可填 monthly/quarterly/semiannual/annual）", "quarterly"),
    Column("alignment", "choice", False, "anniversary (default) or calendar", "对齐方式：按合同年度（默认）或按自然期间（也可填 anniversary/calendar）", "anniversary"),
    Column("timing", "choice", False, "arrears (default: due at the period's end) or advance", "付款时点：期末支付（默认）或期初支付（也可填 arrears/advance）", "arrears"),
    Column("payment_lag_days", "whole", False, "days after the period's end or start", "付款延后天数", 0),
    Column("stated_end", "text", False, "the end as the source states it, kept as written", "来源所述到期（照录）", "2024-03-30"),
    Column("completed_on", "date", False, "works completed", "完工日期", None),
    Column("line", "text", False, "the service line it serves", "服务线编号", "TW1"),
    Column("pricing", "choice", False, "fixed (default) or unit", "计价：固定费用（默认）或按量计价（也可填 fixed/unit）", "fixed"),
    Column("unit_price", "money", False, "yuan per unit (unit-priced contracts)", "单价（元，按量计价）", None),
    Column("unit", "text", False, "the unit counted, e.g. set", "计量单位，如 套", None),
    Column("annual_cap", "money", False, "budget for a fiscal year (unit-priced contracts)", "年度上限（元，按量计价）", None),
    Column("notes", "text", False, "anything worth keeping", "备注", None),
    Column("source", "text", False, "where the terms come from", "来源", "2023年绩效评价报告"),
), "合同")

ASSESSMENTS = SheetKind("assessments", "assessment", (
    Column("contract", "text", True, "the contract's code", "合同编号", "DEMO-OM"),
    Column("seq", "whole", True, "the installment assessed", "考核的期次", 2),
    Column("assessed_on", "date", True, "day of the assessment", "考核日期", dt.date(2025, 7, 9)),
    Column("metrics", "pairs", False, "measured values: name=value; name=value", "考核数据：名称=数值；名称=数值", "online_rate=93.4; fault_hours=40"),
    Column("score", "number", False, "score out of 100", "考核得分（百分制）", Decimal("85")),
    Column("items", "pairs", False, "itemized findings: reason=amount; reason=amount", "逐项扣款：原因=金额；原因=金额", "3 cameras offline 5 days=1500.00"),
    Column("assessed_by", "text", False, "who assessed", "考核人", "Li Wei"),
    Column("document", "text", False, "document reference", "文件编号", None),
), "考核")

PAYMENTS = SheetKind("payments", "payment", (
    Column("contract", "text", True, "the contract's code", "合同编号", "DEMO-OM"),
    Column("paid_on", "date", True, "day paid", "付款日期", dt.date(2025, 7, 20)),
    Column("amount", "money", True, "yuan, to the fen", "付款金额（元，精确到分）", Decimal("184811.11")),
    Column("seq", "whole", False, "the installment paid (empty: the oldest open ones first)", "所付期次（空：按先到期先付）", 2),
    Column("reference", "text", False, "voucher number", "凭证号", "voucher 2025-077"),
    Column("note", "text", False, "anything worth keeping", "备注", None),
    Column("allow_credit", "bool", False, "yes: keep an overpayment as a credit to the vendor", "是：多付部分记为对服务商的预付", None),
), "付款")

USAGE = SheetKind("usage", "usage", (
    Column("contract", "text", False, "the unit-priced contract's code (or give line)", "按量计价合同编号（或填服务线）", "SEAL-2021"),
    Column("line", "text", False, "a service line in transition (instead of contract)", "过渡期服务线（代替合同编号）", None),
    Column("period", "text", True, "the period: 2023Q3, 2023-07, or start..end", "期间：2023Q3、2023-07 或 起..止", "2023Q3"),
    Column("quantity", "number", False, "units delivered", "数量", Decimal("212")),
    Column("amount", "money", False, "yuan, when the source gives an amount", "金额（元，来源给出金额时）", None),
    Column("note", "text", False, "anything worth keeping", "备注", None),
), "用量")

# Fictional example values: the reference states no vendor's code, bank or account (the code's check character fits).
VENDORS = SheetKind("vendors", "vendor", (
    Column("name", "text", True, "the payee, exactly as contracts name their vendor", "收款单位（与合同中的服务商名称一致）",
           "示例网络科技有限公司 (fictional)"),
    Column("credit_code", "text", False, "统一社会信用代码: 18 characters, the last a check character",
           "统一社会信用代码（18位，末位为校验码）", "91350100M000100Y43"),
    Column("bank", "text", False, "the bank and branch of the account", "开户行", "示例银行某某支行 (fictional)"),
    Column("account", "text", False, "the account number: digits, spaces, hyphens", "账号（数字，可用空格或连字符分组）",
           "6222 0000 0000 0000"),
    Column("contact", "text", False, "a person or telephone number to ask", "联系人", None),
), "供应商")

KINDS: dict[str, SheetKind] = {kind.name: kind for kind in (CONTRACTS, ASSESSMENTS, PAYMENTS, USAGE, VENDORS)}
_NAMES = {**{kind.name: kind for kind in KINDS.values()}, **{kind.section: kind for kind in KINDS.values()},
          **{kind.title_zh: kind for kind in KINDS.values()}}
# The words a choice column takes: the value the program stores -> its Chinese label (both are accepted on import,
# and so are the short forms people type, such as 季度 for quarterly).
CHOICES: dict[str, dict[str, str]] = {
    "frequency": {"monthly": "按月", "quarterly": "按季度", "semiannual": "按半年", "annual": "按年"},
    "alignment": {"anniversary": "按合同年度", "calendar": "按自然期间"},
    "timing": {"arrears": "期末支付", "advance": "期初支付"},
    "pricing": {"fixed": "固定费用", "unit": "按量计价"},
}
CHOICE_SYNONYMS = {"frequency": {"月": "monthly", "每月": "monthly", "季": "quarterly", "季度": "quarterly",
                                 "每季度": "quarterly", "半年": "semiannual", "每半年": "semiannual", "年": "annual",
                                 "年度": "annual", "每年": "annual"},
                   "alignment": {"合同年度": "anniversary", "周年": "anniversary", "自然期间": "calendar", "自然季度": "calendar"},
                   "timing": {"期末": "arrears", "后付": "arrears", "期初": "advance", "预付": "advance"},
                   "pricing": {"固定": "fixed", "按量": "unit", "单价": "unit"}}


def choice_value(column: str, text: str) -> str:
    """A choice typed in English or Chinese, as the program stores it (anything else is left to the usual check)."""
    labels = CHOICES.get(column, {})
    cleaned = text.strip()
    for value, label in labels.items():
        if cleaned == label:
            return value
    return CHOICE_SYNONYMS.get(column, {}).get(cleaned, cleaned)


GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,716,000.00 as a CSV from Excel writes it
DAY_FORMATS = ("%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")  # as Excel and WPS write days in a CSV on a Chinese system
TRUE, FALSE = {"yes", "y", "true", "1", "是", "x"}, {"no", "n", "false", "0", "否"}


def kind_named(name: str) -> SheetKind | None:
    """The kind a sheet (or CSV file) of that name holds: 'contracts' or 'contract', or its Chinese title."""
    return _NAMES.get(name.strip().lower()) or _NAMES.get(name.strip())


def kind_from_header(header: Sequence[Any], aliases: Mapping[str, str] = {}) -> SheetKind | None:
    """Which kind a CSV file holds, told by the columns that only it has."""
    names = {aliases.get(str(h).strip(), str(h).strip().lower()) for h in header if h is not None}
    for kind, marker in ((CONTRACTS, "billing_start"), (PAYMENTS, "paid_on"), (ASSESSMENTS, "assessed_on"), (USAGE, "period"),
                         (VENDORS, "credit_code")):
        if marker in names:
            return kind
    return None


def column_letter(index: int) -> str:
    """A, B, ... Z, AA, ... for the 0-based column index, as the spreadsheet shows it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(value: Any, column: Column) -> Any:
    """One cell as the portfolio file would hold it; None when empty."""
    if value is None:
        return None
    if isinstance(value, Formula):
        raise ContractsError(column.name, value.text, "is a formula; type the value itself (or paste it as values): "
                             "an import never takes a formula's last computed result")
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0, 0):
            raise ContractsError(column.name, value.isoformat(sep=" "), "is a date with a time of day; give the day only")
        value = value.date()
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ContractsError(column.name, str(value), "is not a number a spreadsheet can hold")
        # What the spreadsheet shows, exactly: the shortest decimal that gives this float back.
        value = Decimal(repr(value))
        if value == value.to_integral_value() and column.kind != "money":
            value = int(value)
    if column.kind == "date" and isinstance(value, str):
        value = _day(value)
    if column.kind == "money" and isinstance(value, str) and GROUPED.match(value):
        value = value.replace(",", "")
    if column.kind == "choice" and isinstance(value, str):
        value = choice_value(column.name, value)
    if column.kind == "bool":
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ContractsError(column.name, value, "must be yes or no")
    if column.kind == "pairs":
        parts = [part for part in str(value).replace("；", ";").split(";") if part.strip()]
        return parse_pairs(parts, column.name)
    if column.kind == "text" and isinstance(value, dt.date) and column.name != "stated_end":
        # Excel turns 2023-01 typed into a General cell into a date; a code or a reference is never one.
        raise ContractsError(column.name, value.isoformat(), "is a date, but this column holds text (a code or a "
                             "reference): the spreadsheet turned what was typed into a date; format the column as text "
                             "and type it again")
    if column.kind == "text" and not isinstance(value, str):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


def _day(text: str) -> Any:
    """2024/3/30 or 2024年3月30日 as a date; ISO text and anything else is left to the usual date check."""
    for pattern in DAY_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return text


@dataclass
class Sheet:
    """The entries read from one sheet (or CSV file), with where each came from."""

    kind: SheetKind
    where: list[str]  # per entry: "file: sheet 'contracts', row 3"
    entries: list[dict[str, Any]]
    letters: dict[str, str]  # column name -> its letter in the sheet
    errors: list[ContractsError] = field(default_factory=list)  # cells refused, each with its row and column
    refused: set[str] = field(default_factory=set)  # codes of contract rows refused


def read_rows(kind: SheetKind, rows: Iterable[Sequence[Any]], place: str, aliases: Mapping[str, str] = {}) -> Sheet:
    """Rows as a reader gives them (the header first) into entries. ``place`` names the sheet for errors
    ("book.xlsx: sheet 'payments'"); ``aliases`` maps other headings (the Chinese ones) to column names."""
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        return Sheet(kind, [], [], {})
    names: list[str | None] = []
    for index, heading in enumerate(header):
        text = "" if heading is None else str(heading).strip()
        if not text:
            names.append(None)
            continue
        name = aliases.get(text, text.lower())
        if kind.column(name) is None:
            raise ContractsError("column", text, f"is not a column of {kind.name} (columns: "
                                 f"{', '.join(c.name for c in kind.columns)})", where=f"{place}, column {column_letter(index)}")
        if name in names:
            raise ContractsError("column", text, "appears twice", where=f"{place}, column {column_letter(index)}")
        names.append(name)
    letters = {name: column_letter(index) for index, name in enumerate(names) if name}
    missing = [c.name for c in kind.columns if c.required and c.name not in letters]
    if missing:
        raise ContractsError("column", missing[0], "is required and missing from the header row", where=place)
    sheet = Sheet(kind, [], [], letters)
    for number, row in enumerate(rows, start=2):
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in row):
            continue  # an empty row: people leave them between blocks
        where = f"{place}, row {number}"
        entry: dict[str, Any] = {}
        refused = len(sheet.errors)
        for index, value in enumerate(row):
            name = names[index] if index < len(names) else None
            if name is None:
                if value not in (None, "") and not (isinstance(value, str) and not value.strip()):
                    sheet.errors.append(ContractsError("column", column_letter(index), "holds a value but has no heading",
                                                       where=where))
                continue
            try:
                cell = _cell(value, kind.column(name))
            except ContractsError as exc:
                sheet.errors.append(exc.located(f"{where}, column {letters[name]}"))
                continue
            if cell is not None:
                entry[name] = cell
        if len(sheet.errors) > refused:  # every bad cell of every row is reported; the row itself goes no further
            if kind is CONTRACTS and isinstance(entry.get("code"), str):
                sheet.refused.add(entry["code"])
            continue
        sheet.where.append(where)
        sheet.entries.append(entry)
    return sheet


def with_column(exc: ContractsError, sheets: Sequence[Sheet]) -> ContractsError:
    """An error about an entry of a sheet, told the column as well: "row 3, column F: annual_fee ..."."""
    for sheet in sheets:
        for where in sheet.where:
            if exc.where == where or exc.where.startswith(where + ":"):
                letter = sheet.letters.get(exc.field)
                if letter:
                    rest = exc.where[len(where):]
                    return ContractsError(exc.field, exc.value, exc.problem, f"{where}, column {letter}{rest}")
                return exc
    return exc
