"""考核 over HTTP: the form of an installment's assessment under the rules in force, previewed (nothing written)
and saved (as `contracts assess`), replaced by a new version, bad values at their field, forms without a token or
from a role that does not own assessments refused. SQLite and PostgreSQL (the ``db_url`` fixture).

Figures, by hand, from the Emeishan example: TW2 bills 4,929,753.36 a year quarterly from 2022-02-24, so each
installment is 4,929,753.36 / 4 = 1,232,438.34; installment 8 covers 2023-11-24 to 2024-02-24. The tests give TW2
two rules from 2023-11-24: online_rate below 95, each started step of 1 withholds 1/45 of the installment, and
itemized findings. An online rate of 93.5 is 1.5 below, so 2 started steps: 1,232,438.34 x 2/45 = 54,775.037...
-> 54,775.04; one finding of 1,000.00; net 1,232,438.34 - 54,775.04 - 1,000.00 = 1,176,663.30.
"""

from __future__ import annotations

from .web_forms import clerk, field_message, snapshot, site, clock  # noqa: F401

PAGE = "/contracts/TW2/installments/8/assessment"
GOOD = {"metric_online_rate": "93.5", "items": "摄像头离线=1000.00", "assessed_on": "2024-03-05",
        "assessed_by": "陈警官", "document": "考核表2024-1"}


def with_rules(cli) -> None:
    cli("rule", "add", "TW2", "--name", "online", "--kind", "threshold", "--effective-from", "2023-11-24",
        "--metric", "online_rate", "--threshold", "95", "--step", "1", "--per-step-share", "1/45")
    cli("rule", "add", "TW2", "--name", "faults", "--kind", "itemized", "--effective-from", "2023-11-24")


def test_the_form_asks_for_what_the_rules_in_force_need(site, loaded):
    with_rules(loaded)
    chen = clerk(site, "logistics")
    page = chen.get(PAGE)
    assert page.status_code == 200
    assert 'name="metric_online_rate"' in page.text and 'name="items"' in page.text
    assert 'value="logistics"' in page.text  # assessed_by: the signed-in user by default
    assert "1,232,438.34" in page.text and "待考核" in page.text  # gross, awaiting assessment
    earlier = chen.get("/contracts/TW2/installments/7/assessment")  # 2023-08-24: only the unrecorded rule
    assert 'name="metric_online_rate"' not in earlier.text


def test_preview_shows_the_deductions_and_the_net_and_writes_nothing(site, loaded, db_url):
    with_rules(loaded)
    chen = clerk(site, "logistics")
    before = snapshot(db_url)
    page = chen.send(PAGE, GOOD | {"action": "preview"})
    assert page.status_code == 200, page.text[-800:]
    assert "54,775.04" in page.text and "1,000.00" in page.text
    assert 'id="preview-net">应付净额: 1,176,663.30<' in page.text
    assert "93.5" in page.text  # the form as typed
    assert snapshot(db_url) == before


def test_save_records_the_assessment_as_the_cli_would(site, loaded, db_url):
    with_rules(loaded)
    chen = clerk(site, "logistics")
    saved = chen.send(PAGE, GOOD | {"action": "save"})
    assert saved.status_code == 303 and saved.headers["location"] == PAGE + "?saved=1"
    [row] = loaded.json("payable", "TW2", "--seq", "8", "--as-of", "2024-03-31")
    assert (row["gross"], row["total_deduction"], row["net"], row["state"]) == ("1232438.34", "55775.04", "1176663.30", "payable")
    assert {d["rule"]: d["amount"] for d in row["deductions"]} == {"online": "54775.04", "faults": "1000.00"}
    entry = [e for e in loaded.json("history", "TW2") if e["action"] == "assess"][-1]
    assert entry["user"] == "logistics"  # the signed-in clerk, not a typed name
    shown = chen.get(saved.headers["location"])
    assert "已保存" in shown.text and "1,176,663.30" in shown.text


def test_a_second_assessment_needs_replace_and_becomes_version_2(site, loaded, db_url):
    with_rules(loaded)
    chen = clerk(site, "logistics")
    assert chen.send(PAGE, GOOD | {"action": "save"}).status_code == 303
    before = snapshot(db_url)
    again = chen.send(PAGE, GOOD | {"metric_online_rate": "96", "items": "", "action": "save"})
    assert again.status_code == 422
    assert "--replace" in field_message(again.text, "form")  # the CLI's words
    assert snapshot(db_url) == before
    # 96 is above 95: nothing withheld by the rate; no findings: the net is the gross
    replaced = chen.send(PAGE, GOOD | {"metric_online_rate": "96", "items": "", "replace": "1", "action": "save"})
    assert replaced.status_code == 303 and replaced.headers["location"].endswith("?saved=2")
    [row] = loaded.json("payable", "TW2", "--seq", "8", "--as-of", "2024-03-31")
    assert row["net"] == "1232438.34"


import pytest  # noqa: E402


@pytest.mark.parametrize("changes, field, shown", [
    ({"metric_online_rate": "150"}, "metric_online_rate", "150"),
    ({"metric_online_rate": ""}, "metric_online_rate", "online_rate"),
    ({"metric_online_rate": "九十"}, "metric_online_rate", "九十"),
    ({"items": "摄像头离线 1000"}, "items", "摄像头离线 1000"),
    ({"items": "摄像头离线=10.001"}, "items", "10.001"),
    ({"assessed_on": "2024-02-30"}, "assessed_on", "2024-02-30"),
    ({"assessed_on": "2024-02-01"}, "form", "2024-02-01"),  # before the period ends: the installment is named
    ({"assessed_on": "2024-04-02"}, "assessed_on", "2024-04-02"),  # after today
    ({"score": "101"}, "score", "101"),
])
def test_a_bad_value_comes_back_at_its_field_and_nothing_is_written(site, loaded, db_url, changes, field, shown):
    with_rules(loaded)
    chen = clerk(site, "logistics")
    before = snapshot(db_url)
    for action in ("preview", "save"):
        page = chen.send(PAGE, GOOD | changes | {"action": action})
        assert page.status_code == 422, (changes, page.status_code)
        message = field_message(page.text, field)
        assert message and shown in message, (field, message, page.text[-1500:])
        for name, typed in changes.items():  # the form as typed
            assert typed.replace('"', "&#34;") in page.text
    assert snapshot(db_url) == before


def test_without_the_form_token_or_by_another_role_nothing_is_written(site, loaded, db_url):
    with_rules(loaded)
    chen = clerk(site, "logistics")
    others = {role: clerk(site, role) for role in ("finance", "procurement", "viewer", "admin")}
    before = snapshot(db_url)
    refused = chen.send(PAGE, GOOD | {"action": "save"}, token=False)
    assert refused.status_code == 403
    for role, other in others.items():
        for action in ("preview", "save"):
            refused = other.send(PAGE, GOOD | {"action": action})
            assert refused.status_code == 403 and "未做任何修改" in refused.text, role
    assert snapshot(db_url) == before


def test_an_unknown_installment_is_named(site, loaded):
    chen = clerk(site, "logistics")
    page = chen.get("/contracts/TW2/installments/99/assessment")
    assert page.status_code == 400 and "99" in page.text
