"""采购 over HTTP: the lines, rebid deadlines with their assumptions and failed tenders as the CLI computes them;
the forms of tender add, transition add, suspend and usage, their bad values at the field, their refusals without
the token or by another role. SQLite and PostgreSQL (``db_url``).

From the Emeishan example as of 2024-03-31: SEAL is in transition since 2023-07-01 (SEAL-2021 ended 2023-06-30)
after three failed public tenders in a row; its transition's unit price is 500.00 a set, so 212 sets in 2023Q3 cost
212 x 500.00 = 106,000.00; TW1 ended on 2024-03-30 and nothing covers it (uncovered).
"""

from __future__ import annotations

import pytest

from .web_forms import clerk, field_message, snapshot, site, clock, text_of  # noqa: F401

PAGE = "/procurement"


def test_the_page_shows_lines_rebid_deadlines_with_assumptions_and_failures(site, loaded):
    li = clerk(site, "procurement")
    page = li.get(PAGE)
    assert page.status_code == 200
    words = text_of(page.text)
    assert "SEAL" in words and "过渡期" in words and "无合同" in words  # SEAL in transition, TW1 uncovered
    assert "假设" in words and "《政府采购法》第三十五条" in words  # the rebid assumptions, with their articles
    assert "连续3次" in words and "改为竞争性谈判" in words  # three failures in a row; what the law opens next
    rows = loaded.json("rebid", "--as-of", "2024-03-31")
    assert f"<td>{rows[0]['latest_start']}</td>" in page.text  # the CLI's first deadline, on the page
    line = li.get(PAGE + "/lines/SEAL")
    assert line.status_code == 200 and "2023-07-01" in line.text and "2024-04-01" in line.text


def test_a_failed_tender_with_its_grounds_is_recorded(site, loaded):
    li = clerk(site, "procurement")
    sent = li.send(PAGE, {"line": "SEAL", "method": "negotiation", "outcome": "failed", "ground": "too-few-bidders",
                          "bidders": "2", "announced": "2024-03-01", "bid_deadline": "2024-03-15",
                          "note": "竞争性谈判，仅两家响应"}, action=PAGE + "/tenders")
    assert sent.status_code == 303, sent.text[-800:]
    tender = loaded.json("tenders", "--line", "SEAL")[-1]
    assert (tender["method"], tender["outcome"], tender["ground"], tender["bidders"], tender["announced"]) == (
        "negotiation", "failed", "too-few-bidders", 2, "2024-03-01")
    [failed] = loaded.json("tenders", "--failed", "--as-of", "2024-03-31")
    assert (failed["failed"], failed["consecutive_failures"]) == (4, 4)
    assert "已记录采购" in li.get(sent.headers["location"]).text


@pytest.mark.parametrize("changes, field, shown", [
    ({"method": "auction"}, "method", "'auction'"),
    ({"line": "NOPE"}, "line", "'NOPE': is not a service line"),
    ({"bidders": "5"}, "bidders", "contradicts the ground too-few-bidders"),
    ({"announced": "2024-03-20"}, "bid_deadline", "is before announced"),
    ({"awarded": "2024-03-20"}, "outcome", "contradicts the awarded date 2024-03-20"),
    ({"bid_deadline": "2024-02-30"}, "bid_deadline", "2024-02-30"),
])
def test_a_bad_tender_comes_back_at_its_field(site, db_url, changes, field, shown):
    li = clerk(site, "procurement")
    before = snapshot(db_url)
    page = li.send(PAGE, {"line": "SEAL", "method": "negotiation", "outcome": "failed", "ground": "too-few-bidders",
                          "bidders": "2", "announced": "2024-03-01", "bid_deadline": "2024-03-15"} | changes,
                   action=PAGE + "/tenders")
    assert page.status_code == 422
    message = field_message(page.text, field)
    assert message and shown in message, (field, message)
    assert snapshot(db_url) == before


def test_transition_suspension_and_usage(site, loaded):
    li = clerk(site, "procurement")
    line = PAGE + "/lines/TW1"
    sent = li.send(line, {"start": "2024-03-30", "approved_by": "峨眉山市人民政府", "basis": "按原价续用",
                          "reference": "峨府函〔2024〕12号"}, action=line + "/transitions")
    assert sent.status_code == 303, sent.text[-800:]
    [tw1] = [row for row in loaded.json("lines", "--as-of", "2024-03-31") if row["line"] == "TW1"]
    assert (tw1["state"], tw1["in_transition_since"]) == ("in transition", "2024-03-30")
    sent = li.send(line, {"start": "2024-03-31", "reason": "设备检修", "reference": "通知"}, action=line + "/suspensions")
    assert sent.status_code == 303, sent.text[-800:]
    [tw1] = [row for row in loaded.json("lines", "--as-of", "2024-03-31") if row["line"] == "TW1"]
    assert (tw1["state"], tw1["suspended_from"]) == ("suspended", "2024-03-31")
    seal = PAGE + "/lines/SEAL"
    sent = li.send(seal, {"line": "SEAL", "period": "2023Q3", "quantity": "212"}, action="/contracts/SEAL/usage")
    assert sent.status_code == 303 and sent.headers["location"] == seal + "?done=usage"
    [row] = loaded.json("usage", "SEAL")
    assert (row["quantity"], row["amount"]) == (212, "106000.00")  # 212 x 500.00
    assert "106,000.00" in li.get(sent.headers["location"]).text


@pytest.mark.parametrize("action, fields, field, shown", [
    ("/procurement/lines/SEAL/transitions", {"start": "2023-09-01", "approved_by": "x"}, "start", "overlaps the transition of SEAL"),
    ("/procurement/lines/TW1/transitions", {"start": "2024-02-30", "approved_by": "x"}, "start", "2024-02-30"),
    ("/procurement/lines/TW1/suspensions", {"start": "2024-05-01"}, "start", "2024-05-01"),  # ahead, not --planned
    ("/contracts/SEAL/usage", {"line": "SEAL", "period": "2025Q1", "quantity": "5"}, "period", "is covered by no contract or transition of SEAL"),
    ("/contracts/SEAL/usage", {"line": "SEAL", "period": "2023Q3", "quantity": "-5"}, "quantity", "-5"),
    ("/contracts/SEAL/usage", {"line": "SEAL", "period": "2023Q3", "quantity": ""}, "quantity", "is required"),
])
def test_a_bad_line_form_comes_back_at_its_field(site, db_url, action, fields, field, shown):
    li = clerk(site, "procurement")
    before = snapshot(db_url)
    page = li.send(PAGE + "/lines/SEAL", fields, action=action)
    assert page.status_code == 422
    message = field_message(page.text, field)
    assert message and shown in message, (field, message, text_of(page.text)[-600:])
    assert snapshot(db_url) == before


def test_without_the_form_token_or_by_another_role_nothing_is_written(site, db_url):
    li = clerk(site, "procurement")
    others = {role: clerk(site, role) for role in ("finance", "logistics", "viewer", "admin")}
    forms = [("/procurement/tenders", {"line": "SEAL", "method": "public"}),
             ("/procurement/lines/TW1/transitions", {"start": "2024-03-30", "approved_by": "x"}),
             ("/procurement/lines/TW1/suspensions", {"start": "2024-03-31"}),
             ("/contracts/SEAL/usage", {"line": "SEAL", "period": "2023Q3", "quantity": "1"})]
    before = snapshot(db_url)
    for action, fields in forms:
        assert li.send(PAGE, fields, action=action, token=False).status_code == 403
        for role, other in others.items():
            assert other.send(PAGE, fields, action=action).status_code == 403, (role, action)
    assert snapshot(db_url) == before
