"""Listings and reports as an XLSX workbook, for people who live in Excel or WPS.

Real numbers with a money format, dates as dates, a frozen header row, and a total row of SUM
formulas under every money column. Every table a command shows becomes a sheet of the same file.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from contracts.errors import ContractsError

MONEY = "#,##0.00"
PERCENT = {"execution_rate", "coverage"}  # shares, shown as percentages
_state: dict[str, Any] = {}


def start(path: str) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    _state.update(path=Path(path), workbook=workbook, names=set())


def _cell(value: Any, key: str) -> Any:
    from . import i18n
    from .render import NOT_MONEY

    if isinstance(value, Decimal) and key not in NOT_MONEY:
        return i18n.in_unit(value)  # exact: in 万元 a fen is the sixth decimal, and the sums stay exact
    if isinstance(value, str):
        return i18n.value(value)
    if isinstance(value, (list, tuple)):
        from .render import flat

        return flat(value)
    if isinstance(value, Decimal) or value is None or isinstance(value, (int, dt.date, str)):
        return value
    from .render import plain

    return plain(value)


def _sheet_name(title: str | None) -> str:
    base = "".join("-" if ch in '[]:*?/\\\\' else ch for ch in (title or "Sheet"))[:28] or "Sheet"
    name, n = base, 2
    while name in _state["names"]:
        name, n = f"{base[:25]} ({n})", n + 1
    _state["names"].add(name)
    return name


def _sum_of(letter: str, rows: list[int]) -> str:
    """=SUM(D2:D5) for a run of rows, =SUM(D2:D3,D5) when subtotals sit in between."""
    runs, start = [], rows[0]
    for previous, current in zip(rows, rows[1:] + [None]):
        if current != previous + 1:
            runs.append(f"{letter}{start}" if start == previous else f"{letter}{start}:{letter}{previous}")
            start = current
    return f"=SUM({','.join(runs)})"


def _fill(sheet, rows, keys, money_keys, subtotal, advance) -> tuple[set[int], bool]:
    """The data rows. Rows that add up others become formulas over them: a subtotal (e.g. a programme's row
    after its items) over the items since the last subtotal; a "TOTAL" row over every item above."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    subtotal_rows: set[int] = set()
    money_columns: set[int] = set()
    block_start, has_totals = 2, False
    for count, row in enumerate(rows, start=1):
        sheet.append([_cell(row.get(key), key) for key in keys])
        here = sheet.max_row
        is_subtotal = subtotal is not None and subtotal(row)
        is_total = row.get(keys[0]) == "TOTAL"
        has_totals = has_totals or is_subtotal or is_total
        for index, key in enumerate(keys, start=1):
            value = row.get(key)
            cell = sheet.cell(row=here, column=index)
            if key in PERCENT and isinstance(value, Decimal):
                cell.number_format = "0.00%"
            elif isinstance(value, Decimal) and key in money_keys:
                cell.number_format = MONEY
                money_columns.add(index)
                if (is_subtotal or is_total) and here > 2:
                    items = [r for r in range(2 if is_total else block_start, here) if r not in subtotal_rows]
                    if items and any(isinstance(sheet.cell(row=r, column=index).value, Decimal) for r in items):
                        cell.value = _sum_of(get_column_letter(index), items)
                        cell.font = Font(bold=True)
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
        if is_subtotal or is_total:
            subtotal_rows.add(here)
            block_start = here + 1
        if count % 500 == 0:
            advance(500)
    return money_columns, has_totals


def add_sheet(rows: Sequence[Mapping[str, Any]], keys: Sequence[str], title: str | None, headers: Mapping[str, str],
              subtotal: Callable[[Mapping[str, Any]], bool] | None = None) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from . import i18n
    from .render import NOT_MONEY, heading

    workbook = _state["workbook"]
    sheet = workbook.create_sheet(_sheet_name(title))
    money_keys = {key for key in keys if key not in NOT_MONEY and any(isinstance(row.get(key), Decimal) for row in rows[:50])}
    suffix = f" ({i18n.unit_name()})" if i18n.unit() != "yuan" else ""
    # English sheets keep the keys as headings (what scripts and the JSON use); Chinese ones read as Chinese.
    names = [(heading(key, headers) if i18n.language() != "en" else headers.get(key, key)) + (suffix if key in money_keys else "")
             for key in keys]
    sheet.append(names)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    from .progress import progress_bar

    with progress_bar(f"writing {_state['path'].name}", len(rows) if len(rows) >= 2000 else 0) as advance:
        money_columns, has_totals = _fill(sheet, rows, keys, money_keys, subtotal, advance)
    # Without totals of their own, a row of SUM formulas goes under the money columns.
    if rows and money_columns and len(rows) > 1 and not has_totals:
        last = sheet.max_row
        total = [None] * len(keys)
        total[0] = i18n.value("total")
        sheet.append(total)
        for index in money_columns:
            letter = get_column_letter(index)
            cell = sheet.cell(row=last + 1, column=index, value=f"=SUM({letter}2:{letter}{last})")
            cell.number_format = MONEY
            cell.font = Font(bold=True)
    for index, key in enumerate(keys, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(50, len(names[index - 1]) * (1 if names[index - 1].isascii() else 2) + 4))
    try:
        workbook.save(_state["path"])  # after every sheet: the file always holds what was shown so far
    except OSError as exc:
        raise ContractsError("output", str(_state["path"]), f"cannot be written ({exc.strerror})") from None
