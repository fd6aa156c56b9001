"""The report's figures (contracts.report) and its tables' limits."""

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings

from cli import html_report
from contracts.budget import contract_year_figures, schedule_year_figures
from contracts.payables import build_ledger
from tests.strategies import contract_terms


@settings(max_examples=80, deadline=None)
@given(terms=contract_terms())
def test_the_schedule_shortcut_agrees_with_the_ledger(terms):
    """The report takes a contract with nothing recorded but its terms straight from the schedule engine;
    that must give what the full ledger gives, year by year, to the fen."""
    for year in range(terms.billing_start.year, terms.billing_end.year + 1):
        seen = dt.date(year, 12, 31)
        ledger = build_ledger(terms, [], [], [], None, seen, [], [])
        assert schedule_year_figures(terms, year) == contract_year_figures(ledger, year)


def test_a_long_table_shows_its_first_rows_and_names_the_full_list():
    rows = [{"contract": f"C{i:04d}", "owed": Decimal("1.00")} for i in range(html_report.ROW_LIMIT + 5)]
    page = html_report.table(rows, ("contract", "owed"), total_row={"contract": "total", "owed": Decimal(len(rows))},
                             full_list="contracts arrears --summary")
    assert page.count("<tr>") == 1 + html_report.ROW_LIMIT  # the heading and the rows shown
    assert f"C{html_report.ROW_LIMIT - 1:04d}" in page and f"C{html_report.ROW_LIMIT:04d}" not in page
    assert "205.00" in page  # the total still adds up every row
    assert f"The first {html_report.ROW_LIMIT} of 205 rows; contracts arrears --summary lists them all." in page
