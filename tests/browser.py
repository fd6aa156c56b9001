"""Headless Chromium for the report tests: the page's DOM after rendering, its console, a screenshot.

Debian's ``chromium`` package (``.ci/run`` installs it). Where it is missing the browser tests are skipped,
unless CONTRACTS_REQUIRE_BROWSER is set (CI sets it), when they fail: CI must never pass by skipping them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]
CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\] (.*)$")


def chromium() -> str:
    found = os.environ.get("CONTRACTS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        if os.environ.get("CONTRACTS_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (CONTRACTS_REQUIRE_BROWSER) but not installed: apt-get install chromium")
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    return found


def _run(page: Path, *extra: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="contracts-chromium-") as profile:
        return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
                              capture_output=True, text=True, timeout=120)


def render(page: Path) -> tuple[str, list[str]]:
    """The DOM Chromium built from the page, and every message the page wrote to its console (errors included)."""
    done = _run(page, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    console = [match.group(1) for line in done.stderr.splitlines() if (match := CONSOLE.search(line))]
    return done.stdout, console


def screenshot(page: Path, png: Path, width: int = 1200, height: int = 3000) -> None:
    done = _run(page, f"--screenshot={png}", f"--window-size={width},{height}")
    assert done.returncode == 0 and png.exists(), done.stderr[-2000:]


def print_to_pdf(page: Path, pdf: Path) -> bytes:
    """The page as Chromium prints it (A4 by the page's print styles)."""
    done = _run(page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert done.returncode == 0 and pdf.exists(), done.stderr[-2000:]
    return pdf.read_bytes()


MEASURE = """<script>
(() => {
  const out = [];
  for (const svg of document.querySelectorAll("svg.chart")) {
    const box = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll(".legend text")) {
      const r = text.getBoundingClientRect();
      out.push({chart: svg.getAttribute("class"), text: text.textContent, left: r.left - box.left, right: r.right - box.left,
                top: r.top - box.top, bottom: r.bottom - box.top, width: box.width, height: box.height});
    }
  }
  const pre = document.createElement("pre");
  pre.id = "measured";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def legend_boxes(page: Path, width: int = 1200) -> list[dict]:
    """Where Chromium draws each legend text, relative to its chart: a copy of the page with a measuring script
    (the page itself has none), rendered at the given window width."""
    import html
    import json

    copy = page.with_name(page.stem + "-measured.html")
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    done = _run(copy, "--dump-dom", f"--window-size={width},2000")
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="measured">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stdout[-2000:]
    return json.loads(html.unescape(found.group(1)))
