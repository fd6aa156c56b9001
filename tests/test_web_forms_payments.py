"""付款 over HTTP: a payment recorded and where it went, overpayment refused with the amount owed (the CLI's words),
a stale form refused with 409 and what changed (never applied twice), reversals, bad values at their field, forms
without a token or from a role that does not own payments refused. SQLite and PostgreSQL (``db_url``).

Figures, by hand, from the Emeishan example as of 2024-03-31: TW2's installments are 4,929,753.36 / 4 =
1,232,438.34 each, due at the end of each quarter from 2022-02-24 (arrears); the opening balance settles those due
by 2022-12-31 (1 to 3) and nothing was paid since, so installments 4 (due 2023-02-24) to 8 (due 2024-02-24) are
owed: 5 x 1,232,438.34 = 6,162,191.70.
"""

from __future__ import annotations

import re

import pytest

from .web_forms import clerk, field_message, hidden, snapshot, site, clock  # noqa: F401

PAGE = "/contracts/TW2/payments"


def payments_of(cli, code: str = "TW2") -> list[dict]:
    return cli.json("payments", code, "--as-of", "2024-03-31")


def test_the_form_carries_what_is_owed(site):
    wang = clerk(site, "finance")
    page = wang.get(PAGE)
    assert page.status_code == 200
    assert hidden(page.text, "owed_seen") == "6162191.70"  # 5 x 1,232,438.34
    one = wang.get(PAGE + "?seq=4")
    assert hidden(one.text, "owed_seen") == "1232438.34"


def test_a_payment_to_an_installment_is_recorded_and_shown_where_it_went(site, loaded):
    wang = clerk(site, "finance")
    sent = wang.send(PAGE + "?seq=4", {"paid_on": "2024-03-20", "amount": "1,232,438.34", "seq": "4",
                                       "reference": "财付2024-031", "owed_seen": "1232438.34"})
    assert sent.status_code == 303, sent.text[-800:]
    [payment] = payments_of(loaded)
    assert (payment["amount"], payment["seq"], payment["reference"], payment["allocated"]) == (
        "1232438.34", 4, "财付2024-031", "4: 1232438.34")
    assert [e["user"] for e in loaded.json("history", "TW2") if e["action"] == "pay"] == ["finance"]
    shown = wang.get(sent.headers["location"])
    assert "已记录付款" in shown.text and "付款分配" in shown.text
    assert re.search(r"<td>4</td><td class=\"num\">1,232,438.34</td>", shown.text)


def test_a_payment_without_installment_pays_the_oldest_first(site, loaded):
    # 2,000,000.00: installment 4 in full (1,232,438.34), the rest to installment 5: 767,561.66
    wang = clerk(site, "finance")
    page = wang.get(PAGE)
    sent = wang.send(PAGE, {"paid_on": "2024-03-20", "amount": "2000000.00", "seq": "", "reference": "财付2024-032",
                            "owed_seen": hidden(page.text, "owed_seen")})
    assert sent.status_code == 303
    [payment] = payments_of(loaded)
    assert payment["allocated"] == "4: 1232438.34; 5: 767561.66"
    shown = wang.get(sent.headers["location"])
    assert "1,232,438.34" in shown.text and "767,561.66" in shown.text


def test_overpayment_is_refused_with_the_amount_owed(site, loaded, db_url):
    wang = clerk(site, "finance")
    before = snapshot(db_url)
    sent = wang.send(PAGE, {"paid_on": "2024-03-20", "amount": "1232438.35", "seq": "4", "reference": "x",
                            "owed_seen": "1232438.34"})
    assert sent.status_code == 422
    message = field_message(sent.text, "amount")
    assert message == ("amount '1232438.35': is more than is owed on TW2 (seq 4: 1232438.34 owed); "
                       "use --allow-credit to record the excess as a credit to the vendor")  # the CLI's words: the amount owed on seq 4
    assert 'value="1232438.35"' in sent.text  # as typed
    assert snapshot(db_url) == before


def test_a_stale_form_is_refused_with_what_changed_and_never_applied_twice(site, loaded, db_url):
    wang, li = clerk(site, "finance"), clerk(site, "finance")
    form = wang.get(PAGE + "?seq=5")
    seen = hidden(form.text, "owed_seen")
    assert seen == "1232438.34"
    # meanwhile someone else pays 100.00 on installment 5
    assert li.send(PAGE, {"paid_on": "2024-03-21", "amount": "100.00", "seq": "5", "owed_seen": seen}).status_code == 303
    before = snapshot(db_url)
    late = wang.client.post(PAGE, data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1),
                                        "paid_on": "2024-03-21", "amount": "1232438.34", "seq": "5", "owed_seen": seen})
    assert late.status_code == 409
    assert "1,232,438.34" in late.text and "1,232,338.34" in late.text  # then and now
    assert snapshot(db_url) == before
    assert hidden(late.text, "owed_seen") == "1232338.34"  # the form shown again with what is owed now
    # the same form sent twice: the first goes through, the second is stale
    page = wang.get(PAGE + "?seq=6")
    fields = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1), "paid_on": "2024-03-22",
              "amount": "500.00", "seq": "6", "owed_seen": hidden(page.text, "owed_seen")}
    assert wang.client.post(PAGE, data=fields).status_code == 303
    assert wang.client.post(PAGE, data=fields).status_code == 409
    assert [p["amount"] for p in payments_of(loaded) if p["seq"] == 6] == ["500.00"]


def test_a_reversal_undoes_a_payment(site, loaded):
    wang = clerk(site, "finance")
    assert wang.send(PAGE, {"paid_on": "2024-03-20", "amount": "1000.00", "seq": "4", "owed_seen": "1232438.34"}).status_code == 303
    [payment] = payments_of(loaded)
    action = f"{PAGE}/{payment['id']}/reverse"
    sent = wang.send(PAGE, {"on": "2024-03-25", "reference": "冲销", "note": "金额录错"}, action=action)
    assert sent.status_code == 303, sent.text[-600:]
    rows = payments_of(loaded)
    assert [(r["amount"], r["reverses"]) for r in rows] == [("1000.00", None), ("-1000.00", payment["id"])]
    assert "冲销付款" in wang.get(sent.headers["location"]).text
    [row] = loaded.json("payable", "TW2", "--seq", "4", "--as-of", "2024-03-31")
    assert row["owed"] == "1232438.34"  # owed again in full
    again = wang.send(PAGE, {"on": "2024-03-25"}, action=action)
    assert again.status_code == 422
    assert field_message(again.text, "reverse") == f"reverse {payment['id']}: is reversed already"  # the CLI's words


@pytest.mark.parametrize("changes, field, shown", [
    ({"amount": "1,50"}, "amount", "1,50"),
    ({"amount": "-5"}, "amount", "-5"),
    ({"amount": ""}, "amount", "amount"),
    ({"paid_on": "2024-02-30"}, "paid_on", "2024-02-30"),
    ({"paid_on": "2024-04-01"}, "paid_on", "2024-04-01"),  # after today
    ({"seq": "99"}, "seq", "99"),
    ({"reference": "x" * 201}, "reference", "x"),
])
def test_a_bad_payment_comes_back_at_its_field_and_nothing_is_written(site, db_url, changes, field, shown):
    wang = clerk(site, "finance")
    before = snapshot(db_url)
    page = wang.send(PAGE, {"paid_on": "2024-03-20", "amount": "100.00", "seq": "4", "reference": "r",
                            "owed_seen": "1232438.34"} | changes)
    assert page.status_code == 422, page.status_code
    message = field_message(page.text, field)
    assert message and shown in message, (field, message)
    assert snapshot(db_url) == before


def test_a_bad_reversal_comes_back_at_its_field(site, loaded, db_url):
    wang = clerk(site, "finance")
    assert wang.send(PAGE, {"paid_on": "2024-03-20", "amount": "1000.00", "seq": "4", "owed_seen": "1232438.34"}).status_code == 303
    [payment] = payments_of(loaded)
    before = snapshot(db_url)
    for on in ("2024-13-01", "2024-03-19", ""):  # not a day; before the payment it reverses; missing
        page = wang.send(PAGE, {"on": on}, action=f"{PAGE}/{payment['id']}/reverse")
        assert page.status_code == 422
        assert field_message(page.text, "on"), on
    assert snapshot(db_url) == before


def test_without_the_form_token_or_by_another_role_nothing_is_written(site, loaded, db_url):
    wang = clerk(site, "finance")
    others = {role: clerk(site, role) for role in ("logistics", "procurement", "viewer", "admin")}
    assert wang.send(PAGE, {"paid_on": "2024-03-20", "amount": "1000.00", "seq": "4", "owed_seen": "1232438.34"}).status_code == 303
    [payment] = payments_of(loaded)
    before = snapshot(db_url)
    assert wang.send(PAGE, {"paid_on": "2024-03-20", "amount": "1.00", "seq": "4"}, token=False).status_code == 403
    for role, other in others.items():
        assert other.send(PAGE, {"paid_on": "2024-03-20", "amount": "1.00", "seq": "4"}).status_code == 403, role
        assert other.send(PAGE, {"on": "2024-03-25"}, action=f"{PAGE}/{payment['id']}/reverse").status_code == 403, role
    assert snapshot(db_url) == before
