"""Budgets, forecast, the fiscal-year report and checks through the CLI, on every backend under test."""

from decimal import Decimal

import pytest

from .test_cli_payables import snapshot


def test_report_fy_2023_reads_plainly(loaded):
    rows = loaded.json("report", "fy", "2023")
    police = next(r for r in rows if r["programme"] == "POLICE-IT" and r["kind"] == "programme")
    assert police == {"programme": "POLICE-IT", "item": "TOTAL", "kind": "programme", "original": "11100000.00",
                      "adjusted": "5431700.00", "obligations": "12380386.22", "paid": "5431682.26",
                      "unpaid_of_year": "7402952.96", "earlier_arrears": "0.00", "execution_rate": "1.0000", "coverage": "0.4387",
                      # TW1's 2,170,249.00 settled the 454,249.00 taken as owed before 2023 (its inferred opening) first.
                      "budget_in_force": "5431700.00", "paid_for_earlier": "454249.00",
                      "basis": "upper bound: ENTRY, ROAD, ROAD-INC, TW1, TW2: upper bounds (deductions not recorded, or not "
                               "yet assessed); ACCESS-NET, MOBILE, TW-POWER: rest on assumptions"}
    items = [r for r in rows if r["programme"] == "POLICE-IT" and r["kind"] != "programme"]
    assert sum(Decimal(r["obligations"]) for r in items) == Decimal("12380386.22")
    tw1 = next(r for r in items if r["item"] == "TW1")
    assert (tw1["obligations"], tw1["paid"], tw1["unpaid_of_year"]) == ("1716000.00", "2170249.00", "0.00")
    out = loaded("report", "fy", "2023").stdout
    assert ("POLICE-IT: 12,380,386.22 fell due; the budget in force allowed 5,431,700.00; 5,431,682.26 was paid "
            "(execution 100.00%, coverage 43.87%)") in out


def test_check_finds_what_the_source_gets_wrong(loaded):
    findings = loaded.json("check", "--as-of", "2026-11-24")
    by_check = {(f["check"], f["record"]): f for f in findings}
    road = by_check[("stated end", "contract ROAD")]
    assert (road["severity"], road["stated"], road["computed"]) == ("warning", "2024-12", "2024-09-19")
    police = by_check[("stated total", "budget POLICE-IT 2023")]
    assert (police["severity"], police["stated"], police["computed"]) == ("info", "543.17 万元", "5431682.26")
    assert by_check[("completion gap", "contract ENTRY")]["severity"] == "info"
    assert by_check[("no contract", "line TW1")]["severity"] == "warning"
    assert not any(f["severity"] == "error" for f in findings)
    assert loaded("check", "--strict", "--as-of", "2026-11-24").exit_code == 0


def test_check_strict_fails_on_an_error(loaded):
    loaded("fee-line", "amount", "TW-POWER", "--year", "2023", "--paid", "1000")  # now 1,000.00 more than the 543.17万 stated
    result = loaded("check", "--strict", "--as-of", "2026-11-24", ok=False)
    assert result.exit_code == 1 and "more than their rounding explains" in result.stdout


def test_forecast_marks_contracts_ending_in_the_window(loaded):
    rows = loaded.json("forecast", "--from", "2025", "--years", "3", "--as-of", "2024-12-31")
    tw2 = [r for r in rows if r["contract"] == "TW2"]
    assert tw2 == [{"contract": "TW2", "line": "TW2", "programme": "POLICE-IT", "year": 2025, "quarter": 1,
                    "gross": "1232438.34", "expected_net": "1232438.34",
                    "basis": "upper bound: schedule, deducted per assessment, the rules not recorded", "ends_in_window": True}]
    assert sum(Decimal(r["gross"]) for r in rows) == Decimal("1797188.34")
    out = loaded("forecast", "--from", "2025", "--years", "3", "--by", "programme", "--as-of", "2024-12-31").stdout
    assert "POLICE-IT" in out and "ends in the window: TW2 on 2027-02-24" in out


@pytest.mark.parametrize("args, message", [
    (["budget", "add", "NOPE", "--year", "2024", "--original", "5"], "error: programme 'NOPE': is not a programme"),
    (["budget", "add", "POLICE-IT", "--year", "2024", "--original", "-5"], "error: original '-5': must not be negative"),
    (["budget", "add", "POLICE-IT", "--year", "2024", "--adjusted", "5"], "error: adjusted '5': needs the original budget"),
    (["budget", "add", "POLICE-IT", "--year", "1989", "--original", "5"], "error: year 1989: is outside 1990-2100"),
    (["budget", "add", "POLICE-IT", "--year", "2023", "--original", "5"], "error: year 2023: has a budget for POLICE-IT already"),
    (["forecast", "--by", "vendor"], "error: by 'vendor': must be one of: contract, line, programme"),
    (["report", "fy", "1800"], "error: year 1800: is outside 1990-2100"),
])
def test_bad_budget_input(loaded, args, message):
    before = snapshot(loaded), loaded.json("programmes")
    result = loaded(*args, ok=False)
    assert result.stderr.startswith(message), result.stderr
    assert (snapshot(loaded), loaded.json("programmes")) == before
