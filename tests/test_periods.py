import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from contracts.errors import ContractsError
from contracts.periods import add_months, months_between, parse_date, quarter_period

D = dt.date


def test_month_arithmetic_is_anchored_not_chained():
    start = D(2023, 1, 31)
    assert [add_months(start, k) for k in (1, 3, 6, 9, 12)] == [
        D(2023, 2, 28), D(2023, 4, 30), D(2023, 7, 31), D(2023, 10, 31), D(2024, 1, 31)]
    # Chaining would drift to the 28th; anchoring does not.
    assert add_months(add_months(start, 1), 1) == D(2023, 3, 28)
    assert add_months(start, 2) == D(2023, 3, 31)


def test_leap_day():
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert add_months(D(2024, 2, 29), 48) == D(2028, 2, 29)


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2150, 1, 1)), st.integers(-600, 600))
def test_add_months_agrees_with_relativedelta(start, months):
    assert add_months(start, months) == start + relativedelta(months=months)


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2150, 1, 1)), st.integers(0, 600))
def test_months_between_inverts_add_months(start, months):
    assert months_between(start, add_months(start, months)) == months


@pytest.mark.parametrize("text", ["2023-02-30", "2023-13-01", "20230101", "yesterday", "2023-1-1"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(ContractsError) as caught:
        parse_date(text, "billing_start")
    assert "billing_start" in caught.value.line() and text in caught.value.line()


def test_quarter():
    q = quarter_period("2024Q1")
    assert (q.start, q.end) == (D(2024, 1, 1), D(2024, 4, 1))
    with pytest.raises(ContractsError):
        quarter_period("2024Q5")
