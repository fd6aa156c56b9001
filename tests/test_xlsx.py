"""Spreadsheets: listings as XLSX, read back with openpyxl."""

import datetime as dt

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
    total = next(row for row in summary.iter_rows(values_only=True) if row[0] == "TOTAL")
    assert total[6] == 7402952.96


def test_xlsx_needs_a_file(loaded):
    assert loaded("list", "-f", "xlsx", ok=False).stderr.strip() == "error: output: is required with --format xlsx: -o FILE.xlsx"
