"""LibreOffice (headless) and poppler for the workbook tests: open a file as a finance office would, print it to
PDF and read the PDF's text layer, and save every sheet as CSV with the formulas recomputed by LibreOffice.

Debian's ``libreoffice-calc`` and ``poppler-utils`` (``.ci/run`` installs them). Where they are missing the tests
are skipped, unless CONTRACTS_REQUIRE_OFFICE is set (CI sets it), when they fail.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

# Comma, double quote, UTF-8, from line 1, no cell formats, raw values (not as shown), every sheet to a file of its own.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if not found:
        if os.environ.get("CONTRACTS_REQUIRE_OFFICE"):
            pytest.fail(f"{name} is required (CONTRACTS_REQUIRE_OFFICE) but not installed: apt-get install {package}")
        pytest.skip(f"{name} is not installed (Debian: apt-get install {package})")
    return found


def convert(path: Path, target: str, outdir: Path) -> list[Path]:
    """``soffice --convert-to`` in a profile of its own (two runs at once must not share one)."""
    soffice = _tool("soffice", "libreoffice-calc")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="contracts-lo-") as profile:
        done = subprocess.run([soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                               "--convert-to", target, "--outdir", str(outdir), str(path)],
                              capture_output=True, text=True, timeout=180)
    made = sorted(outdir.glob(f"{path.stem}*"))
    assert done.returncode == 0 and made, done.stderr[-2000:]
    return made


def pdf_text(path: Path, outdir: Path) -> tuple[str, str]:
    """The workbook printed by LibreOffice: its text layer (laid out) and pdfinfo's description of the pages."""
    [pdf] = [p for p in convert(path, "pdf", outdir) if p.suffix == ".pdf"]
    text = subprocess.run([_tool("pdftotext", "poppler-utils"), "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    info = subprocess.run([_tool("pdfinfo", "poppler-utils"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return text, info


def sheets_as_csv(path: Path, outdir: Path) -> dict[str, list[list[str]]]:
    """Every sheet as LibreOffice computes it (formulas recalculated), by sheet name."""
    found = {}
    for made in convert(path, CSV_FILTER, outdir):
        if made.suffix != ".csv":
            continue
        name = made.stem[len(path.stem) + 1:] if made.stem != path.stem else ""
        with made.open(encoding="utf-8", newline="") as handle:
            found[name] = list(csv.reader(handle))
    return found
