"""The bench's plumbing (not its timings): the comparisons catch a wrong figure, peak memory is the child's own,
and a whole `python -m bench.run` works at a tiny size, its figures checked against the plain implementation."""

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import compare, stores
from bench.measure import Program, measure
from bench.run import json_rows, size_value
from tests.conftest import ROOT

KEY, FIELDS = ("contract", "year", "quarter"), ("gross", "expected_net")


def _write(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


ROWS = [{"contract": "C1", "year": "2025", "quarter": "1", "gross": "1000.00", "expected_net": "977.78"},
        {"contract": "C1", "year": "2025", "quarter": "2", "gross": "1000.00", "expected_net": "1000.00"}]


def test_equal_figures_agree_whatever_their_spelling(tmp_path):
    spelled = [dict(row, gross="1000.0") for row in ROWS]  # 1000.0 is 1000.00
    assert compare.compare_csv("forecast", _write(tmp_path / "a.csv", ROWS), _write(tmp_path / "b.csv", spelled), KEY, FIELDS) == 2


def test_one_fen_off_is_a_mismatch(tmp_path):
    off = [ROWS[0], dict(ROWS[1], expected_net="1000.01")]
    with pytest.raises(compare.Mismatch, match=r"expected_net is '1000.00' in the command's output, '1000.01'"):
        compare.compare_csv("forecast", _write(tmp_path / "a.csv", ROWS), _write(tmp_path / "b.csv", off), KEY, FIELDS)


def test_a_missing_row_and_another_row_are_mismatches(tmp_path):
    with pytest.raises(compare.Mismatch, match="the command printed a row the other lacks"):
        compare.compare_csv("forecast", _write(tmp_path / "a.csv", ROWS), _write(tmp_path / "b.csv", ROWS[:1]), KEY, FIELDS)
    other = [ROWS[0], dict(ROWS[1], quarter="3")]
    with pytest.raises(compare.Mismatch, match="row 2 is"):
        compare.compare_csv("forecast", _write(tmp_path / "a.csv", ROWS), _write(tmp_path / "b.csv", other), KEY, FIELDS)


def test_json_rows_are_read_one_at_a_time_across_chunks(tmp_path):
    rows = [{"contract": f"C{i:06d}", "seq": i, "net": None, "owed": "12.30"} for i in range(30_000)]  # > 1 MB
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    read = list(json_rows(path))
    assert len(read) == 30_000
    assert read[12_345] == {"contract": "C012345", "seq": "12345", "net": "", "owed": "12.30"}
    path.write_text(json.dumps(rows)[:-40], encoding="utf-8")  # cut short
    with pytest.raises(compare.Mismatch):
        list(json_rows(path))


def test_sizes_are_read_as_people_write_them():
    assert [size_value(text) for text in ("200", "10k", "100K", "1m")] == [200, 10_000, 100_000, 1_000_000]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is Linux's")
def test_peak_memory_is_the_childs_own_not_its_big_parents():
    ballast = bytearray(400 * 1024 * 1024)  # this process (the parent) holds 400 MB ...
    ballast[::4096] = b"x" * len(ballast[::4096])  # ... really resident
    small = measure(Program("-c", ["pass"]), runs=1)
    big = measure(Program("-c", ["b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"]), runs=1)
    del ballast
    assert small.peak_mb < 100  # a bare start, not the parent's 400 MB (which ru_maxrss after exec would report)
    assert 200 <= big.peak_mb < 400
    assert small.runs[0].cpu >= 0 and small.wall > 0


def test_the_plain_implementation_refuses_what_it_does_not_model(loaded):
    # The Emeishan portfolio has facts bench/plain.py does not model (unit prices, usage): one clear line, no answer.
    done = subprocess.run([sys.executable, "-m", "bench.plain", "forecast", loaded.url], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode != 0
    assert "bench: the plain implementation does not model" in done.stderr
    assert done.stdout == ""


@pytest.mark.slow
def test_a_tiny_bench_run_checks_every_figure_and_writes_its_results(tmp_path):
    pytest.importorskip("numpy")
    results = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, "-m", "bench.run", "--size", "200", "--quick", "--data", str(tmp_path / "data"),
                           "--results", str(results)], capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    text = results.read_text(encoding="utf-8")
    assert "## 200 contracts (SQLite)" in text
    for row in ("`contracts forecast --years 3`", "`contracts report fy 2024`", "`contracts check`", "`contracts arrears --summary`",
                "`contracts report html", "`contracts export", "`contracts --version`", "`python -c pass`",
                "plain implementation: forecast", "vectorised limit: forecast (NumPy)"):
        assert f"| {row}" in text, row
    # The web app's pages, timed through a real server (bench/web_pages.py), each against the 300 ms target.
    assert re.search(r"^\| web page `/contracts\?as_of=2024-06-01` \| \d+ \| [\d.]+ \(server\) \|.*\| ≤ 300 ms server time \| (met|\*\*not met\*\*) \|$",
                     text, re.M), text
    for check in ("`forecast --years 3`", "`report fy 2024`", "the vectorised limit's forecast", "`arrears --format csv`",
                  "`arrears --format json`", "`arrears --summary`", "`forecast --from 2015 --years 15`"):
        line = next(line for line in text.splitlines() if line.startswith(f"- {check}"))
        assert "equal to the plain implementation's" in line, line
    assert "### Where the time goes:" in text and "## What starting costs" in text
    # The store is kept and reused by the next run, keyed by the generator and the schema.
    again = stores.obtain(200, tmp_path / "data", None, say=lambda _: None)
    assert not again.built_now and stores.count_contracts(again.url) == 200
