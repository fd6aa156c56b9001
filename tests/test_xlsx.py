"""Spreadsheets: listings as XLSX, read back with openpyxl."""

import datetime as dt
from decimal import Decimal

import openpyxl


def test_schedule_as_a_workbook(loaded, tmp_path):
    path = tmp_path / "tw2.xlsx"
    loaded("schedule", "TW2", "--format", "xlsx", "-o", str(path))
    book = openpyxl.load_workbook(path)
    sheet = book["Schedule TW2"]  # the sheet's name stays the same; its title row says what it is
    assert sheet["A1"].value == "Schedule of TW2"
    assert sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[2]] == ["contract", "name", "installment", "period start", "period end", "due", "amount", "basis"]
    first = sheet[3]
    assert first[1].value == "天网二期 Tianwang phase 2 (200 new points)"
    assert first[3].value == dt.datetime(2022, 2, 24) and first[3].number_format == "yyyy-mm-dd"
    assert first[6].value == 1232438.34 and first[6].number_format == "#,##0.00"
    total = sheet[sheet.max_row]
    assert total[0].value == "TOTAL" and total[6].value == "=SUM(G3:G14)"
    assert sheet.max_row == 15


def test_every_table_of_a_command_is_a_sheet(loaded, tmp_path):
    path = tmp_path / "arrears.xlsx"
    loaded("arrears", "--as-of", "2023-12-31", "-f", "xlsx", "-o", str(path))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Arrears", "Arrears by contract"]  # the same names every day: the date is in row 1
    assert book["Arrears"]["A1"].value == "Arrears as of 2023-12-31"
    summary = book.worksheets[1]
    rows = list(summary.iter_rows(values_only=True))
    total = next(row for row in rows if row[0] == "TOTAL")
    # The TOTAL row adds up the contracts above it as formulas (no second total row under it), and they
    # add up to the reference's arrears at the end of 2023.
    assert total[7] == "=SUM(H3:H6)" and rows[-1] is total
    assert sum(Decimal(str(row[7])) for row in rows[2:6]) == Decimal("7402952.96")


def test_xlsx_needs_a_file(loaded):
    assert loaded("list", "-f", "xlsx", ok=False).stderr.strip() == "error: output: is required with --format xlsx: -o FILE.xlsx"


def test_programme_rows_are_subtotals_of_their_items(loaded, tmp_path):
    path = tmp_path / "fy.xlsx"
    loaded("report", "fy", "2023", "-f", "xlsx", "-o", str(path))
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    obligations, rate = header.index("obligations"), header.index("execution rate")
    police = next(i for i, row in enumerate(rows) if row[0] == "POLICE-IT" and row[3] == "programme")
    assert rows[police][obligations] == f"=SUM(G3:G{police})"
    assert sum(Decimal(str(row[obligations])) for row in rows[2:police]) == Decimal("12380386.22")
    assert rows[police][header.index("adjusted")] == 5431700  # the budget is stated, not summed
    # the rates are formulas over their row (paid / budget in force; budget in force / obligations), as percentages;
    # the budget in force has a column of its own (the adjusted budget where one is stated, else the original)
    here = police + 1
    in_force = openpyxl.utils.get_column_letter(header.index("budget in force") + 1)
    assert rows[police][rate] == f"=H{here}/{in_force}{here}" and rows[police][rate + 1] == f"={in_force}{here}/G{here}"
    assert sheet.cell(row=here, column=rate + 1).number_format == "0.00%"
    assert sum(1 for row in rows if row[1] == "TOTAL") == 2  # a subtotal per programme, no grand total counting twice


def test_every_sheet_prints_on_a4_landscape_one_page_wide_with_its_headings(loaded, tmp_path):
    """#16 point 1 as openpyxl reads the page setup (the LibreOffice test prints them; this names each setting):
    A4 landscape, fit to one page wide (any number of pages tall), title and heading rows repeated on every page,
    an autofilter over the heading row and the data, frozen under the headings."""
    made = []
    for args in (("schedule", "TW2"), ("arrears", "--as-of", "2024-03-31"), ("report", "fy", "2023")):
        path = tmp_path / f"{args[0]}.xlsx"
        loaded(*args, "-f", "xlsx", "-o", str(path))
        made += openpyxl.load_workbook(path).worksheets
    assert len(made) == 4  # the arrears workbook has a detail and a summary sheet
    for sheet in made:
        setup = sheet.page_setup
        assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9), sheet.title  # 9: A4 in OOXML
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert sheet.print_title_rows == "1:2" or sheet.print_title_rows == "$1:$2"
        last = openpyxl.utils.get_column_letter(sheet.max_column)
        assert sheet.auto_filter.ref.startswith("A2:" + last) and sheet.freeze_panes == "A3"


def test_columns_are_as_wide_as_their_widest_value_chinese_counted_double(loaded, tmp_path):
    path = tmp_path / "tw2.xlsx"
    loaded("schedule", "TW2", "-f", "xlsx", "-o", str(path))
    sheet = openpyxl.load_workbook(path).worksheets[0]
    # "天网二期 Tianwang phase 2 (200 new points)": 4 Chinese characters at 2 columns each + 34 others = 42
    # (38 characters: counted once each, the column would cut the name)
    assert sheet.column_dimensions["B"].width >= 42
    # the total 14,789,260.08 (13 characters) fits the amount column, and so does its heading
    assert sheet["G2"].value == "amount" and sheet.column_dimensions["G"].width >= 13
