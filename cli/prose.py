"""The sentences the domain writes (findings' explanations, flags, options, assumptions), as people read them.

The domain (``contracts/``) explains itself in English sentences built from its facts, and stays that way: JSON and
CSV carry them as written, for scripts. For people, each sentence is matched against the catalogue below (the
English template, as the domain's f-string writes it, with a name for each value) and written again:

- in Chinese under ``--lang zh``, every value put back in its Chinese form (dates as 2024年3月30日, numbers with
  separators, fixed words such as "gap" or "public" from the vocabulary, nested sentences translated in turn);
- in English with the numbers grouped (5,431,682.26 rather than 5431682.26).

A test reads the domain's sources and fails for any sentence missing here, so a new explanation cannot reach a
Chinese report in English unnoticed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from . import i18n

# (English template, as the domain writes it, {name} for each value) -> Chinese template.
SENTENCES: dict[str, str] = {
    # contracts/ledgers.py: arrears long after the last recorded payment
    "the last payment recorded is on {last}, {gap} days before {as_of}: the {count} installment(s) due since are owed "
    "only if no payment since has gone unrecorded": "最后一笔付款记录在{last}，距{as_of}已{gap}天：此后到期的{count}期只有在其间没有漏记付款时才是欠付",
    "no payment is recorded on or before {as_of}: what is shown as owed is what fell due, not what is known to be unpaid":
        "{as_of}及以前没有付款记录：所列欠付是已到期金额，并非确知未付",
    # contracts/ledgers.py: a fiscal year whose payments stop being recorded long before its end
    "no payment is recorded on or before {end}: the paid figures of {year} hold only what was recorded, and what is "
    "unpaid is what fell due": "{end}及以前没有付款记录：{year}年的已付数只含已录入的付款，所列未付是已到期金额",
    "the last payment recorded is on {last}, {gap} days before {end}: the paid figures of {year} hold only what was "
    "recorded, and what is unpaid is owed only if no payment has gone unrecorded":
        "最后一笔付款记录在{last}，距{end}已{gap}天：{year}年的已付数只含已录入的付款，所列未付只有在没有漏记付款时才是欠付",
    # contracts/checks.py: the findings
    "{months} months from {start} end on {end}, not in {stated} as the source states":
        "自{start}起{months}个月应于{end}到期，而非来源所述的{stated}",
    "works completed {days} days before billing began (acceptance, 验收计费, came later)":
        "完工比开始计费早{days}天（验收计费在后）",
    "{kind} from {start} to {end} between {before} and {after}": "{before}与{after}之间自{start}至{end}{kind}",
    "on {day} the line has no contract and no approved transition (coverage ended {ended}); record a successor, "
    "a transition or a suspension": "{day}该服务线既无合同也无经批准的过渡期（合同覆盖至{ended}）；请录入后续合同、过渡期或暂停",
    "payments exceed what was owed by {amount} (a credit to the vendor)": "付款超出应付{amount}元（记为对服务商的预付款）",
    "due more than {days} days ago and not yet assessed, the oldest seq {seq} due {due}":
        "到期超过{days}天仍未考核，最早的是第{seq}期（{due}到期）",
    "within the rounding of the stated figures (up to {tolerance} yuan)": "在所述数字的舍入误差之内（最多{tolerance}元）",
    "more than their rounding explains (up to {tolerance} yuan)": "超出舍入误差所能解释的范围（舍入误差最多{tolerance}元）",
    "the {count} recorded payments add up to {total}; the difference {difference} is {verdict}":
        "已录入的{count}笔付款合计{total}元；差额{difference}元{verdict}",
    "the amendments add {amount}, more than 10% of the original amount, the limit for a supplementary contract "
    "(GPL art. 49)": "变更增加{amount}元，超过原合同金额的10%，即补充合同的上限（《政府采购法》第四十九条）",
    "contract {code}": "合同 {code}",
    "line {code}": "服务线 {code}",
    "budget {programme} {year}": "预算 {programme} {year}年度",
    "{count} installment(s)": "{count}期",
    "{days} days": "{days}天",
    "{first} to {second}": "{first}至{second}",
    # contracts/procurement.py: a line's flags and successor
    "{kind} of {days} days between {before} and {after}": "{before}与{after}之间{kind}{days}天",
    "in transition for {months} months (more than {limit})": "过渡期已{months}个月（超过{limit}个月）",
    "transition spending {spending} passes 10% of the predecessor contract ({amount})":
        "过渡期支出{spending}元超过前一合同金额（{amount}元）的10%",
    "the service has no contract and no approved transition": "该服务既无合同也无经批准的过渡期",
    "{count} failed tenders in a row": "连续{count}次流标",
    "tender {id} (awarded)": "采购{id}（已中标）",
    # contracts/tenders.py: failures, flags and what the law allows next
    "{count} failures in a row": "连续流标{count}次",
    "attempt {attempt} changed to {method} without a recorded approval": "第{attempt}次采购改为{method}，未录入批准",
    "in transition {months} months (more than {limit})": "过渡期{months}个月（超过{limit}个月）",
    "re-tender (重新招标), after correcting any unreasonable terms or irregular procedure":
        "纠正不合理条款或违规程序后重新招标",
    "change to competitive negotiation (竞争性谈判) or single source (单一来源): needs the approval of the finance "
    "department (财政部门) before the new procurement starts": "改为竞争性谈判或单一来源采购：须在新采购开始前经财政部门批准",
    "review the budget or the requirements before trying again": "重新采购前复核预算或采购需求",
    "GPL art. 36-37; MOF Order 87 art. 43(1)": "《政府采购法》第三十六、三十七条；财政部令第87号第四十三条第一款",
    "GPL art. 37; MOF Order 87 art. 43(2)": "《政府采购法》第三十七条；财政部令第87号第四十三条第二款",
    "GPL art. 36(3)": "《政府采购法》第三十六条第三款",
    # db/integrity.py: the store's own soundness, as `check` reports it
    "the database's own integrity check finds the store damaged: keep the file as it is and restore from a backup "
    "(contracts export / import); do not write into it":
        "数据库自身的完整性检查发现存储已损坏：请保持文件原样，从备份恢复（contracts export / import）；不要再写入",
    "history entry {id} ({at}, {action}) does not fit the chain: it, or an entry before it, was changed or removed "
    "outside this program": "历史记录第{id}条（{at}，{action}）与链不符：该条或其前的某条已在本程序之外被修改或删除",
    "the {count} history entries form an unbroken chain; note its head {head} elsewhere to tell later whether the whole "
    "chain was rewritten": "{count}条历史记录构成完整的链；请在别处记下链头{head}，以便日后判断整条链是否被改写",
    "{count} {table} codes differ only in case; they were stored before codes were unique without regard to case: "
    "rename one": "{count}个{table}编号仅大小写不同；它们录入于编号不区分大小写之前：请重命名其中一个",
    "history entry {id}": "历史记录第{id}条",
    # contracts/deductions.py: a rule in words (`rules`, the HTML report), as describe() and each kind's own_words write it
    "{metric} {direction} {threshold}: each started step of {step} withholds {amount}":
        "{metric}{direction}{threshold}时，每相差{step}（不足{step}按{step}计）扣{amount}元",
    "{metric} {direction} {threshold}: each started step of {step} withholds {cap}":
        "{metric}{direction}{threshold}时，每相差{step}（不足{step}按{step}计）扣{cap}",
    "{metric} {direction} {threshold}: each whole step of {step} withholds {amount}":
        "{metric}{direction}{threshold}时，每相差满{step}扣{amount}元（不足{step}不扣）",
    "{metric} {direction} {threshold}: each whole step of {step} withholds {cap}":
        "{metric}{direction}{threshold}时，每相差满{step}扣{cap}（不足{step}不扣）",
    "{metric} {direction} {threshold}: in proportion, per step of {step} withholds {amount}":
        "{metric}{direction}{threshold}时，按相差的比例扣款，每相差{step}扣{amount}元",
    "{metric} {direction} {threshold}: in proportion, per step of {step} withholds {cap}":
        "{metric}{direction}{threshold}时，按相差的比例扣款，每相差{step}扣{cap}",
    "score out of 100 withholds a share of the installment: {bands}": "按百分制评分扣本期费用的一定比例：{bands}",
    "below {score}: {share}": "低于{score}分扣{share}",
    "pass mark {score}": "合格线{score}分",
    "each unit of {metric} beyond an allowance of {allowance} withholds {amount}": "{metric}超出免扣额度{allowance}的部分，每单位扣{amount}元",
    "each unit of {metric} withholds {amount}": "{metric}每单位扣{amount}元",
    "the amounts the assessor lists, each with its reason": "考核人逐项列出的扣款金额及其原因",
    "per installment at most {amount}": "每期最多扣{amount}元",
    "per installment at most {cap}": "每期最多扣{cap}",
    "per contract year at most {amount}": "每合同年度最多扣{amount}元",
    "per contract year at most {cap}": "每合同年度最多扣{cap}",
    "this rule at most {amount}": "本规则最多扣{amount}元",
    "this rule at most {cap}": "本规则最多扣{cap}",
    "{share} of the installment": "本期费用的{share}",
    "{share} of the year's fee": "年服务费的{share}",
    "{cap} or {amount} (whichever is less)": "{cap}或{amount}元（取较少者）",
    "deducted per assessment, the rules not recorded: what falls due and what is owed are upper bounds":
        "按考核扣款，扣款规则未录入：应付与欠付均为上限",
    "a shortfall up to {share} of an installment may be a deduction": "每期少付不超过{share}的部分可能是扣款",
    "retired from {day}": "自{day}起停用",
    # what each rule saw and why it withheld what it did (payable's deductions: inputs, reason)
    "{count} step(s) {direction} {threshold}": "{direction}{threshold}相差{count}档",
    "{count} unit(s) beyond {allowance}": "超出{allowance}的{count}单位",
    "score at or above {score}": "评分不低于{score}分",
    "below the pass mark {score}": "低于合格线{score}分",
    "{count} item(s)": "{count}项",
    "nothing listed": "未列扣款项",
    # contracts/basis.py and the notes behind a figure's basis (budget.py, forecast.py, payables.py, overview.py)
    "as the source states it": "来源所述",
    "rests on an assumption (the note says which)": "基于假设（见说明）",
    "an upper bound: deducted per assessment, the rules not recorded": "上限：按考核扣款，但扣款规则未录入",
    "unknown, not counted in any total": "未知，不计入任何合计",
    "deducted per assessment, the rules not recorded": "按考核扣款，扣款规则未录入",
    "not yet assessed: at gross": "尚未考核：按应付总额计",
    "settled before tracking (opening balance, {how})": "开始跟踪前已结清（期初余额，{how}）",
    "what was paid for them then is not recorded": "当时所付金额未录入",
    "{count} installment(s) awaiting usage, not counted": "{count}期待计量，未计入",
    "{count} installment(s) awaiting usage, left out": "{count}期待计量，未计入",
    "{code}: {count} installment(s) awaiting usage, left out": "{code}：{count}期待计量，未计入",
    "{codes}: upper bounds, deducted per assessment, the rules not recorded": "{codes}：为上限，按考核扣款，扣款规则未录入",
    "{basis}, deducted per assessment, the rules not recorded": "{basis}，按考核扣款，扣款规则未录入",
    "no amount recorded for the year": "本年度未录入金额",
    "what fell due: the amount budgeted": "应付：按预算金额",
    "what fell due: taken as what was paid for the year's months (no amount budgeted)": "应付：按为本年度各月所付金额计（无预算金额）",
    "a payment for months of two years split between them by months": "跨两个年度月份的付款按月数分摊",
    "leaves out what is unknown of {items}": "未计入{items}的未知部分",
    "leaves out what was paid before tracking began for {items}": "未计入{items}在开始跟踪前的付款",
    "leaves out installments of {items} awaiting usage": "未计入{items}待计量的各期",
    "{items}: upper bounds (deductions not recorded, or not yet assessed)": "{items}：为上限（扣款未录入，或尚未考核）",
    "{items}: rest on assumptions": "{items}：基于假设",
    "no adjusted budget stated: the original is in force": "未说明调整后预算：以年初预算为准",
    "unit-priced: {price} per {unit}, each installment priced by the usage recorded": "按量计价：每{unit}{price}元，各期按已录入用量计价",
    "{count} {frequency} installments at {price} per {unit}, each priced by the usage recorded: {so_far}":
        "共{count}期（{frequency}），每{unit}{price}元，各期按已录入用量计价：{so_far}",
    "usage recorded for {count} of them, {amount} so far": "已录入其中{count}期的用量，迄今{amount}元",
    "no usage recorded yet": "尚未录入用量",
    # contracts/source_checks.py: what the source leaves inconsistent
    "seq {seq} was paid {paid} of {gross}; the {owed} short is within {share} of the installment and may be a deduction "
    "under the assessment, whose rules are not recorded ({rule}): it is shown as owed, an upper bound":
        "第{seq}期应付{gross}元，已付{paid}元；差额{owed}元在该期的{share}以内，可能是按考核的扣款（扣款规则未录入：{rule}）：现按欠款列示，为上限",
    "the statement of purpose names {named}, but no payment recorded for {year} reaches {unpaid}: they may not have been "
    "paid, the payments listed may include them, or they may have been paid from other money; the source does not say which":
        "资金用途说明列明{named}，但已录入的{year}年度付款未涉及{unpaid}：可能未支付，也可能已含在所列付款中，或由其他资金支付；来源未说明",
    "{amount} owed before {day}": "{day}前欠付{amount}元",
    "installments 1 to {seq} settled before {day}": "第1至{seq}期于{day}前已结清",
    "{what} is inferred, not stated: the payments recorded do not fit what fell due without it, and other readings of the "
    "source may fit as well": "{what}系推定而非来源所述：没有它，已录入的付款与应付不符；对来源的其他解读也可能成立",
    "{what} is {basis}, not stated by the source": "{what}为{basis}，非来源所述",
    "{stated} paid in {year} for {spans}: services of {others} settled in {settled}; the fiscal-year report counts them "
    "against their months": "{year}年度支付{stated}，用于{spans}：{others}年度的服务于{settled}年度结算；财政年度报告按所属月份计",
    "{stated} ({span}) holds no whole number of {unit}s at {price} a {unit2}: the amount and the unit price cannot both be "
    "right, or it pays for something else too": "{stated}（{span}）按每{unit2}{price}元计不是整数个{unit}：金额与单价不能同时成立，或其中含有其他费用",
    "from {low} up to {high}": "{low}至{high}",
    "fee line {code} {year}": "费用项 {code} {year}年度",
    "{counted} for {spans} would cost {cost} at {price} a {unit}, but {paid} is recorded as paid for those months; and "
    "{counted2} is not a whole number of {unit2}s: the quantity, the amounts or the months they were for do not fit together":
        "{spans}的{counted}按每{unit}{price}元应为{cost}元，但为这些月份录入的付款为{paid}元；且{counted2}不是整数个{unit2}："
        "数量、金额或其所属月份互不相符",
    "{counted} for {spans} would cost {cost} at {price} a {unit}, but {paid} is recorded as paid for those months: the "
    "quantity, the amounts or the months they were for do not fit together":
        "{spans}的{counted}按每{unit}{price}元应为{cost}元，但为这些月份录入的付款为{paid}元：数量、金额或其所属月份互不相符",
    "{quantity} = {units} {unit}s": "{quantity} = {units}个{unit}",
    # contracts/procurement_law.py: what the law opens after a failure, each citation on its own
    "start a new procurement (重新开展采购活动) under the same or another method's rules":
        "按同一或其他采购方式的规定重新开展采购活动",
    "nothing to re-procure if the procurement task itself was cancelled (采购任务取消); otherwise tender again":
        "采购任务已取消的无需重新采购；否则重新招标",
    "review the budget or the requirements, then tender again": "复核预算或采购需求后重新招标",
    "correct the irregularity and tender again (重新招标)": "纠正违规行为后重新招标",
    "change to competitive negotiation (竞争性谈判)": "改为竞争性谈判",
    "change to competitive consultation (竞争性磋商) (this line used it before)": "改为竞争性磋商（该服务线曾采用）",
    "change to competitive consultation (竞争性磋商)": "改为竞争性磋商",
    "change to single source (单一来源)": "改为单一来源采购",
    "the ground is not stated: MOF Order 87 art. 43 is for fewer than three bidders; {rest}":
        "流标原因未说明：财政部令第87号第四十三条适用于投标人不足三家的情形；{rest}",
    "the ground is none of the listed ones: MOF Order 87 art. 43 is for fewer than three bidders; {rest}":
        "流标原因不属所列情形：财政部令第87号第四十三条适用于投标人不足三家的情形；{rest}",
    "open after a tender with no bids or no qualified bids, or a re-tender that failed":
        "适用于招标后没有供应商投标或没有合格标的，或重新招标未能成立的",
    "open to government-purchased services (政府购买服务项目) and the other cases of 财库〔2014〕214号 art. 3":
        "适用于政府购买服务项目及财库〔2014〕214号第三条所列其他情形",
    "only where GPL art. 31 holds: one supplier alone can supply, an unforeseeable emergency, or consistency with the "
    "original project (additions up to 10% of it); a failed tender is not itself a ground; at or above the threshold, a "
    "public notice of at least 5 working days first (条例 art. 38)":
        "仅限《政府采购法》第三十一条所列情形：只能从唯一供应商处采购、发生不可预见的紧急情况、或须保证原有采购项目一致性"
        "（添购不超过原合同金额10%）；流标本身不构成理由；达到公开招标数额标准的，须先公示不少于5个工作日（《政府采购法实施条例》第三十八条）",
    "GPL art. 30(1)": "《政府采购法》第三十条第一项",
    "GPL art. 31": "《政府采购法》第三十一条",
    "GPL art. 36": "《政府采购法》第三十六条",
    "GPL art. 37": "《政府采购法》第三十七条",
    "MOF Order 87 art. 43(1)": "财政部令第87号第四十三条第一款",
    "MOF Order 87 art. 43(2)": "财政部令第87号第四十三条第二款",
    "MOF Order 74 art. 4": "财政部令第74号第四条",
    "MOF Order 74 art. 27": "财政部令第74号第二十七条",
    "财库〔2014〕214号 art. 3": "财库〔2014〕214号第三条",
    "财库〔2014〕214号 art. 4": "财库〔2014〕214号第四条",
    "条例 art. 38": "《政府采购法实施条例》第三十八条",
    "{days} 补假": "{days}补假",
    # contracts/overview.py: what `show` says under a contract's terms
    "{count} {frequency} installments of {each}, total {total}": "共{count}期（{frequency}），每期{each}元，合计{total}元",
    "the source states the end as {stated}; the terms give {end}": "来源所述到期为{stated}；按合同条款为{end}",
    "billed for {billing} months but serves {service}: no fee falls due from {start} to {end}":
        "计费{billing}个月但服务{service}个月：自{start}至{end}不产生费用",
    "amended from {day}: {changes} ({reference})": "自{day}起变更：{changes}（{reference}）",
    "amended from {day}: {changes}": "自{day}起变更：{changes}",
    "{field} {value}": "{field}{value}",
    # contracts/ledgers.py: a payment request's deductions
    "deduction {rule}: {amount} ({reason})": "扣款 {rule}：{amount}元（{reason}）",
    # contracts/lines.py: segments
    "transition from {day}": "自{day}起过渡",
    "suspended from {day}": "自{day}起暂停",
    # contracts/rebid.py: the assumptions behind the deadlines
    "preparation before the announcement: {days} days (setting --prep-days)": "公告前的准备：{days}天（设置 --prep-days）",
    "{method}: {rule}": "{method}：{rule}",
    "bid deadline to award notice: {days} working days (setting --award-days)": "投标截止至中标公告：{days}个工作日（设置 --award-days）",
    "challenge period after the award notice: {days} working days (GPL art. 52)": "中标公告后的质疑期：{days}个工作日（《政府采购法》第五十二条）",
    "signing: on the first working day {days} days or more after the challenge period (setting --signing-days; the law "
    "allows up to 30 days from the award notice, GPL art. 46)":
        "签约：质疑期结束{days}天后的第一个工作日（设置 --signing-days；法律允许自中标通知起30日内，《政府采购法》第四十六条）",
    "the new contract must be signed before the day the current coverage ends": "新合同须在现有覆盖结束之日前签订",
    "'start now' when the slack is {days} days or less; 'late' when that method can no longer finish in time; 'lapsed' "
    "when the service already runs without a contract or approved transition; 'in transition' when an approved "
    "transition serves it (then the successor is due before the transition ends, if it has an end); earliest signing: "
    "if that method were started on the as-of day":
        "余量不超过{days}天为“应立即启动”；该方式已无法按时完成为“已迟”；服务已在既无合同也无经批准过渡期的状态下运行为“已过期”；"
        "由经批准的过渡期维持服务为“过渡期中”（过渡期有终止日的，后续合同须在其终止前签订）；最早签约日：假定当日即以该方式启动",
    "bids due at least 20 days after the documents are issued (GPL art. 35); documents available at least 5 working days "
    "(条例 art. 31)": "自招标文件发出之日起至投标截止不少于20日（《政府采购法》第三十五条）；招标文件提供期不少于5个工作日（《政府采购法实施条例》第三十一条）",
    "prequalification notice at least 5 working days (条例 art. 21), then bids due at least 20 days after the documents "
    "are issued (GPL art. 35)": "资格预审公告不少于5个工作日（《政府采购法实施条例》第二十一条），此后自招标文件发出至投标截止不少于20日（《政府采购法》第三十五条）",
    "responses due at least 10 days after the documents are issued; documents available at least 5 working days "
    "(财库〔2014〕214号 art. 10)": "自磋商文件发出至提交响应文件不少于10日；磋商文件提供期不少于5个工作日（财库〔2014〕214号第十条）",
    "responses due at least 3 working days after the documents are issued (MOF Order 74 art. 29)":
        "自谈判文件发出至提交响应文件不少于3个工作日（财政部令第74号第二十九条）",
    "quotations due at least 3 working days after the request is issued (MOF Order 74 art. 45)":
        "自询价通知书发出至提交报价不少于3个工作日（财政部令第74号第四十五条）",
    "requests for quotations (询价) are for goods only (MOF Order 74 art. 3), so not listed for a service":
        "询价仅适用于货物（财政部令第74号第三条），服务项目不列",
    "{year}: Monday to Friday (its holidays are not known)": "{year}年：按周一至周五计（节假日未知）",
    "{year}: holidays not yet published and not known to the installed packages, Monday to Friday assumed":
        "{year}年：节假日尚未公布，已安装的程序包也未知，按周一至周五计",
    "{span} {name} assumed off": "假定{span}{name}放假",
    "{span} may be adjusted (调休) around {name}": "{span}在{name}前后可能调休",
    "{year}: not yet in the official calendar; assumed days off, the statutory holidays from the solar and lunar "
    "calendars ({source}) with weekend holidays made up on the next working days: {blocks}. The year's notice usually "
    "also exchanges days next to them (调休), counted here as ordinary weekdays and weekends: {around}":
        "{year}年：尚未列入官方日历；假定的放假日为依公历和农历推算的法定节假日（{source}），逢周末的节日顺延补假：{blocks}。"
        "当年通知通常还会调整相邻日期（调休），此处按普通工作日和周末计：{around}",
    "public notice of at least 5 working days before negotiating (条例 art. 38)": "协商前公示不少于5个工作日（《政府采购法实施条例》第三十八条）",
    "working days: Monday to Friday (official holidays ignored by request)": "工作日：周一至周五（按要求不计法定节假日）",
    "working days: the official Chinese calendar, adjusted weekends included (chinesecalendar)":
        "工作日：按国家法定节假日安排，含调休（chinesecalendar）",
    "working days: the official Chinese calendar, adjusted weekends included (chinesecalendar); {years}: holidays not "
    "yet published in the installed calendar, Monday to Friday assumed":
        "工作日：按国家法定节假日安排，含调休（chinesecalendar）；{years}年：已安装的日历尚未公布节假日，按周一至周五计",
}

# Words that appear inside sentences as values (besides the vocabulary of i18n.VALUES_ZH).
WORDS_ZH = {"below": "低于", "above": "高于",  # a threshold rule's direction
            "never began": "从未开始", "gap": "间断", "overlap": "重叠", "annual fee": "年服务费", "billing months": "计费月数",
            "service months": "服务月数"}

# What a value may look like, by its name: a sentence matches only a template whose values fit.
NUMERIC = r"-?\d[\d,]*(?:\.\d+)?"
SHAPES = {"days": NUMERIC, "months": NUMERIC, "count": NUMERIC, "seq": NUMERIC, "limit": NUMERIC, "attempt": NUMERIC,
          "id": NUMERIC, "year": NUMERIC, "amount": NUMERIC, "total": NUMERIC, "difference": NUMERIC, "spending": NUMERIC,
          "tolerance": NUMERIC, "billing": NUMERIC, "service": NUMERIC, "frequency": "monthly|quarterly|semiannual|annual",
          "field": "annual fee|billing months|service months", "each": r"[\d,.]+(?: or [\d,.]+)*(?: \.\.\.)?",
          "years": r"\d{4}(?:, \d{4})*", "kind": "gap|overlap",
          "share": r"-?\d+(?:\.\d+)?%|\d+/\d+", "score": NUMERIC, "threshold": NUMERIC, "step": NUMERIC, "allowance": NUMERIC,
          "metric": r"[^\s:;]+", "direction": "below|above",
          # "{first} to {second}" must not swallow a list or a labelled sentence ("...: ...; a shortfall up to 10% ...")
          "first": r"[^;:]+?", "second": r"[^;:]+?",
          "method": "public|invited|negotiation|consultation|quotation|single-source", "day": r"\d{4}-\d{2}-\d{2}"}

DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
NUMBER = re.compile(r"(?<![\w.,/-])(-?)(\d{4,})(\.\d+)?(?![\w/-]|\.\d)")


def group_numbers(text: str) -> str:
    """5431682.26 -> 5,431,682.26 and 20000 -> 20,000 inside a sentence; years (2024), dates and codes stay."""

    def grouped(match: re.Match) -> str:
        sign, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
        if not fraction and len(whole) == 4:
            return match.group(0)  # a year, most likely
        if whole.startswith("0") and len(whole) > 1:
            return match.group(0)
        return f"{sign}{int(whole):,}{fraction}"

    return NUMBER.sub(grouped, text)


def chinese_date(text: str) -> str:
    match = DATE.match(text)
    if not match:
        return text
    year, month, day = match.groups()
    return f"{int(year)}年{int(month)}月{int(day)}日"


@lru_cache(maxsize=None)
def _compiled() -> list[tuple[re.Pattern, str, str]]:
    patterns = []
    for english, chinese in SENTENCES.items():
        parts = re.split(r"\{(\w+)\}", english)
        regex = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>{SHAPES.get(part, '.+?')})" for index, part in enumerate(parts))
        patterns.append((re.compile(f"^{regex}$", re.S), english, chinese))
    # Longer templates first: "in transition for {months} months ..." before "{first} to {second}".
    patterns.sort(key=lambda item: -len(re.sub(r"\{\w+\}", "", item[1])))
    return patterns


def _value_zh(text: str) -> str:
    text = text.strip()
    if DATE.match(text):
        return chinese_date(text)
    if text in WORDS_ZH:
        return WORDS_ZH[text]
    if text in i18n.VALUES_ZH:
        return i18n.VALUES_ZH[text]
    return sentence(text) if re.search(r"[A-Za-z]{3}", text) else group_numbers(text)


def sentence(text: str) -> str:
    """A sentence of the domain in the chosen language, numbers grouped."""
    if not text:
        return text
    if i18n.language() != "zh":
        return group_numbers(text)
    if text in WORDS_ZH or text in i18n.VALUES_ZH:
        return WORDS_ZH.get(text) or i18n.VALUES_ZH[text]
    if "; " in text and not any(pattern.match(text) for pattern, _, _ in _compiled()):
        return "；".join(sentence(part) for part in text.split("; "))  # a list of flags joined by the domain
    for pattern, _, chinese in _compiled():
        match = pattern.match(text)
        if match:
            return chinese.format(**{name: _value_zh(value) for name, value in match.groupdict().items()})
    if text in i18n.VALUES_ZH:
        return i18n.VALUES_ZH[text]
    return group_numbers(text)


PROSE_KEYS = {"explanation", "flags", "options", "record", "stated", "computed", "successor", "action", "basis",
              "description", "refs", "inputs", "reason"}


def basis_text(text: str) -> str:
    """What a figure rests on, in the chosen language: its kind (computed, upper bound, ...) and each of its notes."""
    from contracts.basis import kind_of, notes_of

    if i18n.language() != "zh" or not text:
        return group_numbers(text) if text else text
    notes = notes_of(text)
    kind = i18n.value(kind_of(text).value)
    return kind + ("：" + "；".join(sentence(note) for note in notes) if notes else "")


def shown(value: Any, key: str = "") -> Any:
    """A text value as people read it: a word of the vocabulary, or a sentence, in the chosen language."""
    if isinstance(value, str):
        if key == "basis":
            return basis_text(value)
        if key in PROSE_KEYS:
            return sentence(value)
        if key == "method_name" and i18n.language() == "zh":  # "公开招标 public tender": the Chinese half
            return value.split(" ", 1)[0]
        if key == "field":  # a finding names a field by its key: show it as the column is headed
            return i18n.header(value) if i18n.language() == "zh" else value
        return i18n.value(value)
    if isinstance(value, dict):
        return {k: shown(v, k if k in PROSE_KEYS else key) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [shown(item, key) for item in value]
    return value
