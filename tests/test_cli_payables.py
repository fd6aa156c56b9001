"""Assessments, payables, payments and arrears through the CLI, on every backend under test."""

from decimal import Decimal

import pytest

from .conftest import ROOT

DEMO = ROOT / "examples" / "demo-om.toml"

TW2_RULES = [
    ("rule", "add", "TW2", "--name", "online", "--kind", "threshold", "--effective-from", "2022-02-24", "--metric",
     "online_rate", "--threshold", "95", "--step", "1", "--per-step-share", "1/45", "--position", "1"),
    ("rule", "add", "TW2", "--name", "findings", "--kind", "itemized", "--effective-from", "2022-02-24", "--position", "2"),
]


def snapshot(cli):
    """What the store shows: contracts, every payable and every payment (to compare before and after a refusal)."""
    codes = [row["code"] for row in cli.json("list")]
    return {
        "list": cli.json("list", "--as-of", "2030-01-01"),
        "payable": {code: cli.json("payable", code, "--as-of", "2030-01-01") for code in codes},
        "payments": {code: cli.json("payments", code, "--as-of", "2030-01-01") for code in codes},
    }


@pytest.fixture
def tw2(loaded):
    for args in TW2_RULES:
        loaded(*args)
    return loaded


def test_rules_in_words(tw2):
    rows = tw2.json("rules", "TW2", "--as-of", "2024-01-01")
    assert [(r["name"], r["description"]) for r in rows] == [
        ("online", "online_rate below 95: each started step of 1 withholds 1/45 of the installment"),
        ("findings", "the amounts the assessor lists, each with its reason"),
    ]
    # TW1 records only that deductions are made (the source gives no rules): payable at gross, as an upper bound.
    assert [(r["name"], r["kind"]) for r in tw2.json("rules", "TW1")] == [("assessment", "unrecorded")]


def test_assess_then_payable_shows_each_deduction(tw2):
    tw2("assess", "TW2", "--seq", "7", "--metric", "online_rate=93.4", "--item", "3 cameras offline 5 days=1500",
        "--by", "Li Wei", "--on", "2023-12-01")
    [row] = tw2.json("payable", "TW2", "--seq", "7", "--as-of", "2024-01-01")
    # 1,232,438.34 x 2/45 = 54,775.04, plus 1,500.00 itemized: net 1,176,163.30.
    assert {k: row[k] for k in ("contract", "seq", "due", "gross", "net", "paid", "owed", "state")} == {
        "contract": "TW2", "seq": 7, "due": "2023-11-24", "gross": "1232438.34", "net": "1176163.30", "paid": "0.00",
        "owed": "1176163.30", "state": "payable"}
    assert [(d["rule"], d["amount"], d["inputs"]) for d in row["deductions"]] == [
        ("online", "54775.04", "online_rate=93.4"), ("findings", "1500.00", "1 item(s)")]
    assert row["deductions"][1]["reason"] == "3 cameras offline 5 days: 1500.00"
    table = tw2("payable", "TW2", "--seq", "7", "--as-of", "2024-01-01").stdout
    assert "Deductions from TW2 seq 7" in table and "54,775.04" in table
    # seq 8 has rules in force but no assessment yet.
    [row] = tw2.json("payable", "TW2", "--seq", "8", "--as-of", "2024-03-01")
    assert row["state"] == "awaiting assessment" and row["net"] is None


def test_correcting_an_assessment_needs_replace_and_keeps_the_earlier_version(tw2):
    tw2("assess", "TW2", "--seq", "7", "--metric", "online_rate=93.4", "--on", "2023-12-01")
    result = tw2("assess", "TW2", "--seq", "7", "--metric", "online_rate=96", "--on", "2023-12-02", ok=False)
    assert result.stderr.strip() == ("error: seq 7: of TW2 is assessed already (on 2023-12-01); use --replace to record a "
                                     "corrected version (the earlier one is kept)")
    out = tw2("assess", "TW2", "--seq", "7", "--metric", "online_rate=96", "--on", "2023-12-02", "--replace").stdout
    assert "(version 2)" in out
    [row] = tw2.json("payable", "TW2", "--seq", "7")
    assert row["net"] == "1232438.34"
    # As of the day of the first version, the first version still answers.
    [row] = tw2.json("payable", "TW2", "--seq", "7", "--as-of", "2023-12-01")
    assert row["net"] == "1177663.30"


def test_payable_by_quarter_lists_every_contract(loaded):
    rows = loaded.json("payable", "--quarter", "2024Q1", "--as-of", "2024-04-01")
    assert [(r["contract"], r["seq"], r["due"], r["gross"]) for r in rows] == [
        ("ENTRY", 4, "2024-03-17", "55350.00"), ("ROAD", 18, "2024-03-19", "844778.40"),
        ("ROAD-INC", 15, "2024-01-28", "144000.00"), ("TW1", 24, "2024-03-30", "429000.00"),
        ("TW2", 8, "2024-02-24", "1232438.34")]
    assert all(r["state"] == "payable" for r in rows)


def test_pay_fifo_with_allocation_shown(loaded):
    out = loaded("pay", "TW2", "--amount", "1300000", "--on", "2024-06-20", "--ref", "voucher 2024-118").stdout
    assert out.splitlines() == ["recorded payment 3: 1,300,000.00 to TW2 on 2024-06-20 (voucher 2024-118)",
                                "  seq 4: 1,232,438.34", "  seq 5: 67,561.66"]
    [row] = loaded.json("payable", "TW2", "--seq", "5")
    assert (row["paid"], row["owed"], row["state"]) == ("67561.66", "1164876.68", "partly paid")


def test_paying_more_than_is_owed_is_refused_unless_credit(loaded):
    before = snapshot(loaded)
    result = loaded("pay", "ENTRY", "--amount", "60000", "--on", "2023-06-20", "--seq", "1", ok=False)
    assert result.stderr.strip() == ("error: amount '60000.00': is more than is owed on ENTRY (seq 1: 55350.00 owed); "
                                     "use --allow-credit to record the excess as a credit to the vendor")
    assert snapshot(loaded) == before
    out = loaded("pay", "ENTRY", "--amount", "60000", "--on", "2023-06-20", "--seq", "1", "--allow-credit").stdout
    assert "credit to the vendor: 4,650.00" in out
    [row] = loaded.json("payments", "ENTRY")
    assert row["credit"] == "4650.00" and row["allocated"] == "1: 55350.00"
    summary = loaded.json("arrears", "--summary", "--as-of", "2023-06-30")
    assert next(r for r in summary if r["contract"] == "ENTRY")["credit"] == "4650.00"


def test_reversal(loaded):
    loaded("pay", "ENTRY", "--amount", "55350", "--on", "2023-06-20", "--seq", "1")
    payment_id = loaded.json("payments", "ENTRY")[0]["id"]
    out = loaded("pay", "ENTRY", "--reverse", str(payment_id), "--on", "2023-06-21").stdout
    assert f"reversal of payment {payment_id} (-55,350.00)" in out
    rows = loaded.json("payments", "ENTRY")
    assert [(r["amount"], r["reverses"], r["reversed_by"]) for r in rows] == [
        ("55350.00", None, rows[1]["id"]), ("-55350.00", payment_id, None)]
    [row] = loaded.json("payable", "ENTRY", "--seq", "1")
    assert row["state"] == "payable"
    assert loaded("pay", "ENTRY", "--reverse", str(payment_id), ok=False).stderr.strip() == f"error: reverse {payment_id}: is reversed already"


def test_arrears_as_of_2023_year_end(loaded):
    summary = {row["contract"]: row for row in loaded.json("arrears", "--summary", "--as-of", "2023-12-31")}
    # TW1's 2023 payment settles the inferred opening arrears and all four 2023 installments.
    assert "TW1" not in summary
    # ROAD: 1,647,964.00 paid against 4 x 844,778.40 due in 2023: 1,731,149.60 unpaid.
    assert summary["ROAD"]["total"] == "1731149.60"
    assert summary["TW2"]["total"] == "4929753.36"
    assert summary["TOTAL"]["total"] == "7402952.96"
    rows = loaded.json("arrears", "--as-of", "2023-12-31")
    road15 = next(r for r in rows if (r["contract"], r["seq"]) == ("ROAD", 15))
    assert (road15["paid"], road15["owed"], road15["days_overdue"], road15["bucket"]) == ("803185.60", "41592.80", 195, "181-365")


def test_demo_contract_not_yet_assessed_apart(cli):
    cli("import", str(DEMO))
    summary = cli.json("arrears", "--summary", "--as-of", "2026-05-01")
    assert summary[0] == {"contract": "DEMO-OM", "0-30": "0.00", "31-90": "0.00", "91-180": "195188.89",
                          "181-365": "80000.00", "over 365": "0.00", "total": "275188.89",
                          "not_yet_assessed": "200000.00", "credit": "0.00", "basis": "computed"}
    assert "not yet assessed" in cli("arrears", "--as-of", "2026-05-01").stdout


def test_opening_once_per_contract(loaded):
    result = loaded("opening", "TW1", "--as-of", "2023-01-01", "--settled-through-seq", "18", ok=False)
    assert result.stderr.strip() == "error: contract 'TW1': has an opening balance already (one per contract); use --update to correct it"
    out = loaded("opening", "ENTRY", "--as-of", "2023-01-01", "--owed", "100", "--source", "ledger 2022").stdout
    assert out.strip() == "added: opening balance of ENTRY as of 2023-01-01: installments 1 to 0 settled, 100.00 owed"


@pytest.mark.parametrize(
    "args, message",
    [
        (["assess", "TW2", "--seq", "7", "--metric", "uptime=99", "--on", "2023-12-01"],
         "error: metric 'uptime': is not used by the rules of TW2 in force for seq 7 (known: online_rate)"),
        (["assess", "TW2", "--seq", "7", "--metric", "online_rate=93", "--score", "101", "--on", "2023-12-01"],
         "error: score '101': must be between 0 and 100"),
        (["assess", "TW2", "--seq", "40", "--metric", "online_rate=93", "--on", "2023-12-01"],
         "error: seq 40: is not in the schedule of TW2 (installments 1 to 12)"),
        (["assess", "TW2", "--seq", "8", "--metric", "online_rate=93", "--on", "2024-01-15"],
         "error: seq 8: covers 2023-11-24 to 2024-02-24, a period not yet ended on 2024-01-15"),
        (["assess", "TW2", "--seq", "7", "--on", "2023-12-01"],
         "error: metric 'online_rate': is needed by the rules of TW2 in force for seq 7"),
        (["assess", "TW2", "--seq", "7", "--metric", "online_rate=abc", "--on", "2023-12-01"],
         "error: metric online_rate 'abc': is not a number"),
        (["pay", "TW2", "--amount", "100", "--on", "2021-01-01"], "error: paid_on '2021-01-01': is before contract TW2 begins (2022-02-24)"),
        (["pay", "TW2", "--amount", "0", "--on", "2024-01-01"], "error: amount '0': must be more than zero"),
        (["pay", "TW2", "--amount", "-10", "--on", "2024-01-01"], "error: amount '-10': must be more than zero"),
        (["pay", "TW2", "--amount", "10.001", "--on", "2024-01-01"], "error: amount '10.001': has more than two decimals"),
        (["pay", "TW2", "--amount", "10", "--seq", "8", "--on", "2024-03-01"],
         "error: seq 8: of TW2 awaits assessment; record it with 'contracts assess' first"),
        (["pay", "NOPE", "--amount", "10", "--on", "2024-03-01"], "error: code 'NOPE': is not a contract in this store"),
        (["payable", "TW2", "--quarter", "2024Q5"], "error: quarter '2024Q5': is not a calendar quarter (e.g. 2024Q1)"),
        (["payable", "--quarter", "2024Q5"], "error: quarter '2024Q5': is not a calendar quarter (e.g. 2024Q1)"),
        (["payable", "--quarter", ""], "error: quarter '': is not a calendar quarter (e.g. 2024Q1)"),
        (["payable", "TW2", "--quarter", " "], "error: quarter ' ': is not a calendar quarter (e.g. 2024Q1)"),
        (["rule", "add", "TW2", "--name", "x", "--kind", "threshold", "--effective-from", "2022-02-24", "--metric", "m"],
         "error: threshold: is required (rule 'x', kind threshold)"),
    ],
)
def test_bad_input_one_line_nothing_written(tw2, args, message):
    before = snapshot(tw2)
    result = tw2(*args, ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert snapshot(tw2) == before


def test_import_with_a_bad_payment_writes_nothing(cli, tmp_path):
    text = DEMO.read_text(encoding="utf-8") + '\n[[payment]]\ncontract = "DEMO-OM"\npaid_on = 2025-04-16\namount = "999999.00"\nseq = 1\n'
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    result = cli("import", str(path), ok=False)
    assert result.stderr.startswith(f"error: {path}: payment #4: amount '999999.00': is more than is owed on DEMO-OM")
    assert cli.json("list") == []


def test_voucher_in_capital_numerals(tw2):
    tw2("assess", "TW2", "--seq", "7", "--metric", "online_rate=93.4", "--item", "3 cameras offline 5 days=1500", "--on", "2023-12-01")
    sheet = tw2.json("voucher", "TW2", "7", "--as-of", "2024-01-01")
    assert (sheet["net"], sheet["net_in_words"]) == ("1176163.30", "壹佰壹拾柒万陆仟壹佰陆拾叁元叁角")
    sheet = tw2.json("voucher", "TW1", "20", "--as-of", "2023-06-01")
    assert sheet["owed_in_words"] == "肆拾贰万玖仟元整"
    assert "awaiting assessment" in tw2("voucher", "TW2", "8", ok=False).stderr


def test_a_long_arrears_table_shows_the_sums_and_says_how_to_get_every_line(loaded, monkeypatch):
    from cli import payable_commands

    every = loaded.json("arrears", "--as-of", "2023-12-31")
    summary = loaded.json("arrears", "--summary", "--as-of", "2023-12-31")
    monkeypatch.setattr(payable_commands, "ROWS_SHOWN", len(every))  # as many lines as there are: the table lists them
    shown = loaded("arrears", "--as-of", "2023-12-31").stdout
    assert "Arrears as of 2023-12-31" in shown and "installments are in arrears" not in shown
    monkeypatch.setattr(payable_commands, "ROWS_SHOWN", len(every) - 1)  # one line more than a table shows
    shown = loaded("arrears", "--as-of", "2023-12-31").stdout
    assert "Arrears as of 2023-12-31" not in shown and "Arrears by contract as of 2023-12-31" in shown
    assert f"{len(every)} installments are in arrears: --format csv or --format json gives every one" in shown
    # The sums are the summary's own: ROAD's 1,731,149.60 (worked in test_arrears_as_of_2023_year_end) and the TOTAL.
    assert "1,731,149.60" in shown and f"{Decimal(summary[-1]['total']):,.2f}" in shown
    # Machine formats are never cut.
    assert len(loaded.json("arrears", "--as-of", "2023-12-31")) == len(every)
