"""`contracts report html`: one self-contained page, checked as text and rendered in headless Chromium."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from tests import browser

AS_OF = "2024-03-31"
CODES = ("TW1", "TW2", "ROAD", "ROAD-INC", "ENTRY", "SEAL-2020", "SEAL-2021")


@pytest.fixture
def page(loaded, tmp_path) -> Path:
    path = tmp_path / "report.html"
    result = loaded("report", "html", "--as-of", AS_OF, "-o", str(path))
    assert f"wrote the report as of {AS_OF} to {path}" in result.stderr
    return path


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_page_is_self_contained(page):
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert "<script" not in html and "<link" not in html and "@import" not in html
    # Nothing is fetched: the only URL is the SVG namespace, which names and loads nothing.
    assert set(re.findall(r"https?://[^\s\"')]+", html)) == {"http://www.w3.org/2000/svg"}
    assert not re.search(r"""\b(?:src|href)\s*=\s*["'](?!#)""", html)
    assert "url(#hatch-" in html and "url(http" not in html


def test_the_page_shows_every_section_with_the_reference_figures(page, loaded):
    html = page.read_text(encoding="utf-8")
    text = _text(html)
    for heading in ("Portfolio timeline", "Fiscal-year cash flow", "Expiring contracts and rebid deadlines",
                    "Payables and arrears", "Failed tenders", "Findings of the checks"):
        assert f"<h2>{heading}</h2>" in html
    for code in CODES:
        assert code in text
    # The arrears card and table agree with `contracts arrears`, and with the reference's figures.
    summary = loaded.json("arrears", "--summary", "--as-of", AS_OF)
    total = Decimal(summary[-1]["total"])
    assert total == Decimal("10108519.70")
    assert f"{total:,.2f}" in text
    # 2023 in the cash flow: obligations, the budgets in force (POLICE-IT adjusted to 543.17万元 + SEAL-PROG 80万元)
    # and the year's payments.
    assert "2023 12,822,086.22 6,231,700.00 5,873,382.26" in text
    # SEAL's three failed public tenders, undated, beside the line's label rather than on an invented day.
    assert text.count("public failed (undated tenders)") == 3
    assert "SEAL: 3 failed of 5, 3 in a row" in text
    # The timeline draws each contract's billing period, TW2's unbilled service years and the as-of line.
    assert html.count('class="bar billing"') == 7 and html.count('class="bar service"') == 1
    assert "as of 2024-03-31" in text


def test_chinese_report_in_wan(loaded, tmp_path):
    path = tmp_path / "zh.html"
    loaded("--lang", "zh", "--unit", "wan", "report", "html", "--as-of", AS_OF, "-o", str(path))
    html = path.read_text(encoding="utf-8")
    text = _text(html)
    assert '<html lang="zh-CN">' in html
    for heading in ("合同时间轴", "财年资金流", "即将到期的合同与重新采购期限", "应付与欠付", "流标记录", "数据检查结果"):
        assert f"<h2>{heading}</h2>" in html
    assert "金额单位：万元" in text and "逐项四舍五入到0.01万元" in text
    assert "1,010.85" in text  # 10,108,519.70 yuan in arrears
    assert "计费期" in text and "流标" in text


def test_bad_options_write_nothing(loaded, tmp_path):
    path = tmp_path / "r.html"
    result = loaded("report", "html", "-o", str(path), "--method", "lottery", ok=False)
    assert result.stderr.strip().startswith("error: method 'lottery': must be one of")
    result = loaded("report", "html", "-o", str(tmp_path), ok=False)
    assert "is a folder" in result.stderr
    assert not path.exists()


def test_chromium_renders_the_page_without_errors(page, tmp_path):
    dom, console = browser.render(page)
    assert console == [], console
    text = _text(dom)
    for code in CODES:
        assert code in text
    assert "10,108,519.70" in text and "2,705,566.74" in text
    assert dom.count("<svg") == 2
    png = tmp_path / "report.png"
    browser.screenshot(page, png)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # a real picture, not a blank page


def test_the_report_prints(page, tmp_path):
    pdf = browser.print_to_pdf(page, tmp_path / "report.pdf")
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 2 <= pages <= 12  # the whole report, on a handful of sheets of paper


def test_the_browser_check_catches_a_script_error(tmp_path):
    """The console check above can fail: a page with a broken script is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html><body><p>x</p><script>notDefined();</script></body></html>", encoding="utf-8")
    _, console = browser.render(bad)
    assert any("Uncaught ReferenceError" in line for line in console)


def test_an_empty_store_gives_an_empty_report(cli, tmp_path):
    cli("init")
    path = tmp_path / "empty.html"
    cli("report", "html", "--as-of", "2024-01-01", "-o", str(path))
    text = _text(path.read_text(encoding="utf-8"))
    assert "nothing is in arrears" in text and "no findings: the data adds up" in text
    assert "0 (0 errors)" in text
