"""Vendors (收款单位): the credit code's check character, the fields' checks, the store, the CLI and the imports."""

from __future__ import annotations

import json

import openpyxl
import pytest
from hypothesis import given, strategies as st

from contracts.errors import ContractsError, ContractsErrors
from contracts.vendors import CREDIT_ALPHABET, Vendor, credit_check_character, credit_code, make_vendor

from .conftest import EXAMPLE, ROOT

DEMO_VENDORS = ROOT / "examples" / "demo-vendors.toml"

# Worked by hand (GB 32100-2015, 5.2): the code 91350100M000100Y43, often quoted as an example.
#   character  9  1  3   5  0  1  0  0   M  0  0  0  1  0  0   Y   4
#   value      9  1  3   5  0  1  0  0  21  0  0  0  1  0  0  30   4   (M is the 22nd of 0-9ABCDEFGHJKLMN..., so 21)
#   weight     1  3  9  27 19 26 16 17  20 29 25 13  8 24 10  30  28   (3^i mod 31)
#   product    9  3 27 135  0 26  0  0 420  0  0  0  8  0  0 900 112   sum 1640
#   1640 mod 31 = 1640 - 52 x 31 = 28; 31 - 28 = 3: the check character is "3".
HAND_WORKED = "91350100M000100Y43"


def test_the_check_character_worked_by_hand():
    assert credit_check_character(HAND_WORKED[:17]) == "3"
    assert credit_code(HAND_WORKED) == HAND_WORKED
    assert credit_code(" 91350100m000100y43 ") == HAND_WORKED  # typed in small letters, with spaces around


def test_a_sum_that_is_a_multiple_of_31_gives_check_character_0():
    # 17 zeros: sum 0, 0 mod 31 = 0, 31 - 0 = 31, written 0.
    assert credit_check_character("0" * 17) == "0"
    # "1" then 16 zeros: 1 x 1 = 1; 31 - 1 = 30: the 31st character, Y.
    assert credit_check_character("1" + "0" * 16) == "Y"


@pytest.mark.parametrize("typed, problem", [
    ("91350100M000100Y44", "does not check out: its last character is '4' but the first 17 give '3'"),
    ("91350100M000100Y4", "has 17 characters"),
    ("91350100M000100I43", "holds 'I', which is not in the code's alphabet"),
    ("91350100M000100O43", "holds 'O'"),
    ("9135010OM000100Y43", "holds 'O'"),
])
def test_a_wrong_credit_code_is_refused_naming_what_is_wrong(typed, problem):
    with pytest.raises(ContractsError) as refused:
        credit_code(typed)
    assert refused.value.field == "credit_code" and refused.value.value == typed and problem in refused.value.problem


@given(st.text(CREDIT_ALPHABET, min_size=17, max_size=17), st.sampled_from(CREDIT_ALPHABET))
def test_exactly_one_last_character_checks_out(first17, last):
    """Changing any one character of a valid code makes it fail: here the last; the weights are all non-zero mod 31
    (a prime), so a change of any other single character changes the sum mod 31 and fails too."""
    valid = first17 + credit_check_character(first17)
    assert credit_code(valid) == valid
    if last != valid[-1]:
        with pytest.raises(ContractsError):
            credit_code(first17 + last)


@given(st.text(CREDIT_ALPHABET, min_size=17, max_size=17), st.integers(0, 16), st.sampled_from(CREDIT_ALPHABET))
def test_one_mistyped_character_anywhere_is_caught(first17, where, other):
    valid = first17 + credit_check_character(first17)
    typo = valid[:where] + other + valid[where + 1:]
    if typo != valid:
        with pytest.raises(ContractsError):
            credit_code(typo)


def test_a_vendor_reports_every_bad_field_at_once():
    with pytest.raises(ContractsErrors) as refused:
        make_vendor({"name": " ", "credit_code": "123", "account": "6222 abc", "bank": "x\ny"})
    fields = [error.field for error in refused.value.errors]
    assert fields == ["name", "credit_code", "bank", "account"]
    with pytest.raises(ContractsError, match="colour: is not a vendor field"):
        make_vendor({"name": "A", "colour": "red"})
    with pytest.raises(ContractsError, match="at most 64"):
        make_vendor({"name": "A", "account": "1" * 65})
    assert make_vendor({"name": " 甲 ", "account": "6222-0000 1111"}) == Vendor("甲", account="6222-0000 1111")


def test_vendor_add_list_and_update_in_the_history(cli):
    cli("init")
    out = cli("vendor", "add", "甲公司", "--credit-code", HAND_WORKED.lower(), "--bank", "某银行某支行",
              "--account", "6222 0000 1111").stdout
    assert out.strip() == "added: vendor 甲公司"
    again = cli("vendor", "add", "甲公司", "--credit-code", HAND_WORKED, "--bank", "某银行某支行", "--account", "6222 0000 1111")
    assert again.stdout.strip() == "unchanged: vendor 甲公司"
    refused = cli("vendor", "add", "甲公司", "--contact", "张三", ok=False)
    assert refused.stderr.strip() == "error: name '甲公司': is a vendor already with other details; use --update to replace them"
    cli("vendor", "add", "甲公司", "--contact", "张三", "--update")  # changes the contact, keeps the rest
    [row] = cli.json("vendor", "list")
    assert row == {"name": "甲公司", "credit_code": HAND_WORKED, "bank": "某银行某支行", "account": "6222 0000 1111",
                   "contact": "张三"}
    actions = [(entry["action"], entry["record"]) for entry in cli.json("history")]
    assert actions[-2:] == [("add vendor", "vendor 甲公司"), ("update vendor", "vendor 甲公司")]
    update = cli.json("history")[-1]
    assert json.loads(update["before"])["contact"] == "" and json.loads(update["after"])["contact"] == "张三"


def test_vendor_add_refuses_bad_values_in_one_line_each_and_writes_nothing(cli):
    cli("init")
    result = cli("vendor", "add", "乙", "--credit-code", "91350100M000100Y44", "--account", "abc", ok=False)
    assert result.stderr.splitlines() == [
        "error: credit_code '91350100M000100Y44': does not check out: its last character is '4' but the first 17 give "
        "'3' (GB 32100-2015); a character was mistyped",
        "error: account 'abc': must be digits, spaces and hyphens only (a bank account number)",
        "2 errors; nothing was written"]
    assert cli.json("vendor", "list") == []


def test_the_chinese_listing_calls_the_account_a_bank_account(cli):
    cli("init")
    cli("vendor", "add", "甲", "--account", "1")
    out = cli("--lang", "zh", "vendor", "list").stdout
    assert "账号" in out and "操作系统账户" not in out and "统一社会信用代码" in out


def test_vendors_import_from_toml_all_or_nothing_and_export(cli, tmp_path):
    bad = tmp_path / "vendors.toml"
    bad.write_text('[[vendor]]\nname = "甲"\ncredit_code = "91350100M000100Y43"\n\n'
                   '[[vendor]]\nname = "甲"\n\n'
                   '[[vendor]]\nname = "乙"\naccount = "12a"\ncredit_code = "X"\n', encoding="utf-8")
    result = cli("import", str(bad), ok=False)
    assert result.stderr.splitlines() == [
        f"error: {bad}: vendor #2: name '甲': appears twice in the file (a vendor has one record)",
        f"error: {bad}: vendor #3: credit_code 'X': has 1 characters; a unified social credit code (统一社会信用代码) has 18",
        f"error: {bad}: vendor #3: account '12a': must be digits, spaces and hyphens only (a bank account number)",
        "3 errors; nothing was written"]
    cli("init")
    assert cli.json("vendor", "list") == []
    cli("import", str(EXAMPLE))
    cli("import", str(DEMO_VENDORS))
    exported = cli.json_export()
    assert exported["vendor"] == [{"name": "Example Networks Ltd (synthetic)", "credit_code": "915100000000000009",
                                   "bank": "示例银行 Example Bank, demonstration branch (fictional)",
                                   "account": "0000 0000 0000 0000 000", "contact": "Example contact (fictional)"}]
    # the export restores into an empty store with its vendor
    path = tmp_path / "all.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    from .conftest import Cli

    other = Cli(f"sqlite:///{tmp_path / 'restored.db'}")
    other("import", str(path))
    assert other.json_export()["vendor"] == exported["vendor"]


def test_vendors_import_from_the_template_sheet_with_every_bad_row_reported(cli, tmp_path):
    template = tmp_path / "template.xlsx"
    cli("--lang", "zh", "template", "-o", str(template))
    book = openpyxl.load_workbook(template)
    sheet = book["供应商"]
    assert [c.value for c in sheet[1]] == ["收款单位", "统一社会信用代码", "开户行", "账号", "联系人"]
    sheet.append(["甲公司", HAND_WORKED, "某银行", "6222 0000", None])
    sheet.append(["乙公司", "91350100M000100Y44", "某银行", "abc", None])
    sheet.append(["丙公司", "123", None, None, "=1+1"])
    book.save(template)
    result = cli("import", str(template), ok=False)
    assert result.stderr.splitlines() == [
        f"error: {template}: sheet '供应商', row 4, column E: contact '=1+1': is a formula; type the value itself (or paste "
        "it as values): an import never takes a formula's last computed result",
        f"error: {template}: sheet '供应商', row 3, column B: credit_code '91350100M000100Y44': does not check out: its last "
        "character is '4' but the first 17 give '3' (GB 32100-2015); a character was mistyped",
        f"error: {template}: sheet '供应商', row 3, column D: account 'abc': must be digits, spaces and hyphens only (a bank "
        "account number)",
        "3 errors; nothing was written"]
    sheet.delete_rows(3, 2)
    book.save(template)
    cli("import", str(template))
    [row] = cli.json("vendor", "list")
    assert row["name"] == "甲公司" and row["credit_code"] == HAND_WORKED and row["account"] == "6222 0000"
