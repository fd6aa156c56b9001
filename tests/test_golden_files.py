"""Golden files: the Emeishan example's XLSX, ICS and OCDS outputs, compared with copies checked by hand.

A change to any of them shows here as a difference to review. After checking a deliberate change, rewrite
them with CONTRACTS_UPDATE_GOLDEN=1 pytest tests/test_golden_files.py and commit the new files.
"""

import datetime as dt
import json
import os
from pathlib import Path

import openpyxl
from icalendar import Calendar

GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("CONTRACTS_UPDATE_GOLDEN"))


def _compare(name: str, produced: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_bytes(produced.encode("utf-8"))
        return
    assert produced == path.read_bytes().decode("utf-8"), f"{name} differs from the golden copy"


def _workbook_as_text(path: Path) -> str:
    """Every sheet's cells with their number formats, as the spreadsheet holds them."""
    book = openpyxl.load_workbook(path)
    lines = []
    for sheet in book.worksheets:
        lines.append(f"== sheet {sheet.title!r}, frozen at {sheet.freeze_panes}")
        for row in sheet.iter_rows():  # one line a row: [value, number format] per cell
            lines.append(json.dumps([[cell.value.isoformat() if isinstance(cell.value, dt.datetime) else cell.value,
                                      cell.number_format] for cell in row], ensure_ascii=False))
    return "\n".join(lines) + "\n"


def test_xlsx_golden(loaded, tmp_path):
    arrears = tmp_path / "arrears.xlsx"
    loaded("arrears", "--as-of", "2024-03-31", "-f", "xlsx", "-o", str(arrears))
    _compare("arrears-2024-03-31.xlsx.txt", _workbook_as_text(arrears))
    fiscal = tmp_path / "fy.xlsx"
    loaded("--lang", "zh", "--unit", "wan", "report", "fy", "2023", "-f", "xlsx", "-o", str(fiscal))
    _compare("fy-2023-zh-wan.xlsx.txt", _workbook_as_text(fiscal))


def _events(ics: bytes) -> list[dict]:
    calendar = Calendar.from_ical(ics)
    return [{"uid": str(e["uid"]), "start": e.decoded("dtstart").isoformat(), "summary": str(e["summary"]),
             "remind": str(next(iter(e.walk("VALARM")))["trigger"].dt)} for e in calendar.walk("VEVENT")]


def _unstamped(ics: bytes) -> bytes:
    """The calendar without the moments that depend on when the test ran: the export's DTSTAMP and each event's
    LAST-MODIFIED (the time the example was imported); SEQUENCE, which counts the recorded changes, stays."""
    import re

    return re.sub(rb"^(DTSTAMP|LAST-MODIFIED):\d{8}T\d{6}Z\r$", rb"\1:(when)\r", ics, flags=re.M)


def test_ics_golden(loaded, tmp_path):
    path = tmp_path / "due.ics"
    loaded("calendar", "-o", str(path), "--as-of", "2024-03-31")
    produced = _unstamped(path.read_bytes())
    golden = GOLDEN / "calendar-2024-03-31.ics"
    if not UPDATE:  # parsed back, the same events: identities, days, titles and reminders
        assert _events(produced) == _events(golden.read_bytes())
    _compare("calendar-2024-03-31.ics", produced.decode("utf-8"))


def test_ocds_golden(loaded, tmp_path):
    path = tmp_path / "ocds.json"
    loaded("export", "--format", "ocds", str(path), "--as-of", "2024-01-01")
    _compare("ocds-2024-01-01.json", path.read_text(encoding="utf-8"))
