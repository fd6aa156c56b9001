"""Spreadsheets: listings as XLSX, read back with openpyxl."""

import datetime as dt
from decimal import Decimal

import openpyxl


def test_schedule_as_a_workbook(loaded, tmp_path):
    path = tmp_path / "tw2.xlsx"
    loaded("schedule", "TW2", "--format", "xlsx", "-o", str(path))
    book = openpyxl.load_workbook(path)
    sheet = book["Schedule of TW2"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == ["contract", "seq", "period_start", "period_end", "due", "amount"]
    first = sheet[2]
    assert first[2].value == dt.datetime(2022, 2, 24) and first[2].number_format == "yyyy-mm-dd"
    assert first[5].value == 1232438.34 and first[5].number_format == "#,##0.00"
    total = sheet[sheet.max_row]
    assert total[0].value == "total" and total[5].value == "=SUM(F2:F13)"
    assert sheet.max_row == 14


def test_every_table_of_a_command_is_a_sheet(loaded, tmp_path):
    path = tmp_path / "arrears.xlsx"
    loaded("arrears", "--as-of", "2023-12-31", "-f", "xlsx", "-o", str(path))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Arrears as of 2023-12-31", "By contract (not yet assesse"]  # 28 characters at most
    summary = book.worksheets[1]
    rows = list(summary.iter_rows(values_only=True))
    total = next(row for row in rows if row[0] == "TOTAL")
    # The TOTAL row adds up the contracts above it as formulas (no second total row under it), and they
    # add up to the reference's arrears at the end of 2023.
    assert total[6] == "=SUM(G2:G5)" and rows[-1] is total
    assert sum(Decimal(str(row[6])) for row in rows[1:5]) == Decimal("7402952.96")


def test_xlsx_needs_a_file(loaded):
    assert loaded("list", "-f", "xlsx", ok=False).stderr.strip() == "error: output: is required with --format xlsx: -o FILE.xlsx"


def test_programme_rows_are_subtotals_of_their_items(loaded, tmp_path):
    path = tmp_path / "fy.xlsx"
    loaded("report", "fy", "2023", "-f", "xlsx", "-o", str(path))
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    obligations, rate = header.index("obligations"), header.index("execution_rate")
    police = next(i for i, row in enumerate(rows) if row[0] == "POLICE-IT" and row[2] == "programme")
    assert rows[police][obligations] == f"=SUM(F2:F{police})"
    assert sum(Decimal(str(row[obligations])) for row in rows[1:police]) == Decimal("12380386.22")
    assert rows[police][header.index("adjusted")] == 5431700  # the budget is stated, not summed
    assert sheet.cell(row=police + 1, column=rate + 1).number_format == "0.00%"
    assert not any(row[0] == "total" for row in rows)  # no grand total that would count the items twice
