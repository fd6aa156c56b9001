"""报告: the portfolio report as of any day (``?as_of=``), the very page ``contracts report html`` writes
(cli/html_report.py over contracts.report.build, with the CLI's defaults: 180 days of expiries, a year of rebid
deadlines by public tender), built once per change of the store (web/portfolio.py).

The report is one self-contained page with its CSS in a <style> element (it is meant to open from a USB stick), which
the app's Content-Security-Policy (style-src 'self') would block. So ``/report`` is an app page with the day to
choose and a link, and ``/report/page`` serves the report as its own document under a policy of its own that allows
exactly that one stylesheet, by its SHA-256 hash, and nothing else: no script at all, no other style, images only as
data: (none today), no form, no framing. A hash rather than 'unsafe-inline' means a style smuggled into the page by
stored text could not apply either (the report escapes stored text anyway).
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from . import pages
from .pages import get, render

STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def policy(html: str) -> str:
    """The report's own Content-Security-Policy: its <style> element by hash, nothing else."""
    styles = ["'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
              for text in STYLE.findall(html)]
    return (f"default-src 'none'; style-src {' '.join(styles) or ''}; img-src data:; script-src 'none'; "
            "form-action 'none'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def report_html(request: Request) -> str:
    from cli.html_report import render as render_report

    from .portfolio import REBID_METHODS, portfolio

    day = pages.as_of(request)
    found = portfolio(pages.store(request), day)
    made = pages.now(request).astimezone(pages.CHINA).strftime("%Y-%m-%d %H:%M") + " (UTC+8)"
    return render_report(found.report, contract_count=found.contracts, rebid_methods=REBID_METHODS, generated=made)


def report_page(request: Request) -> Response:
    html = report_html(request)
    return HTMLResponse(html, headers={"content-security-policy": policy(html)})


def report(request: Request) -> Response:
    day = pages.as_of(request)
    return render(request, "report.html", title=pages.t("Report"), day=day)


routes = [
    get("/report", report, name="report"),
    get("/report/page", report_page, name="report_page"),
]
