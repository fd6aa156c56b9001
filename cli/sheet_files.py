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
from contracts.tabular import KINDS, VENDORS, Formula, Sheet, SheetKind, kind_from_header, kind_named, read_rows, with_column

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
    aliases.update({zh: key for key, zh in TEMPLATE_HEADINGS_ZH.items() if key in names})  # the template's own headings
    if kind is VENDORS:
        aliases.update({zh: key for key, zh in VENDOR_HEADINGS_ZH.items()})
    return aliases


def _workbook_sheets(path: Path) -> list[Sheet]:
    from openpyxl import load_workbook

    from .input_files import refuse_zip_bomb

    refuse_zip_bomb(path)  # before openpyxl unpacks it
    try:
        # Not data_only: a formula is read as the formula, and refused (its cached value is whatever Excel last
        # computed, or nothing if another program wrote the file): an import takes what was typed.
        book = load_workbook(path, read_only=True, data_only=False)
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
            rows = ([Formula(cell.value) if cell.data_type == "f" else cell.value for cell in row]
                    for row in worksheet.iter_rows())
            sheets.append(read_rows(kind, rows, f"{path}: sheet {worksheet.title!r}", _aliases(kind)))
    finally:
        book.close()
    return sheets


def _csv_text(path: Path) -> str:
    from .input_files import refuse_large

    try:
        refuse_large(path)
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
    from .cells import un_csv_text

    try:
        rows = [[un_csv_text(cell) for cell in row] for row in csv.reader(io.StringIO(_csv_text(path)))]
    except csv.Error as exc:  # a field longer than the csv module reads (128 KB), a stray NUL
        raise ContractsError("file", str(path), f"is not a CSV file this program reads ({exc})") from None
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
    """A workbook or CSV file as a checked portfolio (its sheets kept, to name columns in later errors); the rows
    refused are in ``Portfolio.errors``, each naming its sheet, row and column."""
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
    portfolio = parse_portfolio_data(data, str(path), locate=lambda section, n: places[(section, n)], collect=True)
    portfolio.errors = [error for sheet in sheets for error in sheet.errors] + [with_column(e, sheets) for e in portfolio.errors]
    portfolio.refused |= {code for sheet in sheets for code in sheet.refused}
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
    from .spreadsheet import workbook_bytes

    files.write(path, workbook_bytes(book, path))
    return list(KINDS)


def _write(path: Path, data: bytes) -> None:
    files.write(path, data)


def column_heading(column, kind: SheetKind | None = None) -> str:
    """A template column's heading: its name, or under --lang zh its Chinese heading (both are read back)."""
    if i18n.language() != "zh":
        return column.name
    if kind is VENDORS:  # a vendor's name is the payee (收款单位), not a contract's name
        return VENDOR_HEADINGS_ZH[column.name]
    return TEMPLATE_HEADINGS_ZH.get(column.name) or i18n.HEADERS_ZH.get(column.name) or column.help_zh.split("（")[0].split("：")[0]


TEMPLATE_HEADINGS_ZH = {"code": "合同编号", "name": "合同名称", "contract": "合同编号", "allow_credit": "允许多付",
                        "metrics": "考核数据", "score": "考核得分", "items": "逐项扣款", "assessed_by": "考核人",
                        "document": "文件编号", "quantity": "数量", "line": "服务线编号", "unit": "计量单位"}
VENDOR_HEADINGS_ZH = {"name": "收款单位", "credit_code": "统一社会信用代码", "bank": "开户行", "account": "账号", "contact": "联系人"}


def _template_workbook():
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from contracts.tabular import CHOICES

    from .cells import text_cell
    from .spreadsheet import MONEY

    zh = i18n.language() == "zh"
    book = Workbook()
    notes = book.active
    notes.title = INSTRUCTIONS[1] if zh else INSTRUCTIONS[0]
    notes.append(["工作表", "列", "必填", "说明", "示例"] if zh else ["sheet", "column", "required", "meaning", "example"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    choices = {**{name: (list(labels.values()) if zh else list(labels)) for name, labels in CHOICES.items()},
               "allow_credit": ["是", "否"] if zh else ["yes", "no"]}
    for kind in KINDS.values():
        sheet = book.create_sheet(kind.title_zh if zh else kind.name)
        headings = [column_heading(c, kind) for c in kind.columns]
        sheet.append(headings)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(kind.columns, start=1):
            letter = get_column_letter(index)
            head = sheet.cell(row=1, column=index)
            head.font = Font(bold=True)
            if column.required:
                head.fill = required_fill
            head.comment = Comment(column.help_zh if zh else column.help, "contracts")
            sheet.column_dimensions[letter].width = max(12, len(headings[index - 1]) * (1 if headings[index - 1].isascii() else 2) + 4)
            # The whole column's format, so what people type shows and stays as it should: dates as dates, amounts
            # as amounts, and text as text (a contract number such as 2023-01 must not become a date).
            number_format = {"date": "yyyy-mm-dd", "money": MONEY, "text": "@", "pairs": "@", "choice": "@"}.get(column.kind)
            if number_format:
                sheet.column_dimensions[letter].number_format = number_format
            if column.name in choices:
                # A drop-down list; other values may still be typed (English ones in a Chinese template are read too).
                rule = DataValidation(type="list", formula1='"' + ",".join(choices[column.name]) + '"', allow_blank=True,
                                      showErrorMessage=False)
                rule.add(f"{letter}2:{letter}1000")
                sheet.add_data_validation(rule)
            example = column.example
            if zh and column.name in CHOICES and example in CHOICES[column.name]:
                example = CHOICES[column.name][example]
            notes.append([sheet.title, headings[index - 1], ("是" if zh else "yes") if column.required else "",
                          column.help_zh if zh else column.help, None])
            if example is not None:
                cell = notes.cell(row=notes.max_row, column=5)
                if isinstance(example, str):
                    text_cell(cell, example)
                else:
                    cell.value = example
                if hasattr(example, "year"):
                    cell.number_format = "yyyy-mm-dd"
    footnote = ("金额以元为单位、精确到分；日期填 2024-03-30。选项可用下拉列表中的中文，也可填英文（如 quarterly）。"
                "导入时整本全部导入或全部不导入，出错时指明工作表、行和列。单元格中的公式不会被导入：请填写数值。删除本说明表不影响导入。"
                if zh else "Amounts in yuan, to the fen; dates as 2024-03-30. An import takes the whole workbook or nothing; an "
                "error names the sheet, row and column. A formula in a cell is refused: type the value. This sheet is "
                "ignored on import.")
    notes.append([])
    text_cell(notes.cell(row=notes.max_row + 1, column=1), footnote)
    for letter, width in zip("ABCDE", (14, 18, 9, 60, 30)):
        notes.column_dimensions[letter].width = width
    return book
