"""Amendments (补充协议): effective-dated changes, schedules before and after, paid installments kept."""

import datetime as dt
from decimal import Decimal

import pytest

from contracts.amendments import amended_schedule, make_amendment, over_ten_percent
from contracts.errors import ContractsError
from contracts.payables import build_ledger
from contracts.payments import Payment
from contracts.terms import make_terms

from .conftest import EXAMPLE

D = dt.date
TW1 = make_terms({"code": "TW1", "name": "x", "billing_start": "2018-03-30", "billing_months": 72, "annual_fee": "1716000"})


def test_a_new_fee_prices_the_periods_that_start_on_or_after_its_day():
    raise_fee = make_amendment({"effective_from": "2023-03-30", "annual_fee": "1800000"}, TW1, [])
    schedule = amended_schedule(TW1, [raise_fee])
    assert [i.seq for i in schedule] == list(range(1, 25))
    assert {i.amount for i in schedule if i.period_start < D(2023, 3, 30)} == {Decimal("429000.00")}
    assert {i.amount for i in schedule if i.period_start >= D(2023, 3, 30)} == {Decimal("450000.00")}
    # Four quarters at 21,000.00 more: 84,000.00 on 10,296,000.00 is under 10%.
    original, amended, flag = over_ten_percent(TW1, schedule)
    assert (original, amended, flag) == (Decimal("10296000.00"), Decimal("10380000.00"), False)


def test_an_extension_adds_installments_and_can_pass_ten_percent():
    extend = make_amendment({"effective_from": "2024-03-01", "billing_months": 84}, TW1, [])
    schedule = amended_schedule(TW1, [extend])
    assert len(schedule) == 28 and schedule[-1].period_end == D(2025, 3, 30)
    original, amended, flag = over_ten_percent(TW1, schedule)
    assert amended - original == Decimal("1716000.00") and flag  # a whole extra year: 16.7%


def test_paid_installments_keep_their_amount():
    raise_fee = make_amendment({"effective_from": "2018-03-30", "annual_fee": "2000000"}, TW1, [])
    paid = [Payment(1, "TW1", D(2018, 7, 1), Decimal("429000.00"), seq=1)]
    ledger = build_ledger(TW1, payments=paid, amendments=[raise_fee])
    assert (ledger.payable(1).gross, ledger.payable(1).state) == (Decimal("429000.00"), "paid")
    assert ledger.payable(2).gross == Decimal("500000.00")


@pytest.mark.parametrize("raw, message", [
    ({"effective_from": "2017-01-01", "annual_fee": "1"}, "effective_from '2017-01-01': is outside the contract"),
    ({"effective_from": "2019-01-01"}, "annual_fee: give what the amendment changes"),
    ({"effective_from": "2019-01-01", "billing_months": 60}, "billing_months 60: is shorter than the 72 months in force"),
    ({"effective_from": "2019-01-01", "annual_fee": "-1"}, "annual_fee '-1': must be more than zero"),
    ({"effective_from": "2019-01-01", "billing_months": 73}, "billing_months 73: is not a whole number of quarterly installments"),
])
def test_bad_amendments(raw, message):
    with pytest.raises(ContractsError) as caught:
        make_amendment(raw, TW1, [])
    assert caught.value.line().startswith(message)


def test_amend_through_the_cli(loaded):
    out = loaded("--user", "li", "amend", "TW2", "--from", "2024-02-24", "--annual-fee", "5500000", "--ref", "补充协议1号").stdout
    assert "installments changed by the amendment from 2024-02-24" in out
    assert "contract total: 14,789,260.08 originally, 15,359,506.72 as amended" in out
    rows = loaded.json("schedule", "TW2")
    assert [r["amount"] for r in rows[8:]] == ["1375000.00"] * 4 and rows[0]["amount"] == "1232438.34"
    assert {r["amount"] for r in loaded.json("schedule", "TW2", "--original")} == {"1232438.34"}
    shown = loaded.json("show", "TW2", "--as-of", "2026-11-24")
    assert (shown["annual_fee"], shown["total"]) == ("5500000.00", "15359506.72")
    assert loaded.json("history", "TW2")[-1]["action"] == "amend"
    out = loaded("amend", "TW2", "--from", "2025-01-01", "--service-months", "72").stdout
    assert loaded.json("expiring", "--within", "800", "--as-of", "2026-11-24")[-1]["service_end"] == "2028-02-24"
    [row] = [r for r in loaded.json("list") if r["code"] == "TW2"]
    assert (row["service_end"], row["total"]) == ("2028-02-24", "15359506.72")
    result = loaded("amend", "TW2", "--from", "2025-01-01", "--annual-fee", "1", ok=False)
    assert "has an amendment of TW2 already" in result.stderr


def test_amendments_round_trip_through_export(loaded, tmp_path):
    from .conftest import Cli

    loaded("amend", "TW1", "--from", "2023-03-30", "--annual-fee", "1800000", "--ref", "补充协议")
    path = tmp_path / "e.json"
    loaded("export", str(path))
    target = Cli(f"sqlite:///{tmp_path / 'r.db'}")
    target("import", str(path))
    again = tmp_path / "again.json"
    target("export", str(again))
    assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
    assert "amendment" in path.read_text(encoding="utf-8") and EXAMPLE.exists()


def test_check_flags_amendments_past_ten_percent(loaded):
    loaded("amend", "TW1", "--from", "2024-03-01", "--billing-months", "84")
    finding = next(f for f in loaded.json("check", "--as-of", "2024-06-01") if f["check"] == "amended over 10%")
    assert (finding["record"], finding["stated"], finding["computed"]) == ("contract TW1", "10296000.00", "12012000.00")


def test_importing_an_amendment_twice_changes_nothing_and_a_different_one_is_refused(loaded, tmp_path):
    path = tmp_path / "amend.toml"
    path.write_text('[[amendment]]\ncontract = "TW1"\neffective_from = 2023-03-30\nannual_fee = "1800000"\n', encoding="utf-8")
    assert "1 added" in loaded("import", str(path)).stdout
    assert "1 unchanged" in loaded("import", str(path)).stdout
    path.write_text('[[amendment]]\ncontract = "TW1"\neffective_from = 2023-03-30\nannual_fee = "1900000"\n', encoding="utf-8")
    result = loaded("import", str(path), ok=False)
    assert "has an amendment of TW1 already" in result.stderr
