"""Rendering report rows as a Rich table, JSON or CSV.

Machine formats carry money as strings with two decimals ("429000.00") and dates
in ISO form; the table is for people (grouped thousands, right-aligned money).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

from contracts.basis import legend, mark, notes_of
from contracts.errors import ContractsError
from contracts.money import format_money

from . import i18n
from .cells import csv_text

FORMATS = ("table", "json", "csv", "xlsx")
PLAIN_ABOVE = 300  # rows; past this a table is written as plain text
NOT_MONEY = {"quantity", "unit_price", "computed", "inputs", "execution_rate", "coverage"}  # Decimals that are not sums of money: never in 万元
WRAPPING = {"name", "notes", "source", "vendor", "buyer", "reason", "explanation"}  # long text folds; the rest stays on one line


def check_format(value: str, output: str | None = None) -> str:
    """The output format; xlsx needs a file (-o), which every table of the command then goes into."""
    value = value.strip().lower()
    if value not in FORMATS:
        raise ContractsError("format", value, f"must be one of: {', '.join(FORMATS)}")
    if value in ("json", "csv") and i18n.unit() != "yuan":
        raise ContractsError("unit", i18n.unit(), "is for tables, xlsx and the HTML report: json and csv always carry exact yuan")
    if value == "xlsx":
        if not output:
            raise ContractsError("output", None, "is required with --format xlsx: -o FILE.xlsx")
        from . import spreadsheet

        spreadsheet.start(output)
    return value


def plain(value: Any) -> Any:
    """A value as JSON carries it."""
    kind = type(value)
    if kind is str or kind is int or value is None:
        return value
    if kind is Decimal:
        return f"{value:.2f}"  # money: already to the fen
    if kind is dt.date or kind is dt.datetime:
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format_money(value)
    return value


def json_text(document: Any, indent: int | None = 1) -> str:
    """JSON where a Decimal is written as a number with its own digits (429000.00), never through a float."""
    import re
    import uuid

    marker = f"decimal-{uuid.uuid4().hex}:"  # a fresh marker: no text in the document can look like it

    def encode(value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{marker}{value}"
        return str(value)

    text = json.dumps(document, ensure_ascii=False, indent=indent, default=encode)
    return re.sub(f'"{marker}(-?\\d+(?:\\.\\d+)?)"', r"\1", text)


def flat(value: Any) -> Any:
    """A value as one CSV cell carries it: a list of objects becomes "a: 1; b: 2"."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(
            " ".join(str(flat(v)) for v in item.values() if v not in (None, "")) if isinstance(item, dict) else str(flat(item))
            for item in value
        )
    return plain(value)


def csv_cell(value: Any) -> Any:
    """A value as one CSV cell: stored text (and text made of it) neutralised where a spreadsheet would run it."""
    kind = type(value)
    if kind is Decimal:
        return f"{value:.2f}"  # money, the commonest cell of a big output: as ``plain`` writes it
    if kind is str:
        return csv_text(value)  # what ``flat`` and ``plain`` give back for text, neutralised
    if value is None:
        return ""
    if kind is int or kind is dt.date:
        return plain(value)
    cell = flat(value)
    return csv_text(cell) if isinstance(value, (str, list, tuple)) and isinstance(cell, str) else cell


_SCALAR = json.JSONEncoder(ensure_ascii=False)
_encode_text = json.encoder.encode_basestring  # what _SCALAR.encode calls for a str (the C one where there is one)


def write_rows(rows: Iterable[Mapping[str, Any]], fmt: str, keys: Sequence[str], out=None) -> int:
    """Rows as CSV or JSON, each written as it comes (a province's arrears are never held to be printed); the same
    text as one ``json.dumps(list, indent=2)`` or one CSV table. Returns how many rows were written."""
    writer = RowWriter(fmt, keys, out)
    for row in rows:
        writer.row(row)
    return writer.close()


class RowWriter:
    """``write_rows`` a row at a time; ``text`` writes a row its caller formatted itself (cli/arrears_lines.py writes
    a province's terms-only rows from arrays), with the separators of the rows around it."""

    FLUSH_CHARS = 1 << 18  # text gathered before it is written: one write of 256 KB, not one per contract or row

    def __init__(self, fmt: str, keys: Sequence[str], out=None) -> None:
        self.fmt, self.keys, self.out, self.count = fmt, tuple(keys), out or sys.stdout, 0
        self._prefixes: list[str] | None = None  # each key's JSON text, as _flat_object writes it before the value
        self._pending: list[str] = []
        self._pending_chars = 0
        if fmt == "csv":
            self._csv = csv.writer(self, lineterminator="\n")  # into write(), with the rest, in order
            self._csv.writerow(keys)

    def write(self, text: str) -> None:
        """Text for ``out``, written a few hundred KB at a time (each write of a text stream encodes and copies)."""
        self._pending.append(text)
        self._pending_chars += len(text)
        if self._pending_chars >= self.FLUSH_CHARS:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self.out.write("".join(self._pending))
            self._pending.clear()
            self._pending_chars = 0

    def row(self, row: Mapping[str, Any]) -> None:
        keys = self.keys
        if self.fmt == "csv":
            self._csv.writerow([csv_cell(row.get(k)) for k in keys])
            self.count += 1
            return
        values = {k: plain(row.get(k)) for k in keys}
        text = self._flat_object(values.values()) if keys else None
        if text is None:
            # One element of a list indented by 2: each line two spaces in (JSON strings hold no raw newline).
            text = json.dumps(values, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        self.text(text)

    def _flat_object(self, values: Iterable[Any]) -> str | None:
        """A flat object at depth 1 of a list indented by 2, exactly as json.dumps(..., indent=2) writes it: each value
        by the C encoders json.dumps itself calls (a province has millions of rows); None when a value is not flat."""
        if self._prefixes is None:
            self._prefixes = ["{\n    " + _SCALAR.encode(self.keys[0]) + ": "] + [
                ",\n    " + _SCALAR.encode(key) + ": " for key in self.keys[1:]]
        parts = []
        for prefix, value in zip(self._prefixes, values):
            kind = type(value)
            if kind is str:
                parts.append(prefix + _encode_text(value))
            elif kind is int:
                parts.append(prefix + int.__repr__(value))
            elif value is None:
                parts.append(prefix + "null")
            elif kind is bool:
                parts.append(prefix + ("true" if value else "false"))
            else:
                return None
        return "".join(parts) + "\n  }"

    def values(self, values: Sequence[Any]) -> None:
        """A row given as its values in the order of the keys (a named tuple with the keys' fields): as ``row``."""
        if self.fmt == "csv":
            self._csv.writerow([csv_cell(value) for value in values])
            self.count += 1
            return
        self.row(dict(zip(self.keys, values)))

    def text(self, text: str, rows: int = 1) -> None:
        """``rows`` rows already formatted: CSV lines each ending in a newline, or JSON objects joined by ",\\n  "."""
        if self.fmt != "csv":
            self.write("[\n  " if self.count == 0 else ",\n  ")
        self.write(text)
        self.count += rows

    def close(self) -> int:
        if self.fmt != "csv":
            self.write("\n]\n" if self.count else "[]\n")
        self.flush()
        return self.count


@lru_cache(maxsize=None)
def _prose_shown():
    """cli.prose.shown, imported on first use (an import statement in ``human`` cost a microsecond a cell)."""
    from .prose import shown

    return shown


def human(value: Any, key: str = "") -> str:
    """A value as a person reads it in a table: amounts in the chosen unit, states in the chosen language."""
    if value is None:
        return ""
    kind = value.__class__
    if kind is Decimal:  # the common cell first (a province's table has hundreds of thousands)
        return f"{value:,}" if key in NOT_MONEY else i18n.shown_amount(value)
    shown = _prose_shown()
    if kind is str:
        return shown(value, key)
    if isinstance(value, str):  # a StrEnum (a severity, a bar kind) too: as the plain word it is
        return shown(value.value if isinstance(value, Enum) else value, key)
    if isinstance(value, bool):
        return i18n.value("yes") if value else ""
    if isinstance(value, (list, tuple)):
        return str(flat(shown(value, key)))
    if isinstance(value, Decimal):
        return f"{value:,}" if key in NOT_MONEY else i18n.shown_amount(value)
    return str(plain(value))


def heading(key: str, headers: Mapping[str, str]) -> str:
    """A column's heading: the command's own, else the key in the chosen language."""
    return headers.get(key) or i18n.header(key)


def _console():
    """A console as wide as the terminal; piped into a file, as wide as the table needs."""
    from rich.console import Console

    from .fit import console_width_piped

    console = Console(soft_wrap=False)
    if not console.is_terminal:  # piped: COLUMNS when it is set, else as wide as the table needs
        console = Console(soft_wrap=False, width=console_width_piped() or 1000)
    return console


def emit(
    rows: Sequence[Mapping[str, Any]],
    fmt: str,
    *,
    keys: Sequence[str],
    table_keys: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
    title: str | None = None,
    footer: Mapping[str, Any] | None = None,
    empty: str = "nothing to show",
    subtotal=None,
) -> None:
    """Write rows in the chosen format. ``table_keys`` picks the columns people see; ``subtotal(row)`` marks rows
    that add up the rows before them (a sheet writes them as SUM formulas)."""
    if fmt == "json":
        write_rows(rows, fmt, keys)
        return
    if fmt == "xlsx":
        from . import spreadsheet

        spreadsheet.add_sheet(rows, keys, title, headers or {}, subtotal)
        return
    empty = i18n.t(empty)
    if fmt == "csv":
        write_rows(rows, fmt, keys)
        return
    if len(rows) > PLAIN_ABOVE:
        _plain_table(rows, list(table_keys or keys), headers or {}, title, footer)
        return
    from rich.table import Table

    console = _console()
    if not rows:
        console.print(f"[dim]{empty}[/dim]" if not title else f"{title}: [dim]{empty}[/dim]")
        return
    from rich.cells import cell_len
    from rich.text import Text

    from .fit import fit, style_for

    columns = list(table_keys or keys)
    headers = headers or {}
    cells = {key: column_cells(rows, key) for key in columns}
    widest = {}
    for key in columns:
        widest[key] = max((cell_len(text) for text in cells[key]), default=0)
        if footer:
            widest[key] = max(widest[key], cell_len(human(footer.get(key), key)))
        widest[key] = max([widest[key]] + [cell_len(word) for word in heading(key, headers).split()])
    shown, dropped = fit(columns, widest, WRAPPING, console.width)
    _unwrap_headings(shown, widest, headers, console.width)
    table = Table(title=title, show_footer=footer is not None, title_justify="left")
    for key in shown:
        numeric = any(isinstance(row.get(key), (Decimal, int)) and not isinstance(row.get(key), bool) for row in rows)
        table.add_column(
            heading(key, headers),
            justify="right" if numeric else "left",
            footer=human(footer.get(key), key) if footer else "",
            overflow="fold",
            ratio=1 if key in WRAPPING else None,
            # a fixed width, not a min_width: only the wrapping columns may give up width. Rich would otherwise
            # narrow a fixed column, measure it back to its min_width and draw the table past the edge (cutting
            # the right-hand column); a fixed width still lets a heading wrap between its words
            width=None if key in WRAPPING else widest[key],
        )
    for index, row in enumerate(rows):
        table.add_row(*(Text(cells[key][index], style=style_for(key, row.get(key)) or "") for key in shown))
    console.print(table)
    if dropped:
        console.print(i18n.t("(left out to fit {width} columns: {names}; --format csv or a wider window shows them)",
                             width=console.width, names=", ".join(heading(key, headers) for key in dropped)), style="dim")
    _rounding_note(console.print, rows, shown)
    _basis_legend(console.print, rows, shown)


def _unwrap_headings(shown: Sequence[str], widest: dict[str, int], headers: Mapping[str, str], limit: int) -> None:
    """Widen fixed columns, left to right, so that their headings stay on one line while the table still fits;
    the wrapping columns (at their narrowest in ``fit``'s sum) take what is left."""
    from rich.cells import cell_len

    from .fit import WRAP_MIN

    used = sum(min(widest[k], WRAP_MIN) if k in WRAPPING else widest[k] for k in shown) + 3 * len(shown) + 1
    for key in shown:
        if key in WRAPPING:
            continue
        grow = min(cell_len(heading(key, headers)) - widest[key], limit - used)
        if grow > 0:
            widest[key] += grow
            used += grow


def column_cells(rows: Sequence[Mapping[str, Any]], key: str) -> list[str]:
    """Every row's ``cell`` of one column, as ``cell`` makes them, faster for a province's table: the unit asked for
    once, and each distinct text (a state, a vendor, a basis) made once (tests/test_render_columns.py holds the two
    equal)."""
    if key == "basis":
        marks: dict[str, str] = {}
        for row in rows:
            text = row.get(key) or ""
            if text not in marks:
                marks[text] = mark(text)
        return [marks[row.get(key) or ""] for row in rows]
    amount = None if key in NOT_MONEY else i18n.amount_shower()
    texts: dict[str, str] = {}
    cells = []
    for row in rows:
        value = row.get(key)
        kind = value.__class__
        if kind is Decimal and amount is not None:
            cells.append(amount(value))
        elif kind is str or kind is dt.date:  # a state, a vendor, a date: a few hundred distinct in a province
            shown = texts.get(value)
            if shown is None:
                shown = texts[value] = human(value, key)
            cells.append(shown)
        elif kind is int:
            cells.append(int.__repr__(value))  # human's str(plain(value)) of a plain int (no bool: its kind is bool)
        else:
            cells.append(human(value, key))
    return cells


def cell(row: Mapping[str, Any], key: str) -> str:
    """A table cell: the value as people read it; a figure's basis as its mark (the legend under the table says it)."""
    if key == "basis":
        return mark(row.get(key) or "")
    return human(row.get(key), key)


BASIS_NOTES_SHOWN = 8  # distinct notes under a table; the JSON, CSV and workbook carry every row's basis in full


def legend_lines(texts: Iterable[str]) -> list[str]:
    """What the marks among these bases mean, a line each in the reader's language (the web's tables say the same)."""
    from .prose import sentence

    lines = []
    for line in legend(texts):
        mark_, words = line.split(" ", 1)
        lines.append(f"{mark_} {sentence(words)}")  # the legend's words are the domain's (contracts/basis.py)
    return lines


def _basis_legend(say_line, rows, columns) -> None:
    """Under a table with a basis column: what its marks mean, and the notes behind them (each once)."""
    if "basis" not in columns:
        return
    from .prose import sentence

    texts = [row.get("basis") or "" for row in rows]
    for line in legend_lines(texts):
        say_line(line)
    notes = list(dict.fromkeys(note for text in texts if mark(text) for note in notes_of(text)))
    for note in notes[:BASIS_NOTES_SHOWN]:
        say_line(f"  - {sentence(note)}")
    if len(notes) > BASIS_NOTES_SHOWN:
        say_line(i18n.t("  ... and {count} more notes (--format csv gives each row's basis)", count=len(notes) - BASIS_NOTES_SHOWN))


def _rounding_note(say_line, rows, columns) -> None:
    """Under a table in 万元: how the amounts were rounded (they are not exact any more)."""
    note = i18n.rounding_note()
    if note and any(isinstance(row.get(key), Decimal) and key not in NOT_MONEY for row in rows[:50] for key in columns):
        say_line(note)


def _plain_table(rows, columns, headers, title, footer) -> None:
    """A table of many rows as plain aligned text: Rich would take seconds to lay out a province."""

    def cell_len(text: str) -> int:  # display width: Chinese characters take two columns
        if text.isascii():
            return len(text)
        from rich.cells import cell_len as width

        return width(text)

    by_column = [column_cells(rows, key) for key in columns]
    names = [heading(key, headers) for key in columns]
    tail = [human(footer.get(key), key) if footer else "" for key in columns] if footer else None
    ascii_columns = ["".join(column).isascii() for column in by_column]

    def widest(column: list[str], ascii_only: bool) -> int:  # a column of ASCII (most: codes, amounts, dates): by len
        return max(map(len if ascii_only else cell_len, column), default=0)

    widths = [max([cell_len(name), widest(column, ascii_only)] + ([cell_len(tail[i])] if tail else []))
              for i, (name, column, ascii_only) in enumerate(zip(names, by_column, ascii_columns))]
    numeric = [all(isinstance(row.get(key), (Decimal, int)) or row.get(key) is None for row in rows[:50]) for key in columns]

    def left(value: str, width: int) -> str:
        return value.ljust(width) if value.isascii() else value + " " * (width - cell_len(value))

    pads = [(str.rjust if right else left, width) for width, right in zip(widths, numeric)]

    def line(values):
        return "  ".join([pad(value, width) for (pad, width), value in zip(pads, values)]).rstrip()

    out = [title or "", line(names), "  ".join("-" * width for width in widths)]
    if all(ascii_columns) and all(widths):
        # Every cell ASCII: each row padded by one format (ljust and rjust are "<" and ">" of it), not a call a cell
        # (a width of 0 would read as the format's zero-padding flag)
        template = "  ".join(f"{{:{'>' if right else '<'}{width}}}" for width, right in zip(widths, numeric)).format
        out += [template(*values).rstrip() for values in zip(*by_column)]
    else:
        out += [line(values) for values in zip(*by_column)]
    if tail:
        out += ["  ".join("-" * width for width in widths), line(tail)]
    sys.stdout.write("\n".join(out if title else out[1:]) + "\n")
    _rounding_note(print, rows, columns)
    _basis_legend(print, rows, columns)


def emit_record(record: Mapping[str, Any], fmt: str, *, keys: Sequence[str], title: str | None = None,
                 remarks: Iterable[str] = ()) -> None:
    """One object: JSON as a single flat object, CSV as one row, a table as field/value lines."""
    if fmt == "json":
        sys.stdout.write(json.dumps({k: plain(record.get(k)) for k in keys}, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt in ("csv", "xlsx"):
        emit([record], fmt, keys=keys, title=title)
        return
    from rich.table import Table

    table = Table(title=title, show_header=False, title_justify="left", box=None)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key in keys:
        value = record.get(key)
        if value is None or value == "":
            continue
        table.add_row(i18n.header(key), human(value, key))
    console = _console()
    console.print(table)
    from rich.markup import escape

    from .prose import sentence

    for remark in remarks:
        console.print(f"[yellow]{i18n.t('note')}:[/yellow] {escape(sentence(remark))}")


def say(message: str) -> None:
    """A status line for people, on stderr so that stdout stays clean for machine formats."""
    print(message, file=sys.stderr)


def say_remark(remark: str) -> None:
    """A remark the domain makes on the figures (a sentence, in the reader's language), on stderr so that every
    format's stdout stays clean; nothing when there is none."""
    if remark:
        from .prose import sentence

        say(f"{i18n.t('note')}: {sentence(remark)}")
