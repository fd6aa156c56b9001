"""Progress bars: shown on a terminal for imports and exports, silent when the output is piped."""

import os
import pty
import select
import subprocess
import sys

import pytest

from db.export import QUERIES
from db.store import open_store
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_the_export_bar_reaches_its_end(loaded):
    steps = []
    opened = open_store(loaded.url, create=False)
    try:
        opened.store.export(progress=steps.append)
    finally:
        opened.store.close()
    assert sum(steps) == QUERIES  # one step a table: the bar fills exactly, then one more for writing the file


def _run(args, terminal: bool) -> tuple[int, str]:
    """The real program, its stderr on a pseudo-terminal or on a pipe; what it wrote there."""
    command = [sys.executable, "-c", "from cli.main import run; run()", *args]
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    if not terminal:
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
        return done.returncode, done.stderr
    master, slave = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=slave, cwd=ROOT, env=env)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the program ended and closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def test_bars_on_a_terminal_and_silence_in_a_pipe(db_url, tmp_path):
    code, shown = _run(["--db", db_url, "import", str(ROOT / "examples" / "emeishan.toml")], terminal=True)
    assert code == 0 and "writing" in shown  # the import's bar, drawn on the terminal
    code, shown = _run(["--db", db_url, "export", str(tmp_path / "all.json")], terminal=True)
    assert code == 0 and "exporting to all.json" in shown
    code, piped = _run(["--db", db_url, "export", str(tmp_path / "again.json")], terminal=False)
    assert code == 0 and piped == ""
    code, piped = _run(["--db", db_url, "report", "html", "-o", str(tmp_path / "r.html"), "--as-of", "2024-03-31"],
                       terminal=False)
    # 16 findings: stated end, completion gap, no contract, 2 stated totals, and what #15 added: 4 openings not stated,
    # purpose not paid, 2 amounts paid for another year, 2 not whole units, quantity and amounts, possibly a deduction.
    assert code == 0 and piped.strip() == f"wrote the report as of 2024-03-31 to {tmp_path / 'r.html'} (7 contracts, 16 findings)"
