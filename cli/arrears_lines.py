"""`arrears --format csv|json` over a province: every installment in arrears, written as it is made, in the store's
order of contracts, the very text ``render.write_rows`` gives for the same rows.

A province's arrears are about a million rows, nine in ten of contracts with nothing recorded but their terms. Their
rows come from the array engine (``contracts.bulk.arrears_chunks``) and are formatted here from plain integers, a line
per row, with the code's cell worked out once per contract: the fields besides the code are numbers, dates and fixed
words, which neither CSV nor JSON escapes. The other contracts' rows go through ``RowWriter.row`` as before.
``tests/test_arrears_lines.py`` holds the output byte for byte to ``write_rows`` over the same store.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from contracts.basis import Basis
from contracts.payables import ARREARS_KEYS, BUCKET_NAMES, PAYABLE, ArrearsRow

from .render import _SCALAR, RowWriter, _encode_text, csv_cell

_PLAIN_CODE = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_.-]*")
_ROW_BASIS = Basis.COMPUTED.value  # fastpath.arrears_rows' basis: owed whole, nothing paid or deducted
if ArrearsRow._fields != ARREARS_KEYS:  # RowWriter.values writes a row's fields as the keys' values
    raise ImportError("ArrearsRow's fields are no longer ARREARS_KEYS")


def write_arrears(store, day: dt.date, fmt: str, out=None):
    """Every arrears row of the store as of ``day`` to ``out`` (stdout); gives back the ``LastPayment`` watch (for the
    recording-gap remark)."""
    from contracts import bulk
    from contracts.ledgers import LastPayment, arrears_stream

    watch = LastPayment(day)  # to say when payments stop being recorded long before the day
    writer = RowWriter(fmt, ARREARS_KEYS, out)
    with store.split() as (terms_only, rest):
        rest = watch.passing(rest)
        chunks = bulk.arrears_chunks(terms_only.columns, day)
        items = texts = None

        def engine_rows(contracts) -> None:
            for row in watch.counting(arrears_stream(contracts, day)):
                if fmt == "json":
                    writer.text(_json_row(row))
                else:
                    writer.values(row)  # an ArrearsRow's fields are ARREARS_KEYS, in order (arrears_record)

        for position in terms_only.order:
            if position < 0:
                engine_rows([next(rest)])
                continue
            while items is None or position >= items.first + items.size:
                items = next(chunks)
                bulk.count_days(items.due, watch.dues)  # as LastPayment.counting counts the rows it passes on
                texts = _row_texts(fmt, items)
            if items.uncovered[position - items.first]:  # the rare schedule the arrays leave to the engine
                engine_rows(terms_only.contracts_of([terms_only.codes[position]]))
                continue
            start, end = items.span(position)
            if start < end:
                writer.text(_lines(fmt, terms_only.codes[position], texts, start, end), end - start)
    writer.close()
    return watch


def _row_texts(fmt: str, items) -> list[str]:
    """Every row of a chunk of the arrays (``bulk.arrears_chunks``) as ``RowWriter.row`` formats an
    ``arrears_record``, but for the contract's code, which ``_lines`` puts before it: made for the whole chunk at
    once (tens of thousands of rows: a few array calls, not a few per contract)."""
    import numpy as np

    seqs = items.seq.tolist()
    # A chunk's rows fall due on a few thousand days at most: each day's text made once, put in place by an array
    days_due, which = np.unique(items.due, return_inverse=True)
    due_texts = np.array(np.datetime_as_string(days_due.astype("datetime64[D]")).tolist(), dtype=object)
    dues = due_texts[which.reshape(-1)].tolist()
    days = items.days.tolist()
    buckets = np.array(BUCKET_NAMES, dtype=object)[items.bucket].tolist()
    amounts = _amount_texts(items.fen)
    if fmt == "csv":
        tail = f",{PAYABLE.value},{_ROW_BASIS}\n"
        return [f",{seq},{due},{amount},0.00,{amount},{late},{bucket}{tail}"
                for seq, due, amount, late, bucket in zip(seqs, dues, amounts, days, buckets)]
    tail = f'",\n    "state": "{PAYABLE.value}",\n    "basis": "{_ROW_BASIS}"\n  }}'
    return [f'{seq},\n    "due": "{due}",\n    "net": "{amount}",\n    "paid": "0.00",\n    '
            f'"owed": "{amount}",\n    "days_overdue": {late},\n    "bucket": "{bucket}{tail}'
            for seq, due, amount, late, bucket in zip(seqs, dues, amounts, days, buckets)]


def _amount_texts(fen) -> list[str]:
    """Each amount (fen > 0) as Decimal's "{:.2f}" writes it: the text made once for each run of equal amounts (a
    contract's installments mostly are), the runs put back by ``np.repeat``."""
    import numpy as np

    if not fen.size:
        return []
    starts = np.flatnonzero(np.concatenate([[True], fen[1:] != fen[:-1]]))
    yuan, cents = np.divmod(fen[starts], 100)
    texts = np.array([f"{whole}.{part:02d}" for whole, part in zip(yuan.tolist(), cents.tolist())], dtype=object)
    return np.repeat(texts, np.diff(np.append(starts, fen.size))).tolist()


def _json_row(row: ArrearsRow) -> str:
    """``RowWriter.row``'s JSON text of ``arrears_record(row)``, made from the row's fields as their kinds are (text
    through the C encoder json.dumps calls, money to the fen, a date as ISO, the state its word)."""
    text = _encode_text
    return (f'{{\n    "contract": {text(row.contract)},\n    "seq": {int.__repr__(row.seq)},\n    "due": "{row.due.isoformat()}",'
            f'\n    "net": {_money(row.net)},\n    "paid": {_money(row.paid)},\n    "owed": {_money(row.owed)},'
            f'\n    "days_overdue": {int.__repr__(row.days_overdue)},\n    "bucket": {text(row.bucket)},'
            f'\n    "state": {text(str(row.state))},\n    "basis": {text(row.basis)}\n  }}')


def _money(amount) -> str:
    return "null" if amount is None else f'"{amount:.2f}"'


def _lines(fmt: str, code: str, rows: list[str], start: int, end: int) -> str:
    """The rows [start, end) of one contract (``_row_texts`` of its chunk), its code put before each."""
    if fmt == "csv":
        cell = _csv_code(code)
        return cell + cell.join(rows[start:end])
    head = '{\n    "contract": ' + _SCALAR.encode(code) + ',\n    "seq": '
    return head + (",\n  " + head).join(rows[start:end])


def _csv_code(code: str) -> str:
    """The code's CSV cell as ``csv.writer`` writes it (quoted if it must be), neutralised as ``csv_cell`` does."""
    if _PLAIN_CODE.fullmatch(code):  # what a stored code is: nothing csv.writer quotes, nothing a formula starts with
        return code
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([csv_cell(code), ""])
    return buffer.getvalue()[:-2]  # without the empty second cell's "," and the newline
