"""供应商 over HTTP: the vendors as `contracts vendor list` shows them; an admin adds one (what a payment request
prints as payee, bank and account) or corrects one; bad values at the field; only admins. SQLite and PostgreSQL.

The credit code 915100000000000009 is the fictional one of examples/demo-vendors.toml: its last character is the
GB 32100-2015 check character of the first 17, so ...008 is refused."""

from __future__ import annotations

from .web_forms import clerk, field_message, snapshot, site, clock, text_of  # noqa: F401

TELECOM = "中国电信峨眉山市分公司 China Telecom Emeishan branch"  # TW2's vendor, as the contract writes it
GOOD = {"name": TELECOM, "credit_code": "915100000000000009", "bank": "中国工商银行峨眉山支行（示例）",
        "account": "2304 0000 0000 0000 000", "contact": "示例联系人"}


def test_an_admin_adds_a_vendor_and_the_payment_request_prints_it(site, loaded):
    admin = clerk(site, "admin")
    sent = admin.send("/vendors", GOOD)
    assert sent.status_code == 303, text_of(sent.text)[-600:]
    [vendor] = loaded.json("vendor", "list")
    assert vendor == {"name": TELECOM, "credit_code": "915100000000000009", "bank": GOOD["bank"],
                      "account": GOOD["account"], "contact": "示例联系人"}
    assert "已保存供应商" in admin.get(sent.headers["location"]).text
    request = admin.get("/contracts/TW2/installments/4/request")
    assert request.status_code == 200 and GOOD["bank"] in request.text
    # a correction changes what is given and keeps the rest
    fixed = admin.send("/vendors", {"name": TELECOM, "bank": "中国银行峨眉山支行（示例）", "update": "1"})
    assert fixed.status_code == 303
    [vendor] = loaded.json("vendor", "list")
    assert (vendor["bank"], vendor["account"]) == ("中国银行峨眉山支行（示例）", GOOD["account"])


def test_bad_vendor_values_and_other_roles(site, db_url):
    admin = clerk(site, "admin")
    others = {role: clerk(site, role) for role in ("finance", "logistics", "procurement", "viewer")}
    before = snapshot(db_url)
    page = admin.send("/vendors", GOOD | {"credit_code": "915100000000000008"})
    assert page.status_code == 422 and "915100000000000008" in field_message(page.text, "credit_code")
    assert 'value="915100000000000008"' in page.text
    page = admin.send("/vendors", GOOD | {"account": "12ab"})
    assert page.status_code == 422 and "12ab" in field_message(page.text, "account")
    assert admin.send("/vendors", GOOD, token=False).status_code == 403
    for role, other in others.items():
        assert other.get("/vendors").status_code == 200
        assert 'action="/vendors"' not in other.get("/vendors").text  # the form is for admins
        assert other.post("/vendors", GOOD).status_code == 403, role  # with the token of their own session
    assert snapshot(db_url) == before
