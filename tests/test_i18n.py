"""--lang zh and --unit wan: Chinese headings, labels and titles; amounts in 万元 with the rounding said."""

import re
from decimal import Decimal

import openpyxl
import pytest

from cli import i18n
from tests.conftest import ROOT


def test_chinese_headings_values_and_title(loaded):
    out = loaded("--lang", "zh", "expiring", "--within", "400", "--as-of", "2024-03-31").stdout
    assert "2024年3月31日起400天内到期的合同" in out  # a date in Chinese prose
    for word in ("合同", "服务到期", "剩余天数", "履约中"):
        assert word in out
    assert "days left" not in out and "active" not in out


def test_machine_formats_stay_english_in_chinese(loaded):
    rows = loaded.json("--lang", "zh", "expiring", "--within", "400", "--as-of", "2024-03-31")
    assert rows[0]["status"] == "active" and "days_left" in rows[0]


def test_language_from_the_environment_and_the_locale(loaded, monkeypatch):
    monkeypatch.setenv("CONTRACTS_LANG", "zh")
    assert "截至2023年12月31日的欠付" in loaded("arrears", "--as-of", "2023-12-31").stdout
    monkeypatch.delenv("CONTRACTS_LANG")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "截至2023年12月31日的欠付" in loaded("arrears", "--as-of", "2023-12-31").stdout
    assert "Arrears as of 2023-12-31" in loaded("--lang", "en", "arrears", "--as-of", "2023-12-31").stdout


def test_wan_rounds_each_amount_and_rounds_totals_from_the_exact_sum(loaded):
    out = loaded("--unit", "wan", "arrears", "--summary", "--as-of", "2024-03-31").stdout
    lines = {line.split()[1]: line for line in out.splitlines() if line.startswith("│")}
    # 0-30 days: ENTRY 55,350.00 + ROAD 844,778.40 + TW1 429,000.00 = 1,329,128.40 yuan. Rounded one by one the
    # rows show 5.54 + 84.48 + 42.90 = 132.92 万元; the total is the exact sum rounded once: 132.91.
    assert lines["ENTRY"].split("│")[2].strip() == "5.54"
    assert lines["ROAD"].split("│")[2].strip() == "84.48"
    assert lines["TW1"].split("│")[2].strip() == "42.90"
    assert lines["TOTAL"].split("│")[2].strip() == "132.91"
    assert "amounts in 万元, each rounded half up to 0.01 万元 (100 yuan); totals are rounded from the exact sums" in out


def test_wan_is_refused_for_machine_formats(loaded):
    result = loaded("--unit", "wan", "arrears", "--format", "csv", ok=False)
    assert result.stderr.strip() == "error: unit 'wan': is for tables, xlsx and the HTML report: json and csv always carry exact yuan"


def test_wan_in_a_sheet_is_exact_and_says_its_unit(loaded, tmp_path):
    path = tmp_path / "s.xlsx"
    loaded("--unit", "wan", "--lang", "zh", "schedule", "ROAD", "-f", "xlsx", "-o", str(path))
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.title == "ROAD付款计划" and sheet["A1"].value == "ROAD付款计划 (万元)"
    assert [c.value for c in sheet[2]] == ["合同", "名称", "期次", "期间开始", "期间结束", "应付日期", "金额 (万元)", "依据"]
    assert sheet[3][6].value == pytest.approx(84.47784)  # 844,778.40 yuan, to the fen: nothing rounded away
    assert sheet[sheet.max_row][0].value == "合计"


@pytest.mark.parametrize("option, value", [("--lang", "fr"), ("--unit", "jiao")])
def test_unknown_language_or_unit(loaded, option, value):
    result = loaded(option, value, "list", ok=False)
    assert result.stderr.strip().startswith(f"error: {option[2:]} '{value}': must be one of")


def test_shown_amount_rounds_half_up_in_wan():
    i18n.configure("en", "wan")
    try:
        assert i18n.shown_amount(Decimal("50.00")) == "0.01"  # half a hundredth of a 万元 rounds up
        assert i18n.shown_amount(Decimal("49.99")) == "0.00"
        assert i18n.shown_amount(Decimal("3379113.60")) == "337.91"
    finally:
        i18n.configure("en", "yuan")


def test_every_title_and_label_has_its_chinese():
    """Each text the CLI passes through t() is in the Chinese catalogue (else --lang zh would show English)."""
    import re
    from pathlib import Path

    sources = "\n".join(path.read_text(encoding="utf-8") for path in (Path(i18n.__file__).parent).glob("*.py"))
    used = set(re.findall(r"""\bt\(\s*(["'])(.+?)\1""", sources))  # t("...")
    used |= set(re.findall(r"""\bempty=(["'])(.+?)\1""", sources))  # what a table says when it is empty
    used |= set(re.findall(r"""\bt\(\s*"[^"]+" if [^"]+ else (["'])(.+?)\1""", sources))  # t("a" if ... else "b")
    texts = {text for _, text in used}
    from cli.procurement_commands import EVENT_WORDS

    texts |= {text for words in EVENT_WORDS.values() for text in words}
    for kinds in ("billing period", "service without billing", "transition", "suspended", "gap", "tender awarded",
                  "tender failed", "tender pending", "tender cancelled", "obligations", "adjusted budget", "payments"):
        texts.add(kinds)  # the charts' legends, passed through t() by name
    missing = sorted(text for text in texts if text not in i18n.TEXT_ZH)
    assert missing == [], "\n".join(missing)


def test_language_and_unit_may_follow_the_command(loaded):
    out = loaded("arrears", "--summary", "--as-of", "2024-03-31", "--lang", "zh", "--unit=wan").stdout
    assert "截至2024年3月31日各合同欠付" in out and "1,010.85" in out
    assert "Arrears" in loaded("arrears", "--lang", "en", "--as-of", "2024-03-31").stdout


def test_a_payment_request_stays_exact_in_wan(loaded):
    out = loaded("--unit", "wan", "voucher", "ROAD", "1", "--as-of", "2024-03-31").stdout
    assert "844,778.40" in out and "捌拾肆万肆仟柒佰柒拾捌元肆角" in out
    assert "a payment request is exact" in out
    # and the unit is back for what follows in the same process
    assert "1,010.85" in loaded("--unit", "wan", "arrears", "--summary", "--as-of", "2024-03-31").stdout


def test_fiscal_year_sentences_follow_the_unit(loaded):
    out = loaded("--unit", "wan", "report", "fy", "2023").stdout
    assert "POLICE-IT: 1,238.04 万元 fell due; the budget in force allowed 543.17 万元" in out


SENTENCE_MODULES = ("checks.py", "procurement.py", "tenders.py", "lines.py", "rebid.py", "workdays.py", "overview.py",
                    "ledgers.py", "statutory_holidays.py", "procurement_law.py", "budget.py", "forecast.py", "payables.py",
                    "basis.py", "source_checks.py", "deductions.py")
NOT_PROSE = {"{}Q{}", "{}/{}", "{}-payment-{}", " ({})",  # identifiers the domain builds, not sentences people read
             "{}..{}", " ({} 补假)", " 补假)", "Q{}",
             "score={}",  # an input as the assessor gave it, like online_rate=96.2
             "must be more than metric_min ({})",  # an error (through Rule.need): errors stay English
             "The rule in words, as a clerk would read it out."}  # a docstring  # a span of days; the made-up days, written in Chinese already


def _domain_sentences() -> dict[str, str]:
    """Every sentence the domain writes for people, as '{}' templates: the f-strings of the modules that explain
    (findings, flags, options, assumptions, segments), and the plain sentences they hand out. Errors stay English."""
    import ast
    from pathlib import Path

    import contracts

    found: dict[str, str] = {}
    for name in SENTENCE_MODULES:
        path = Path(contracts.__file__).parent / name
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise):
                skip |= {id(inner) for inner in ast.walk(node)}
            if isinstance(node, ast.keyword) and node.arg == "what":  # the end of an error line (errors stay English)
                skip |= {id(inner) for inner in ast.walk(node)}
            if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
                skip |= {id(inner) for inner in ast.walk(node.format_spec)}
        texts = []
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.JoinedStr):
                texts.append((node, "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)))
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("Option", "append"):
                texts += [(arg, arg.value) for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
            elif isinstance(node, ast.FunctionDef) and node.name in ("assumptions", "describe", "own_words"):
                texts += [(inner, inner.value) for inner in ast.walk(node) if isinstance(inner, ast.Constant)
                          and isinstance(inner.value, str) and " " in inner.value and id(inner) not in skip]
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "BIDDING_RULES" for t in node.targets):
                texts += [(value, value.value) for value in node.value.values if isinstance(value, ast.Constant)]
        for node, text in texts:
            if text not in NOT_PROSE:
                found[text] = f"{name}:{node.lineno}"
    return found


def test_every_sentence_of_the_domain_has_its_chinese():
    """Findings' explanations, flags, options and assumptions reach a Chinese report in Chinese: each sentence the
    domain's sources write (as an f-string or a plain sentence) has a template in cli/prose.py."""
    import re

    from cli import prose

    templates = {re.sub(r"\{\w+\}", "{}", english) for english in prose.SENTENCES}
    sentences = _domain_sentences()

    from cli import i18n

    def covered(text: str) -> bool:  # a whole template, or a piece the domain appends to another (e.g. "; {}: ...")
        if text in i18n.VALUES_ZH or text in prose.WORDS_ZH:  # a word of the vocabulary (a method, a state)
            return True
        if "; " in text and text.strip("; ") != text.split("; ")[0]:  # a list the domain joins: as sentence() reads it
            return all(part in ("", "{}") or covered(part) for part in text.split("; "))
        piece = re.compile(".*".join(re.escape(part) for part in text.split("{}")))
        return text in templates or any(piece.search(template) for template in templates)

    missing = sorted(f"{where}: {text!r}" for text, where in sentences.items() if not covered(text))
    assert len(sentences) > 40 and missing == [], "\n".join(missing)


@pytest.mark.parametrize("english, chinese", [
    ("60 months from 2019-09-19 end on 2024-09-19, not in 2024-12 as the source states",
     "自2019年9月19日起60个月应于2024年9月19日到期，而非来源所述的2024-12"),
    ("the 4 recorded payments add up to 5431682.26; the difference 17.74 is within the rounding of the stated figures "
     "(up to 50.565 yuan)", "已录入的4笔付款合计5,431,682.26元；差额17.74元在所述数字的舍入误差之内（最多50.565元）"),
    ("3 failures in a row; in transition 9 months (more than 12)", "连续流标3次；过渡期9个月（超过12个月）"),
    ("gap of 31 days between SEAL-2020 and SEAL-2021", "SEAL-2020与SEAL-2021之间间断31天"),
    ("suspended from 2024-04-01", "自2024年4月1日起暂停"),
])
def test_sentences_in_chinese_with_chinese_dates_and_separators(english, chinese):
    from cli import prose

    i18n.configure("zh")
    try:
        assert prose.sentence(english) == chinese
    finally:
        i18n.configure("en")
    assert prose.sentence("the 4 recorded payments add up to 5431682.26") == "the 4 recorded payments add up to 5,431,682.26"


def test_the_checks_read_in_chinese(loaded, tmp_path):
    """`check` under --lang zh: severities, check names, records and every explanation in Chinese, in the workbook
    as in the table."""
    import re

    rows = loaded.json("check", "--as-of", "2024-12-31")
    assert len(rows) >= 4  # ROAD's stated end, the police total within rounding, SEAL uncovered, ...
    path = tmp_path / "checks.xlsx"
    loaded("--lang", "zh", "check", "--as-of", "2024-12-31", "-f", "xlsx", "-o", str(path))
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet["A1"].value == "截至2024年12月31日的数据检查"
    cells = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row if isinstance(cell.value, str)]
    # What the program writes must be Chinese; what people stored (a source quoted, a unit named) is shown as stored.
    stored = loaded.json_export()
    typed = {w for section in ("opening", "fee_line", "fee_amount", "rule") for entry in stored[section]
             for key in ("source", "note", "unit", "sub_unit", "quantity_unit") for w in re.findall(r"[A-Za-z]{3,}", str(entry.get(key, "")))}
    english = [w for text in cells for w in re.findall(r"[A-Za-z]{3,}", re.sub(r"(?<![0-9a-f])[0-9a-f]{16,}(?![0-9a-f])", "", text))  # not a hash
               if not re.fullmatch(r"[A-Z][A-Z0-9-]*", w) and w not in ("chinesecalendar",) and w not in typed]
    names = {row["record"].split()[-1] for row in rows}  # the contracts' and lines' own names may be English
    assert english == [] or all(any(w in cell for cell in cells if "Tianwang" in cell or "road" in cell) for w in english), english
    assert "自2019年9月19日起60个月应于2024年9月19日到期，而非来源所述的2024-12" in cells
    table = loaded("--lang", "zh", "check", "--as-of", "2024-12-31").stdout
    assert "来源所述" in table and "as the source states" not in table and names


def test_every_column_has_a_chinese_heading():
    """Found in the audit: `rebid --lang zh` headed a column 'earliest signing' (REBID_KEYS grew after the catalogue).
    Every column key a command may show (the domain's *_KEYS tuples and the keys the CLI passes to emit) has its
    Chinese heading."""
    import importlib
    import pkgutil
    import re
    from pathlib import Path

    keys: dict[str, str] = {}
    for package in ("contracts", "cli"):
        for module in pkgutil.iter_modules([str(Path(i18n.__file__).parents[1] / package)]):
            loaded_module = importlib.import_module(f"{package}.{module.name}")
            for name, found in vars(loaded_module).items():
                if name.endswith("_KEYS") and isinstance(found, (tuple, list)) and all(isinstance(k, str) for k in found):
                    keys.update({k: f"{package}.{module.name}.{name}" for k in found})
    sources = "\n".join(path.read_text(encoding="utf-8") for path in Path(i18n.__file__).parent.glob("*.py"))
    for listed in re.findall(r"\bkeys=\(([^)]*)\)", sources):
        keys.update({k: "cli (keys=...)" for k in re.findall(r'"([^"]+)"', listed)})
    assert len(keys) > 100 and "earliest_signing" in keys
    missing = sorted(f"{where}: {key}" for key, where in keys.items() if key not in i18n.HEADERS_ZH)
    assert missing == [], "\n".join(missing)


def test_a_budget_says_its_unit_in_chinese(loaded):
    """Found in the audit: `programmes --lang zh` showed the unit a budget was stated in as 'wan'."""
    out = loaded("--lang", "zh", "programmes").stdout
    assert "所述单位" in out and "万元" in out  # the police budget is stated in 万元 (1110 万元 original)
    assert not re.search(r"\bwan\b", out)


def test_rules_and_the_basis_legend_read_in_chinese(loaded):
    """Found in the audit: under --lang zh every rule's description was English ("online_rate below 95: each
    started step of 1 withholds 1/45 of the installment"), one half-translated ("a shortfall up至10% of an
    installment"), the kind 'unrecorded' English, and the legend under a table with upper bounds English."""
    loaded("import", str(ROOT / "examples" / "demo-om.toml"))
    rows = {row["name"]: row["description"] for row in loaded.json("rules", "DEMO-OM")}
    assert rows["online rate"] == "online_rate below 95: each started step of 1 withholds 1/45 of the installment"
    out = " ".join(loaded("--lang", "zh", "rules", "DEMO-OM").stdout.split())
    for chinese in ("online_rate低于95时，每相差1（不足1按1计）扣本期费用的1/45",
                    "fault_hours超出免扣额度24的部分，每单位扣50.00元",
                    "按百分制评分扣本期费用的一定比例：低于60分扣10%；低于80分扣5%；低于90分扣2%；合格线60分",
                    "每期最多扣本期费用的10%；每合同年度最多扣年服务费的5%", "考核人逐项列出的扣款金额及其原因"):
        assert chinese in out, out
    tw2 = " ".join(loaded("--lang", "zh", "rules", "TW2").stdout.split())
    assert "规则未录入" in tw2 and "按考核扣款，扣款规则未录入：应付与欠付均为上限；每期少付不超过10%的部分可能是扣款" in tw2
    english = set(re.findall(r"[A-Za-z]{3,}", out + tw2)) - {"online_rate", "fault_hours", "DEMO", "limits", "online", "rate",
                                                            "fault", "hours", "quarterly", "score", "findings", "assessment"}
    assert english == set(), english  # what is left are the rules' and metrics' own names, as stored
    # what each rule saw and why: DEMO-OM's first assessment (online rate 96.2, at or above 95: 0 steps; 10 fault
    # hours, within the 24 allowed: 0 units; score 92, at or above the top band's 90; no findings listed)
    payable = " ".join(loaded("--lang", "zh", "payable", "DEMO-OM", "--seq", "1", "--as-of", "2026-11-27").stdout.split())
    for chinese in ("低于95相差0档", "超出24的0单位", "评分不低于90分", "0项", "未列扣款项"):
        assert chinese in payable, payable
    legend = loaded("--lang", "zh", "arrears", "--summary", "--as-of", "2024-03-31").stdout
    assert "≤ 上限：按考核扣款，但扣款规则未录入" in legend and "an upper bound" not in legend


def test_what_was_written_is_said_in_chinese(loaded, tmp_path):
    """Found in the audit: under --lang zh, `template`, `report html` and `export` said what they wrote in English
    (and the template named its sheets contracts, assessments, ... while they are 合同, 考核, ...)."""
    out = loaded("--lang", "zh", "template", "-o", str(tmp_path / "t.xlsx")).stdout
    assert out.startswith("已写入 ") and "合同、考核、付款、用量、供应商；填写后导入" in out
    out = loaded("--lang", "zh", "report", "html", "--as-of", "2024-03-31", "-o", str(tmp_path / "r.html")).output
    assert "已写入截至2024年3月31日的报告" in out and "7个合同" in out  # the seven Emeishan contracts
    out = loaded("--lang", "zh", "export", str(tmp_path / "e.json")).stdout
    assert out.startswith("已导出到 ") and "7 contract" in out  # the counts keep the file's own keys
    assert loaded("template", "-o", str(tmp_path / "t2.xlsx")).stdout.startswith("wrote ")


def test_tender_methods_in_chinese_only(loaded):
    """Found in the audit: `tenders --lang zh` named each method in both languages ("公开招标 public tender")."""
    out = loaded("--lang", "zh", "tenders").stdout
    assert out.count("公开招标") >= 3 and "public tender" not in out  # SEAL's three failed public tenders
    assert "公开招标 public tender" in loaded("tenders").stdout  # English keeps the official Chinese name beside
