"""#18 point 3: one set of limits, enforced before the database sees a value, the same on SQLite and PostgreSQL.

Found: SQLite took a 100,000-character payment reference and text with a NUL byte; PostgreSQL refuses more than
200 characters and any NUL, so a SQLite store's export could not be restored there, and the error named the
database, not the field.
"""

from __future__ import annotations

import json

import pytest

from contracts.errors import ContractsError
from contracts.limits import TEXT, check_text, text

from .conftest import EXAMPLE, Cli

LONG = "x" * 100_000
PAY = ("pay", "ENTRY", "--amount", "10", "--on", "2023-06-20", "--seq", "1")


def stored(cli, tmp_path) -> str:
    """Every stored fact (history included): to show that a refusal wrote nothing."""
    path = tmp_path / "snapshot.json"
    path.unlink(missing_ok=True)
    cli("export", str(path))
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    # the finding itself: a 100,000-character reference, a NUL, a line break in a one-line field
    ((*PAY, "--ref", LONG), "error: reference 'xxxxxxxxxx"),
    ((*PAY, "--ref", "v\x001"), "error: reference 'v\\x001': holds a NUL character"),
    ((*PAY, "--ref", "v1\nDROP"), "error: reference 'v1\\nDROP': holds a line break; it must be one line of text"),
    ((*PAY, "--note", "a\x1b[31mred"), "error: note 'a\\x1b[31mred': holds a control character"),
    (("add", "--code", "X1", "--name", "n" * 501, "--billing-start", "2024-01-01", "--billing-months", "12", "--annual-fee", "1"),
     "error: name 'nnnnn"),
    (("add", "--code", "X1", "--name", "two\nlines", "--billing-start", "2024-01-01", "--billing-months", "12", "--annual-fee", "1"),
     "error: name 'two\\nlines': holds a line break"),
    (("line", "add", "L9", "--name", "a\u2028b"), "error: name 'a\\u2028b': holds a line break"),
    (("tender", "add", "SEAL", "--method", "public", "--note", "x\x00"), "error: note 'x\\x00': holds a NUL character"),
    (("transition", "add", "SEAL", "--start", "2024-05-01", "--approved-by", "a" * 501), "error: approved_by 'aaaa"),
    (("suspend", "ENTRY", "--from", "2026-04-01", "--reference", "r" * 501), "error: reference 'rrrr"),
    (("usage", "SEAL-2021", "--period", "2023-01", "--quantity", "7", "--note", "\x07"), "error: note '\\x07': holds a control"),
    (("budget", "add", "POLICE-IT", "--year", "2024", "--original", "1", "--source", "s" * 2001), "error: source 'ssss"),
    (("fee-line", "add", "F9", "--name", "a\rb"), "error: name 'a\\rb': holds a line break"),
    (("fee-line", "amount", "TW-POWER", "--year", "2024", "--paid", "1", "--note", "\x00"), "error: note '\\x00'"),
    (("programme", "add", "P9", "--name", "p", "--department", "d" * 501), "error: department 'dddd"),
    (("amend", "TW2", "--from", "2024-02-24", "--annual-fee", "5000000", "--ref", "\x1b"), "error: reference '\\x1b'"),
    (("opening", "ENTRY", "--as-of", "2023-04-01", "--owed", "5", "--source", "\x00"), "error: source '\\x00'"),
    (("rule", "add", "TW2", "--name", "r" * 101, "--kind", "itemized", "--effective-from", "2022-02-24"), "error: name 'rrrr"),
    (("rule", "add", "TW2", "--name", "r", "--kind", "itemized", "--effective-from", "2022-02-24", "--note", "\x00"),
     "error: note '\\x00'"),
    (("--user", "u" * 101, *PAY), "error: user 'uuuu"),
    (("--user", "clerk\nroot", *PAY), "error: user 'clerk\\nroot': holds a line break"),
])
def test_every_text_has_one_limit_and_no_stray_character(loaded, tmp_path, args, message):
    before = stored(loaded, tmp_path)
    result = loaded(*args, ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1 and len(result.stderr) < 400  # one line, never the whole 100,000 characters
    assert stored(loaded, tmp_path) == before


def test_free_text_keeps_its_line_breaks_and_tabs(loaded):
    loaded(*PAY, "--note", "paid late:\n\tsee the letter of 2023-06-18")
    [payment] = [p for p in loaded.json("payments", "ENTRY") if p["amount"] == "10.00"]
    assert payment["note"] == "paid late:\n\tsee the letter of 2023-06-18"


def test_the_limits_fit_the_columns():
    """Every limit fits the column it is stored in (a VARCHAR(n) of PostgreSQL refuses more)."""
    from db import tables

    columns = {
        ("contract", "name"): tables.ContractRow, ("payment", "reference"): tables.PaymentRow,
        ("assessment", "assessed_by"): tables.AssessmentRow, ("assessment", "document"): tables.AssessmentRow,
        ("tender", "method_approval"): tables.TenderRow, ("transition", "approved_by"): tables.TransitionRow,
        ("suspension", "reference"): tables.SuspensionRow, ("amendment", "reference"): tables.AmendmentRow,
        ("line", "name"): tables.LineRow, ("programme", "department"): tables.ProgrammeRow, ("fee_line", "name"): tables.FeeLineRow,
        ("history", "user"): tables.HistoryRow, ("history", "account"): tables.HistoryRow, ("history", "record"): tables.HistoryRow,
    }
    for (record, field), row in columns.items():
        length = row.__table__.columns[field].type.length
        assert length is None or TEXT[record][field][0] <= length, (record, field)
    assert TEXT["rule"]["name"][0] <= tables.RuleRow.__table__.columns["name"].type.length


def test_a_file_with_a_nul_names_the_entry_and_the_field(empty_db_url, tmp_path):
    cli = Cli(empty_db_url)
    path = tmp_path / "nul.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace('name = "', 'name = "\\u0000', 1), encoding="utf-8")
    result = cli("import", str(path), ok=False)
    assert result.stderr.startswith(f"error: {path}: contract #1 (TW1): name '\\x00"), result.stderr
    assert "holds a NUL character" in result.stderr
    if cli.url.startswith("sqlite"):
        assert cli("list", "-f", "json", ok=False).exit_code == 1  # nothing written: not even a store file
    else:  # a PostgreSQL database exists before any import; nothing may have been written into it
        assert cli("list", "-f", "json").stdout.strip() == "[]"


def test_text_checks_directly():
    assert text("  TW2  ", "contract", "code") == "TW2"
    assert text("两行\n说明", "contract", "notes") == "两行\n说明"
    for bad in ("\x00", "\ud800", "a\x85b"):
        with pytest.raises(ContractsError):
            check_text(bad, "contract", "notes")
    with pytest.raises(ContractsError, match="at most 32 are kept"):
        check_text("C" * 33, "contract", "code")


def test_a_restore_refuses_what_a_store_could_not_hold(loaded, tmp_path):
    """An edited export with a NUL or an over-long text is refused in one line naming the entry and field."""
    path = tmp_path / "e.json"
    loaded("export", str(path))
    document = json.loads(path.read_text(encoding="utf-8"))
    document["payment"][0]["reference"] = "r" * 201
    path.write_text(json.dumps(document), encoding="utf-8")
    from .conftest import Cli

    target = Cli(f"sqlite:///{tmp_path / 'target.db'}")
    result = target("import", str(path), ok=False)
    assert "payment #1: reference 'rrrr" in result.stderr and "at most 200 are kept" in result.stderr
