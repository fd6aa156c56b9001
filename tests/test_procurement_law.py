"""Every article the tool cites, held against the article's own words (quoted below, not taken from the tool).

The quotations are the operative words of each article, as published:
中华人民共和国政府采购法 (GPL), 政府采购法实施条例 (条例), 财政部令第87号, 财政部令第74号 and
财库〔2014〕214号. If the tool cites an article this table does not quote, or attaches to it a rule the
quotation does not contain, a test here fails.
"""

import datetime as dt
import re

import pytest

from contracts import procurement_law
from contracts.procurement import line_status, rebid
from contracts.procurement_law import APPROVAL, ARTICLES, THRESHOLD_NOTE, options_after_failure
from contracts.rebid import BIDDING_BASIS, BIDDING_RULES, LeadTimes, assumptions, bid_deadline
from contracts.tenders import failure_summary, make_tender
from contracts.workdays import WorkCalendar

from .test_procurement import seal_facts

D = dt.date

LAW = {
    "GPL art. 30(1)": "招标后没有供应商投标或者没有合格标的或者重新招标未能成立的",
    "GPL art. 31": "（一）只能从唯一供应商处采购的；（二）发生了不可预见的紧急情况不能从其他供应商处采购的；（三）必须保证原有采购项目一致性或者"
                   "服务配套的要求，需要继续从原供应商处添购，且添购资金总额不超过原合同采购金额百分之十的。",
    "GPL art. 35": "货物和服务项目实行招标方式采购的，自招标文件开始发出之日起至投标人提交投标文件截止之日止，不得少于二十日。",
    "GPL art. 36": "（一）符合专业条件的供应商或者对招标文件作实质响应的供应商不足三家的；（二）出现影响采购公正的违法、违规行为的；"
                   "（三）投标人的报价均超过了采购预算，采购人不能支付的；（四）因重大变故，采购任务取消的。",
    "GPL art. 37": "废标后，除采购任务取消情形外，应当重新组织招标；需要采取其他方式采购的，应当在采购活动开始前获得设区的市、"
                   "自治州以上人民政府采购监督管理部门或者政府有关部门批准。",
    "GPL art. 46": "采购人与中标、成交供应商应当在中标、成交通知书发出之日起三十日内，按照采购文件确定的事项签订政府采购合同。",
    "GPL art. 52": "供应商认为采购文件、采购过程和中标、成交结果使自己的权益受到损害的，可以在知道或者应知其权益受到损害之日起七个工作日内，"
                   "以书面形式向采购人提出质疑。",
    "条例 art. 21": "采购人或者采购代理机构采用邀请招标方式采购的，应当在省级以上人民政府财政部门指定的媒体上发布资格预审公告，"
                   "公布投标人资格条件，资格预审公告的期限不得少于5个工作日。",
    "条例 art. 31": "招标文件的提供期限自招标文件开始发出之日起不得少于5个工作日。",
    "条例 art. 38": "达到公开招标数额标准，符合政府采购法第三十一条第一项规定情形，只能从唯一供应商处采购的，采购人应当将采购项目信息和"
                   "唯一供应商名称在省级以上人民政府财政部门指定的媒体上公示，公示期不得少于5个工作日。",
    "MOF Order 87 art. 43": "公开招标数额标准以上的采购项目，投标截止后投标人不足3家或者通过资格审查或符合性审查的投标人不足3家的，"
                            "除采购任务取消情形外，按照以下方式处理：",
    "MOF Order 87 art. 43(1)": "（一）招标文件存在不合理条款或者招标程序不符合规定的，采购人、采购代理机构改正后依法重新招标；",
    "MOF Order 87 art. 43(2)": "（二）招标文件没有不合理条款、招标程序符合规定，需要采用其他采购方式采购的，采购人应当依法报财政部门批准。",
    "MOF Order 74 art. 3": "采购人、采购代理机构采购以下货物、工程和服务之一的，可以采用竞争性谈判、单一来源采购方式采购；采购货物的，"
                           "还可以采用询价采购方式",
    "MOF Order 74 art. 4": "达到公开招标数额标准的货物、服务采购项目，拟采用非招标采购方式的，采购人应当在采购活动开始前，报经主管预算单位同意后，"
                           "向设区的市、自治州以上人民政府财政部门申请批准。",
    "MOF Order 74 art. 27": "符合下列情形之一的采购项目，可以采用竞争性谈判方式采购：（一）招标后没有供应商投标或者没有合格标的，或者重新招标未能成立的；",
    "MOF Order 74 art. 29": "从谈判文件发出之日起至供应商提交首次响应文件截止之日止不得少于3个工作日。",
    "MOF Order 74 art. 45": "从询价通知书发出之日起至供应商提交响应文件截止之日止不得少于3个工作日。",
    "财库〔2014〕214号 art. 3": "符合下列情形的项目，可以采用竞争性磋商方式开展采购：（一）政府购买服务项目；",
    "财库〔2014〕214号 art. 4": "达到公开招标数额标准的货物、服务采购项目，拟采用竞争性磋商采购方式的，采购人应当在采购活动开始前，报经主管预算单位"
                              "同意后，依法向设区的市、自治州以上人民政府财政部门申请批准。",
    "财库〔2014〕214号 art. 10": "从磋商文件发出之日起至供应商提交首次响应文件截止之日止不得少于10日。……磋商文件的发售期限自开始之日起不得少于5个工作日。",
}

CITATION = re.compile(r"(GPL art\. \d+(?:\(\d\))?|条例 art\. \d+|MOF Order \d+ art\. \d+(?:\(\d\))?|财库〔2014〕214号 art\. \d+)")


def plain(text: str) -> str:
    """An article's words without numbering and punctuation, to compare the tool's excerpt with the quotation."""
    return re.sub(r"[（(][一二三四五六七八九十]+[）)]|[\s，。；：、,;:.…（）()]", "", text)


def citations_printed() -> set[str]:
    """Every citation in every text the tool shows about procurement law."""
    texts = list(BIDDING_RULES.values()) + assumptions(LeadTimes(), WorkCalendar()) + [APPROVAL, THRESHOLD_NOTE]
    for method in ("public", "invited"):
        for ground in ("", "not stated", "too-few-bidders", "over-budget", "irregularities", "cancelled-by-buyer", "other"):
            for option in options_after_failure(method, ground, ("consultation",)):
                texts += [option.action, option.basis, option.approval, option.condition]
    texts += failure_summary("L", [make_tender({"method": "public", "outcome": "failed"}, "L")]).notes
    return {cite for text in texts for cite in CITATION.findall(text)}


def test_every_citation_printed_is_quoted_here_and_in_the_tool():
    printed = citations_printed()
    assert printed <= set(LAW), f"cited but not quoted in this test: {sorted(printed - set(LAW))}"
    assert printed <= set(ARTICLES)
    assert "MOF Order 87 art. 24" not in printed  # the price of tender documents, not how long they are on sale


@pytest.mark.parametrize("cite", sorted(LAW))
def test_the_tool_quotes_each_article_in_its_own_words(cite):
    # The tool's excerpt, punctuation and item numbers aside, is part of the article as quoted here.
    excerpt = ARTICLES[cite].text
    for part in excerpt.split("；"):
        assert plain(part) in plain(LAW[cite]), (cite, part)


# Each bid period: the method, the articles the tool must cite, the words of the law that set the minimum,
# and a deadline worked by hand from an announcement on Monday 2024-06-03 (no holiday until Dragon Boat, 06-10).
BID_PERIODS = [
    # 20 days: 06-23 (a Sunday; the law counts days, not working days); 5 working days of sale end 06-07.
    ("public", {"GPL art. 35", "条例 art. 31"}, ["不得少于二十日", "不得少于5个工作日"], D(2024, 6, 23)),
    # 5 working days of prequalification notice 06-03..07, the invitation on 06-08, then 20 days.
    ("invited", {"条例 art. 21", "GPL art. 35"}, ["资格预审公告的期限不得少于5个工作日", "不得少于二十日"], D(2024, 6, 28)),
    # 10 days: 06-13; the documents on sale 5 working days 06-03..07, so 06-13.
    ("consultation", {"财库〔2014〕214号 art. 10"}, ["不得少于10日", "不得少于5个工作日"], D(2024, 6, 13)),
    # 3 working days after Monday: Tue 04, Wed 05, Thu 06.
    ("negotiation", {"MOF Order 74 art. 29"}, ["不得少于3个工作日"], D(2024, 6, 6)),
    ("quotation", {"MOF Order 74 art. 45"}, ["不得少于3个工作日"], D(2024, 6, 6)),
    # A notice of 5 working days 06-03..07; negotiation may begin the day after.
    ("single-source", {"条例 art. 38"}, ["公示期不得少于5个工作日"], D(2024, 6, 8)),
]


@pytest.mark.parametrize("method, cites, words, due", BID_PERIODS)
def test_each_bid_period_cites_the_article_that_sets_it(method, cites, words, due):
    assert set(BIDDING_BASIS[method]) == cites
    assert set(CITATION.findall(BIDDING_RULES[method])) == cites
    law = "".join(LAW[cite] for cite in cites)
    for phrase in words:
        assert phrase in law
    assert bid_deadline(method, D(2024, 6, 3), WorkCalendar()) == due


def test_negotiation_minimum_is_article_29_not_27():
    # Art. 27 says when negotiation may be used; art. 29 sets the 3 working days.
    assert "3个工作日" in LAW["MOF Order 74 art. 29"] and "3个工作日" not in LAW["MOF Order 74 art. 27"]
    assert "MOF Order 74 art. 29" in BIDDING_RULES["negotiation"] and "art. 27" not in BIDDING_RULES["negotiation"]
    assert "条例 art. 31" in BIDDING_RULES["public"] and "Order 87" not in BIDDING_RULES["public"]


# What the law opens after a failed public tender, with the articles each option must cite (quoted above).
OPENED = {
    "public": {"GPL art. 37", "MOF Order 87 art. 43(1)"},  # 重新组织招标 / 改正后依法重新招标
    "negotiation": {"GPL art. 37", "MOF Order 87 art. 43(2)", "GPL art. 30(1)", "MOF Order 74 art. 27", "MOF Order 74 art. 4"},
    "consultation": {"GPL art. 37", "MOF Order 87 art. 43(2)", "财库〔2014〕214号 art. 3", "财库〔2014〕214号 art. 4"},
    "single-source": {"GPL art. 37", "MOF Order 87 art. 43(2)", "GPL art. 31", "条例 art. 38", "MOF Order 74 art. 4"},
}


def seal_summary():
    return failure_summary("SEAL", seal_facts().tenders)


def test_after_the_failed_seal_tenders_every_method_the_law_opens_is_listed():
    summary = seal_summary()
    by_method = {option.method: option for option in summary.options}
    assert list(by_method) == ["public", "negotiation", "consultation", "single-source"]
    for method, cites in OPENED.items():
        assert set(CITATION.findall(by_method[method].basis)) == cites, method
    # Consultation is open because the service is bought by the government (214号 art. 3(1)), and the line used it.
    assert "政府购买服务项目" in LAW["财库〔2014〕214号 art. 3"]
    assert "政府购买服务项目" in by_method["consultation"].condition and "used it before" in by_method["consultation"].action
    # Single source only on GPL art. 31's own conditions, never for the failure alone.
    assert "唯一供应商" in LAW["GPL art. 31"] and "not itself a ground" in by_method["single-source"].condition
    # Quotations are for goods (74 art. 3: 采购货物的，还可以采用询价), so not offered for a service.
    assert "quotation" not in by_method and "采购货物的，还可以采用询价" in LAW["MOF Order 74 art. 3"]
    assert any("MOF Order 74 art. 3" in note for note in summary.notes)


def test_the_approving_finance_department_is_named_by_its_level():
    # GPL art. 37: 设区的市、自治州以上; for Emeishan, a county-level city of Leshan, 乐山市财政局.
    assert "设区的市、自治州以上" in LAW["GPL art. 37"] and "设区的市、自治州以上" in LAW["MOF Order 74 art. 4"]
    for option in seal_summary().options[1:]:
        assert option.approval == APPROVAL
    assert "设区的市" in APPROVAL and "乐山市财政局" in APPROVAL and "GPL art. 37" in APPROVAL
    assert seal_summary().options[0].approval == ""  # re-tendering needs no approval


def test_the_threshold_condition_is_said_and_not_assumed():
    # 87 art. 43 begins: 公开招标数额标准以上的采购项目 ...; the tool does not know the threshold.
    assert LAW["MOF Order 87 art. 43"].startswith("公开招标数额标准以上的采购项目")
    assert THRESHOLD_NOTE in seal_summary().notes
    assert "公开招标数额标准" in THRESHOLD_NOTE and "cannot check" in THRESHOLD_NOTE


def test_an_unknown_ground_is_not_stated_and_a_known_one_narrows_the_options():
    summary = seal_summary()
    assert summary.last_ground == "not stated"
    assert all("the ground is not stated" in option.condition for option in summary.options[1:])
    failed = [make_tender({"method": "public", "outcome": "failed", "ground": "too-few-bidders", "bidders": 2}, "L")]
    options = failure_summary("L", failed).options
    assert failure_summary("L", failed).last_ground == "too-few-bidders"
    assert not any("not stated" in option.condition for option in options)
    # All bids over budget (GPL art. 36(三)): not a case of 87 art. 43, so no art. 43 citation.
    over = failure_summary("L", [make_tender({"method": "public", "outcome": "failed", "ground": "over-budget"}, "L")])
    assert "采购预算" in LAW["GPL art. 36"]
    assert not any("43" in option.basis for option in over.options)
    assert over.options[0].action.startswith("review the budget")


def test_rebid_and_lines_agree_through_the_seal_transition():
    # The seal line: SEAL-2021 ends 2023-07-01, the approved transition runs to 2024-04-01, then suspension.
    facts = seal_facts()
    day = D(2023, 7, 1)
    while day < D(2024, 4, 1):
        status = line_status(facts, day)
        rows = rebid([status], day, 365, LeadTimes(), WorkCalendar(), ("public",))
        assert status.state == "in transition"
        assert [row.state for row in rows] == ["in transition"], day
        day += dt.timedelta(days=17)
    # On 2023-08-01 the successor is due before the transition ends (sign by 2024-03-31); a public tender must
    # start by 2024-01-20 (as TW1's, whose coverage ends the Saturday before: both sign by Fri 2024-03-29).
    [row] = rebid([line_status(facts, D(2023, 8, 1))], D(2023, 8, 1), 365, LeadTimes(), WorkCalendar(), ("public",))
    assert (row.coverage_ends, row.sign_by, row.latest_start, row.slack_days) == (D(2023, 7, 1), D(2024, 3, 31), D(2024, 1, 20), 172)
    assert row.plan.signed == D(2024, 3, 29)


def test_an_open_transition_has_no_deadline_and_an_uncovered_line_has_lapsed():
    facts = seal_facts()
    facts.transitions = [t.__class__(**{**t.__dict__, "end": None}) for t in facts.transitions]
    facts.suspensions = []
    [row] = rebid([line_status(facts, D(2023, 8, 1))], D(2023, 8, 1), 365, LeadTimes(), WorkCalendar(), ("negotiation",))
    # Negotiation started 2023-08-01: announced 08-31, responses 09-05, award 09-12, challenge to 09-21,
    # signing on or after 09-24 (a Sunday) -> Mon 09-25.
    assert (row.state, row.latest_start, row.sign_by, row.slack_days, row.earliest_signing) == (
        "in transition", None, None, None, D(2023, 9, 25))
    facts.transitions = []
    [row] = rebid([line_status(facts, D(2023, 8, 1))], D(2023, 8, 1), 365, LeadTimes(), WorkCalendar(), ("negotiation",))
    assert (row.state, line_status(facts, D(2023, 8, 1)).state) == ("lapsed", "uncovered")


def test_the_module_names_its_sources():
    for name in ("政府采购法", "实施条例", "财政部令第87号", "财政部令第74号", "财库〔2014〕214号"):
        assert name in procurement_law.__doc__
