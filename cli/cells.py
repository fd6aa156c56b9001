"""Stored text never becomes a formula in a spreadsheet: the one place every XLSX and CSV writer asks.

Text people stored (a buyer, a note, a payment reference) may start with a character a spreadsheet reads as the
start of a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``, ``+1+1``, ``@SUM(...)``). OWASP's advice for CSV
is followed: such a text cell gets a leading apostrophe, which Excel, WPS and LibreOffice show as a plain text
marker and never evaluate. In a workbook every text cell is written as a text cell (never a formula) with the
"quote prefix" style, so it stays text even when someone edits it. Formulas are written only where the program
makes them (totals, rates). JSON is for scripts and stays exact.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def dangerous(text: str) -> bool:
    """Would a spreadsheet evaluate this text typed into a cell?"""
    return text.startswith(FORMULA_START)


def csv_text(text: str) -> str:
    """A CSV cell from stored text: neutralised with a leading apostrophe when it would be evaluated."""
    return "'" + text if dangerous(text) else text


def csv_value(value: Any) -> Any:
    """A value as a CSV cell, where only text is neutralised (amounts such as -5.00 come from numbers, not text)."""
    return csv_text(value) if type(value) is str else value


def un_csv_text(text: str) -> str:
    """Reading back a CSV cell we wrote: the apostrophe in front of a would-be formula is ours, not the data's."""
    return text[1:] if text.startswith("'") and dangerous(text[1:]) else text


def text_cell(cell, text: str) -> None:
    """Put stored text into an openpyxl cell as text, never as a formula."""
    cell.value = text
    if cell.data_type != "s":
        cell.data_type = "s"  # openpyxl takes "=..." for a formula; this cell is text
    if dangerous(text):
        cell.quotePrefix = True  # Excel's own "text, even if it looks like a formula" marker
