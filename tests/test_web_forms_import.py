"""导入 over HTTP: a filled-in template uploaded and imported as `contracts import` does, all or nothing, every bad
row listed with its sheet, row and column; finance imports only what finance owns; sizes limited; the token and the
roles checked. SQLite and PostgreSQL (``db_url``).

Figures from the Emeishan example as of 2024-03-31: TW2's installment 4 is 4,929,753.36 / 4 = 1,232,438.34, owed.
"""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest

from .web_forms import clerk, snapshot, site, clock, text_of  # noqa: F401

PAYMENTS = "\ufeffcontract,paid_on,amount,seq,reference,note,allow_credit\r\nTW2,2024-03-20,1232438.34,4,财付2024-040,,\r\n"


def upload(person, name: str, content: bytes, *, kind: str = "", token: bool = True):
    data = {"kind": kind}
    if token:
        data["csrf_token"] = person.form_token("/import")
    return person.client.post("/import", data=data, files={"file": (name, content, "application/octet-stream")})


def refused(page: str) -> list[str]:
    return [re.sub(r"&#39;", "'", line) for line in re.findall(r"<li>([^<]*)</li>", page.split('class="refused"')[1])]


def test_finance_imports_a_csv_of_payments(site, loaded):
    wang = clerk(site, "finance")
    page = upload(wang, "付款.csv", PAYMENTS.encode("utf-8"))
    assert page.status_code == 200, text_of(page.text)[-600:]
    assert "已导入付款.csv" in page.text and "1 payments: 1 added" in page.text
    [payment] = loaded.json("payments", "TW2", "--as-of", "2024-03-31")
    assert (payment["amount"], payment["allocated"], payment["reference"]) == ("1232438.34", "4: 1232438.34", "财付2024-040")
    assert [e["user"] for e in loaded.json("history", "TW2") if e["action"] == "pay"] == ["finance"]


def test_every_bad_row_is_listed_with_sheet_row_and_column_and_nothing_is_written(site, loaded, db_url, tmp_path):
    template = tmp_path / "template.xlsx"
    loaded("template", "-o", str(template))
    book = openpyxl.load_workbook(template)
    rows = {"contracts": [["NEW1", "new", None, None, None, dt.datetime(2024, 1, 1), 12, None, 1200],
                          ["NEW2", "new", None, None, None, "2023-02-30", 12, None, 1200]],
            "payments": [["TW2", dt.datetime(2024, 3, 1), 300, 4], ["TW2", dt.datetime(2024, 3, 2), 12.345, None]]}
    for name, values in rows.items():
        for offset, row in enumerate(values, start=2):
            for column, value in enumerate(row, start=1):
                book[name].cell(row=offset, column=column, value=value)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    admin = clerk(site, "admin")
    before = snapshot(db_url)
    page = upload(admin, "2024年填报.xlsx", filled.read_bytes())
    assert page.status_code == 422
    lines = refused(page.text)
    assert lines == [
        "2024年填报.xlsx: sheet 'contracts', row 3, column F: billing_start '2023-02-30': is not a real date",
        "2024年填报.xlsx: sheet 'payments', row 3, column C: amount 12.345: has more than two decimals; amounts are kept "
        "to the fen (0.01)",
    ]  # the CLI's lines, the upload's own name for the file
    assert "未导入任何内容：2项被拒绝" in page.text
    assert str(tmp_path) not in page.text and "contracts-upload-" not in page.text  # the server's folders never shown
    assert snapshot(db_url) == before


def test_finance_may_not_import_contracts(site, db_url):
    wang = clerk(site, "finance")
    before = snapshot(db_url)
    contracts = ("code,name,billing_start,billing_months,annual_fee\r\nNEW9,new,2024-01-01,12,1200.00\r\n").encode()
    page = upload(wang, "contracts.csv", contracts, kind="contracts")
    assert page.status_code == 403 and "contracts (1)" in page.text and "未做任何修改" in page.text
    assert snapshot(db_url) == before


def test_what_is_not_a_template_and_what_is_too_large(site, db_url, monkeypatch):
    admin = clerk(site, "admin")
    before = snapshot(db_url)
    page = upload(admin, "backup.json", b"{}")
    assert page.status_code == 422 and "backup.json" in page.text
    page = upload(admin, "broken.toml", b"[[contract]\ncode = 1")
    assert page.status_code == 422 and "broken.toml" in text_of(page.text)
    from web import guard, routes_import

    monkeypatch.setattr(routes_import, "MAX_UPLOAD", 100)
    page = upload(admin, "big.csv", PAYMENTS.encode() * 10)
    assert page.status_code == 413
    monkeypatch.setattr(guard, "MAX_BODY", 1000)
    page = upload(admin, "bigger.csv", PAYMENTS.encode() * 30)
    assert page.status_code == 413 and "未做任何修改" in page.text
    assert snapshot(db_url) == before


def test_without_the_form_token_or_by_another_role_nothing_is_written(site, db_url):
    wang = clerk(site, "finance")
    others = {role: clerk(site, role) for role in ("logistics", "procurement", "viewer")}
    before = snapshot(db_url)
    assert upload(wang, "付款.csv", PAYMENTS.encode(), token=False).status_code == 403
    for role, other in others.items():
        assert upload(other, "付款.csv", PAYMENTS.encode()).status_code == 403, role
    assert snapshot(db_url) == before
