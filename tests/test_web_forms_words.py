"""The data-changing pages speak Chinese: every phrase their templates and handlers pass to t() has its Chinese in
cli/i18n.py (the CLI's table, shared) or web/text.py (the core's pages' words)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["web/forms.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "web").glob("routes_*.py")
                                 if p.name not in ("routes_auth.py", "routes_home.py", "routes_contracts.py",
                                                   "routes_history.py", "routes_admin.py", "routes_request.py"))]
TEMPLATES = ["assessment.html", "payments.html", "procurement.html", "procurement_line.html", "budget.html", "fee_line.html",
             "report.html", "calendar.html", "import.html", "vendors.html"]
PHRASE = re.compile(r'\bt\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)')  # adjacent literals join, as Python joins them
PART = re.compile(r'"((?:[^"\\]|\\.)*)"')


def phrases() -> set[str]:
    found = set()
    for name in SOURCES + [f"web/templates/{t}" for t in TEMPLATES]:
        path = ROOT / name
        if path.exists():
            found |= {"".join(PART.findall(literal)) for literal in PHRASE.findall(path.read_text(encoding="utf-8"))}
    return found


def test_every_phrase_of_the_forms_has_its_chinese():
    from cli import i18n
    from web.text import WEB_ZH

    found = phrases()
    assert len(found) > 40
    missing = sorted(p for p in found if p not in i18n.TEXT_ZH and p not in WEB_ZH)
    assert not missing, missing
