"""Spreadsheets in: `contracts template` and importing a filled-in XLSX or CSV, all or nothing."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
from hypothesis import given, strategies as st

from contracts.tabular import KINDS, PAYMENTS, _cell
from tests.conftest import ROOT

DEMO = ROOT / "examples" / "demo-om.toml"


def _fill(path: Path, rows: dict[str, list[list]]) -> Path:
    """The template, filled in as a person would: typed numbers (floats to Excel), typed dates."""
    book = openpyxl.load_workbook(path)
    for name, values in rows.items():
        sheet = book[name]
        for offset, row in enumerate(values, start=2):
            for column, value in enumerate(row, start=1):
                sheet.cell(row=offset, column=column, value=value)
    filled = path.with_name("filled.xlsx")
    book.save(filled)
    return filled


def _template(cli, tmp_path) -> Path:
    path = tmp_path / "template.xlsx"
    out = cli("template", "-o", str(path)).stdout
    assert "contracts, assessments, payments, usage, vendors" in out
    return path


def test_the_template_has_a_sheet_per_kind_and_instructions(cli, tmp_path):
    book = openpyxl.load_workbook(_template(cli, tmp_path))
    assert book.sheetnames == ["instructions", "contracts", "assessments", "payments", "usage", "vendors"]
    for kind in KINDS.values():
        sheet = book[kind.name]
        assert [c.value for c in sheet[1]] == [c.name for c in kind.columns]
        assert sheet.freeze_panes == "A2"
    contracts = book["contracts"]
    assert contracts["F1"].value == "billing_start" and contracts.column_dimensions["F"].number_format == "yyyy-mm-dd"
    assert contracts["A1"].comment.text == "short unique code, e.g. TW1"
    notes = [row for row in book["instructions"].iter_rows(values_only=True)]
    assert ("payments", "amount", "yes", "yuan, to the fen", 184811.11) in notes


def test_a_chinese_template_explains_in_chinese(cli, tmp_path):
    path = tmp_path / "模板.xlsx"
    cli("--lang", "zh", "template", "-o", str(path))
    book = openpyxl.load_workbook(path)
    # Chinese sheet names and headings, and the instructions name the sheets and columns that are there
    assert book.sheetnames == ["说明", "合同", "考核", "付款", "用量", "供应商"]
    assert book["合同"]["F1"].value == "计费开始" and book["合同"]["F1"].comment.text == "验收计费日期（开始计费）"
    assert any(row[:3] == ("付款", "付款日期", "是") for row in book["说明"].iter_rows(values_only=True))
    lists = [rule.formula1 for rule in book["合同"].data_validations.dataValidation]
    assert '"按月,按季度,按半年,按年"' in lists


def test_a_chinese_template_filled_in_chinese_imports(cli, tmp_path):
    """The zh template's sheets, headings and list values are read back, and English values are still accepted."""
    path = tmp_path / "模板.xlsx"
    cli("--lang", "zh", "template", "-o", str(path))
    book = openpyxl.load_workbook(path)
    sheet = book["合同"]
    assert sheet.column_dimensions["A"].number_format == "@"  # a contract number typed there stays text
    sheet.append(["2023-01", "测试合同", None, None, None, dt.datetime(2023, 1, 1), 12, None, 120000, "季度", "按自然期间", "期末支付"])
    sheet.append(["X2", "英文选项", None, None, None, dt.datetime(2023, 1, 1), 12, None, 120000, "monthly", "anniversary"])
    book.save(path)
    cli("import", str(path))
    rows = {row["code"]: row for row in cli.json("list")}
    assert rows["2023-01"]["frequency"] == "quarterly" and rows["2023-01"]["alignment"] == "calendar"
    assert rows["X2"]["frequency"] == "monthly"


def test_a_code_turned_into_a_date_is_refused(cli, tmp_path):
    """A General column in an old template turns 2023-01 into a date: refused, never imported as 2023-01-01."""
    cli("init")
    book = openpyxl.load_workbook(_template(cli, tmp_path))
    book["contracts"].append([dt.datetime(2023, 1, 1), "x", None, None, None, dt.datetime(2023, 1, 1), 12, None, 1200])
    path = tmp_path / "dated.xlsx"
    book.save(path)
    result = cli("import", str(path), ok=False)
    assert "sheet 'contracts', row 2, column A: code '2023-01-01': is a date" in result.stderr
    assert cli.json("list") == []


def test_a_formula_is_refused_not_its_cached_value(cli, tmp_path):
    """An import reads what was typed: a formula is refused, whatever value Excel last computed for it."""
    cli("init")
    book = openpyxl.load_workbook(_template(cli, tmp_path))
    book["contracts"].append(["F1", "formula", None, None, None, dt.datetime(2023, 1, 1), 12, None, "=100000*1.2"])
    path = tmp_path / "formula.xlsx"
    book.save(path)
    result = cli("import", str(path), ok=False)
    assert "column I: annual_fee '=100000*1.2': is a formula" in result.stderr
    assert cli.json("list") == []


def test_a_filled_workbook_imports_exactly(cli, tmp_path):
    cli("import", str(DEMO))
    filled = _fill(_template(cli, tmp_path), {
        "contracts": [["ROAD", "精细化道路 road refinement", None, None, None, dt.datetime(2019, 9, 19), 60, None, 3379113.6],
                      ["ENTRY", "入川即检", None, None, None, "2023/3/17", 36, 36, 221400, "quarterly"]],
        "assessments": [["DEMO-OM", 5, dt.datetime(2026, 4, 10), "online_rate=95.0; fault_hours=12", 90, None, "Li Wei"]],
        "payments": [["ROAD", dt.datetime(2019, 12, 31), 844778.4, 1, "voucher 1"]],
    })
    out = cli("import", str(filled)).stdout
    assert "2 contracts: 2 added" in out and "1 assessments: 1 added" in out and "1 payments: 1 added" in out
    road = cli.json("show", "ROAD")
    assert road["annual_fee"] == "3379113.60" and road["service_end"] == "2024-09-19"
    assert cli.json("schedule", "ROAD")[0]["amount"] == "844778.40"
    assert cli.json("payments", "ROAD")[0]["amount"] == "844778.40"
    assert cli.json("show", "ENTRY")["billing_start"] == "2023-03-17"
    assert cli.json("payable", "DEMO-OM", "--seq", "5")[0]["assessed_on"] == "2026-04-10"


def test_an_error_names_sheet_row_and_column_and_nothing_is_written(cli, tmp_path):
    cli("import", str(DEMO))
    before = cli("export", str(tmp_path / "before.json"))
    template = _template(cli, tmp_path)
    filled = _fill(template, {
        "contracts": [["NEW1", "new", None, None, None, dt.datetime(2024, 1, 1), 12, None, 1200]],
        "payments": [["NEW1", dt.datetime(2024, 4, 1), 300, 1], ["NEW1", dt.datetime(2024, 4, 2), 12.345, None]],
    })
    result = cli("import", str(filled), ok=False)
    assert result.stderr.strip() == (f"error: {filled}: sheet 'payments', row 3, column C: amount 12.345: has more than two "
                                     "decimals; amounts are kept to the fen (0.01)")
    # Checked against the store (the contract's schedule): an installment it does not have.
    filled = _fill(template, {
        "contracts": [["NEW1", "new", None, None, None, dt.datetime(2024, 1, 1), 12, None, 1200]],
        "payments": [["NEW1", dt.datetime(2024, 4, 1), 300, 9]],
    })
    result = cli("import", str(filled), ok=False)
    assert result.stderr.startswith(f"error: {filled}: sheet 'payments', row 2, column D: seq 9: ")
    bad_day = _fill(template, {"contracts": [["NEW2", "new", None, None, None, "2023-02-30", 12, None, 1200]]})
    result = cli("import", str(bad_day), ok=False)
    assert result.stderr.startswith(f"error: {bad_day}: sheet 'contracts', row 2, column F: billing_start '2023-02-30': ")
    cli("export", str(tmp_path / "after.json"))
    assert before.exit_code == 0
    assert (tmp_path / "before.json").read_text() == (tmp_path / "after.json").read_text()
    assert all(row["code"] != "NEW1" for row in cli.json("list"))


def test_unknown_sheet_or_column_is_refused(cli, tmp_path):
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.save(path)
    assert cli("import", str(path), ok=False).stderr.strip() == (
        f"error: {path}: sheet 'Sheet1': is not one of: contracts, assessments, payments, usage, vendors (or instructions)")
    book = openpyxl.Workbook()
    book.active.title = "payments"
    book.active.append(["contract", "paid_on", "amount", "amout_typo"])
    book.save(path)
    assert cli("import", str(path), ok=False).stderr.strip().startswith(
        f"error: {path}: sheet 'payments', column D: column 'amout_typo': is not a column of payments")


def test_csv_from_excel_or_wps(cli, tmp_path):
    cli("import", str(ROOT / "examples" / "emeishan.toml"))
    utf8 = tmp_path / "payments.csv"
    utf8.write_bytes("\ufeffcontract,paid_on,amount,seq\r\nTW2,2024/4/1,\"1,232,438.34\",9\r\n".encode("utf-8"))
    assert "1 payments: 1 added" in cli("import", str(utf8)).stdout
    paid = [p for p in cli.json("payments", "TW2") if p["paid_on"] == "2024-04-01"]
    assert paid[0]["amount"] == "1232438.34"
    # A plain CSV saved on a Chinese Windows is GB18030, with the headings in Chinese; --kind says what it holds.
    gbk = tmp_path / "二季度.csv"
    gbk.write_bytes("合同编号,付款日期,付款金额,期次\r\nTW2,2024年7月1日,1000.00,10\r\n".encode("gb18030"))
    assert "1 payments: 1 added" in cli("import", str(gbk), "--kind", "payments").stdout
    unknown = tmp_path / "stuff.csv"
    unknown.write_text("a,b\r\n1,2\r\n", encoding="utf-8")
    assert "cannot tell what it holds" in cli("import", str(unknown), ok=False).stderr


def test_csv_templates(cli, tmp_path):
    path = tmp_path / "usage.csv"
    cli("template", "-o", str(path))
    assert path.read_bytes() == "\ufeffcontract,line,period,quantity,amount,note\r\n".encode("utf-8")
    other = tmp_path / "mine.csv"
    assert cli("template", "-o", str(other), ok=False).stderr.strip() == (
        "error: kind: is needed for a CSV template: one of contracts, assessments, payments, usage, vendors")
    cli("template", "-o", str(other), "--kind", "payments")
    assert other.read_text(encoding="utf-8-sig").splitlines()[0] == ",".join(c.name for c in PAYMENTS.columns)


@given(st.decimals(min_value=Decimal("-99999999999.99"), max_value=Decimal("99999999999.99"), places=2))
def test_a_typed_amount_survives_the_float_of_a_spreadsheet(amount):
    """Excel keeps a typed 3379113.6 as a double; reading it back gives exactly the amount typed."""
    assert _cell(float(amount), PAYMENTS.column("amount")) == amount


def test_usage_from_a_sheet_prices_a_unit_priced_installment(loaded, tmp_path):
    filled = _fill(_template(loaded, tmp_path), {"usage": [["SEAL-2021", None, "2021Q3", 212, None, "sets engraved"]]})
    assert "1 usage records: 1 added" in loaded("import", str(filled)).stdout
    first = loaded.json("payable", "SEAL-2021", "--seq", "1")[0]
    assert first["gross"] == "106000.00"  # 212 sets at 500.00


def test_a_big_workbook_with_five_mistakes_reports_all_five_in_one_run(cli, tmp_path):
    """2,000 payment rows with five mistakes: one run names every one (sheet, row, column), and writes nothing."""
    cli("import", str(DEMO))
    before = cli("payments", "DEMO-OM", "-f", "json").stdout
    # DEMO-OM's seq 2 was assessed (net 184,811.11) and paid in full: the good rows pay one fen towards seq 4
    # (assessed, net 195,188.89, unpaid), so 1,995 good rows of 0.01 fit in it. The mistakes, by hand:
    rows = [["DEMO-OM", dt.date(2026, 3, 1), 0.01, 4] for _ in range(2000)]
    rows[9][2] = 1.001  # row 11, column C: three decimals
    rows[499][1] = "2026-02-30"  # row 501, column B: no such day
    rows[999][0] = "NOPE"  # row 1001: no such contract
    rows[1499][3] = 99  # row 1501: not in DEMO-OM's schedule
    rows[1998][2] = "x"  # row 2000, column C: not an amount
    result = cli("import", str(_fill(_template(cli, tmp_path), {"payments": rows})), ok=False)
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "5 errors; nothing was written", result.stderr
    errors = "\n".join(lines[:-1])
    for place in ("row 11, column C: amount", "row 501, column B: paid_on '2026-02-30'", "row 1001",
                  "row 1501, column D: seq 99", "row 2000, column C: amount 'x'"):
        assert place in errors, (place, errors)
    assert "NOPE" in errors
    assert cli("payments", "DEMO-OM", "-f", "json").stdout == before


def test_a_file_with_several_bad_contracts_reports_each_and_makes_no_store(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    path = tmp_path / "bad.toml"
    path.write_text('[[contract]]\ncode = "A"\nname = "a"\nbilling_start = "2024-02-30"\nbilling_months = 12\nannual_fee = "1"\n'
                    '[[contract]]\ncode = "B"\nname = "b"\nbilling_start = 2024-01-01\nbilling_months = 12\nannual_fee = "1.001"\n'
                    '[[contract]]\ncode = "C"\nname = "c"\nbilling_start = 2024-01-01\nbilling_months = 12\nannual_fee = "100"\n'
                    '[[payment]]\ncontract = "B"\npaid_on = 2024-06-01\namount = "1"\n'  # B was refused: not checked again
                    '[[payment]]\ncontract = "C"\npaid_on = 2024-06-01\namount = "-1"\n', encoding="utf-8")
    store = tmp_path / "new.db"
    result = CliRunner().invoke(app, ["--db", str(store), "import", str(path)])
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1 and lines[-1] == "3 errors; nothing was written", result.stderr
    assert "contract #1 (A): billing_start" in lines[0] and "contract #2 (B): annual_fee '1.001'" in lines[1]
    assert "payment #2: amount '-1': must be more than zero" in lines[2]
    assert not store.exists()  # a store that did not exist is not made for an import that cannot succeed
