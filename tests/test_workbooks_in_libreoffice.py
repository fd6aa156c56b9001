"""Workbooks opened as a finance office opens them: in LibreOffice, printed to PDF and recomputed.

Reproduced first (issue #16, point 1): `schedule TW2 --format xlsx` printed every amount and the total as ###, on a
page of its own; the arrears sheets disagreed by the installments not yet assessed without a word. Here each
workbook is printed by LibreOffice (no ### in the PDF's text layer, A4 landscape, one page wide), and saved as CSV
with its formulas recomputed by LibreOffice: the totals, subtotals and rates equal what the CLI answers.
"""

from decimal import Decimal

import pytest

from tests import office
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

LANGUAGES = [("en", "yuan"), ("zh", "wan")]
SCALE = {"yuan": Decimal(1), "wan": Decimal(10000)}


def _number(text: str) -> Decimal:
    return Decimal(text) if text not in ("", None) else Decimal(0)


def _printed(path, tmp_path):
    text, info = office.pdf_text(path, tmp_path / "pdf")
    assert "###" not in text, text[:3000]  # every amount fits its column
    assert "(A4)" in info
    width, height = (float(v) for v in info.split("Page size:")[1].split("pts")[0].split("x"))
    assert width > height  # landscape
    return text


def _row(sheet, label):
    return next(row for row in sheet if row and row[0] == label)


@pytest.mark.parametrize("lang, unit", LANGUAGES)
def test_a_schedule_prints_and_adds_up(loaded, tmp_path, lang, unit):
    path = tmp_path / "tw2.xlsx"
    loaded("--lang", lang, "--unit", unit, "schedule", "TW2", "-f", "xlsx", "-o", str(path))
    text = _printed(path, tmp_path)
    expected = sum(Decimal(row["amount"]) for row in loaded.json("schedule", "TW2"))
    assert expected == Decimal("14789260.08")  # 12 x 1,232,438.34 + 0.00: the contract's total
    assert (f"{expected:,.2f}" if unit == "yuan" else "1,478.93") in text
    assert ("Schedule of TW2" if lang == "en" else "TW2付款计划") in text and "天网二期" in text  # title and name
    [sheet] = office.sheets_as_csv(path, tmp_path / "csv").values()
    total = _row(sheet, "TOTAL" if lang == "en" else "合计")
    # the amount column by its heading (a basis column follows it since #15)
    column = sheet[1].index("amount" if lang == "en" else "金额 (万元)")
    assert _number(total[column]) * SCALE[unit] == expected  # LibreOffice's own SUM, to the fen


@pytest.mark.parametrize("lang, unit", LANGUAGES)
def test_arrears_sheets_reconcile(loaded, tmp_path, lang, unit):
    """With installments not yet assessed, the detail counts them as owed and the summary keeps them apart: two
    rows under the detail recompute both figures, and they equal the CLI's."""
    loaded("import", str(ROOT / "examples" / "demo-om.toml"))
    day = "2026-12-31"
    path = tmp_path / "arrears.xlsx"
    loaded("--lang", lang, "--unit", unit, "arrears", "--as-of", day, "-f", "xlsx", "-o", str(path))
    _printed(path, tmp_path)
    detail = loaded.json("arrears", "--as-of", day)
    summary = loaded.json("arrears", "--summary", "--as-of", day)[-1]
    owed = sum(Decimal(row["owed"]) for row in detail)
    waiting = Decimal(summary["not_yet_assessed"])
    assert waiting > 0 and owed == Decimal(summary["total"]) + waiting
    sheets = office.sheets_as_csv(path, tmp_path / "csv")
    first, second = (sheets["Arrears"], sheets["Arrears by contract"]) if lang == "en" else (sheets["欠付明细"], sheets["各合同欠付"])
    header = first[1]
    column = header.index("owed" if lang == "en" else "欠付 (万元)")
    assert _number(_row(first, "TOTAL" if lang == "en" else "合计")[column]) * SCALE[unit] == owed
    of_which = _row(first, "of which not yet assessed (at gross)" if lang == "en" else "其中待考核（按总额）")
    assessed = _row(first, "assessed and owed (the summary's total)" if lang == "en" else "已考核欠付（即汇总表合计）")
    assert _number(of_which[column]) * SCALE[unit] == waiting
    assert _number(assessed[column]) * SCALE[unit] == Decimal(summary["total"])
    total = _row(second, "TOTAL" if lang == "en" else "合计")
    assert _number(total[second[1].index("total" if lang == "en" else "合计 (万元)")]) * SCALE[unit] == Decimal(summary["total"])


@pytest.mark.parametrize("lang, unit", LANGUAGES)
def test_the_fiscal_year_recomputes_its_subtotals_and_rates(loaded, tmp_path, lang, unit):
    path = tmp_path / "fy.xlsx"
    loaded("--lang", lang, "--unit", unit, "report", "fy", "2023", "-f", "xlsx", "-o", str(path))
    text = _printed(path, tmp_path)
    assert ("100.00%" in text) and ("43.87%" in text)  # the police programme's execution and coverage
    rows = loaded.json("report", "fy", "2023")
    [sheet] = office.sheets_as_csv(path, tmp_path / "csv").values()
    header = sheet[1]
    obligations = header.index("obligations" if lang == "en" else "应付义务" + (" (万元)" if unit == "wan" else ""))
    rate = header.index("execution rate" if lang == "en" else "执行率")
    coverage = header.index("coverage" if lang == "en" else "预算覆盖率")
    programmes = [row for row in sheet[2:] if row and row[header.index("kind" if lang == "en" else "类别")] in ("programme", "预算项目")]
    expected = [row for row in rows if row["kind"] == "programme"]
    assert len(programmes) == len(expected) == 2
    for got, want in zip(programmes, expected):
        assert _number(got[obligations]) * SCALE[unit] == Decimal(want["obligations"])
        for index, key in ((rate, "execution_rate"), (coverage, "coverage")):
            if want[key] is not None:  # a formula over the row, recomputed: the CLI's rate to its four decimals
                share = Decimal(got[index].rstrip("%")) / (100 if got[index].endswith("%") else 1)
                assert share.quantize(Decimal("0.0001")) == Decimal(want[key])
