"""The words of the web pages that the CLI does not print, in Chinese (the pages' default) and English.

Everything the CLI already says (headings, states, titles, sentences of the domain) comes from cli/i18n.py and
cli/prose.py, so the two front ends use the same words; this table holds only the pages' own.
"""

from __future__ import annotations

from cli import i18n

WEB_ZH = {
    "Service contracts": "服务合同",
    "Home": "首页", "Contracts": "合同", "History": "修改记录", "Settings": "设置", "Users": "用户",
    "Findings": "检查发现", "Sign in": "登录", "Sign out": "退出登录", "Name": "用户名", "Password": "密码",
    "Signed in as {name} ({roles})": "当前用户：{name}（{roles}）",
    "Demo: the bundled examples in a throw-away store, read-only. Nothing you do here is kept.":
        "演示：内置示例数据，临时数据库，只读。此处的任何操作都不会保存。",
    "wrong name or password": "用户名或密码错误",
    "This account is locked after too many failed sign-ins; try again after {time}.":
        "该账户因多次登录失败已被锁定，请于{time}之后再试。",
    "This account is disabled.": "该账户已停用。",
    "Your session has ended; please sign in again.": "会话已结束，请重新登录。",
    "The form has expired or was not sent by this site; nothing was changed. Reload the page and try again.":
        "表单已失效或并非本站提交，未做任何修改。请刷新页面后重试。",
    "Your roles ({roles}) may not do this; it belongs to the role {owner}. Nothing was changed.":
        "您的角色（{roles}）无权执行此操作，该操作属于“{owner}”角色。未做任何修改。",
    "The demo is read-only; nothing was changed.": "演示为只读，未做任何修改。",
    "Not found": "未找到", "Forbidden": "禁止访问", "Bad request": "请求有误", "Not ready": "尚未就绪",
    "The report is still being prepared; try again in a minute.": "报告仍在生成中，请稍后再试。",
    "The workbook is still being prepared; try again in a minute.": "表格仍在生成中，请稍后再试。",
    " (the {shown} items with the largest obligations of {count}, and every programme; the workbook has them all)":
        "（{count}项中应付最多的{shown}项及全部预算项目；下载的表格含全部）",
    "The rows of the first {shown} of {count} contract-years are shown; the year totals are of them all, and the workbook has every row.":
        "仅显示{count}个合同年度中前{shown}个的明细；各年合计含全部合同，下载的表格含全部明细。",
    "Language": "语言", "Amounts in": "金额单位", "Save": "保存", "Saved.": "已保存。", "Chinese": "中文", "English": "英文",
    "yuan (to the fen)": "元（精确到分）", "万元 (rounded to 0.01)": "万元（四舍五入到0.01）",
    "as of {day}": "截至{day}",
    "Expiring within {days} days": "{days}天内到期的合同",
    "Rebid deadlines": "重新采购期限",
    "This quarter's installments ({quarter})": "本季度各期款项（{quarter}）",
    "Arrears by age": "欠付账龄",
    "{count} findings of the checks ({errors} errors, {warnings} warnings)": "数据检查发现{count}项（错误{errors}项，警告{warnings}项）",
    "see them": "查看", "Search": "搜索", "Status": "状态", "Line": "服务线", "Programme": "预算项目", "Sort": "排序",
    "any": "全部", "Filter": "筛选", "Previous": "上一页", "Next": "下一页",
    "{first}-{last} of {total}": "第{first}-{last}条，共{total}条", "no contract matches": "没有符合条件的合同",
    "Terms": "合同条款", "Installments": "各期款项", "Timeline": "时间轴", "Payment request": "付款审批单",
    "Assessments": "考核记录", "Amendments": "变更", "Payments": "付款记录",
    "awaiting assessment": "待考核", "payable": "应付", "paid": "已付",
    "Add a user": "新增用户", "Roles": "角色", "Add": "新增", "Disable": "停用", "disabled": "已停用",
    "locked until {time}": "锁定至{time}", "active": "正常", "Password again": "再次输入密码",
    "added user {name}": "已新增用户{name}", "disabled {name}; their sessions have ended": "已停用{name}，其会话已全部结束",
    "Every change to the stored facts, newest first.": "对已存数据的每一次修改，最新的在前。",
    "Page {page}": "第{page}页", "Code": "编号", "Failed tenders": "流标记录", "none": "无",
    "The payment request page is not installed in this version.": "此版本尚未安装付款审批单页面。",
    "Only the first {count} are shown.": "仅显示前{count}项。",
    "Roles own what they may change: {list}.": "各角色可修改的内容：{list}。",
    "at least 10 characters": "至少10个字符",
    "the two passwords differ": "两次输入的密码不一致",
    "name": "用户名", "role": "角色", "password": "密码",
    "money unit": "金额单位", "language": "语言",
    "All contracts": "全部合同", "days": "天",
    "more than {count}": "超过{count}", "The first {shown} of {count} rows are shown.": "仅显示{count}行中的前{shown}行。",
    "The figures are being computed; reload the page in a minute.": "正在计算各项数据，请稍后刷新页面。",
    "These figures are of the store at {time}; newer ones are being computed (reload in a minute).":
        "以下为{time}时的数据；最新数据正在计算（请稍后刷新）。",
    "Change your password": "修改密码", "Current password": "当前密码", "New password": "新密码", "Set password": "设置密码",
    "password set for {name}; their sessions have ended": "已为{name}设置新密码，其会话已全部结束",
}


def t(text: str, **values) -> str:
    """A page's words in the reader's language (the request's setting), with values filled in; what the CLI also
    says comes from its own table."""
    if text in WEB_ZH:
        template = WEB_ZH[text] if i18n.language() == "zh" else text
        return template.format(**values) if values else template
    return i18n.t(text, **values)
