"""Every figure a command printed against the plain implementation's, to the fen, row by row.

Both sides are CSV with a header (the command's ``--format csv``, bench/plain.py's output), their rows in the same
order. Values are compared by meaning, not by spelling: amounts as decimals (``1000.5`` equals ``1000.50``), truth
values whatever their case, empty as nothing. Only the columns the check names are compared (the command may print
more: a line, a basis, a state in words). The first difference stops the bench: its figures are only worth reading
when the answers are the same.
"""

from __future__ import annotations

import csv
import sys
import json
import re
from decimal import Decimal
from itertools import zip_longest
from pathlib import Path
from typing import Iterable, Sequence

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class Mismatch(SystemExit):
    """A command's figure differs from the plain implementation's."""


def norm(value):
    if value is None:
        return None
    text = str(value).strip()
    if text == "":
        return None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if NUMBER.match(text):
        return Decimal(text)
    return text


def csv_rows(path: Path) -> Iterable[dict]:
    # A programme row's basis names the contracts it leaves out or bounds: at a million contracts, past csv's default
    # field limit of 128 KB.
    csv.field_size_limit(sys.maxsize)
    with open(path, newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def compare_rows(what: str, command: Iterable[dict], plain: Iterable[dict], key: Sequence[str], fields: Sequence[str]) -> int:
    """How many rows agree; raises Mismatch at the first row or figure that does not."""
    count = 0
    for mine, theirs in zip_longest(command, plain):
        if mine is None or theirs is None:
            extra = mine if theirs is None else theirs
            side = "the command printed" if theirs is None else "the plain implementation has"
            raise Mismatch(f"MISMATCH in {what}: {side} a row the other lacks, after {count} equal rows: "
                           f"{ {k: extra.get(k) for k in key} }")
        mine_key, their_key = tuple(norm(mine.get(k)) for k in key), tuple(norm(theirs.get(k)) for k in key)
        if mine_key != their_key:
            raise Mismatch(f"MISMATCH in {what}: row {count + 1} is {dict(zip(key, mine_key))} in the command's output "
                           f"but {dict(zip(key, their_key))} in the plain implementation's")
        for field in fields:
            if field not in mine:
                raise Mismatch(f"MISMATCH in {what}: the command's output has no column {field!r}")
            if norm(mine[field]) != norm(theirs.get(field)):
                raise Mismatch(f"MISMATCH in {what}: {dict(zip(key, mine_key))} {field} is {mine[field]!r} in the command's "
                               f"output, {theirs.get(field)!r} in the plain implementation's")
        count += 1
    return count


def compare_csv(what: str, command_csv: Path, plain_csv: Path, key: Sequence[str], fields: Sequence[str]) -> int:
    return compare_rows(what, csv_rows(command_csv), csv_rows(plain_csv), key, fields)


def compare_json_object(what: str, command_json: Path, plain_csv: Path, fields: Sequence[str]) -> int:
    """A command that prints one JSON object (``show``) against the plain implementation's single row."""
    mine = json.loads(Path(command_json).read_text(encoding="utf-8"))
    rows = list(csv_rows(plain_csv))
    if len(rows) != 1:
        raise Mismatch(f"MISMATCH in {what}: the plain implementation gave {len(rows)} rows, not one")
    return compare_rows(what, [{k: "" if v is None else str(v) for k, v in mine.items()}], rows, (), fields)
