import pytest

from contracts.errors import ContractsError
from contracts.portfolio_file import parse_portfolio
from contracts.terms import make_terms

GOOD = {"code": "TW1", "name": "x", "billing_start": "2018-03-30", "billing_months": 72, "annual_fee": "1716000"}


@pytest.mark.parametrize(
    "field, value, problem",
    [
        ("annual_fee", "-1", "more than zero"),
        ("annual_fee", "0", "more than zero"),
        ("annual_fee", "1.005", "more than two decimals"),
        ("billing_months", 0, "between 1 and"),
        ("billing_months", -12, "between 1 and"),
        ("billing_months", 10, "not a whole number of quarterly installments"),
        ("billing_start", "2023-02-29", "not a real date"),
        ("service_months", 12, "shorter than billing_months"),
        ("frequency", "weekly", "must be one of"),
        ("code", "has space", "letters, digits"),
        ("payment_lag_days", -1, "between 0 and"),
    ],
)
def test_bad_terms_name_the_field_and_value(field, value, problem):
    with pytest.raises(ContractsError) as caught:
        make_terms({**GOOD, field: value})
    line = caught.value.line()
    assert line.startswith(field) and str(value) in line and problem in line


def test_a_stub_is_fine_under_calendar_alignment():
    terms = make_terms({**GOOD, "billing_months": 10, "alignment": "calendar"})
    assert terms.billing_months == 10


def test_service_months_default_to_billing_months():
    assert make_terms(GOOD).service_months == 72


def test_unknown_term_is_refused():
    with pytest.raises(ContractsError, match="annual_feee"):
        make_terms({**GOOD, "annual_feee": "1"})


def test_file_errors_name_the_file_and_the_entry():
    text = '[[contract]]\ncode="A"\nname="a"\nbilling_start=2020-01-01\nbilling_months=12\nannual_fee="1"\n' \
           '[[contract]]\ncode="B"\nname="b"\nbilling_start=2020-01-01\nbilling_months=12\nannual_fee="1.234"\n'
    with pytest.raises(ContractsError) as caught:
        parse_portfolio(text, "p.toml")
    assert caught.value.line() == "p.toml: contract #2 (B): annual_fee '1.234': has more than two decimals; amounts are kept to the fen (0.01)"


def test_toml_floats_stay_exact():
    text = '[[contract]]\ncode="ROAD"\nname="r"\nbilling_start=2019-09-19\nbilling_months=60\nannual_fee=3379113.6\n'
    assert str(parse_portfolio(text, "p.toml").contracts[0].annual_fee) == "3379113.60"


def test_malformed_toml():
    with pytest.raises(ContractsError, match="is not valid TOML"):
        parse_portfolio("[[contract]\ncode=", "bad.toml")


def test_duplicate_code_in_file():
    entry = '[[contract]]\ncode="A"\nname="a"\nbilling_start=2020-01-01\nbilling_months=12\nannual_fee="1"\n'
    with pytest.raises(ContractsError, match="appears twice"):
        parse_portfolio(entry * 2, "p.toml")
