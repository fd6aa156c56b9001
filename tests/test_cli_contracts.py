"""The foundation's commands, through Typer's runner, on every backend under test."""


import pytest

from .conftest import EXAMPLE

TW2_SHOWN = {
    "code": "TW2", "billing_start": "2022-02-24", "billing_months": 36, "service_months": 60,
    "annual_fee": "4929753.36", "frequency": "quarterly", "alignment": "anniversary", "timing": "arrears",
    "payment_lag_days": 0, "stated_end": "2027-02", "billing_end": "2025-02-24", "service_end": "2027-02-24",
    "status": "billing ended, serving", "days_left": 92, "total": "14789260.08", "installments": 12,
}


def export(cli):
    """Everything the store holds, as the list command shows it (the store's observable state)."""
    return cli.json("list", "--as-of", "2026-11-24")


def test_version():
    from typer.testing import CliRunner

    from cli.main import app

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("contracts ")


def test_show_tw2(loaded):
    shown = loaded.json("show", "TW2", "--as-of", "2026-11-24")
    assert {key: shown[key] for key in TW2_SHOWN} == TW2_SHOWN
    table = loaded("show", "TW2", "--as-of", "2026-11-24").stdout
    assert "12 quarterly installments of 1,232,438.34, total 14,789,260.08" in table


def test_show_points_out_a_stated_end_that_the_terms_do_not_give(loaded):
    out = loaded("show", "ROAD", "--as-of", "2024-01-01").stdout
    assert "the source states the end as '2024-12'; the terms give 2024-09-19" in out


def test_schedule_tw2_as_json(loaded):
    rows = loaded.json("schedule", "TW2")
    assert len(rows) == 12
    assert rows[0] == {"contract": "TW2", "seq": 1, "period_start": "2022-02-24", "period_end": "2022-05-24",
                       "due": "2022-05-24", "amount": "1232438.34", "basis": "computed"}
    assert rows[-1]["period_end"] == "2025-02-24"


def test_schedule_window_and_csv(loaded):
    out = loaded("schedule", "TW1", "--from", "2023-01-01", "--to", "2023-12-31", "--format", "csv").stdout
    lines = out.strip().splitlines()
    assert lines[0] == "contract,seq,period_start,period_end,due,amount,basis"
    assert lines[1:] == ["TW1,20,2022-12-30,2023-03-30,2023-03-30,429000.00,computed",
                         "TW1,21,2023-03-30,2023-06-30,2023-06-30,429000.00,computed",
                         "TW1,22,2023-06-30,2023-09-30,2023-09-30,429000.00,computed",
                         "TW1,23,2023-09-30,2023-12-30,2023-12-30,429000.00,computed"]


def test_expiring_as_of_2026_11_24(loaded):
    rows = loaded.json("expiring", "--within", "120", "--as-of", "2026-11-24")
    assert rows == [{"contract": "TW2", "name": "天网二期 Tianwang phase 2 (200 new points)", "billing_end": "2025-02-24",
                     "service_end": "2027-02-24", "days_left": 92, "status": "billing ended, serving"}]
    assert loaded.json("expiring", "--within", "91", "--as-of", "2026-11-24") == []


def test_expiring_orders_soonest_first(loaded):
    rows = loaded.json("expiring", "--within", "600", "--as-of", "2023-06-01")
    assert [row["contract"] for row in rows] == ["SEAL-2021", "TW1", "ROAD"]
    assert [row["days_left"] for row in rows] == [30, 303, 476]


def test_list_json_has_every_term(loaded):
    rows = export(loaded)
    assert [row["code"] for row in rows] == ["ENTRY", "ROAD", "ROAD-INC", "SEAL-2020", "SEAL-2021", "TW1", "TW2"]
    entry = rows[0]
    assert entry["completed_on"] == "2022-09-30" and entry["stated_end"] == "2026-03" and entry["status"] == "expired"
    assert "于2022年9月30日完工" in entry["notes"]


def test_import_twice_changes_nothing(loaded):
    before = export(loaded)
    out = loaded("import", str(EXAMPLE)).stdout
    assert "0 added, 7 unchanged" in out
    assert export(loaded) == before


def test_import_conflict_names_the_code_and_writes_nothing(loaded, tmp_path):
    changed = EXAMPLE.read_text(encoding="utf-8").replace('annual_fee = "221400.00"', 'annual_fee = "230000.00"')
    extra = '\n[[contract]]\ncode = "NEW"\nname = "n"\nbilling_start = 2024-01-01\nbilling_months = 12\nannual_fee = "12"\n'
    path = tmp_path / "changed.toml"
    path.write_text(changed + extra, encoding="utf-8")
    before = export(loaded)
    result = loaded("import", str(path), ok=False)
    assert result.stderr.strip() == "error: code 'ENTRY': exists already with other terms; use --update to replace them"
    assert export(loaded) == before  # NEW was not added either: all or nothing
    assert "1 added, 1 updated (ENTRY), 6 unchanged" in loaded("import", str(path), "--update").stdout
    assert loaded.json("show", "ENTRY")["annual_fee"] == "230000.00"


def test_add_with_every_term(cli):
    cli("add", "--code", "SEAL-21", "--name", "印章刻制", "--vendor", "乐山鑫昌鑫印章雕刻中心", "--buyer", "峨眉山市行政审批局",
        "--signed-on", "2021-06-20", "--billing-start", "2021-07-01", "--billing-months", "24", "--annual-fee", "120000",
        "--frequency", "monthly", "--alignment", "calendar", "--timing", "advance", "--payment-lag-days", "15",
        "--stated-end", "2023-06-30", "--completed-on", "2021-06-30", "--notes", "n", "--source", "s", "--service-months", "24")
    shown = cli.json("show", "SEAL-21", "--as-of", "2022-01-01")
    assert shown["frequency"] == "monthly" and shown["alignment"] == "calendar" and shown["timing"] == "advance"
    assert shown["payment_lag_days"] == 15 and shown["total"] == "240000.00" and shown["service_end"] == "2023-07-01"
    assert shown["status"] == "active"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--annual-fee", "-5"], "error: annual_fee '-5': must be more than zero"),
        (["--annual-fee", "0"], "error: annual_fee '0': must be more than zero"),
        (["--annual-fee", "12.345"], "error: annual_fee '12.345': has more than two decimals"),
        (["--billing-months", "0"], "error: billing_months 0: must be between 1 and 1200"),
        (["--billing-months", "-3"], "error: billing_months -3: must be between 1 and 1200"),
        (["--billing-months", "10"], "error: billing_months 10: is not a whole number of quarterly installments"),
        (["--billing-start", "2023-02-30"], "error: billing_start '2023-02-30': is not a real date"),
        (["--frequency", "weekly"], "error: frequency 'weekly': must be one of"),
    ],
)
def test_add_refuses_bad_input_in_one_line_and_writes_nothing(loaded, args, message):
    base = {"--code": "NEW", "--name": "n", "--billing-start": "2024-01-01", "--billing-months": "12", "--annual-fee": "1000"}
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value
    before = export(loaded)
    result = loaded("add", *[item for pair in base.items() for item in pair], ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert export(loaded) == before


def test_add_duplicate_code(loaded):
    result = loaded("add", "--code", "TW1", "--name", "n", "--billing-start", "2024-01-01", "--billing-months", "12",
                    "--annual-fee", "1000", ok=False)
    assert result.stderr.strip() == "error: code 'TW1': exists already; use 'contracts import --update' to change its terms"


def test_unknown_code(loaded):
    for command in (["show", "NOPE"], ["schedule", "NOPE"]):
        result = loaded(*command, ok=False)
        assert result.stderr.strip() == "error: code 'NOPE': is not a contract in this store ('contracts list' shows them)"


def test_malformed_toml_writes_nothing(loaded, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[[contract]]\ncode = "X"\nname = \n', encoding="utf-8")
    before = export(loaded)
    result = loaded("import", str(path), ok=False)
    assert result.stderr.startswith(f"error: file '{path}': is not valid TOML")
    assert export(loaded) == before


def test_bad_options(loaded):
    assert loaded("expiring", "--within", "soon", ok=False).stderr.strip() == "error: within 'soon': must be a whole number"
    assert loaded("list", "--as-of", "2024-02-30", ok=False).stderr.strip() == "error: as_of '2024-02-30': is not a real date"
    assert loaded("list", "--format", "xml", ok=False).stderr.strip() == "error: format 'xml': must be one of: table, json, csv, xlsx"
    assert loaded("import", "missing.toml", ok=False).stderr.strip() == "error: file 'missing.toml': does not exist"


def test_every_command_is_in_the_readme():
    """As sqlite-utils does: a command nobody can find in the README is a command nobody uses."""
    from typer.main import get_command

    from cli.main import app

    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = get_command(app)
    names = []
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        names += [f"contracts {name} {sub}" for sub in subcommands] if subcommands else [f"contracts {name}"]
    missing = [name for name in names if f"`{name}" not in readme]
    assert not missing, f"not in the README: {missing}"


def test_a_command_line_that_does_not_parse_is_one_line_too(loaded):
    for args, message in [(["list", "--bogus"], "error: No such option: --bogus (see 'root list --help')"),
                          (["schedule"], "error: Missing argument 'code'. (see 'root schedule --help')"),
                          (["budget", "add", "-0", "--year", "2024"], "error: No such option: -0 (see 'root budget add --help')")]:
        result = loaded(*args, ok=False)
        assert result.exit_code == 2 and result.stderr.strip() == message
