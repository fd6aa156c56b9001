"""A table's cells made a column at a time (cli/render.py column_cells, for a province's plain table) are the cells
``cell`` makes one at a time, in either language and unit, for every kind of value a row holds."""

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cli import i18n
from cli.render import column_cells, cell, _plain_table

AMOUNTS = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False, allow_infinity=False)
TEXTS = st.sampled_from(["paid", "owed", "active", "expired", "error", "warning", "TW2", "合同", "",
                         "computed", "assumed: the lag is not stated", "upper bound: schedule, deducted per assessment"])
VALUES = st.one_of(st.none(), AMOUNTS, TEXTS, st.booleans(), st.integers(-10**6, 10**6),
                   st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)), st.lists(TEXTS, max_size=3),
                   st.decimals(min_value=Decimal("-1e4"), max_value=Decimal("1e4"), places=1, allow_nan=False, allow_infinity=False))
KEYS = ("gross", "quantity", "basis", "state", "severity", "method_name", "field", "note", "code")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.fixed_dictionaries({key: st.one_of(st.none(), TEXTS) if key == "basis" else VALUES for key in KEYS}),
                max_size=12), st.sampled_from(["en", "zh"]),
       st.sampled_from(["yuan", "wan"]))
def test_a_column_at_a_time_is_a_cell_at_a_time(rows, lang, unit):
    i18n.configure(lang, unit)
    try:
        for key in KEYS:
            assert column_cells(rows, key) == [cell(row, key) for row in rows], key
    finally:
        i18n.configure("en", "yuan")


def test_a_plain_table_lines_up_chinese_and_amounts(capsys):
    # Worked by hand: the code column is as wide as its widest text in display columns (合同 is 4, "code" 4, "C1" 2);
    # the amount column right-aligned to "1,234.50" (8).
    rows = [{"code": "C1", "gross": Decimal("1234.5")}, {"code": "合同", "gross": Decimal("7")}]
    _plain_table(rows, ["code", "gross"], {}, None, None)
    out = capsys.readouterr().out.splitlines()
    assert out[2:4] == ["C1    1,234.50", "合同      7.00"]
    assert out[1] == "----  --------"


def test_equal_values_of_other_kinds_are_each_shown_as_they_are():
    # True == 1 == Decimal("1.0") == Decimal("1.00") to Python, yet they read "yes", "1", "1.0" and "1.00": a column
    # made a distinct value at a time must tell them apart (it keeps only texts).
    rows = [{"quantity": True}, {"quantity": 1}, {"quantity": Decimal("1.0")}, {"quantity": Decimal("1.00")}]
    assert column_cells(rows, "quantity") == [cell(row, "quantity") for row in rows] == ["yes", "1", "1.0", "1.00"]


ASCII_TEXTS = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries({"code": ASCII_TEXTS, "gross": st.one_of(st.none(), AMOUNTS),
                                       "days": st.integers(-10**6, 10**6), "note": ASCII_TEXTS}), min_size=1, max_size=8),
       st.booleans())
def test_a_plain_table_of_ascii_is_padded_as_cell_by_cell(rows, chinese_note):
    """Where every cell is ASCII, each row is padded by one format: the lines a cell-by-cell padding gives (text to
    the left, numbers to the right, the line's end stripped); a column with Chinese in it pads a cell at a time."""
    import contextlib
    import io

    from rich.cells import cell_len

    if chinese_note:
        rows = rows + [{"code": "C9", "gross": None, "days": 0, "note": "合同"}]
    keys = ["code", "gross", "days", "note"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _plain_table(rows, keys, {}, None, None)
    cells = [[cell(row, key) for key in keys] for row in rows]
    widths = [max([len(key)] + [cell_len(line[i]) for line in cells]) for i, key in enumerate(keys)]
    right = [key in ("gross", "days") and all(row[key] is None or not isinstance(row[key], str) for row in rows) for key in keys]
    expected = ["  ".join(value.rjust(w) if r else value + " " * (w - cell_len(value)) for value, w, r in zip(line, widths, right)).rstrip()
                for line in cells]
    assert out.getvalue().splitlines()[2:2 + len(rows)] == expected
