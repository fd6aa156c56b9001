"""The articles of procurement law the tool relies on, quoted, and what they open after a failed tender.

Sources, as the tool cites them:

- GPL: 中华人民共和国政府采购法 (Government Procurement Law).
- 条例: 中华人民共和国政府采购法实施条例 (its Implementing Regulations, State Council).
- MOF Order 87: 政府采购货物和服务招标投标管理办法 (财政部令第87号), tenders for goods and services.
- MOF Order 74: 政府采购非招标采购方式管理办法 (财政部令第74号), negotiation, single source, quotations.
- 财库〔2014〕214号: 政府采购竞争性磋商采购方式管理暂行办法, competitive consultation.

Each article is kept with the words it is cited for, so that a reader can check the tool
against the law and a test can hold the citations to their articles. What the law opens is
guidance: the buyer's procurement office and the approving finance department decide.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    cite: str  # as the tool prints it, e.g. "MOF Order 74 art. 29"
    text: str  # the words relied on, in the original Chinese
    gist: str  # what the tool takes from them, in English


ARTICLES = {a.cite: a for a in (
    Article("GPL art. 30(1)", "招标后没有供应商投标或者没有合格标的或者重新招标未能成立的",
            "competitive negotiation may be used after a tender with no bids or no qualified bids, or a re-tender that failed"),
    Article("GPL art. 31", "只能从唯一供应商处采购的；发生了不可预见的紧急情况不能从其他供应商处采购的；必须保证原有采购项目一致性或者服务配套的要求，"
            "需要继续从原供应商处添购，且添购资金总额不超过原合同采购金额百分之十的",
            "single source only where one supplier alone can supply, in an unforeseeable emergency, or for consistency "
            "with the original project (additions up to 10% of the original contract)"),
    Article("GPL art. 35", "自招标文件开始发出之日起至投标人提交投标文件截止之日止，不得少于二十日",
            "bids are due at least 20 days after the tender documents are first issued"),
    Article("GPL art. 36", "符合专业条件的供应商或者对招标文件作实质响应的供应商不足三家的；出现影响采购公正的违法、违规行为的；"
            "投标人的报价均超过了采购预算，采购人不能支付的；因重大变故，采购任务取消的",
            "a tender fails (废标) with fewer than three qualified or responsive suppliers, irregularities, all bids over "
            "budget, or the task cancelled"),
    Article("GPL art. 37", "废标后，除采购任务取消情形外，应当重新组织招标；需要采取其他方式采购的，应当在采购活动开始前获得设区的市、"
            "自治州以上人民政府采购监督管理部门或者政府有关部门批准",
            "after a failed tender: tender again, or use another method with the approval, before it starts, of the "
            "procurement supervisor of a city with districts (设区的市) or a higher level"),
    Article("GPL art. 46", "应当在中标、成交通知书发出之日起三十日内，按照采购文件确定的事项签订政府采购合同",
            "the contract is signed within 30 days of the award notice"),
    Article("GPL art. 52", "可以在知道或者应知其权益受到损害之日起七个工作日内，以书面形式向采购人提出质疑",
            "suppliers may challenge within 7 working days"),
    Article("条例 art. 21", "资格预审公告的期限不得少于5个工作日",
            "an invited tender's prequalification notice runs at least 5 working days"),
    Article("条例 art. 31", "招标文件的提供期限自招标文件开始发出之日起不得少于5个工作日",
            "tender documents are available at least 5 working days"),
    Article("条例 art. 38", "采购人应当将采购项目信息和唯一供应商名称在省级以上人民政府财政部门指定的媒体上公示，公示期不得少于5个工作日",
            "single source at or above the public-tender threshold: a public notice of at least 5 working days"),
    Article("MOF Order 87 art. 43", "公开招标数额标准以上的采购项目，投标截止后投标人不足3家或者通过资格审查或符合性审查的投标人不足3家的",
            "applies to projects at or above the public-tender threshold with fewer than three bidders, or fewer than "
            "three that pass the qualification or compliance review"),
    Article("MOF Order 87 art. 43(1)", "招标文件存在不合理条款或者招标程序不符合规定的，采购人、采购代理机构改正后依法重新招标",
            "unreasonable terms or irregular procedure: correct them and tender again"),
    Article("MOF Order 87 art. 43(2)", "招标文件没有不合理条款、招标程序符合规定，需要采用其他采购方式采购的，采购人应当依法报财政部门批准",
            "sound documents and procedure: another method, once the finance department approves it"),
    Article("MOF Order 74 art. 3", "可以采用竞争性谈判、单一来源采购方式采购；采购货物的，还可以采用询价采购方式",
            "negotiation and single source for goods, works and services; requests for quotations for goods only"),
    Article("MOF Order 74 art. 4", "达到公开招标数额标准的货物、服务采购项目，拟采用非招标采购方式的，采购人应当在采购活动开始前，报经主管预算单位同意后，"
            "向设区的市、自治州以上人民政府财政部门申请批准",
            "at or above the threshold, negotiation or single source needs, before it starts, the budget-holding "
            "department's consent and the approval of the finance department of a city with districts or higher"),
    Article("MOF Order 74 art. 27", "招标后没有供应商投标或者没有合格标的，或者重新招标未能成立的",
            "when competitive negotiation may be used (among them: after a failed tender or re-tender)"),
    Article("MOF Order 74 art. 29", "从谈判文件发出之日起至供应商提交首次响应文件截止之日止不得少于3个工作日",
            "first responses to a negotiation are due at least 3 working days after the documents are issued"),
    Article("MOF Order 74 art. 45", "从询价通知书发出之日起至供应商提交响应文件截止之日止不得少于3个工作日",
            "quotations are due at least 3 working days after the request is issued"),
    Article("财库〔2014〕214号 art. 3", "符合下列情形的项目，可以采用竞争性磋商方式开展采购：（一）政府购买服务项目",
            "competitive consultation is open to government-purchased services (and the other cases of art. 3)"),
    Article("财库〔2014〕214号 art. 4", "达到公开招标数额标准的货物、服务采购项目，拟采用竞争性磋商采购方式的，采购人应当在采购活动开始前，"
            "报经主管预算单位同意后，依法向设区的市、自治州以上人民政府财政部门申请批准",
            "at or above the threshold, consultation needs the same consent and approval before it starts"),
    Article("财库〔2014〕214号 art. 10", "从磋商文件发出之日起至供应商提交首次响应文件截止之日止不得少于10日；磋商文件的发售期限自开始之日起不得少于5个工作日",
            "first responses due at least 10 days after the documents are issued; documents on sale at least 5 working days"),
)}

# Who approves a change of method after a failed tender, in words for the buyer.
APPROVAL = ("approval before the new procurement starts by the finance department (政府采购监督管理部门) of a city "
            "with districts (设区的市、自治州) or a higher level, not the county's own (GPL art. 37): for a county-level "
            "city such as Emeishan, that of its prefecture-level city, 乐山市财政局")

THRESHOLD_NOTE = ("MOF Order 87 art. 43 applies only to projects at or above the public-tender threshold "
                  "(公开招标数额标准, set by the province), as do the approvals of MOF Order 74 art. 4 and "
                  "财库〔2014〕214号 art. 4; this tool does not know the threshold or the project's value and cannot "
                  "check which applies")

NOT_STATED = "not stated"


@dataclass(frozen=True)
class Option:
    action: str
    basis: str  # the articles, as cited in ARTICLES
    method: str = ""  # the procurement method it leads to ("" for reviewing the budget)
    approval: str = ""  # whose approval it needs first, if any
    condition: str = ""  # when the law opens it


def cited(basis: str) -> list[str]:
    """The article citations in a basis ("GPL art. 37; MOF Order 87 art. 43(2)" -> two)."""
    return [part.strip() for part in basis.split(";") if part.strip()]


def options_after_failure(method: str, ground: str, earlier_methods: tuple[str, ...] = ()) -> list[Option]:
    """What the law opens after a failed attempt by ``method`` on ``ground`` ("" or NOT_STATED when unknown).

    ``earlier_methods`` are the methods of the line's earlier attempts (a method it has used before is named).
    """
    if method not in ("public", "invited"):
        return [Option("start a new procurement (重新开展采购活动) under the same or another method's rules", "", method)]
    unknown = ground in ("", NOT_STATED, "other")
    options = []
    if ground == "cancelled-by-buyer":
        options.append(Option("nothing to re-procure if the procurement task itself was cancelled (采购任务取消); "
                              "otherwise tender again", "GPL art. 36; GPL art. 37", method))
    elif ground == "over-budget":
        options.append(Option("review the budget or the requirements, then tender again", "GPL art. 36; GPL art. 37", method))
    elif ground == "irregularities":
        options.append(Option("correct the irregularity and tender again (重新招标)", "GPL art. 36; GPL art. 37", method))
    else:
        options.append(Option("re-tender (重新招标), after correcting any unreasonable terms or irregular procedure",
                              "GPL art. 37; MOF Order 87 art. 43(1)", method))
    change = "GPL art. 37" + ("; MOF Order 87 art. 43(2)" if ground == "too-few-bidders" or unknown else "")
    fewer = ("" if ground == "too-few-bidders" else
             "the ground is not stated: MOF Order 87 art. 43 is for fewer than three bidders; " if ground in ("", NOT_STATED) else
             "the ground is none of the listed ones: MOF Order 87 art. 43 is for fewer than three bidders; " if unknown else "")
    used = " (this line used it before)" if "consultation" in earlier_methods else ""
    options += [
        Option("change to competitive negotiation (竞争性谈判)", f"{change}; GPL art. 30(1); MOF Order 74 art. 27; MOF Order 74 art. 4",
               "negotiation", APPROVAL,
               fewer + "open after a tender with no bids or no qualified bids, or a re-tender that failed"),
        Option(f"change to competitive consultation (竞争性磋商){used}",
               f"{change}; 财库〔2014〕214号 art. 3; 财库〔2014〕214号 art. 4", "consultation", APPROVAL,
               fewer + "open to government-purchased services (政府购买服务项目) and the other cases of "
               "财库〔2014〕214号 art. 3"),
        Option("change to single source (单一来源)", f"{change}; GPL art. 31; 条例 art. 38; MOF Order 74 art. 4",
               "single-source", APPROVAL,
               fewer + "only where GPL art. 31 holds: one supplier alone can supply, an unforeseeable emergency, or "
               "consistency with the original project (additions up to 10% of it); a failed tender is not itself a "
               "ground; at or above the threshold, a public notice of at least 5 working days first (条例 art. 38)"),
    ]
    return options
