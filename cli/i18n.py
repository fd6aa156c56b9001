"""Headings, labels and titles in English or Chinese, and amounts in yuan or 万元, for what people read.

Machine formats (JSON keys and values, CSV headers) stay in English and in exact yuan: they are an
interface scripts rely on. Tables, XLSX sheets and the HTML report follow ``--lang`` and ``--unit``.
The language comes from ``--lang``, else CONTRACTS_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal

from contracts.errors import ContractsError

LANGUAGES = ("en", "zh")
UNITS = ("yuan", "wan")
WAN = Decimal(10000)
CENT_OF_WAN = Decimal("0.01")  # 万元 are shown to two decimals: to the hundred yuan


class _Settings:
    """The language and unit in force. The CLI sets them for the whole run; the web app for one request (each
    request runs in a context of its own, so two people reading different languages at once never mix)."""

    def __init__(self) -> None:
        self.default = {"lang": "en", "unit": "yuan"}
        self.here: ContextVar[dict | None] = ContextVar("contracts_i18n", default=None)

    def __getitem__(self, key: str) -> str:
        return (self.here.get() or self.default)[key]

    def __setitem__(self, key: str, value: str) -> None:
        self.here.set({**(self.here.get() or self.default), key: value})

    def update(self, **values: str) -> None:
        self.here.set({**(self.here.get() or self.default), **values})


_settings = _Settings()

# Column keys -> Chinese headings. English headings are the keys with spaces.
HEADERS_ZH = {
    "code": "合同编号", "contract": "合同", "name": "名称", "vendor": "服务商", "buyer": "采购人", "signed_on": "签订日期",
    "billing_start": "计费开始", "billing_months": "计费月数", "service_months": "服务月数", "annual_fee": "年服务费",
    "frequency": "付款频率", "alignment": "对齐方式", "timing": "付款时点", "payment_lag_days": "付款延后天数",
    "stated_end": "来源所述到期", "completed_on": "完工日期", "notes": "备注", "source": "来源", "billing_end": "计费结束",
    "service_end": "服务到期", "status": "状态", "days_left": "剩余天数", "total": "合计", "installments": "期数",
    "seq": "期次", "period_start": "期间开始", "period_end": "期间结束", "due": "应付日期", "amount": "金额",
    "next_seq": "下一期", "next_due": "下一期应付日", "next_amount": "下一期金额", "gross": "应付总额",
    "deductions": "扣款明细", "total_deduction": "扣款合计", "net": "应付净额", "paid": "已付", "owed": "欠付",
    "state": "状态", "settled_by": "结清方式", "assessed_on": "考核日期", "failed_pass_mark": "考核不合格",
    "rule": "规则", "kind": "类别", "inputs": "考核数据", "computed": "计算", "cap_applied": "适用上限", "reason": "原因",
    "days_overdue": "逾期天数", "bucket": "账龄", "not_yet_assessed": "待考核", "credit": "多付",
    "0-30": "0-30天", "31-90": "31-90天", "91-180": "91-180天", "181-365": "181-365天", "over 365": "365天以上",
    "programme": "预算项目", "item": "明细", "original": "年初预算", "adjusted": "调整后预算", "obligations": "应付义务",
    "unpaid_of_year": "当年未付", "earlier_arrears": "以前年度欠付", "execution_rate": "执行率", "coverage": "预算覆盖率",
    "severity": "级别", "check": "检查项", "record": "记录", "field": "字段", "hash": "哈希值", "account": "操作系统账户",
    "opening": "期初余额", "purpose": "资金用途", "delivered": "交付数量", "budget_in_force": "执行预算", "paid_for_earlier": "其中付以前年度", "stated": "所述", "explanation": "说明",
    "id": "编号", "paid_on": "付款日期", "reference": "凭证号", "note": "备注", "reverses": "冲销", "reversed_by": "被冲销",
    "credit_code": "统一社会信用代码", "bank": "开户行", "contact": "联系人",
    "allocated": "分配", "at": "时间", "user": "用户", "action": "操作", "before": "修改前", "after": "修改后",
    "net_in_words": "净额大写", "owed_in_words": "欠付大写", "line": "服务线", "contracts": "合同", "current": "现行合同",
    "coverage_ends": "覆盖至", "successor": "后续合同", "in_transition_since": "过渡期起", "transition_months": "过渡月数",
    "transition_spending": "过渡期支出", "suspended_from": "暂停起", "flags": "提示", "attempt": "次序", "method": "方式",
    "method_name": "采购方式", "approved": "批准", "announced": "公告", "bid_deadline": "投标截止", "opened": "开标",
    "awarded": "中标", "signed": "签约", "outcome": "结果", "ground": "原因", "bidders": "投标人数",
    "method_approval": "方式变更批准", "attempts": "采购次数", "failed": "流标次数", "consecutive_failures": "连续流标",
    "last_ground": "最近原因", "options": "可选做法", "latest_start": "最迟启动", "sign_by": "最迟签约",
    "slack_days": "余量天数", "earliest_signing": "最早签约", "assumed_days": "假定的节假日", "target": "对象", "period": "期间", "quantity": "数量", "year": "年度", "quarter": "季度",
    "expected_net": "预计净额", "basis": "依据", "ends_in_window": "期内到期", "Q1": "一季度", "Q2": "二季度",
    "Q3": "三季度", "Q4": "四季度", "budget": "预算", "adjusted_budget": "调整后预算", "fee": "年服务费", "unit_price": "单价", "unit": "单位",
    "annual_cap": "年度上限", "pricing": "计价", "effective": "生效日期", "months": "月数", "spent": "实际支出",
    "assessment": "考核", "payments": "付款", "amendments": "变更", "in_force": "有效", "position": "顺序",
    "description": "说明", "effective_from": "生效日期", "change": "变化", "fee_lines": "费用项", "stated_in": "所述单位",
    "start": "开始", "end": "结束", "days": "天数", "refs": "相关", "target": "对象",
}

# Values people see in tables: states, severities, outcomes.
VALUES_ZH = {
    "not started": "未开始", "active": "履约中", "billing ended, serving": "计费结束、仍在服务", "expired": "已到期",
    "covered": "有合同", "in transition": "过渡期", "suspended": "暂停", "uncovered": "无合同", "paid": "已付",
    "partly paid": "部分支付", "payable": "应付", "awaiting assessment": "待考核", "awaiting usage": "待计量",
    "error": "错误", "warning": "警告", "info": "提示", "awarded": "中标", "failed": "流标", "pending": "进行中",
    "cancelled": "取消", "on track": "按计划", "start now": "应立即启动", "late": "已迟", "lapsed": "已过期",
    "not yet assessed": "待考核", "TOTAL": "合计", "total": "合计", "opening balance": "期初余额", "contract": "合同",
    "fee line": "费用项", "programme": "预算项目", "public": "公开招标", "invited": "邀请招标", "negotiation": "竞争性谈判",
    "consultation": "竞争性磋商", "quotation": "询价", "single-source": "单一来源",
    # check names
    "amended over 10%": "变更超过10%", "completion gap": "完工至计费间隔", "no contract": "无合同",
    "not assessed": "未考核", "paid above due": "超额支付", "history chain": "历史记录链", "store integrity": "数据库完整性",
    "codes differing in case": "仅大小写不同的编号", "database": "数据库", "history": "历史记录",
    "not whole units": "非整数单位", "opening not stated": "期初余额非来源所述", "purpose not paid": "用途所列未付",
    "quantity and amounts disagree": "数量与金额不符", "paid for another year": "跨年度支付", "possibly a deduction": "疑为扣款", "stated end": "所述到期", "stated total": "所述合计",
    "contract gap": "合同间断", "contract overlap": "合同重叠",
    # terms: frequency, alignment, timing, pricing
    "monthly": "按月", "quarterly": "按季度", "semiannual": "按半年", "annual": "按年",
    "anniversary": "按合同年度", "calendar": "按自然期间", "arrears": "期末支付", "advance": "期初支付",
    "fixed": "固定费用", "unit": "按量计价", "yes": "是", "no": "否",
    "wan": "万元", "yuan": "元",  # the unit a budget was stated in
    # deduction rule kinds, timeline segments, tender grounds, forecast bases
    "threshold": "阈值", "scorecard": "评分", "per_unit": "按量", "itemized": "逐项", "cap": "上限", "unrecorded": "规则未录入",
    "rule cap": "本规则上限", "installment cap": "每期上限", "yearly cap": "年度上限", "net cannot go below zero": "净额不能为负",
    "transition": "过渡期", "gap": "无合同", "too-few-bidders": "合格供应商不足三家", "over-budget": "报价超预算",
    "irregularities": "违规影响公正", "cancelled-by-buyer": "采购人取消", "other": "其他", "schedule": "按计划",
    "assessed": "已考核", "expected rate": "按预计扣款率", "usage": "按用量", "usage projection": "按用量预测",
    "computed": "计算", "stated": "来源所述", "assumed": "假设", "upper bound": "上限", "unknown": "未知",
    "schedule (not yet assessed)": "按计划（尚未考核）", "projected from the usage recorded": "按已录入用量推算",
    "schedule, settled before tracking (opening balance)": "按计划，开始记录前已结清（期初余额）",
    "inferred": "推定", "not recorded": "未录入", "as recorded": "按录入", "the usage recorded": "按已录入用量",
    "no usage to project from": "无用量可预测", "schedule (not yet assessed)": "按计划（未考核）",
    "(none)": "（无）", "contracts funded by no programme": "未列入预算项目的合同", "below": "低于", "above": "高于",
    # history actions
    "add contract": "新增合同", "update contract": "修改合同", "add rule": "新增扣款规则", "update rule": "修改扣款规则",
    "assess": "考核", "correct assessment": "更正考核", "pay": "付款", "reverse payment": "冲销付款", "opening": "期初余额",
    "update opening": "修改期初余额", "amend": "变更", "add line": "新增服务线", "update line": "修改服务线",
    "add tender": "新增采购", "usage": "用量", "add programme": "新增预算项目", "update programme": "修改预算项目",
    "add budget": "新增预算", "update budget": "修改预算", "add fee line": "新增费用项", "update fee line": "修改费用项",
    "fee amount": "费用金额",
    # the web app's people (db/users.py)
    "add user": "新增用户", "change password": "修改密码", "disable user": "停用用户", "sign in": "登录",
    "sign-in failed": "登录失败", "lock user": "锁定账户", "sign-in refused": "拒绝登录", "sign out": "退出登录",
}

HEADERS_EN = {  # where the key with spaces reads badly
    "seq": "installment", "unpaid_of_year": "unpaid of the year", "not_yet_assessed": "not yet assessed (at gross)",
    "total_deduction": "deductions", "payment_lag_days": "payment lag (days)", "days_left": "days left",
    "net_in_words": "net in words", "owed_in_words": "owed in words", "Q1": "Q1", "billing_months": "billing months",
}

# Sheet names that stay the same from day to day: the title's template -> (English, Chinese) name; the date goes
# in the sheet's title row.
SHEET_NAMES = {
    "Contracts as of {day}": ("Contracts", "合同"),
    "Schedule of {code}": ("Schedule {code}", "{code}付款计划"),
    "Expiring within {days} days of {day}": ("Expiring in {days} days", "{days}天内到期"),
    "Payable as of {day}": ("Payable", "应付款"),
    "Payable as of {day}, due in {quarter}": ("Payable {quarter}", "{quarter}应付款"),
    "Arrears as of {day}": ("Arrears", "欠付明细"),
    "Arrears by contract as of {day}": ("Arrears by contract", "各合同欠付"),
    "By contract (not yet assessed: at gross, apart)": ("Arrears by contract", "各合同欠付"),
    "Checks as of {day}": ("Checks", "数据检查"),
    "Fiscal year {year}": ("Fiscal year {year}", "{year}财年"),
    "Rebid deadlines as of {day} (horizon {days} days)": ("Rebid deadlines", "重新采购期限"),
    "Service lines as of {day}": ("Service lines", "服务线"),
    "Obligations {first}-{last} by due date": ("Obligations {first}-{last}", "{first}-{last}应付义务"),
    "Obligations {first}-{last} by accrual": ("Obligations {first}-{last} accrual", "{first}-{last}应付义务权责"),
    "{code} as of {day}": ("{code}", "{code}"),
    "Installments with deductions after assessment": ("Deductions", "考核扣款"),
    "Due and unpaid on {day}, by days overdue": ("Due and unpaid", "到期未付"),
    "Deduction rules of {code} (all versions)": ("Rules {code} all", "{code}全部扣款规则"),
    "Deduction rules of {code} in force on {day}": ("Rules {code}", "{code}扣款规则"),
    "Deductions from {code} seq {seq}": ("Deductions {code} {seq}", "{code}第{seq}期扣款"),
    "Payments of {code} to {day}": ("Payments {code}", "{code}付款记录"),
    "History of {code}": ("History {code}", "{code}修改记录"),
    "Payment request: {code} installment {seq}": ("Payment request {code} {seq}", "{code}第{seq}期付款申请"),
    "Usage of {code}": ("Usage {code}", "{code}用量"),
    "Amendments of {code}": ("Amendments {code}", "{code}变更"),
}
_made: dict[str, tuple[str, dict]] = {}  # a title t() wrote -> its template and values (for the sheet's name)

# Titles and sentences: the English template (as written in the code) -> the Chinese one.
TEXT_ZH = {
    "Vendors": "收款单位", "no vendors yet": "尚无收款单位",
    "nothing to show": "无内容",
    "Contracts as of {day}": "截至{day}的合同",
    "Schedule of {code}": "{code}付款计划",
    "Expiring within {days} days of {day}": "{day}起{days}天内到期的合同",
    "no contract expires in that window": "期内没有到期的合同",
    "Payable as of {day}": "截至{day}的应付款",
    "Arrears as of {day}": "截至{day}的欠付",
    "Arrears by contract as of {day}": "截至{day}各合同欠付",
    "By contract (not yet assessed: at gross, apart)": "按合同（待考核的按总额另列）",
    "nothing is in arrears": "没有欠付",
    "{count} installments are in arrears: --format csv or --format json gives every one, --summary this table alone":
        "共{count}期欠付：--format csv 或 --format json 列出每一期，--summary 只列本表",
    "{count} installments are in arrears: --format csv or --format json gives every one, --summary this table alone":
        "共{count}期欠付：--format csv 或 --format json 列出每一期，--summary 只显示本表",
    "Checks as of {day}": "截至{day}的数据检查",
    "no findings: the data adds up": "未发现问题：数据一致",
    "Fiscal year {year}": "{year}财年",
    "Rebid deadlines as of {day} (horizon {days} days)": "截至{day}的重新采购期限（{days}天内）",
    "Tenders": "采购记录",
    "Service lines as of {day}": "截至{day}的服务线",
    "Payments": "付款记录",
    "Programmes and budgets": "预算项目与预算",
    "Obligations {first}-{last} by due date": "{first}-{last}年应付义务（按应付日期）",
    "Obligations {first}-{last} by accrual": "{first}-{last}年应付义务（按权责发生）",
    "{code} as of {day}": "{code}（截至{day}）",
    "Installments with deductions after assessment": "考核后有扣款的各期",
    "Due and unpaid on {day}, by days overdue": "截至{day}到期未付（按逾期天数）",
    "Amendments of {code}": "{code}的变更",
    "Deduction rules of {code} (all versions)": "{code}的扣款规则（全部版本）",
    "Deduction rules of {code} in force on {day}": "{code}在{day}有效的扣款规则",
    "Deductions from {code} seq {seq}": "{code}第{seq}期扣款",
    "Payments of {code} to {day}": "{code}截至{day}的付款",
    "History of {code}": "{code}的修改记录", "History": "修改记录",
    "Payment request: {code} installment {seq}": "付款申请：{code}第{seq}期",
    "Payable as of {day}, due in {quarter}": "截至{day}的应付款（{quarter}到期）",
    "Usage of {code}": "{code}的用量",
    "nothing falls due in that window": "期内没有应付款",
    "no installment falls due in that window": "期内没有应付的分期",
    "no tenders recorded": "没有采购记录", "no service lines yet": "还没有服务线",
    "no service needs a new procurement within the horizon": "期内没有需要重新采购的服务",
    "no payments recorded": "没有付款记录", "no changes recorded": "没有修改记录",
    "nothing to report": "无可报告内容",
    "no amendments": "没有变更", "no installment changes": "没有分期发生变化", "no installment matches": "没有符合的分期",
    "no contracts yet: 'contracts import FILE' or 'contracts add'": "还没有合同：请用 'contracts import 文件' 或 'contracts add'",
    "no deduction rules: installments are payable at gross": "没有扣款规则：各期按总额支付",
    "no programmes yet": "还没有预算项目", "no usage recorded": "没有用量记录",
    "amounts in 万元, each rounded half up to 0.01 万元 (100 yuan); totals are rounded from the exact sums":
        "金额单位：万元，逐项四舍五入到0.01万元（百元）；合计按精确金额求和后再舍入",
    # the HTML report
    "Service contracts: report as of {day}": "服务合同报告（截至{day}）",
    "Portfolio timeline": "合同时间轴",
    "Fiscal-year cash flow": "财年资金流",
    "Expiring contracts and rebid deadlines": "即将到期的合同与重新采购期限",
    "Payables and arrears": "应付与欠付",
    "Failed tenders": "流标记录",
    "Findings of the checks": "数据检查结果",
    "billing period": "计费期", "service without billing": "服务期（不计费）", "transition": "过渡期",
    "suspended": "暂停", "gap": "无合同", "tender awarded": "采购成功", "tender failed": "流标",
    "tender pending": "采购进行中", "tender cancelled": "采购取消", "as of": "报告日",
    "obligations": "应付义务", "adjusted budget": "调整后预算", "payments": "实际支付",
    "undated tenders": "无日期的采购", "no budget recorded": "未录入预算", "not recorded": "未录入", "unknown": "未知",
    "  ... and {count} more notes (--format csv gives each row's basis)": "  ……另有{count}条说明（--format csv 给出每行的依据）",
    "Contracts whose service ends within {days} days": "{days}天内服务到期的合同",
    "Services to re-procure within {days} days (method: {methods})": "{days}天内需重新采购的服务（方式：{methods}）",
    "Installments due in {quarter}": "{quarter}应付的各期款项",
    "Due and unpaid, by days overdue": "到期未付（按逾期天数）",
    "{count} more lines are left out of the timeline; the tables below include them.":
        "时间轴另有{count}条服务线未画出；下列各表已包含。",
    "none": "无",
    "{code} installment {seq} due: {amount}": "{code} 第{seq}期应付：{amount}",
    "{name}; period {start} to {end}; {state}": "{name}；期间 {start} 至 {end}；{state}",
    "{code} expires": "{code} 服务到期",
    "{name}: the service period ends (billing ended {billing_end})": "{name}：服务期结束（计费已于 {billing_end} 结束）",
    "{line}: latest day to start the {method} procurement ({day})": "{line}：启动{method}的最迟日期（{day}）",
    "coverage ends {coverage_ends}; sign by {sign_by}": "覆盖至{coverage_ends}；最迟于{sign_by}签约",
    "Overdue since {due}: {code} installment {seq}: {amount}": "自{due}起逾期：{code} 第{seq}期：{amount}",
    "Service contracts: due dates, expiries and rebids": "服务合同：应付日期、到期与重新采购",
    "wrote {count} events to {path}": "已写入{count}个日历事件到 {path}",
    "wrote {path}: {kinds}; fill it in, then: contracts import {path}": "已写入 {path}：{kinds}；填写后导入：contracts import {path}",
    "exported to {path}: {counts}": "已导出到 {path}：{counts}",
    "wrote the report as of {day} to {path} ({contracts} contracts, {findings} findings)":
        "已写入截至{day}的报告到 {path}（{contracts}个合同，{findings}条检查结果）",
    "Working days assumed for a year not yet published: {days}": "尚未公布年份所假定的节假日与调休：{days}",
    "The first {shown} of {count} rows; {command} lists them all.": "仅列出{count}行中的前{shown}行；完整清单请用 {command}。",
    "in arrears": "欠付合计", "due this quarter (net where assessed)": "本季度应付（已考核的按净额）", "contracts": "合同数",
    "findings": "检查发现", "errors": "错误",
    "Generated by contracts {version}.": "由 contracts {version} 生成。",
    "Amounts in yuan, to the fen.": "金额单位：元，精确到分。",
    "yuan": "元", "万元": "万元", "years": "年度",
    "{line}: {failed} failed of {attempts}, {consecutive} in a row; last ground: {ground}":
        "{line}：共{attempts}次采购，流标{failed}次，连续{consecutive}次；最近原因：{ground}",
    "{programme}: {obligations} fell due; the budget in force allowed {adjusted}; {paid} was paid (execution {rate}, "
    "coverage {cover}); {unpaid} of the year's obligations and {earlier} of earlier ones unpaid at year end":
        "{programme}：当年应付{obligations}；在用预算{adjusted}；已付{paid}（执行率{rate}，预算覆盖率{cover}）；"
        "年末当年应付未付{unpaid}，以前年度欠付{earlier}",
    "flag": "提示", "may": "可以", "note": "注",
    "{code}: installments changed by the amendment from {day}": "{code}：自{day}起的变更所改变的各期",
    "{code}: {name} ({state} on {day})": "{code}：{name}（{day}{state}）", "Assumptions:": "假设：", "no failed tenders": "没有流标",
    "awaiting assessment (at gross)": "待考核（按总额）",
    "(of which {amount} awaiting assessment)": "（其中待考核{amount}）",
    "By fiscal year": "按财年",
    "Generated by contracts {version} on {moment}.": "由 contracts {version} 于 {moment} 生成。",
    "(left out to fit {width} columns: {names}; --format csv or a wider window shows them)":
        "（为适应{width}列宽度未显示：{names}；用 --format csv 或更宽的窗口可全部显示）",
    "(no --on given: paid today, {day})": "（未给出 --on：按今天付款，{day}）",
    # workbooks
    "wrote {path}: {count} sheet(s) ({names})": "已写入 {path}：{count}个工作表（{names}）",
    "Page &P of &N": "第 &P 页，共 &N 页",
    "of which not yet assessed (at gross)": "其中待考核（按总额）",
    "assessed and owed (the summary's total)": "已考核欠付（即汇总表合计）",
    "The summary by contract keeps installments not yet assessed apart, at gross, and leaves them out of its total; "
    "here they count as owed.": "按合同汇总表将待考核的分期按总额另列，不计入其合计；本表将其计入欠付。",
    "Total leaves out the installments not yet assessed (their own column, at gross); total + not yet assessed = what "
    "the detail sheet counts as owed.": "合计不含待考核的分期（另列一栏，按总额）；合计加待考核即明细表的欠付合计。",
}


def _from_locale() -> str:
    for name in ("CONTRACTS_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def configure(lang: str | None = None, unit: str | None = None, *, here_only: bool = False) -> None:
    """Set the language and unit for this run (the global options; env and locale when not given).

    ``here_only``: for the current context only (a web request), leaving the process's default alone."""
    chosen = (lang or _from_locale()).strip().lower()
    if chosen.startswith("zh"):
        chosen = "zh"
    if chosen not in LANGUAGES:
        raise ContractsError("lang", lang, f"must be one of: {', '.join(LANGUAGES)}")
    unit_chosen = (unit or "yuan").strip().lower()
    if unit_chosen not in UNITS:
        raise ContractsError("unit", unit, f"must be one of: {', '.join(UNITS)}")
    _settings.update(lang=chosen, unit=unit_chosen)
    if not here_only:
        _settings.default = {"lang": chosen, "unit": unit_chosen}


def language() -> str:
    return _settings["lang"]


def unit() -> str:
    return _settings["unit"]


def _in_prose(value):
    """A value inside a sentence: numbers with separators; in Chinese, dates as 2024年3月30日."""
    import datetime as dt
    import re

    if isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) >= 10000:
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, dt.date):
        value = value.isoformat()
    if _settings["lang"] == "zh" and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        year, month, day = value.split("-")
        return f"{int(year)}年{int(month)}月{int(day)}日"
    return value


def t(text: str, **values) -> str:
    """A title or sentence in the chosen language, with its values filled in."""
    template = TEXT_ZH.get(text, text) if _settings["lang"] == "zh" else text
    made = template.format(**{key: _in_prose(value) for key, value in values.items()}) if values else template
    if text in SHEET_NAMES:
        _made[made] = (text, values)
    return made


COUNTED_ZH = {"error": "错误{n}项", "warning": "警告{n}项", "info": "提示{n}项"}


def counted(n: int, noun: str) -> str:
    """"1 error", "3 warnings"; in Chinese "错误1项"."""
    if _settings["lang"] == "zh" and noun in COUNTED_ZH:
        return COUNTED_ZH[noun].format(n=n)
    return f"{n} {noun}{'' if n == 1 else 's'}"


def sheet_name(title: str) -> str:
    """A sheet's name for a title: the same every day (the date stays in the title row), at most 31 characters."""
    import re

    if title in _made or title in SHEET_NAMES:
        template, values = _made.get(title, (title, {}))
        english, chinese = SHEET_NAMES[template]
        return (chinese if _settings["lang"] == "zh" else english).format(**values)[:31]
    name = re.sub(r"\s*\b(as of|on|to|of)\s+\d{4}-\d{2}-\d{2}\b", "", title)
    name = re.sub(r"截至\d{4}年\d{1,2}月\d{1,2}日的?|\d{4}年\d{1,2}月\d{1,2}日起?", "", name).strip(" ,:;")
    if len(name) > 31:  # cut at a word, not in the middle of one
        cut = name[:31]
        name = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return name.strip(" ,:;(") or "Sheet"


def header(key: str) -> str:
    if _settings["lang"] == "zh":
        return HEADERS_ZH.get(key, key.replace("_", " "))
    return HEADERS_EN.get(key, key.replace("_", " "))


def value(text: str) -> str:
    """An enumerated value (a state, a severity, an outcome) as people read it."""
    return VALUES_ZH.get(text, text) if _settings["lang"] == "zh" else text


def unit_name() -> str:
    return t("万元") if _settings["unit"] == "wan" else t("yuan")


def in_unit(amount: Decimal) -> Decimal:
    """An amount in the chosen unit: yuan as it is; 万元 exactly (six decimals), for a sheet to sum."""
    return amount / WAN if _settings["unit"] == "wan" else amount


def shown_amount(amount: Decimal) -> str:
    """An amount as people read it: grouped yuan to the fen, or 万元 rounded half up to 0.01."""
    return amount_shower()(amount)


def amount_shower():
    """``shown_amount`` for the unit in force now, asked once: for a table of many thousand amounts."""
    return _in_wan if _settings["unit"] == "wan" else _in_yuan


def _in_yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _in_wan(amount: Decimal) -> str:
    return f"{(amount / WAN).quantize(CENT_OF_WAN, rounding=ROUND_HALF_UP):,.2f}"


@contextmanager
def exact_amounts():
    """Amounts in yuan to the fen for what must be exact whatever --unit says (a payment request)."""
    before = _settings["unit"]
    _settings["unit"] = "yuan"
    try:
        yield before != "yuan"
    finally:
        _settings["unit"] = before


def amount_with_unit(amount: Decimal) -> str:
    """An amount in a sentence: the chosen unit, named when it is not yuan."""
    if _settings["unit"] == "yuan":
        return shown_amount(amount) + ("元" if _settings["lang"] == "zh" else "")
    return shown_amount(amount) + f" {unit_name()}"


def rounding_note() -> str | None:
    """What a reader must know about the numbers shown, or None when they are exact."""
    if _settings["unit"] == "wan":
        return t("amounts in 万元, each rounded half up to 0.01 万元 (100 yuan); totals are rounded from the exact sums")
    return None


# -- the web app's data-changing pages (web/routes_<name>.py of #14 point 4): their headings and sentences ----------
HEADERS_ZH.update({
    "score": "考核得分", "items": "逐项扣款", "assessed_by": "考核人", "document": "考核文件", "version": "版本",
    "metric": "考核指标", "owed_seen": "表单显示时欠付", "on": "日期", "grounds": "依据", "earliest_signing": "最早签约",
})
TEXT_ZH.update({
    # 考核
    "Assessment of {code} installment {seq}": "{code}第{seq}期考核",
    "Deduction rules in force for this installment": "本期适用的扣款规则",
    "As it stands": "当前情况",
    "Saved: version {version} of the assessment.": "已保存：考核第{version}版。",
    "What this assessment would leave (not saved)": "按此考核的结果（尚未保存）",
    "Deductions": "扣款明细",
    "Would record version {version}: {what}": "将记录第{version}版：{what}",
    "Nothing is saved until you press Save.": "点击“保存”之前不会保存任何内容。",
    "Record the assessment": "录入考核",
    "needed by the scorecard": "评分规则需要",
    "0 to 100, if the rules use one": "0至100，规则需要时填写",
    "one reason=amount a line": "每行一项：原因=金额",
    "The rules in force take no itemized deductions.": "现行规则不含逐项扣款。",
    "Replace the recorded assessment (a new version; the earlier one is kept)": "更正已录入的考核（新版本，保留原记录）",
    "Preview": "预览",
    # 付款
    "Payments of {code}": "{code}付款",
    "Open installments": "未结清各期",
    "What is owed on {where} changed since this form was shown: {seen} then, {now} now (someone recorded a payment "
    "or an assessment meanwhile). Nothing was written; check the payments below and send the form again if the "
    "payment is still due.":
        "自表单显示以来{where}的欠付金额已变化：当时{seen}，现在{now}（期间有人录入了付款或考核）。未写入任何内容；"
        "请核对下方付款记录，如仍需付款请重新提交。",
    "Recorded payment {id}: reversal of payment {original} ({amount}) on {day}.": "已记录付款{id}：冲销付款{original}（{amount}），日期{day}。",
    "Recorded payment {id}: {amount} to {code} on {day}.": "已记录付款{id}：向{code}支付{amount}，日期{day}。",
    "Where it went": "付款分配",
    "Record a payment": "录入付款",
    "yuan, to the fen": "元，精确到分",
    "the oldest open installments first": "先付最早的未结清各期",
    "Record the payment": "录入付款",
    "Reverse a payment": "冲销付款",
    "Payments are never edited: a reversal is recorded and the right payment entered again.":
        "付款记录不可修改：应记录冲销，再重新录入正确的付款。",
    "Reverse payment {id}": "冲销付款{id}",
    "Reverse": "冲销",
    # 采购
    "Procurement": "采购", "Record a tender": "录入采购", "Record the tender": "录入采购", "Recorded tender {id}.": "已记录采购{id}。",
    "not stated": "未说明", "when": "条件", "needs": "需要",
    "Record a transition": "录入过渡期", "Record the transition": "录入过渡期", "Recorded the transition.": "已记录过渡期。",
    "Record a suspension": "录入暂停", "Record the suspension": "录入暂停", "Recorded the suspension.": "已记录暂停。",
    "Record usage": "录入用量", "Record the usage": "录入用量", "Recorded the usage.": "已记录用量。",
    "approved by": "批准单位", "resumes on": "恢复日期",
    "It overlaps a contract of the line, and that is so.": "与本服务线的合同期重叠，确属如此。",
    "It starts after today: a planned transition.": "开始日期在今天之后：计划中的过渡期。",
    "It starts after today: a planned suspension.": "开始日期在今天之后：计划中的暂停。",
    "Usage of the line goes to the contract or transition that covers the period.": "服务线的用量计入覆盖该期间的合同或过渡期。",
    "where the transition has no unit price": "过渡期无单价时填写",
    # 预算
    "Budgets": "预算", "Forecast": "支出预测", "Fee lines": "费用项", "Amounts": "金额记录", "Show": "显示",
    "Download as XLSX": "下载XLSX", "from": "起始年度", "years": "年数", "department": "部门",
    "Add a programme": "新增预算项目", "Add a budget": "新增预算", "Add a fee line": "新增费用项",
    "Saved the programme.": "已保存预算项目。", "Saved the budget.": "已保存预算。", "Saved the fee line.": "已保存费用项。",
    "Replace one that exists": "替换已有记录", "codes, separated by commas": "编号，以逗号分隔",
    "contracts the purpose names": "资金用途所列合同", "sub-unit": "细分单位", "sub-units a unit": "每单位含细分单位数",
    "ends in the window: {code} on {day}: budget for a successor from then": "期内到期：{code}于{day}到期，此后须为后续合同安排预算",
    "Record an amount": "录入金额", "Recorded.": "已记录。", "budgeted": "预算金额", "what was counted": "计量单位",
    "Give exactly one of budgeted, paid and delivered (a quantity).": "预算金额、已付金额与交付数量三者只填一项。",
    # 报告
    "Report": "报告", "as of": "截至", "Open the report": "打开报告", "The report as of {day}": "截至{day}的报告",
    "The whole portfolio on one page as of a day, as 'contracts report html' writes it: it opens in its own tab, "
    "prints on A4 and can be saved and passed on.":
        "截至某日的全部合同概况（与“contracts report html”生成的页面相同），单独打开，可按A4打印，也可保存转发。",
    # 日历
    "Calendar": "日历", "Your calendar address": "您的日历订阅地址", "Revoke this address": "作废此地址",
    "Make a new address": "生成新地址",
    "Your calendar address was revoked: calendars subscribed to it no longer receive anything.":
        "您的日历订阅地址已作废：订阅该地址的日历将不再收到任何内容。",
    "Due dates, expiries and the latest days to start a procurement, with reminders, for Outlook, WPS or a phone: "
    "subscribe to this address (not a download), and the events move by themselves when dates change.":
        "应付日期、合同到期和最迟启动采购日期（含提醒），可在Outlook、WPS或手机中订阅此地址（不是下载），日期变化时日程会自动更新。",
    "Anyone who has this address can read these dates: keep it to yourself. Revoke it if it got out; opening this "
    "page again makes a new one.": "任何人持有此地址即可读取这些日期，请勿外传。如已泄露请作废，重新打开本页会生成新地址。",
})
TEXT_ZH.update({
    # 导入
    "Import": "导入", "Imported {name}.": "已导入{name}。", "File": "文件", "at most {limit} MB": "不超过{limit} MB",
    "What a CSV file holds": "CSV文件的内容", "told by its name or its columns": "按文件名或列名判断",
    "Nothing was imported: {count} entries refused.": "未导入任何内容：{count}项被拒绝。",
    "A filled-in template (XLSX or CSV, as 'contracts template' makes it) or a portfolio file (TOML): every entry is "
    "checked first, and the file is imported whole or not at all.":
        "填好的模板（XLSX或CSV，即“contracts template”生成的模板）或合同数据文件（TOML）：先逐项检查，整份导入或全部不导入。",
    "As finance you import payments, programmes, budgets, fee lines and their amounts; a file with anything else is "
    "for an admin.": "财务角色可导入付款、预算项目、预算、费用项及其金额；含其他内容的文件须由管理员导入。",
    "This file holds {parts}, which finance does not own (only payments, programmes, budgets, fee lines and their "
    "amounts); an admin imports it. Nothing was changed.":
        "该文件包含{parts}，不属于财务角色（仅限付款、预算项目、预算、费用项及其金额），须由管理员导入。未做任何修改。",
    "The file is larger than {limit} MB; nothing was changed.": "文件超过{limit} MB，未做任何修改。",
})
TEXT_ZH.update({
    # 供应商
    "Saved vendor {name}.": "已保存供应商{name}。", "Assessment": "考核",
    "Add or correct a vendor": "新增或更正供应商",
    "The name exactly as the contracts write it (their vendor); a payment request prints these details as payee, "
    "bank and account.": "名称须与合同所写的服务商完全一致；付款审批单据此打印收款单位、开户行和账号。",
    "Correct a vendor that exists (empty fields keep what is stored)": "更正已有供应商（留空的项保持原值）",
})
VALUES_ZH.update({"make calendar feed": "生成日历订阅", "revoke calendar feed": "作废日历订阅"})
