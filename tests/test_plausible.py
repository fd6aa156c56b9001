"""#18 point 7: plausible facts.

Found: an opening balance that settles installments falling due years after tracking began; payments, openings,
transitions, suspensions and tenders dated 9999-12-31; a suspension or transition while the line's contract is
active; codes that differ only in case (tw2 beside TW2); control characters (ESC, newline) printed raw in the
one-line errors.
"""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.errors import ContractsError
from contracts.plausible import recorded_day

from .conftest import EXAMPLE
from .test_bounds import one_line
from .test_limits import stored

FUTURE = "2199-06-30"  # within the range of dates, and after any day these tests will run on


@pytest.mark.parametrize("args, start", [
    (("pay", "ENTRY", "--amount", "5", "--on", "9999-12-31"), "error: on '9999-12-31': is outside 1949-10-01 to 2199-12-31"),
    (("pay", "ENTRY", "--amount", "5", "--on", FUTURE), f"error: paid_on '{FUTURE}': is after the as-of day"),
    (("pay", "ENTRY", "--amount", "5", "--on", "1900-01-01"), "error: on '1900-01-01': is outside 1949-10-01"),
    (("opening", "ENTRY", "--as-of", "9999-12-31"), "error: as_of '9999-12-31': is outside"),
    (("opening", "ENTRY", "--as-of", FUTURE), f"error: as_of '{FUTURE}': is after the as-of day"),
    (("opening", "ENTRY", "--as-of", "2023-07-01", "--settled-through-seq", "3"),
     "error: settled_through_seq 3: would settle installment 2 of ENTRY, due 2023-09-17, after the opening's day 2023-07-01"),
    (("opening", "ENTRY", "--as-of", "2023-07-01", "--settled-through", "2026-03-17"),
     "error: settled_through_seq 12: would settle installment 2 of ENTRY"),
    (("tender", "add", "SEAL", "--method", "public", "--outcome", "failed", "--opened", "9999-12-31"), "error: opened '9999-12-31': is outside"),
    (("tender", "add", "SEAL", "--method", "public", "--outcome", "failed", "--opened", FUTURE),
     f"error: opened '{FUTURE}': is after the as-of day"),
    (("transition", "add", "SEAL", "--start", "9999-12-31", "--approved-by", "city"), "error: start '9999-12-31': is outside"),
    (("transition", "add", "SEAL", "--start", "2024-05-01", "--end", "9999-12-31", "--approved-by", "city"), "error: end '9999-12-31'"),
    (("suspend", "ENTRY", "--from", "9999-12-31"), "error: start '9999-12-31': is outside"),
    (("suspend", "SEAL", "--from", FUTURE), f"error: start '{FUTURE}': is after the as-of day"),
    (("assess", "ENTRY", "--seq", "1", "--on", "9999-12-31"), "error: assessed_on '9999-12-31': is outside"),
    (("list", "--as-of", "9999-12-31"), "error: as_of '9999-12-31': is outside"),
])
def test_implausible_days_are_refused(loaded, tmp_path, args, start):
    before = stored(loaded, tmp_path)
    one_line(loaded(*args, ok=False), start)
    assert stored(loaded, tmp_path) == before


def test_a_planned_event_may_lie_ahead(loaded):
    loaded("tender", "add", "SEAL", "--method", "public", "--announced", FUTURE)  # pending: a planned tender
    assert "recorded: TW1 suspended from" in loaded("suspend", "TW1", "--from", FUTURE, "--planned").stdout
    assert recorded_day(dt.date(2030, 1, 1), "paid_on", dt.date(2030, 1, 1)) == dt.date(2030, 1, 1)  # on the day: fine
    with pytest.raises(ContractsError):
        recorded_day(dt.date(2030, 1, 2), "paid_on", dt.date(2030, 1, 1))


def test_import_refuses_facts_after_its_as_of_day(cli):
    result = cli("import", str(EXAMPLE), "--as-of", "2023-06-30", ok=False)
    # the example's transition starts on 2023-07-01, its suspension on 2024-04-01, its 2023 payments are dated 2023-12-31:
    # every one is reported, and nothing is written
    lines = result.stderr.splitlines()
    assert lines[0] == (f"error: {EXAMPLE}: transition #1: start '2023-07-01': is after the as-of day 2023-06-30 "
                        "(today, unless given): a transition that is only planned is recorded with --planned (planned = true in a file)")
    assert f"error: {EXAMPLE}: payment #1: paid_on '2023-12-31': is after the as-of day 2023-06-30 (today, unless given): " \
        "a payment is recorded when it is made" in lines
    assert cli.json("list") == []  # nothing written
    cli("import", str(EXAMPLE), "--as-of", "2024-04-01")  # the suspension from 2024-04-01 is the last fact in it


def test_a_transition_while_a_contract_covers_the_line_needs_saying(loaded, tmp_path):
    before = stored(loaded, tmp_path)
    args = ("transition", "add", "TW2", "--start", "2024-01-01", "--approved-by", "city")
    one_line(loaded(*args, ok=False), "error: start '2024-01-01': puts a transition of TW2 while contract TW2 "
             "(2022-02-24 to 2027-02-24) covers it; if that is so, say it with --while-covered")
    one_line(loaded("suspend", "ENTRY", "--from", "2024-01-01", ok=False),
             "error: start '2024-01-01': puts a suspension of ENTRY while contract ENTRY (2023-03-17 to 2026-03-17) covers it")
    assert stored(loaded, tmp_path) == before
    out = loaded(*args, "--while-covered").stdout
    assert out.strip() == "recorded the transition of TW2 from 2024-01-01, while contract TW2 (2022-02-24 to 2027-02-24) covers it"
    loaded("suspend", "ENTRY", "--from", "2026-03-17")  # the day after the contract ends: nothing to say


def test_codes_are_unique_without_regard_to_case(loaded, tmp_path):
    before = stored(loaded, tmp_path)
    one_line(loaded("add", "--code", "tw2", "--name", "x", "--billing-start", "2024-01-01", "--billing-months", "12",
                    "--annual-fee", "1", ok=False),
             "error: code 'tw2': differs only in case from contract 'TW2'; codes are unique without regard to case")
    path = tmp_path / "lower.toml"
    path.write_text('[[contract]]\ncode = "entry"\nname = "e"\nbilling_start = 2024-01-01\nbilling_months = 12\n'
                    'annual_fee = "1.00"\n', encoding="utf-8")
    assert "code 'entry': differs only in case from contract 'ENTRY'" in loaded("import", str(path), ok=False).stderr
    one_line(loaded("line", "add", "seal", "--name", "x", ok=False), "error: code 'seal': differs only in case from line 'SEAL'")
    one_line(loaded("programme", "add", "police-it", "--name", "x", ok=False), "error: code 'police-it': differs only in case")
    one_line(loaded("fee-line", "add", "tw-power", "--name", "x", ok=False), "error: code 'tw-power': differs only in case")
    twice = tmp_path / "twice.toml"
    twice.write_text(path.read_text(encoding="utf-8").replace("entry", "NEW") + "\n" + path.read_text(encoding="utf-8")
                     .replace("entry", "new"), encoding="utf-8")
    assert "code 'new': appears twice in the file (codes are unique without regard to case)" in \
        loaded("import", str(twice), ok=False).stderr
    assert stored(loaded, tmp_path) == before


def test_control_characters_are_shown_escaped(loaded, tmp_path):
    result = loaded("pay", "TW\x1b[2J\nX", "--amount", "5", "--on", "2023-06-20", ok=False)
    one_line(result, "error: code 'TW\\x1b[2J\\nX': is not a contract in this store")
    assert "\x1b" not in result.stderr
    path = tmp_path / "key.toml"
    path.write_text('[[contract]]\n"bad\\u001b[31m\\nkey" = 1\n', encoding="utf-8")
    result = loaded("import", str(path), ok=False)
    assert "bad\\x1b[31m\\nkey: is not a contract term" in result.stderr and "\x1b" not in result.stderr
    assert result.stderr.count("\n") == 1
    line = ContractsError("field\u2028", "v\r\n" * 100, "problem\x07").line()
    assert line.startswith("field\\u2028 'v\\r\\nv\\r\\n") and line.endswith("...': problem\\x07")
    assert not any(char in line for char in "\r\n\x07\u2028") and len(line) < 600  # one line, cut short
