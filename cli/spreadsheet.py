"""Listings and reports as an XLSX workbook, for people who live in Excel or WPS and print what they send on.

Every table a command shows becomes a sheet of one file. A sheet reads and prints as a finance office expects:
its title (with the as-of day) in the first row and human headings in the second, in the chosen language; real
numbers with a money format, dates as dates, stored text as text (never a formula: ``cli.cells``); columns as wide
as their widest value (Chinese characters counted double), so no amount shows as ``###``; A4 landscape, one page
wide, the heading rows repeated on every page, page numbers in the footer, a filter and a frozen header. Totals,
subtotals and rates are formulas over the cells above, so they stay right when someone corrects a figure. Sheets
that show the same money two ways say how they reconcile in a note row. The sheet's name stays the same from day
to day (the date is in the title row), so formulas and macros that refer to it keep working.

The workbook is built in memory and written once, after the command succeeded, through ``cli.files`` (a
temporary file renamed over the target; an existing file only with --force).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from .cells import text_cell

MONEY = "#,##0.00"
PERCENT = {"execution_rate", "coverage"}  # shares, shown as percentages
# A rate is a formula over its row: execution = paid / budget in force; coverage = budget in force / obligations.
RATIOS = {"execution_rate": ("paid", "budget_in_force"), "coverage": ("budget_in_force", "obligations")}
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
NAMED_BY = ("contract", "item", "code", "line", "programme")  # columns of codes a reader wants the name beside
MAX_WIDTH = 60  # wider text wraps
_state: dict[str, Any] = {}


def start(path: str) -> None:
    """A new workbook for this command, to be written to ``path`` when the command has succeeded."""
    from openpyxl import Workbook

    from . import files

    target = Path(path)
    files.check_target(target)  # refused now, before any work: a folder, the store itself, a file without --force
    workbook = Workbook()
    workbook.remove(workbook.active)
    _state.clear()
    _state.update(path=target, workbook=workbook, names=set(), titles=[], labels={})


def pending() -> bool:
    return "workbook" in _state


def discard() -> None:
    _state.clear()


def remember_names(store) -> None:
    """The names of contracts, programmes, fee lines and lines, to show beside their codes (a reader of a printed
    sheet does not know what TW2 is)."""
    labels: dict[str, str] = {}
    try:
        # every contract's code and name, by the store's light query (no contract is loaded for this)
        for code, name, *_ in store.expiring(dt.date(1, 1, 1), dt.date(9999, 12, 31)):
            labels[code] = name
        budgets = store.budgets()
        for programme in budgets.programmes:
            labels.setdefault(programme.code, programme.name)
        for line in budgets.fee_lines:
            labels.setdefault(line.code, line.name)
    except Exception:  # names are a courtesy: a store that cannot give them still gets its workbook
        return
    _state["labels"] = labels


def finish() -> str | None:
    """Write the workbook (once, safely) and say what was written; None when the command wrote no workbook."""
    if not pending():
        return None
    from . import files, i18n

    path, workbook, titles = _state["path"], _state["workbook"], _state["titles"]
    discard()
    if not workbook.worksheets:
        return None
    files.write(path, workbook_bytes(workbook, path))
    names = ", ".join(sheet.title for sheet in workbook.worksheets)
    return i18n.t("wrote {path}: {count} sheet(s) ({names})", path=str(path), count=len(titles), names=names)


def take_bytes() -> bytes | None:
    """The workbook this command built, as the bytes of an .xlsx file, written nowhere (the web app sends it as a
    download); None when no sheet was added. The workbook is discarded either way."""
    if not pending():
        return None
    workbook = _state["workbook"]
    discard()
    return workbook_bytes(workbook) if workbook.worksheets else None


def workbook_bytes(workbook, path: object = "workbook") -> bytes:
    """The workbook as the bytes of an .xlsx file, made in memory: the file is then written in one go (a zip writer
    failing half-way into a file would leave both the file and a noisy half-closed archive behind)."""
    import io

    from contracts.errors import ContractsError

    buffer, failure = io.BytesIO(), None
    try:
        workbook.save(buffer)  # openpyxl writes each sheet through a temporary file first
    except OSError as exc:
        failure = exc.strerror or str(exc)
    if failure is not None:
        import gc
        import sys

        # openpyxl's half-run writers complain as they are collected; the one line below says all there is to say
        hook, sys.unraisablehook = sys.unraisablehook, lambda _: None
        try:
            gc.collect()
        finally:
            sys.unraisablehook = hook
        raise ContractsError("output", str(path), f"cannot be written ({failure})")
    return buffer.getvalue()


def _cell_value(value: Any, key: str) -> Any:
    from . import i18n
    from .render import NOT_MONEY, flat, plain

    if isinstance(value, bool):
        return i18n.value("yes" if value else "no")
    if isinstance(value, Decimal) and key not in NOT_MONEY:
        return i18n.in_unit(value)  # exact: in 万元 a fen is the sixth decimal, and the sums stay exact
    if isinstance(value, (str, list, tuple)):
        from .prose import shown

        value = shown(value, key)
        return value if isinstance(value, str) else str(flat(value))
    if isinstance(value, Decimal) or value is None or isinstance(value, (int, dt.date)):
        return value
    return plain(value)


def _width(text: str) -> int:
    """Display width: a Chinese character takes two columns."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _shown(value: Any, key: str, money: bool) -> str:
    """The text a spreadsheet shows for a cell, to size its column."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if key in PERCENT and isinstance(value, Decimal):
        return f"{value * 100:,.2f}%"
    if money and isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, dt.date):
        return "2024-03-30"
    return str(value)


def _sum_of(letter: str, rows: list[int]) -> str:
    """=SUM(D3:D6) for a run of rows, =SUM(D3:D4,D6) when subtotals sit in between."""
    runs, start = [], rows[0]
    for previous, current in zip(rows, rows[1:] + [None]):
        if current != previous + 1:
            runs.append(f"{letter}{start}" if start == previous else f"{letter}{start}:{letter}{previous}")
            start = current
    return f"=SUM({','.join(runs)})"


def _sheet_name(title: str | None) -> str:
    from . import i18n

    base = i18n.sheet_name(title or "Sheet")
    base = "".join("-" if ch in "[]:*?/\\" else ch for ch in base).strip("' ")[:31] or "Sheet"
    name, n = base, 2
    while name in _state["names"]:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    _state["names"].add(name)
    return name


def _with_names(rows: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> tuple[list[Mapping[str, Any]], list[str]]:
    """A name column after the first column of codes, when the rows have no name of their own."""
    labels = _state.get("labels") or {}
    if not labels or "name" in keys:
        return list(rows), list(keys)
    coded = next((key for key in NAMED_BY if key in keys), None)
    if coded is None or not any(row.get(coded) in labels for row in rows[:200]):
        return list(rows), list(keys)
    at = list(keys).index(coded) + 1
    named = [{**row, "name": labels.get(row.get(coded)) if isinstance(row.get(coded), str) else None} for row in rows]
    return named, list(keys[:at]) + ["name"] + list(keys[at:])


def add_sheet(rows: Sequence[Mapping[str, Any]], keys: Sequence[str], title: str | None, headers: Mapping[str, str],
              subtotal: Callable[[Mapping[str, Any]], bool] | None = None) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from . import i18n
    from .progress import progress_bar
    from .render import NOT_MONEY, heading

    workbook = _state["workbook"]
    rows, keys = _with_names(rows, keys)
    sheet = workbook.create_sheet(_sheet_name(title))
    _state["titles"].append(title)
    money_keys = {key for key in keys if key not in NOT_MONEY and any(isinstance(row.get(key), Decimal) for row in rows[:200])}
    suffix = f" ({i18n.unit_name()})" if i18n.unit() != "yuan" else ""
    names = [heading(key, headers) + (suffix if key in money_keys else "") for key in keys]
    sheet.append([None] * len(keys))
    text_cell(sheet.cell(row=TITLE_ROW, column=1), (title or "") + (f" ({i18n.unit_name()})" if suffix else ""))
    sheet.cell(row=TITLE_ROW, column=1).font = Font(bold=True, size=13)
    sheet.append([None] * len(keys))
    for index, name in enumerate(names, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index)
        text_cell(cell, name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [max((_width(word) for word in name.split()), default=4) for name in names]
    with progress_bar(f"writing {_state['path'].name}", len(rows) if len(rows) >= 2000 else 0) as advance:
        money_columns, total_rows, text_columns = _fill(sheet, rows, keys, money_keys, subtotal, advance, widths)
    last_item = sheet.max_row
    if rows and money_columns and len(rows) > 1 and not total_rows:
        total_row = last_item + 1
        text_cell(sheet.cell(row=total_row, column=1), i18n.value("TOTAL"))
        sheet.cell(row=total_row, column=1).font = Font(bold=True)
        for index in money_columns:
            letter = get_column_letter(index)
            cell = sheet.cell(row=total_row, column=index, value=f"=SUM({letter}{FIRST_ROW}:{letter}{last_item})")
            cell.number_format = MONEY
            cell.font = Font(bold=True)
            widths[index - 1] = max(widths[index - 1], _width(f"{sum((abs(i18n.in_unit(r[keys[index - 1]])) for r in rows if isinstance(r.get(keys[index - 1]), Decimal)), Decimal(0)):,.2f}") + 1)
        total_rows = [total_row]
    _reconcile(sheet, rows, keys, total_rows)
    for index, key in enumerate(keys, start=1):
        letter = get_column_letter(index)
        width = min(widths[index - 1] + 3, MAX_WIDTH)
        sheet.column_dimensions[letter].width = width
        if index in text_columns:
            sheet.column_dimensions[letter].number_format = "@"  # what people type there stays text (2023-01 is a code)
        if widths[index - 1] + 3 > MAX_WIDTH:
            for (cell,) in sheet.iter_rows(min_row=FIRST_ROW, max_row=last_item, min_col=index, max_col=index):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    _page_setup(sheet, len(keys), last_item)


def _fill(sheet, rows, keys, money_keys, subtotal, advance, widths) -> tuple[set[int], list[int], set[int]]:
    """The data rows. Rows that add up others become formulas over them: a subtotal (e.g. a programme's row
    after its items) over the items since the last subtotal; a "TOTAL" row over every item above."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from .cells import dangerous

    subtotal_rows: set[int] = set()
    total_rows: list[int] = []
    money_columns: set[int] = set()
    text_columns: set[int] = set()
    letters = {key: get_column_letter(index) for index, key in enumerate(keys, start=1)}
    block_start = FIRST_ROW
    bold = Font(bold=True)
    here = sheet.max_row  # counted from here on: openpyxl's max_row scans every cell written, quadratic over a sheet
    for count, row in enumerate(rows, start=1):
        values = [_cell_value(row.get(key), key) for key in keys]
        sheet.append(values)
        here += 1
        is_subtotal = subtotal is not None and subtotal(row)
        is_total = row.get(keys[0]) == "TOTAL"
        for index, (key, value) in enumerate(zip(keys, values), start=1):
            raw = row.get(key)
            cell = None
            if isinstance(value, str):
                text_columns.add(index)
                if dangerous(value):
                    text_cell(sheet.cell(row=here, column=index), value)
            if key in PERCENT and isinstance(raw, Decimal):
                cell = sheet.cell(row=here, column=index)
                cell.number_format = "0.00%"
                numerator, denominator = RATIOS.get(key, (None, None))
                if numerator in letters and denominator in letters and row.get(denominator):
                    cell.value = f"={letters[numerator]}{here}/{letters[denominator]}{here}"
            elif isinstance(raw, Decimal) and key in money_keys:
                cell = sheet.cell(row=here, column=index)
                cell.number_format = MONEY
                money_columns.add(index)
                if (is_subtotal or is_total) and here > FIRST_ROW:
                    items = [r for r in range(FIRST_ROW if is_total else block_start, here) if r not in subtotal_rows]
                    if items and any(isinstance(sheet.cell(row=r, column=index).value, Decimal) for r in items):
                        cell.value = _sum_of(get_column_letter(index), items)
            elif isinstance(raw, dt.date):
                sheet.cell(row=here, column=index).number_format = "yyyy-mm-dd"
            shown = _shown(value, key, key in money_keys)
            if len(shown) + 2 > widths[index - 1] or not shown.isascii():
                widths[index - 1] = max(widths[index - 1], _width(shown))
        if is_subtotal or is_total:
            subtotal_rows.add(here)
            total_rows.append(here)
            for cell in sheet[here]:
                cell.font = bold
            block_start = here + 1
        if count % 500 == 0:
            advance(500)
    return money_columns, total_rows, text_columns


def _reconcile(sheet, rows, keys, total_rows) -> None:
    """Where two sheets of one workbook show the same money two ways, say how they agree, in rows under the table.

    The arrears detail counts installments not yet assessed as owed (at gross); the summary by contract keeps them
    in a column of their own and leaves them out of its total."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from . import i18n

    label = i18n.value("not yet assessed")
    if "bucket" in keys and "owed" in keys and total_rows and any(row.get("bucket") == "not yet assessed" for row in rows):
        owed, bucket = get_column_letter(keys.index("owed") + 1), get_column_letter(keys.index("bucket") + 1)
        last, here = total_rows[-1] - 1, sheet.max_row + 1  # a blank row, then the two rows
        of_which = here + 1
        for text, formula in (
            (i18n.t("of which not yet assessed (at gross)"), f'=SUMIF({bucket}{FIRST_ROW}:{bucket}{last},"{label}",{owed}{FIRST_ROW}:{owed}{last})'),
            (i18n.t("assessed and owed (the summary's total)"), f"={owed}{total_rows[-1]}-{owed}{of_which}"),
        ):
            here += 1
            text_cell(sheet.cell(row=here, column=1), text)
            cell = sheet.cell(row=here, column=keys.index("owed") + 1, value=formula)
            cell.number_format = MONEY
            cell.font = Font(italic=True)
        _note(sheet, here + 2, i18n.t(NOTE_DETAIL))
    if "not_yet_assessed" in keys and "total" in keys and any(row.get("not_yet_assessed") for row in rows):
        _note(sheet, sheet.max_row + 2, i18n.t(NOTE_SUMMARY))


NOTE_DETAIL = ("The summary by contract keeps installments not yet assessed apart, at gross, and leaves them out of its "
               "total; here they count as owed.")
NOTE_SUMMARY = ("Total leaves out the installments not yet assessed (their own column, at gross); total + not yet "
                "assessed = what the detail sheet counts as owed.")


def _note(sheet, row: int, text: str) -> None:
    from openpyxl.styles import Font

    cell = sheet.cell(row=row, column=1)
    text_cell(cell, text)
    cell.font = Font(italic=True, color="4A5568")


def _page_setup(sheet, columns: int, last_item: int) -> None:
    """A4 landscape, one page wide, the title and heading rows on every page, page numbers, a filter."""
    from openpyxl.utils import get_column_letter

    from . import i18n

    sheet.freeze_panes = f"A{FIRST_ROW}"
    last_column = get_column_letter(max(columns, 1))
    if last_item >= FIRST_ROW:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{last_item}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{TITLE_ROW}:{HEADER_ROW}"
    sheet.print_options.gridLines = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = i18n.t("Page &P of &N")
    sheet.oddFooter.right.text = "&A"
