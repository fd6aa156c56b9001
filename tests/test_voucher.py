"""The payment request (付款审批单): the amount in capitals, the document's figures for the reference case, a paid
installment, escaping, the CLI's file, and the printed page (one A4 sheet, in a real browser)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from contracts.contract import Contract
from contracts.errors import ContractsError
from contracts.numerals import capital
from contracts.terms import make_terms
from contracts.voucher import payment_request_document, period_words, request_number, short_name
from contracts.vendors import Vendor

from . import browser
from .conftest import ROOT

DEMO_VENDORS = ROOT / "examples" / "demo-vendors.toml"
TW2_VENDOR = "中国电信峨眉山市分公司 China Telecom Emeishan branch"


# -- the amount in capitals (大写) ---------------------------------------------------------------------------

@pytest.mark.parametrize("amount, words", [
    # 1,234,567.89: 123万 (壹佰贰拾叁万), 4567 (肆仟伍佰陆拾柒), 元, 8 jiao 9 fen.
    ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    # 100.00: no jiao, no fen: ends in 整.
    ("100.00", "壹佰元整"),
    # 1,000,010.05: 100万, then a gap (the thousands and hundreds are 0) read once as 零, 壹拾元; no jiao but fen: 零伍分.
    ("1000010.05", "壹佰万零壹拾元零伍分"),
    # 1,232,438.34: TW2's quarter (4,929,753.36 / 4).
    ("1232438.34", "壹佰贰拾叁万贰仟肆佰叁拾捌元叁角肆分"),
    # 0.00: a settled request asks for 零元整.
    ("0.00", "零元整"),
    # 10.30: jiao and no fen: no 整 is needed after 角 in this style, and no 零分.
    ("10.30", "壹拾元叁角"),
])
def test_amounts_in_capitals_worked_by_hand(amount, words):
    assert capital(Decimal(amount)) == words


DIGITS = "零壹贰叁肆伍陆柒捌玖"


@given(st.integers(min_value=0, max_value=10**14 - 1))
def test_capitals_say_every_nonzero_digit_in_order_and_zero_only_between(fen):
    """Digit by digit: the capital digits other than 零, read in order, are the non-zero digits of the amount; 整
    closes exactly the amounts with no jiao and no fen; 零 never doubles and never ends the yuan part."""
    amount = Decimal(fen) / 100
    words = capital(amount)
    digits = f"{fen:03d}"
    said = "".join(str(DIGITS.index(c)) for c in words if c in DIGITS and c != "零")
    assert said == digits.replace("0", "")
    assert words.endswith("整") == (fen % 100 == 0)
    assert "零零" not in words and "零元" not in words[1:] and "零万" not in words and "零亿" not in words
    if fen % 100 and fen >= 100:
        assert ("角" in words) == (fen % 100 >= 10)
        assert ("分" in words) == (fen % 10 != 0)


# -- the document, pure ------------------------------------------------------------------------------------

def _tw2(**changes) -> Contract:
    raw = {"code": "TW2", "name": "天网二期 Tianwang phase 2 (200 new points)", "vendor": TW2_VENDOR,
           "buyer": "峨眉山市公安局 Emeishan Public Security Bureau", "billing_start": dt.date(2022, 2, 24),
           "billing_months": 36, "service_months": 60, "annual_fee": "4929753.36", "frequency": "quarterly"}
    return Contract(make_terms({**raw, **changes}))


def test_the_period_a_form_names():
    assert period_words(dt.date(2023, 7, 1), dt.date(2023, 10, 1)) == ("2023年第三季度", "Q3 2023")
    assert period_words(dt.date(2023, 7, 1), dt.date(2023, 8, 1)) == ("2023年7月", "July 2023")
    assert period_words(dt.date(2023, 1, 1), dt.date(2024, 1, 1)) == ("2023年度", "2023")
    # An anniversary quarter is named by its days, the last one inclusive: [2023-05-24, 2023-08-24) ends on 08-23.
    assert period_words(dt.date(2023, 5, 24), dt.date(2023, 8, 24)) == ("2023年5月24日至8月23日", "2023-05-24 to 2023-08-23")
    assert period_words(dt.date(2023, 12, 24), dt.date(2024, 3, 24))[0] == "2023年12月24日至2024年3月23日"
    assert short_name("天网二期 Tianwang phase 2 (200 new points)") == "天网二期"
    assert short_name("Example Networks O&M") == "Example Networks O&M"


def test_a_calendar_quarter_gives_the_purpose_the_finance_office_writes():
    # Aligned on calendar quarters from 2023-01-01, installment 3 is 2023-07-01..2023-09-30.
    contract = _tw2(billing_start=dt.date(2023, 1, 1), alignment="calendar")
    doc = payment_request_document(contract, 3, dt.date(2023, 10, 8))
    assert doc.purpose == "2023年第三季度天网二期服务费"
    assert (doc.period_start, doc.last_day) == (dt.date(2023, 7, 1), dt.date(2023, 9, 30))


def test_the_number_is_code_seq_and_day():
    assert request_number("TW2", 6, dt.date(2023, 10, 1)) == "TW2-006-20231001"


def test_missing_vendor_data_stays_unknown_and_a_wrong_vendor_is_refused():
    contract = _tw2()
    doc = payment_request_document(contract, 6, dt.date(2023, 10, 1))
    assert (doc.payee, doc.credit_code, doc.bank, doc.account, doc.vendor_recorded) == (TW2_VENDOR, None, None, None, False)
    assert doc.programme_code is None
    partial = Vendor(TW2_VENDOR, bank="某银行")  # a record with the bank only: the account stays unknown, not ""
    doc = payment_request_document(contract, 6, dt.date(2023, 10, 1), vendor=partial)
    assert (doc.bank, doc.account, doc.vendor_recorded) == ("某银行", None, True)
    with pytest.raises(ContractsError, match="is not the vendor of TW2"):
        payment_request_document(contract, 6, dt.date(2023, 10, 1), vendor=Vendor("another"))


# -- the reference case, through the store ------------------------------------------------------------------

def test_the_reference_quarter_of_tw2(loaded):
    """TW2 (天网二期), installment 6, as of 2023-10-01, from examples/emeishan.toml.

    Worked by hand from the reference (4,929,753.36 a year, quarterly from 2022-02-24, 36 months):
      gross a quarter = 4,929,753.36 / 4 = 1,232,438.34 (exact); 12 installments: total 14,789,260.08.
      Installment 6 is the 6th quarter from 2022-02-24: [2023-05-24, 2023-08-24), last day 2023-08-23, due 2023-08-24.
      The source deducts per assessment but gives no rules ("unrecorded"): nothing can be deducted, so the net
      1,232,438.34 is an upper bound, and said so. No payment to TW2 is recorded (the source lists none): paid 0.00,
      the whole net is requested: 壹佰贰拾叁万贰仟肆佰叁拾捌元叁角肆分.
    """
    from web.voucher import voucher_document

    from db.store import open_store

    store = open_store(loaded.url).store
    try:
        doc = voucher_document(store, "TW2", 6, as_of=dt.date(2023, 10, 1))
    finally:
        store.close()
    assert doc.number == "TW2-006-20231001" and doc.title == "付款审批单"
    assert doc.applying_unit == "峨眉山市公安局 Emeishan Public Security Bureau" and doc.payee == TW2_VENDOR
    assert (doc.programme_code, doc.contract_total, doc.paid_so_far) == ("POLICE-IT", Decimal("14789260.08"), Decimal("0.00"))
    assert (doc.period_start, doc.last_day, doc.due) == (dt.date(2023, 5, 24), dt.date(2023, 8, 23), dt.date(2023, 8, 24))
    assert (doc.gross, doc.deductions, doc.net, doc.requested) == (Decimal("1232438.34"), (), Decimal("1232438.34"),
                                                                   Decimal("1232438.34"))
    assert doc.requested_in_words == "壹佰贰拾叁万贰仟肆佰叁拾捌元叁角肆分"
    assert doc.upper_bound and not doc.settled and doc.bank is None
    assert doc.purpose == "2023年5月24日至8月23日天网二期服务费"


def test_a_request_with_deductions_and_a_recorded_vendor(loaded, tmp_path):
    """TW2 with an online-rate rule and itemized findings, installment 7 assessed at 93.4% with one finding:
    2 started steps below 95 x 1/45 x 1,232,438.34 = 54,775.037... -> 54,775.04; plus 1,500.00; net
    1,232,438.34 - 56,275.04 = 1,176,163.30 (壹佰壹拾柒万陆仟壹佰陆拾叁元叁角)."""
    for args in (("rule", "add", "TW2", "--name", "online", "--kind", "threshold", "--effective-from", "2022-02-24",
                  "--metric", "online_rate", "--threshold", "95", "--step", "1", "--per-step-share", "1/45", "--position", "1"),
                 ("rule", "add", "TW2", "--name", "findings", "--kind", "itemized", "--effective-from", "2022-02-24",
                  "--position", "2")):
        loaded(*args)
    loaded("assess", "TW2", "--seq", "7", "--metric", "online_rate=93.4", "--item", "3 cameras offline 5 days=1500",
           "--on", "2023-12-01")
    loaded("vendor", "add", TW2_VENDOR, "--bank", "示例银行 (fictional)", "--account", "0000-1111")
    path = tmp_path / "request.html"
    loaded("--lang", "zh", "voucher", "TW2", "7", "--as-of", "2024-01-02", "-o", str(path), "--attachments", "2")
    html = path.read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert "￥1,232,438.34" in text and "－￥54,775.04" in text and "－￥1,500.00" in text and "－￥56,275.04" in text
    assert "￥1,176,163.30" in text and "人民币（大写）壹佰壹拾柒万陆仟壹佰陆拾叁元叁角" in text
    assert "3 cameras offline 5 days: 1500.00" in text and "示例银行 (fictional)" in text and "0000-1111" in text
    assert "2 张" in text and "TW2-007-20240102" in text
    assert "2023年8月24日 至 2023年11月23日" in text  # installment 7 and its inclusive last day
    for who in ("经办人", "部门负责人", "财务审核", "分管领导", "单位负责人"):
        assert f"{who}：" in text


def test_a_paid_installment_says_settled_and_asks_for_nothing(loaded, tmp_path):
    """TW1 installment 20 ([2022-12-30, 2023-03-30), 429,000.00): the opening says 454,249.00 was owed at 2023-01-01,
    and 2,170,249.00 was paid on 2023-12-31 = 454,249.00 + 4 x 429,000.00, so the four 2023 installments, 20 among
    them, are paid in full by 2024-03-31."""
    path = tmp_path / "paid.html"
    out = loaded("--lang", "zh", "voucher", "TW1", "20", "--as-of", "2024-03-31", "-o", str(path)).stdout
    assert out.strip() == f"wrote payment request TW1-020-20240331 (0.00 requested; 已付清, nothing requested) to {path}"
    text = re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))
    assert "已付清" in text and "本次不申请付款" in text and "人民币（大写）零元整" in text
    assert re.search(r"本次申请付款\s*.*?￥0\.00", text, re.S)
    assert "￥429,000.00" in text  # the net and what was paid on it, beside the nil request


def test_an_installment_awaiting_assessment_is_refused_in_one_line(loaded, tmp_path):
    loaded("rule", "add", "TW2", "--name", "findings", "--kind", "itemized", "--effective-from", "2022-02-24")
    path = tmp_path / "r.html"
    result = loaded("voucher", "TW2", "8", "--as-of", "2024-03-01", "-o", str(path), ok=False)
    assert result.stderr.strip() == "error: seq 8: of TW2 is awaiting assessment: no amount can be requested yet"
    assert not path.exists()


def test_stored_text_is_escaped_on_the_page(cli, tmp_path):
    cli("add", "--code", "X1", "--name", "<img src=x onerror=alert(1)>", "--vendor", "<script>alert(1)</script>",
        "--buyer", "A & B", "--billing-start", "2024-01-01", "--billing-months", "12", "--annual-fee", "1200.00")
    cli("vendor", "add", "<script>alert(1)</script>", "--bank", "</td><b>bank</b>", "--contact", "\"quoted\"")
    path = tmp_path / "x.html"
    cli("voucher", "X1", "1", "--as-of", "2024-05-01", "-o", str(path))
    html = path.read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;/td&gt;&lt;b&gt;bank&lt;/b&gt;" in html and "A &amp; B" in html


def test_the_cli_writes_the_page_and_never_replaces_a_file_unasked(loaded, tmp_path):
    path = tmp_path / "request.html"
    out = loaded("voucher", "TW2", "6", "--as-of", "2023-10-01", "-o", str(path)).stdout
    assert out.strip() == f"wrote payment request TW2-006-20231001 (1,232,438.34 requested) to {path}"
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "@page" in html and "<link" not in html  # its stylesheet inside
    path.write_text("a signed copy", encoding="utf-8")
    refused = loaded("voucher", "TW2", "6", "--as-of", "2023-10-01", "-o", str(path), ok=False)
    assert refused.stderr.strip() == f"error: output '{path}': exists; give --force to replace it"
    assert path.read_text(encoding="utf-8") == "a signed copy"
    loaded("voucher", "TW2", "6", "--as-of", "2023-10-01", "-o", str(path), "--force", "--lang", "en")
    assert 'lang="en"' in path.read_text(encoding="utf-8") and "Payment request (付款审批单)" in path.read_text(encoding="utf-8")
    bad = loaded("voucher", "TW2", "99", "-o", str(tmp_path / "new.html"), ok=False)
    assert bad.stderr.strip() == "error: seq 99: is not in the schedule of TW2" and not (tmp_path / "new.html").exists()
    assert loaded("voucher", "TW2", "6", "-f", "html", ok=False).stderr.strip() == \
        "error: output: is required with --format html: -o request.html"


def test_the_page_links_its_stylesheet_for_the_web_app(loaded):
    from db.store import open_store
    from web.voucher import voucher_html

    store = open_store(loaded.url).store
    try:
        html = voucher_html(store, "TW2", 6, as_of=dt.date(2023, 10, 1), stylesheet="/static/print.css")
    finally:
        store.close()
    assert '<link rel="stylesheet" href="/static/print.css">' in html and "<style>" not in html
    assert 'style="' not in html  # no inline style: the web app's Content-Security-Policy allows only its own sheets


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_request_prints_on_one_a4_page(loaded, tmp_path, lang):
    from tests import office

    loaded("import", str(ROOT / "examples" / "demo-om.toml"))
    loaded("import", str(DEMO_VENDORS))
    page = tmp_path / "request.html"
    # DEMO-OM installment 2: three deductions and a finding (the longest request of the examples) and the fictional
    # vendor's bank and account.
    loaded("--lang", lang, "voucher", "DEMO-OM", "2", "--as-of", "2025-08-01", "-o", str(page))
    pdf = tmp_path / "request.pdf"
    data = browser.print_to_pdf(page, pdf)
    boxes = {tuple(round(float(v)) for v in box) for box in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)}
    assert boxes == {(595, 842)}  # A4 portrait in points
    pdftotext = office._tool("pdftotext", "poppler-utils")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("\f") == 1  # one page: pdftotext ends each page with a form feed
    assert "付款审批单" in text and "人民币" in text
    assert "0000 0000 0000 0000 000" in text and "184,811.11" in text  # the demo's worked net of installment 2
