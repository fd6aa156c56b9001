"""Rows written as they are made (cli/render.write_rows, #17): the very text the whole list gave before, for JSON
(one json.dumps of the list, indent 2) and CSV (one table written at once), on random rows."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.cells import csv_text
from cli.render import flat, plain, write_rows

KEYS = ["a", "b", "ç", "\"q", "k\n"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.text(), st.dates(),
                    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**9, max_value=10**9))
values = st.one_of(scalars, st.lists(st.dictionaries(st.text(max_size=3), scalars, max_size=3), max_size=2))
tables = st.tuples(st.lists(st.dictionaries(st.sampled_from(KEYS), values), max_size=4),
                   st.lists(st.sampled_from(KEYS), unique=True, max_size=5))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_json_rows_streamed_are_the_list_dumped_at_once(table):
    rows, keys = table
    out = io.StringIO()
    assert write_rows(rows, "json", keys, out) == len(rows)
    assert out.getvalue() == json.dumps([{k: plain(r.get(k)) for k in keys} for r in rows], ensure_ascii=False, indent=2) + "\n"


def old_csv_cell(value):
    cell = flat(value)
    return csv_text(cell) if isinstance(value, (str, list, tuple)) and isinstance(cell, str) else cell


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_csv_rows_streamed_are_the_table_written_at_once(table):
    rows, keys = table
    out, whole = io.StringIO(), io.StringIO()
    write_rows(rows, "csv", keys, out)
    writer = csv.writer(whole, lineterminator="\n")  # the table as emit wrote it before #17, with the cell it had
    writer.writerow(keys)
    for row in rows:
        writer.writerow([old_csv_cell(row.get(k)) for k in keys])
    assert out.getvalue() == whole.getvalue()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, st.sampled_from(["csv", "json"]))
def test_a_row_given_by_its_values_is_the_row_given_by_keys(table, fmt):
    # RowWriter.values (arrears' rows, named tuples of the keys' fields) writes what RowWriter.row writes of the same
    from cli.render import RowWriter

    rows, keys = table
    by_values, by_keys = io.StringIO(), io.StringIO()
    writer, reference = RowWriter(fmt, keys, by_values), RowWriter(fmt, keys, by_keys)
    for row in rows:
        writer.values([row.get(key) for key in keys])
        reference.row(row)
    writer.close(), reference.close()
    assert by_values.getvalue() == by_keys.getvalue()
