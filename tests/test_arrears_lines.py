"""`arrears --format csv|json` writes the rows of terms-only contracts from arrays (cli/arrears_lines.py): the output
must be, byte for byte, what write_rows gives for every contract's rows made one by one, in the store's order."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest

DAYS = (dt.date(2024, 6, 1), dt.date(2026, 3, 15), dt.date(2019, 1, 1))


def expected_text(url: str, day: dt.date, fmt: str) -> str:
    from cli.render import write_rows
    from contracts.ledgers import arrears_stream
    from contracts.payables import ARREARS_KEYS, arrears_record
    from db.store import open_store

    store = open_store(url, create=False).store
    try:
        out = io.StringIO()
        write_rows(map(arrears_record, arrears_stream(store.stream(), day)), fmt, ARREARS_KEYS, out)
        return out.getvalue()
    finally:
        store.close()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_every_row_as_write_rows_writes_it(mixed, fmt):
    from contracts import bulk

    loaded = mixed
    for day in DAYS:
        expected = expected_text(loaded.url, day, fmt)
        assert loaded("arrears", "--format", fmt, "--as-of", day.isoformat()).stdout == expected
        with mock.patch.object(bulk, "CHUNK", 2):  # chunk edges between and inside the contracts
            assert loaded("arrears", "--format", fmt, "--as-of", day.isoformat()).stdout == expected
    # the example and the mixed file: rows from the arrays (PLAIN-A: hand-worked in test_forecast_bulk), the engine's
    # (TINY-CAL, the contracts with payments) and none at all before anything fell due
    text = loaded("arrears", "--format", fmt, "--as-of", "2026-03-15").stdout
    assert "PLAIN-A" in text and "TINY-CAL" in text
    assert loaded("arrears", "--format", fmt, "--as-of", "1990-01-01").stdout == ("contract,seq,due,net,paid,owed,days_overdue,"
                                                                                  "bucket,state,basis\n" if fmt == "csv" else "[]\n")


def test_a_code_a_spreadsheet_would_run_is_neutralised_as_before():
    # codes start with a letter or digit: none can begin a formula; the cell is still made by csv_cell
    from cli.arrears_lines import _csv_code

    assert _csv_code("C-1") == "C-1" and _csv_code("=1+1") == "'=1+1" and _csv_code("a,b") == '"a,b"'


def test_a_codes_cell_is_the_one_csv_writer_writes_for_any_text():
    # _csv_code skips csv.writer for a plain code; for any text at all it must give what csv.writer and csv_cell give
    import csv

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cli.arrears_lines import _csv_code
    from cli.render import csv_cell

    @settings(max_examples=500, deadline=None)
    @given(st.text(alphabet=st.sampled_from("aZ09_.-=+@,\"' \t\r\n;|") | st.characters(), min_size=1, max_size=12))
    def check(code):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow([csv_cell(code), "x"])
        assert _csv_code(code) + ",x\n" == buffer.getvalue()

    check()
    assert _csv_code("-5") == "'-5" and _csv_code(".5") == ".5"


def test_amount_texts_are_decimals_written_to_the_fen():
    # runs of equal amounts made once and repeated: each text must be what "{:.2f}" gives of the Decimal, in place
    import numpy as np
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cli.arrears_lines import _amount_texts
    from contracts.money import from_fen

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.tuples(st.integers(1, 10**15), st.integers(1, 4)), max_size=12))
    def check(runs):
        fen = np.array([amount for amount, times in runs for _ in range(times)], dtype=np.int64)
        assert _amount_texts(fen) == [f"{from_fen(amount):.2f}" for amount in fen.tolist()]

    check()
    assert _amount_texts(np.array([5, 5, 100, 123456789], dtype=np.int64)) == ["0.05", "0.05", "1.00", "1234567.89"]


def test_an_engine_rows_json_is_the_one_row_writer_writes():
    # _json_row writes the rows of contracts with facts without a dict: for any row, the text RowWriter.row gives
    import datetime as dt
    from decimal import Decimal

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cli.arrears_lines import _json_row
    from cli.render import RowWriter
    from contracts.payables import ArrearsRow, PayableState, arrears_record

    money = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False,
                        allow_infinity=False)
    rows = st.builds(ArrearsRow, st.text(max_size=8), st.integers(0, 10**6), st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)),
                     st.none() | money, money, money, st.integers(-10**6, 10**6), st.text(max_size=8),
                     st.sampled_from(list(PayableState)), st.text(max_size=30))

    @settings(max_examples=300, deadline=None)
    @given(rows)
    def check(row):
        out = io.StringIO()
        writer = RowWriter("json", ARREARS_KEYS, out)
        writer.row(arrears_record(row))
        writer.close()
        assert out.getvalue() == "[\n  " + _json_row(row) + "\n]\n"

    from contracts.payables import ARREARS_KEYS

    check()
