"""#18 point 4: paid money is never re-priced silently.

Found: ``import --update`` with a lower fee turned recorded payments into a "credit to the vendor", and
``assess --replace`` after full payment did the same, without ``--allow-credit``; only ``check`` said so, later.

Chosen: ``import --update`` of a contract is refused when the new terms would change the amount (or due day)
of an installment money was paid on, with the amounts and the advice to record an amendment (which keeps what
was paid); ``--allow-credit`` lets a correction through. A change that leaves paid installments alone (a name,
a note, a later fee on a contract paid only at the start: no, that changes every installment) is accepted.
"""

from __future__ import annotations

import pytest

from .conftest import EXAMPLE
from .test_cli_payables import TW2_RULES
from .test_limits import stored


def entry_file(tmp_path, **changes):
    """The Emeishan file with ENTRY's terms changed."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "changed.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def paid_entry(loaded):
    # ENTRY: 221,400.00 a year, quarterly from 2023-03-17: 55,350.00 an installment (221,400 / 4)
    loaded("pay", "ENTRY", "--amount", "55350", "--on", "2023-06-20", "--seq", "1")
    return loaded


def test_update_that_would_reprice_a_paid_installment_is_refused_with_the_amounts(paid_entry, tmp_path):
    before = stored(paid_entry, tmp_path)
    lower = entry_file(tmp_path, **{'annual_fee = "221400.00"': 'annual_fee = "200000.00"'})
    result = paid_entry("import", str(lower), "--update", ok=False)
    # 200,000.00 a year is 50,000.00 a quarter: the 55,350.00 paid on seq 1 would be 5,350.00 too much
    assert result.stderr.strip() == (
        "error: code 'ENTRY': has 55,350.00 paid on seq 1; import --update of ENTRY with new terms would re-price it "
        "from 55,350.00 to 50,000.00. Record an amendment instead (contracts amend ENTRY --from DATE ...), which keeps "
        "what was paid, or give --allow-credit to re-price it anyway (any excess kept as a credit to the vendor)")
    assert stored(paid_entry, tmp_path) == before
    higher = entry_file(tmp_path, **{'annual_fee = "221400.00"': 'annual_fee = "240000.00"'})
    assert "would re-price it from 55,350.00 to 60,000.00" in paid_entry("import", str(higher), "--update", ok=False).stderr


def test_allow_credit_lets_a_correction_through_and_says_so(paid_entry, tmp_path):
    lower = entry_file(tmp_path, **{'annual_fee = "221400.00"': 'annual_fee = "200000.00"'})
    out = paid_entry("import", str(lower), "--update", "--allow-credit").stdout
    assert "1 updated (ENTRY)" in out
    [summary] = [row for row in paid_entry.json("arrears", "--summary", "--as-of", "2023-06-30") if row["contract"] == "ENTRY"]
    assert summary["credit"] == "5350.00"  # 55,350.00 paid less the 50,000.00 now due


def test_update_that_leaves_paid_installments_alone_is_accepted(paid_entry, tmp_path):
    renamed = entry_file(tmp_path, **{'name = "入川即检 entry-check cameras': 'name = "入川即检 entry-check cameras, renamed'})
    assert "1 updated (ENTRY)" in paid_entry("import", str(renamed), "--update").stdout


def test_an_amendment_is_the_way_and_keeps_what_was_paid(paid_entry):
    paid_entry("amend", "ENTRY", "--from", "2023-06-17", "--annual-fee", "200000", "--ref", "补充协议 1")
    rows = {row["seq"]: row for row in paid_entry.json("payable", "ENTRY", "--as-of", "2024-01-01")}
    assert (rows[1]["gross"], rows[1]["state"]) == ("55350.00", "paid")  # paid, kept at what it was paid at
    assert rows[2]["gross"] == "50000.00"


def test_assess_replace_after_full_payment_is_refused_with_the_amounts(loaded, tmp_path):
    for args in TW2_RULES:
        loaded(*args)
    loaded("assess", "TW2", "--seq", "7", "--metric", "online_rate=96", "--on", "2023-12-01")
    # TW2: 4,929,753.36 a year, 1,232,438.34 a quarter; online 96 >= 95 withholds nothing: net = gross, paid in full
    loaded("pay", "TW2", "--amount", "1232438.34", "--on", "2023-12-10", "--seq", "7")
    before = stored(loaded, tmp_path)
    args = ("assess", "TW2", "--seq", "7", "--metric", "online_rate=93.4", "--on", "2023-12-11", "--replace")
    result = loaded(*args, ok=False)
    # 93.4 is 2 started steps below 95: 2/45 of 1,232,438.34 = 54,775.037... -> 54,775.04; net 1,177,663.30
    assert result.stderr.strip() == (
        "error: seq 7: of TW2 has 1,232,438.34 paid on it; the corrected assessment of seq 7 would lower its net from "
        "1,232,438.34 to 1,177,663.30, leaving 54,775.04 as a credit to the vendor. Give --allow-credit if that is meant")
    assert stored(loaded, tmp_path) == before
    loaded(*args, "--allow-credit")
    [row] = loaded.json("payable", "TW2", "--seq", "7")
    assert (row["net"], row["paid"], row["state"]) == ("1177663.30", "1177663.30", "paid")


def test_a_new_rule_may_not_leave_paid_money_unplaced_either(loaded, tmp_path):
    loaded("pay", "ENTRY", "--amount", "55350", "--on", "2023-06-20", "--seq", "1")
    before = stored(loaded, tmp_path)
    args = ("rule", "add", "ENTRY", "--name", "findings", "--kind", "itemized", "--effective-from", "2023-03-17")
    # itemized findings need an assessment: the paid seq 1 would await one, its 55,350.00 settling nothing
    result = loaded(*args, ok=False)
    assert result.stderr.strip() == (
        "error: code 'ENTRY': rule 'findings' from 2023-03-17 would leave 55,350.00 of the payments on ENTRY with nothing "
        "to settle (a credit to the vendor). Give --allow-credit if that is meant")
    assert stored(loaded, tmp_path) == before
    loaded("rule", "add", "ENTRY", "--name", "findings", "--kind", "itemized", "--effective-from", "2023-06-17")  # later: fine
