"""#18 points 5 and 6: bounds on every derived amount, strict money, and the three tracebacks.

Found: ``usage --quantity 9999999999999999`` was accepted and reports showed 5x10^18 yuan; a larger quantity
crashed on SQLite (OverflowError), as did ``rule add ... --per-step-share inf``; a TOML file of deeply nested
arrays raised RecursionError; ``--amount 1,50`` was recorded as 150.00, Arabic-Indic and full-width digits were
read as numbers, ``-0`` was stored and shown as ``-0.00``; metrics such as online_rate=150, -5 and 1e400, and a
scorecard whose bands are not monotone, were accepted.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from contracts.errors import ContractsError
from contracts.money import parse_money, parse_share
from contracts.stated import parse_stated

from .conftest import EXAMPLE
from .test_cli_payables import TW2_RULES
from .test_limits import stored


def one_line(result, start: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stderr.startswith(start), result.stderr
    assert result.stderr.count("\n") == 1


# -- the three tracebacks -----------------------------------------------------------------------------

def test_an_infinite_share_is_one_line(loaded, tmp_path):
    before = stored(loaded, tmp_path)
    result = loaded("rule", "add", "TW2", "--name", "x", "--kind", "threshold", "--effective-from", "2022-02-24", "--metric",
                    "online_rate", "--threshold", "95", "--step", "1", "--per-step-share", "inf", ok=False)
    one_line(result, "error: per_step_share 'inf': is not a share")
    for share in ("NaN", "1e999999999", "-inf", "1/0", "0.0000001", "1/99999999999999999999"):
        result = loaded("rule", "add", "TW2", "--name", "x", "--kind", "threshold", "--effective-from", "2022-02-24", "--metric",
                        "online_rate", "--threshold", "95", "--step", "1", "--per-step-share", share, ok=False)
        one_line(result, "error: per_step_share")
    assert stored(loaded, tmp_path) == before


def test_a_huge_quantity_is_one_line(loaded, tmp_path):
    before = stored(loaded, tmp_path)
    for quantity in ("99999999999999999999", "9999999999999999", "1000000001"):
        result = loaded("usage", "SEAL-2021", "--period", "2023-01", "--quantity", quantity, ok=False)
        one_line(result, "error: quantity")
        assert "must be at most 1,000,000,000" in result.stderr
    assert stored(loaded, tmp_path) == before


@pytest.mark.parametrize("nested", [
    "x = " + "[" * 5000 + "]" * 5000,  # arrays: the parser recursed
    "x = " + "{a = " * 3000 + "1" + "}" * 3000,  # inline tables
    "[[contract]]\nnotes" + ".a" * 5000 + " = 1",  # dotted keys nest without brackets
    '[[contract]]\nnotes = "' + "[" * 5000 + '"',  # brackets inside a string are text, not nesting: an ordinary error
])
def test_a_deeply_nested_file_is_one_line(cli, tmp_path, nested):
    path = tmp_path / "nested.toml"
    path.write_text(nested, encoding="utf-8")
    result = cli("import", str(path), ok=False)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    if '"' not in nested:
        assert "nests more than 32 levels deep" in result.stderr


def test_deeply_nested_json_is_one_line(cli, tmp_path):
    path = tmp_path / "nested.json"
    path.write_text('{"format": "contracts-export", "x": ' + "[" * 100000 + "]" * 100000 + "}", encoding="utf-8")
    one_line(cli("import", str(path), ok=False), f"error: file '{path}': nests more than 32 levels deep")
    path.write_text('{"format": "contracts-export", "n": ' + "9" * 5000 + "}", encoding="utf-8")
    one_line(cli("import", str(path), ok=False), f"error: file '{path}': is not a contracts export")


# -- bounds on derived amounts ------------------------------------------------------------------------

def test_files_are_refused_by_size_and_what_they_unpack_to(cli, tmp_path, monkeypatch):
    import cli.input_files as input_files

    monkeypatch.setattr(input_files, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * 2000 + "\n", encoding="utf-8")
    one_line(cli("import", str(big), ok=False), f"error: file '{big}': is 0 MB; files of at most 0 MB are read")
    monkeypatch.setattr(input_files, "MAX_FILE_BYTES", 10**9)
    monkeypatch.setattr(input_files, "MAX_UNPACKED_BYTES", 10000)
    book = tmp_path / "template.xlsx"
    cli("template", "-o", str(book))
    one_line(cli("import", str(book), ok=False), f"error: file '{book}': unpacks to")


def test_a_contract_whose_total_passes_the_money_cap_is_refused(cli):
    result = cli("add", "--code", "BIG", "--name", "big", "--billing-start", "2024-01-01", "--billing-months", "1200",
                 "--annual-fee", "99999999999999.99", ok=False)
    one_line(result, "error: annual_fee '99999999999999.99': over 1200 months comes to more than the largest amount kept here")


def test_usage_whose_cost_passes_the_cap_is_refused(cli, tmp_path):
    path = tmp_path / "unit.toml"
    path.write_text('[[contract]]\ncode = "U"\nname = "u"\nbilling_start = 2023-01-01\nbilling_months = 12\n'
                    'pricing = "unit"\nunit_price = "90000000000000.00"\nunit = "set"\n', encoding="utf-8")
    cli("import", str(path))
    # one set at 90,000,000,000,000.00 is past a twelfth of the money cap (8,333,333,333,333.33): a year projected
    # from one month of it would pass the cap itself
    result = cli("usage", "U", "--period", "2023-01", "--quantity", "1", ok=False)
    one_line(result, "error: quantity 1: would bring the cost of the usage of contract U to 90000000000000.00, past 8333333333333.33")
    cli("usage", "U", "--period", "2023-01", "--quantity", "0")


@pytest.fixture
def tw2(loaded):
    for args in TW2_RULES:
        loaded(*args)
    return loaded


@pytest.mark.parametrize("value, message", [
    ("150", "error: metric online_rate '150': must be between 0 and 100 (rule 'online'; a rate is a percentage)"),
    ("-5", "error: metric online_rate '-5': must be between 0 and 100"),
    ("1e400", "error: metric online_rate '1e400': is not a number (e.g. 93.4)"),
    ("NaN", "error: metric online_rate 'NaN': is not a number"),
    ("inf", "error: metric online_rate 'inf': is not a number"),
    ("９５", "error: metric online_rate '９５': is not a number (e.g. 93.4) (it holds fullwidth digit nine '９'"),
    ("95.0000001", "error: metric online_rate '95.0000001': has more than 6 decimals"),
])
def test_metrics_stay_within_their_range(tw2, tmp_path, value, message):
    before = stored(tw2, tmp_path)
    result = tw2("assess", "TW2", "--seq", "7", "--metric", f"online_rate={value}", "--on", "2023-12-01", ok=False)
    one_line(result, message)
    assert stored(tw2, tmp_path) == before


def test_a_rule_declares_its_metric_range_and_thresholds_stay_inside(tw2):
    rule = ("rule", "add", "TW2", "--name", "response", "--kind", "per_unit", "--effective-from", "2023-01-01",
            "--metric", "response_hours", "--rate", "100")
    tw2(*rule, "--metric-max", "720")
    result = tw2("assess", "TW2", "--seq", "7", "--metric", "online_rate=96", "--metric", "response_hours=800", "--on", "2023-12-01",
                 ok=False)
    one_line(result, "error: metric response_hours '800': must be between 0 and 720 (rule 'response')")
    tw2("assess", "TW2", "--seq", "7", "--metric", "online_rate=96", "--metric", "response_hours=30", "--on", "2023-12-01")
    [row] = tw2.json("payable", "TW2", "--seq", "7")
    assert row["total_deduction"] == "3000.00"  # 30 hours x 100.00
    one_line(tw2("rule", "add", "TW2", "--name", "t", "--kind", "threshold", "--effective-from", "2024-01-01", "--metric", "online_rate",
                 "--threshold", "150", "--step", "1", "--per-step-share", "1/45", ok=False),
             "error: threshold '150': is outside the range of online_rate (0 to 100)")


def test_a_deduction_computed_past_the_cap_is_refused(tw2):
    tw2("rule", "add", "TW2", "--name", "huge", "--kind", "threshold", "--effective-from", "2023-01-01", "--metric", "faults",
        "--direction", "above", "--threshold", "0", "--step", "0.000001", "--per-step-amount", "90000000000000")
    result = tw2("assess", "TW2", "--seq", "7", "--metric", "online_rate=96", "--metric", "faults=1000", "--on", "2023-12-01", ok=False)
    # 1000 / 0.000001 = 10^9 steps x 90,000,000,000,000.00: far past the cap, even before the net floors it at zero
    one_line(result, "error: faults '1000': makes rule 'huge' withhold")


def test_scorecard_bands_must_be_monotone(tw2):
    result = tw2("rule", "add", "TW2", "--name", "score", "--kind", "scorecard", "--effective-from", "2024-01-01", "--bands",
                 "90:10%,80:5%", ok=False)
    one_line(result, "error: bands '90:10%,80:5%': are not monotone: below 80 withholds 5%, less than the 10% withheld below 90")


# -- strict money -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, amount", [
    ("1234.56", "1234.56"), ("1,234.56", "1234.56"), (" 1,234,567.89 ", "1234567.89"), ("+5", "5.00"), ("12", "12.00"),
    ("999", "999.00"), ("1,000", "1000.00"),
])
def test_money_people_type(text, amount):
    assert parse_money(text, "amount") == Decimal(amount)


@pytest.mark.parametrize("text, message", [
    ("1,50", "uses a comma where a decimal point belongs"),
    ("12,5", "uses a comma where a decimal point belongs"),
    ("1,2345.00", "has commas out of place"),
    ("12,34,567", "has commas out of place"),
    ("１２３", "holds digits other than 0-9"),
    ("١٢٣", "holds digits other than 0-9"),
    ("1_000", "is not an amount of money"),
    ("1e5", "is not an amount of money"),
    ("Infinity", "is not an amount of money"),
    ("NaN", "is not an amount of money"),
    (".5", "is not an amount of money"),
    ("1 000", "is not an amount of money"),
])
def test_money_read_strictly(text, message):
    with pytest.raises(ContractsError) as caught:
        parse_money(text, "amount")
    assert message in caught.value.line()


def test_minus_zero_is_zero():
    assert str(parse_money("-0", "owed", allow_zero=True)) == "0.00"
    assert str(parse_money(Decimal("-0.00"), "owed", allow_zero=True)) == "0.00"
    assert parse_stated("-0", "yuan", "spent").text == "0"
    assert str(parse_stated("-0.00", "wan", "spent").yuan) == "0.00"
    with pytest.raises(ContractsError, match="uses a comma"):
        parse_stated("543,17", "wan", "adjusted")


def test_strict_money_on_the_command_line(loaded, tmp_path):
    before = stored(loaded, tmp_path)
    one_line(loaded("pay", "ENTRY", "--amount", "1,50", "--on", "2023-06-20", "--seq", "1", ok=False),
             "error: amount '1,50': uses a comma where a decimal point belongs: write 1.50")
    one_line(loaded("pay", "ENTRY", "--amount", "５５３５０", "--on", "2023-06-20", "--seq", "1", ok=False),
             "error: amount '５５３５０': holds digits other than 0-9")
    one_line(loaded("pay", "ENTRY", "--seq", "１", "--amount", "5", "--on", "2023-06-20", ok=False), "error: seq '１': must be")
    assert stored(loaded, tmp_path) == before
    loaded("opening", "ENTRY", "--as-of", "2023-03-17", "--owed", "-0")
    assert "-0.00" not in json.dumps(loaded.json("payable", "ENTRY"))


def test_shares_read_strictly():
    assert parse_share("1/45", "s") == parse_share(" 1 / 45 ", "s")
    assert str(parse_share("5%", "s")) == "1/20"
    for bad in ("１/45", "1e-2", "inf", "nan", "0.0000001", "1/2000000"):
        with pytest.raises(ContractsError):
            parse_share(bad, "s")


def test_every_amount_in_a_file_is_strict(cli, tmp_path):
    path = tmp_path / "comma.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace('annual_fee = "221400.00"', 'annual_fee = "221400,00"'),
                    encoding="utf-8")
    result = cli("import", str(path), ok=False)
    assert "contract #5 (ENTRY): annual_fee '221400,00': uses a comma where a decimal point belongs" in result.stderr
