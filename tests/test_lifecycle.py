import datetime as dt

import pytest

from contracts.lifecycle import Status, expiring_within, lifecycle
from contracts.overview import stated_end_agrees
from contracts.terms import make_terms

D = dt.date
TW2 = make_terms({"code": "TW2", "name": "x", "billing_start": "2022-02-24", "billing_months": 36,
                  "service_months": 60, "annual_fee": "4929753.36"})


@pytest.mark.parametrize(
    "as_of, status, days_left",
    [(D(2022, 2, 23), Status.not_started, 1827), (D(2022, 2, 24), Status.active, 1826),
     (D(2025, 2, 23), Status.active, 731), (D(2025, 2, 24), Status.serving, 730),
     (D(2026, 11, 24), Status.serving, 92), (D(2027, 2, 23), Status.serving, 1),
     (D(2027, 2, 24), Status.expired, 0), (D(2027, 3, 1), Status.expired, -5)],
)
def test_status_and_days_left(as_of, status, days_left):
    state = lifecycle(TW2, as_of)
    assert (state.status, state.days_left) == (status, days_left)
    assert state.billing_end == D(2025, 2, 24) and state.service_end == D(2027, 2, 24)


def test_expiring_window_includes_both_ends_and_excludes_the_past():
    assert expiring_within(D(2027, 2, 24), D(2026, 11, 24), 92)
    assert not expiring_within(D(2027, 2, 24), D(2026, 11, 24), 91)
    assert expiring_within(D(2026, 11, 24), D(2026, 11, 24), 0)
    assert not expiring_within(D(2026, 11, 23), D(2026, 11, 24), 365)


def test_stated_end_agreement():
    assert stated_end_agrees("2024-12", D(2024, 9, 19)) is False
    assert stated_end_agrees("2024-03-30", D(2024, 3, 30)) is True
    assert stated_end_agrees("2027-02", D(2027, 2, 24)) is True
    assert stated_end_agrees("", D(2027, 2, 24)) is None
