"""预算 over HTTP: programmes and budgets, the fiscal-year report and the forecast as the CLI computes them, their
XLSX downloads (the CLI's sheets), the forms for programmes, budgets, fee lines and amounts with bad values at the
field, refusals without the token or by another role. SQLite and PostgreSQL (``db_url``).

Figures by hand from the Emeishan example: POLICE-IT's 2023 budget in force is 543.17万元 = 5,431,700.00 (adjusted);
paid in 2023: TW1 2,170,249.00 + ROAD 1,647,964.00 + MOBILE 775,065.00 + ACCESS-NET 366,547.66 + TW-POWER 471,856.60
= 5,431,682.26, an execution of 5,431,682.26 / 5,431,700.00 = 99.9997% -> 100.00%. TW2 bills 36 months from
2022-02-24 at 4,929,753.36 a year, quarterly in arrears: its last installment, 4,929,753.36 / 4 = 1,232,438.34, falls
due on 2025-02-24, in 2025's first quarter.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from .web_forms import clerk, field_message, snapshot, site, clock, text_of  # noqa: F401


def test_the_fiscal_year_and_the_forecast(site):
    wang = clerk(site, "finance")
    page = wang.get("/budget?year=2023&from=2025&years=1")
    assert page.status_code == 200, page.text[-800:]
    assert "5,431,682.26" in page.text and "5,431,700.00" in page.text and "100.00%" in page.text
    assert "1,232,438.34" in page.text  # TW2 in 2025 Q1
    words = text_of(page.text)
    assert "POLICE-IT" in words and "SEAL-PROG" in words
    assert "上限" in words  # the basis of the police contracts' figures: an upper bound (deductions not recorded)


def test_the_downloads_are_the_cli_workbooks(site, loaded, tmp_path):
    from openpyxl import load_workbook

    wang = clerk(site, "finance")
    response = wang.get("/budget/fy/2023.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert any(row and "TW1" in [str(v) for v in row] and 2170249 in row for row in rows), rows[:6]
    cli_book = tmp_path / "fy.xlsx"
    loaded("--lang", "zh", "report", "fy", "2023", "--format", "xlsx", "-o", str(cli_book))
    cli_rows = [[cell.value for cell in row] for row in load_workbook(cli_book).worksheets[0].iter_rows()]
    assert rows[1:] == cli_rows[1:]  # the same sheet as the CLI's, but for the title's unit line
    forecast = load_workbook(io.BytesIO(wang.get("/budget/forecast.xlsx?from=2025&years=1").content)).worksheets[0]
    values = [[cell.value for cell in row] for row in forecast.iter_rows()]
    assert any("TW2" in [str(v) for v in row] and Decimal("1232438.34") in [Decimal(str(v)) for v in row
                                                                              if isinstance(v, (int, float))] for row in values)


def test_programme_budget_fee_line_and_amount_forms(site, loaded):
    wang = clerk(site, "finance")
    sent = wang.send("/budget", {"code": "NET-2", "name": "二级网", "unit_price": "1200.00", "per": "line"},
                     action="/budget/fee-lines")
    assert sent.status_code == 303, sent.text[-800:]
    sent = wang.send("/budget", {"code": "ROADS-2025", "name": "道路运维 2025", "fee_lines": "NET-2",
                                 "department": "峨眉山市公安局"}, action="/budget/programmes")
    assert sent.status_code == 303, sent.text[-800:]
    sent = wang.send("/budget", {"programme": "ROADS-2025", "year": "2025", "original": "500", "unit": "wan",
                                 "source": "预算批复"}, action="/budget/budgets")
    assert sent.status_code == 303, sent.text[-800:]
    rows = [r for r in loaded.json("programmes") if r["programme"] == "ROADS-2025"]
    assert [(r["fee_lines"], r["year"], r["original"], r["stated_in"]) for r in rows] == [
        ("NET-2", 2025, "5000000.00", "wan")]  # 500万元
    sent = wang.send("/budget/fee-lines/MOBILE", {"year": "2024", "paid": "64588.75", "unit": "yuan", "months": "2024-01"},
                     action="/budget/fee-lines/MOBILE/amounts")
    assert sent.status_code == 303, sent.text[-800:]
    page = wang.get(sent.headers["location"])
    assert "64,588.75" in page.text and "2024-01" in page.text
    history = {(e["action"], e["user"]) for e in loaded.json("history")}
    assert {("add programme", "finance"), ("add budget", "finance"), ("add fee line", "finance"),
            ("fee amount", "finance")} <= history


@pytest.mark.parametrize("action, page, fields, field, shown", [
    ("/budget/programmes", "/budget", {"code": "ROADS 2025", "name": "x"}, "code", "ROADS 2025"),
    ("/budget/programmes", "/budget", {"code": "P2", "name": ""}, "name", "is required"),
    ("/budget/programmes", "/budget", {"code": "P2", "name": "x", "contracts": "ROAD"}, "contracts", "is funded by programme POLICE-IT"),
    ("/budget/budgets", "/budget", {"programme": "POLICE-IT", "year": "20x5", "original": "1"}, "year", "20x5"),
    ("/budget/budgets", "/budget", {"programme": "POLICE-IT", "year": "2025", "original": "1,50"}, "original", "1,50"),
    ("/budget/budgets", "/budget", {"programme": "POLICE-IT", "year": "2023", "original": "1"}, "year", "--update"),
    ("/budget/fee-lines", "/budget", {"code": "X1", "name": "x", "unit_price": "12.345", "per": "set"}, "unit_price", "12.345"),
    ("/budget/fee-lines/MOBILE/amounts", "/budget/fee-lines/MOBILE", {"year": "2024", "paid": "1", "budgeted": "2"}, "paid", "exactly one"),
    ("/budget/fee-lines/MOBILE/amounts", "/budget/fee-lines/MOBILE", {"year": "2024", "paid": "1", "months": "2024-13"}, "months", "2024-13"),
])
def test_a_bad_budget_form_comes_back_at_its_field(site, db_url, action, page, fields, field, shown):
    wang = clerk(site, "finance")
    before = snapshot(db_url)
    response = wang.send(page, fields, action=action)
    assert response.status_code == 422
    message = field_message(response.text, field)
    assert message and shown in message, (field, message, text_of(response.text)[-400:])
    assert snapshot(db_url) == before


def test_without_the_form_token_or_by_another_role_nothing_is_written(site, db_url):
    wang = clerk(site, "finance")
    others = {role: clerk(site, role) for role in ("logistics", "procurement", "viewer", "admin")}
    forms = [("/budget/programmes", {"code": "P9", "name": "x"}),
             ("/budget/budgets", {"programme": "POLICE-IT", "year": "2025", "original": "1"}),
             ("/budget/fee-lines", {"code": "F9", "name": "x"}),
             ("/budget/fee-lines/MOBILE/amounts", {"year": "2024", "paid": "1"})]
    before = snapshot(db_url)
    for action, fields in forms:
        assert wang.send("/budget", fields, action=action, token=False).status_code == 403
        for role, other in others.items():
            assert other.send("/budget", fields, action=action).status_code == 403, (role, action)
    assert snapshot(db_url) == before
