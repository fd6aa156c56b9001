"""Spreadsheets in: reading an XLSX workbook or a CSV file made from `contracts template`, and writing the template.

Reading gives each sheet's rows to ``contracts.tabular``, which turns them into portfolio entries; the
import is then the same all-or-nothing transaction as a TOML file's. Errors name the sheet, row and column.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from contracts.errors import ContractsError
from contracts.portfolio_file import Portfolio, parse_portfolio_data
from contracts.tabular import KINDS, Sheet, SheetKind, kind_from_header, kind_named, read_rows, with_column

from . import files, i18n

INSTRUCTIONS = ("instructions", "说明")
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv")


def _aliases(kind: SheetKind | None = None) -> dict[str, str]:
    """Chinese headings people may write instead of a kind's column names: the tables' headings, and the
    template's own descriptions up to their first bracket or colon (合同编号, 付款日期, 年服务费 ...)."""
    kinds = [kind] if kind else list(KINDS.values())
    names = {c.name for k in kinds for c in k.columns}
    aliases = {zh: key for key, zh in i18n.HEADERS_ZH.items() if key in names}
    for k in kinds:
        for column in k.columns:
            aliases[column.help_zh.split("（")[0].split("：")[0]] = column.name
    return aliases


def _workbook_sheets(path: Path) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)  # data_only: a formula's value, as Excel last saved it
    except FileNotFoundError:
        raise ContractsError("file", str(path), "does not exist") from None
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ContractsError("file", str(path), f"is not an XLSX workbook ({type(exc).__name__})") from None
    sheets = []
    try:
        for worksheet in book.worksheets:
            if worksheet.title.strip().lower() in INSTRUCTIONS:
                continue
            kind = kind_named(worksheet.title)
            if kind is None:
                raise ContractsError("sheet", worksheet.title, f"is not one of: {', '.join(KINDS)} (or {INSTRUCTIONS[0]})",
                                     where=str(path))
            sheets.append(read_rows(kind, worksheet.iter_rows(values_only=True), f"{path}: sheet {worksheet.title!r}",
                                    _aliases(kind)))
    finally:
        book.close()
    return sheets


def _csv_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ContractsError("file", str(path), "does not exist") from None
    except OSError as exc:
        raise ContractsError("file", str(path), f"cannot be read ({exc.strerror})") from None
    for encoding in ("utf-8-sig", "gb18030"):  # Excel's "CSV UTF-8" has a BOM; on a Chinese Windows plain CSV is GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ContractsError("file", str(path), "is neither UTF-8 nor GB18030 text")


def _csv_sheet(path: Path, kind_name: str | None) -> Sheet:
    rows = list(csv.reader(io.StringIO(_csv_text(path))))
    kind: SheetKind | None
    if kind_name:
        kind = kind_named(kind_name)
        if kind is None:
            raise ContractsError("kind", kind_name, f"must be one of: {', '.join(KINDS)}")
    else:
        kind = kind_named(path.stem) or (kind_from_header(rows[0], _aliases()) if rows else None)
        if kind is None:
            raise ContractsError("file", str(path), f"cannot tell what it holds: name it after its kind "
                                 f"({', '.join(f'{k}.csv' for k in KINDS)}) or give --kind")
    return read_rows(kind, rows, str(path), _aliases(kind))


def read_sheets(path: Path, kind: str | None = None) -> tuple[Portfolio, list[Sheet]]:
    """A workbook or CSV file as a checked portfolio (its sheets kept, to name columns in later errors)."""
    if kind and path.suffix.lower() != ".csv":
        raise ContractsError("kind", kind, "is for CSV files: a workbook's sheets are named after their kinds")
    sheets = [_csv_sheet(path, kind)] if path.suffix.lower() == ".csv" else _workbook_sheets(path)
    data: dict[str, list[dict[str, Any]]] = {}
    places: dict[tuple[str, int], str] = {}
    for sheet in sheets:
        entries = data.setdefault(sheet.kind.section, [])
        for where, entry in zip(sheet.where, sheet.entries):
            entries.append(entry)
            places[(sheet.kind.section, len(entries))] = where
    try:
        portfolio = parse_portfolio_data(data, str(path), locate=lambda section, n: places[(section, n)])
    except ContractsError as exc:
        raise with_column(exc, sheets) from None
    return portfolio, sheets


def write_template(path: Path, kind: str | None = None) -> list[str]:
    """The template to fill in: a workbook with a sheet per kind and the instructions, or one kind as CSV."""
    if path.suffix.lower() == ".csv":
        chosen = kind_named(kind or path.stem)
        if chosen is None:
            raise ContractsError("kind", kind, f"is needed for a CSV template: one of {', '.join(KINDS)}")
        text = "\ufeff" + ",".join(c.name for c in chosen.columns) + "\r\n"  # the BOM tells Excel it is UTF-8
        _write(path, text.encode("utf-8"))
        return [chosen.name]
    if path.suffix.lower() != ".xlsx":
        raise ContractsError("output", str(path), "must end in .xlsx or .csv")
    if kind:
        raise ContractsError("kind", kind, "is for a CSV template; a workbook holds every kind")
    files.check_target(path)
    book = _template_workbook()
    files.write(path, lambda stream: book.save(stream))
    return list(KINDS)


def _write(path: Path, data: bytes) -> None:
    files.write(path, data)


def _template_workbook():
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from .spreadsheet import MONEY

    zh = i18n.language() == "zh"
    book = Workbook()
    notes = book.active
    notes.title = INSTRUCTIONS[1] if zh else INSTRUCTIONS[0]
    notes.append(["工作表", "列", "必填", "说明", "示例"] if zh else ["sheet", "column", "required", "meaning", "example"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    choices = {"frequency": "monthly,quarterly,semiannual,annual", "alignment": "anniversary,calendar",
               "timing": "arrears,advance", "pricing": "fixed,unit", "allow_credit": "yes,no"}
    for kind in KINDS.values():
        sheet = book.create_sheet(kind.name)
        sheet.append([c.name for c in kind.columns])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(kind.columns, start=1):
            letter = get_column_letter(index)
            head = sheet.cell(row=1, column=index)
            head.font = Font(bold=True)
            if column.required:
                head.fill = required_fill
            head.comment = Comment(column.help_zh if zh else column.help, "contracts")
            sheet.column_dimensions[letter].width = max(12, len(column.name) + 4)
            number_format = {"date": "yyyy-mm-dd", "money": MONEY}.get(column.kind)
            if number_format:  # the whole column: typed dates and amounts show as they should
                sheet.column_dimensions[letter].number_format = number_format
            if column.name in choices:
                rule = DataValidation(type="list", formula1=f'"{choices[column.name]}"', allow_blank=True)
                rule.add(f"{letter}2:{letter}1000")
                sheet.add_data_validation(rule)
            example = column.example
            notes.append([kind.title_zh if zh else kind.name, column.name, ("是" if zh else "yes") if column.required else "",
                          column.help_zh if zh else column.help, example if example is not None else ""])
            if hasattr(example, "year"):
                notes.cell(row=notes.max_row, column=5).number_format = "yyyy-mm-dd"
    footnote = ("金额以元为单位、精确到分；日期填 2024-03-30。导入时整本全部导入或全部不导入，出错时指明工作表、行和列。删除本说明表不影响导入。"
                if zh else "Amounts in yuan, to the fen; dates as 2024-03-30. An import takes the whole workbook or nothing; an "
                "error names the sheet, row and column. This sheet is ignored on import.")
    notes.append([])
    notes.append([footnote])
    for letter, width in zip("ABCDE", (14, 18, 9, 60, 30)):
        notes.column_dimensions[letter].width = width
    return book
