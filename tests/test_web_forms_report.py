"""报告 over HTTP: the portfolio report as of a day is the very page `contracts report html` writes, served under a
policy of its own that allows its one <style> element by hash and nothing else (no script, no other style)."""

from __future__ import annotations

import base64
import hashlib
import re

from .web_forms import clerk, site, clock  # noqa: F401

STAMP = re.compile(r"由 contracts \S+ 于 [^生]*生成")  # when it was made: the only part that differs


def test_the_report_is_the_cli_report_under_its_own_policy(site, loaded, tmp_path):
    reader = clerk(site, "viewer")
    page = reader.get("/report")
    assert page.status_code == 200 and 'href="/report/page?as_of=2024-03-31"' in page.text
    assert "'self'" in page.headers["content-security-policy"]  # the app's own policy on the app's page
    report = reader.get("/report/page?as_of=2024-03-31")
    assert report.status_code == 200
    policy = report.headers["content-security-policy"]
    [style] = re.findall(r"<style>(.*?)</style>", report.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}';" in policy
    assert "unsafe" not in policy and "script-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert report.headers["x-frame-options"] == "DENY"
    assert "<script" not in report.text
    written = tmp_path / "report.html"
    loaded("--lang", "zh", "report", "html", "-o", str(written), "--as-of", "2024-03-31")
    assert STAMP.sub("", report.text) == STAMP.sub("", written.read_text(encoding="utf-8"))
    # TW2's installments 4-8 (5 x 1,232,438.34 = 6,162,191.70) are among what is owed
    assert "合同数" in report.text and "TW2" in report.text


def test_the_report_of_another_day_and_a_bad_day(site):
    reader = clerk(site, "viewer")
    earlier = reader.get("/report/page?as_of=2023-06-30")
    assert earlier.status_code == 200 and "2023年6月30日" in earlier.text
    bad = reader.get("/report/page?as_of=2023-02-30")
    assert bad.status_code == 400 and "2023-02-30" in bad.text
