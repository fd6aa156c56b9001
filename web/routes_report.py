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
    allowed = " ".join(styles) or "'none'"
    return (f"default-src 'none'; style-src {allowed}; img-src data:; script-src 'none'; "
            "form-action 'none'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def report_html(request: Request) -> tuple[str, str] | str | None:
    """The portfolio report as of the page's day in the reader's language and unit, and its Content-Security-Policy
    (hashing its styles reads the whole page: done once, with it), or None while it is being made, or the one line
    of the error its computation ended with.

    The report is rendered from the dashboard's computation (web/portfolio.py, one per state of the store), in a
    thread of its own like every whole-portfolio figure (``kept``): a province's report takes minutes, and a page
    must not wait for it. A printed report must be of the store as it is, so an older one is never shown."""
    from cli import i18n

    from .portfolio import kept

    day = pages.as_of(request)
    language, unit = i18n.language(), i18n.unit()
    made = pages.now(request).astimezone(pages.CHINA).strftime("%Y-%m-%d %H:%M") + " (UTC+8)"
    answer = kept(pages.store(request), ("report", day, language, unit),
                  lambda store: _render(store, day, language, unit, made),
                  wait=request.app.state.settings.wait_seconds, now=pages.now(request))
    if answer.failed and not answer.fresh:
        return answer.failed  # the one line of the computation's error
    if answer.value is None or not answer.fresh:
        return None
    return answer.value


def _render(store, day, language: str, unit: str, made: str) -> tuple[str, str]:
    """In the computation's thread: the dashboard's portfolio (waiting for it, or starting it), rendered as the CLI's
    ``report html`` in the reader's language and unit (set for this thread only)."""
    from cli import i18n
    from cli.html_report import render as render_report
    from contracts.errors import ContractsError

    from .portfolio import REBID_METHODS, portfolio

    answer = portfolio(store, day, wait=REPORT_WAIT_SECONDS)
    if answer.portfolio is None or not answer.fresh:
        raise ContractsError("report", day.isoformat(), answer.failed or "could not be computed in time; try again")
    i18n.configure(language, unit, here_only=True)
    found = answer.portfolio
    html = render_report(found.report, contract_count=found.contracts, rebid_methods=REBID_METHODS, generated=made)
    return html, policy(html)


REPORT_WAIT_SECONDS = 3600  # the report's thread waits for the dashboard's computation this long at most


def report_page(request: Request) -> Response:
    made = report_html(request)
    if isinstance(made, str):
        return pages.problem(request, 500, made)
    if made is None:
        response = pages.problem(request, 503, pages.t("The report is still being prepared; try again in a minute."))
        response.headers["retry-after"] = "60"
        return response
    html, allowed = made
    return HTMLResponse(html, headers={"content-security-policy": allowed})


def report(request: Request) -> Response:
    day = pages.as_of(request)
    return render(request, "report.html", title=pages.t("Report"), day=day)


routes = [
    get("/report", report, name="report"),
    get("/report/page", report_page, name="report_page"),
]
