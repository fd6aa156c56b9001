"""Timing a program as a user runs it: a new process each time, wall and CPU seconds, when its first output came,
and its peak memory (read by bench/child.py inside the child; see there why not ``ru_maxrss`` from the parent).

A program is a module and its arguments (``cli.main`` is the `contracts` command). Timed runs start it the way a user
does (the installed ``contracts`` script, or ``python -m MODULE``); CPU seconds are the child's own user + system
time from ``os.wait4`` on its pid, which is exact per child. Peak memory comes from one more run through
bench/child.py.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


ENV = {**os.environ, "CONTRACTS_LANG": "en", "COLUMNS": "120"}
ENV.pop("CONTRACTS_DATABASE_URL", None)  # every command is given its store


@dataclass
class Program:
    module: str  # "cli.main", "bench.plain", "bench.vector", or "-c" for `python -c CODE`
    args: list[str]

    def argv(self) -> list[str]:
        """The command line a user types."""
        if self.module == "cli.main":
            script = contracts_script()
            if script:
                return [script, *self.args]
        if self.module == "-c":
            return [sys.executable, "-c", *self.args]
        return [sys.executable, "-m", self.module, *self.args]

    def wrapped(self, peak_file: Path) -> list[str]:
        return [sys.executable, "-m", "bench.child", str(peak_file), self.module, *self.args]

    def shown(self) -> str:
        if self.module == "cli.main":
            return "contracts " + " ".join(self.args)
        if self.module == "-c":
            return "python -c " + " ".join(self.args)
        return f"python -m {self.module} " + " ".join(self.args)


ROOT = Path(__file__).resolve().parent.parent


@functools.lru_cache(maxsize=None)
def contracts_script() -> str | None:
    """The installed `contracts` console script of this Python, if it runs this checkout's code (an editable install,
    ``pip install -e .``). After a plain ``pip install .`` the script runs a copy that may be older than the checkout:
    then the bench runs ``python -m cli.main`` in the checkout instead (the same program, started the same way)."""
    script = Path(sys.executable).parent / "contracts"
    if not script.exists():
        found = shutil.which("contracts")
        if not found or Path(found).resolve().parent != Path(sys.executable).resolve().parent:
            return None
        script = Path(found)
    where = subprocess.run([sys.executable, "-c", "import cli, os; print(os.path.dirname(os.path.abspath(cli.__file__)))"],
                           capture_output=True, text=True, cwd=os.path.abspath(os.sep), env=ENV)
    return str(script) if where.returncode == 0 and Path(where.stdout.strip()) == ROOT / "cli" else None


def launcher() -> str:
    script = contracts_script()
    return f"the installed `contracts` script ({script})" if script else "`python -m cli.main` in the checkout"


@dataclass
class Run:
    wall: float
    cpu: float
    first_output: float | None  # seconds until the first byte on stdout (None: it printed nothing)
    output_bytes: int
    returncode: int
    stderr: str


class Failed(SystemExit):
    pass




def run_once(argv: list[str], stdout_to: Path | None = None, cwd: Path | None = ROOT, stderr_through: bool = False) -> Run:
    """One run: stdout read as it comes (to see when the first byte arrives), into a file if asked; stderr kept for
    the message of a failure, or left on the terminal (``stderr_through``: an import's progress bar)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=None if stderr_through else errors,
                                   stdin=subprocess.DEVNULL, cwd=cwd, env=ENV)
        first, size = None, 0
        sink = open(stdout_to, "wb") if stdout_to else None
        try:
            while True:
                chunk = os.read(process.stdout.fileno(), 1 << 16)
                if not chunk:
                    break
                if first is None:
                    first = time.perf_counter() - started
                size += len(chunk)
                if sink:
                    sink.write(chunk)
        finally:
            if sink:
                sink.close()
            process.stdout.close()
        _, status, usage = os.wait4(process.pid, 0)  # this child's own rusage
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    return Run(wall, usage.ru_utime + usage.ru_stime, first, size, process.returncode, stderr)


@dataclass
class Measured:
    program: Program
    runs: list[Run] = field(default_factory=list)
    peak_kb: int | None = None
    peak_how: str = ""
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def first_output(self) -> float | None:
        firsts = [r.first_output for r in self.runs if r.first_output is not None]
        return statistics.median(firsts) if firsts else None

    @property
    def peak_mb(self) -> float | None:
        return None if self.peak_kb is None else self.peak_kb / 1024


def measure(program: Program, runs: int, *, memory: bool = True, keep_output: Path | None = None,
            cwd: Path | None = ROOT, fresh_output=None) -> Measured:
    """Median of ``runs`` timed runs (three when each takes long), then one run through bench/child.py for the peak.
    With ``runs`` 1 (``--quick``), that one run through bench/child.py gives the times as well.

    ``keep_output``: the memory run's stdout is kept there (for the figure checks). ``fresh_output``: a callable
    giving new arguments for each run (commands that write a file and must not find it there already).
    """
    measured = Measured(program, load=(os.getloadavg()[0], 0.0))
    timed = 0 if memory and runs == 1 else runs
    for index in range(timed):
        if fresh_output:
            program = Program(program.module, fresh_output(index))
        run = run_once(program.argv(), cwd=cwd)
        if run.returncode != 0:
            raise Failed(f"`{program.shown()}` failed ({run.returncode}): {run.stderr.strip()[-2000:]}")
        measured.runs.append(run)
        if run.wall > 20 and len(measured.runs) >= 3:
            break  # three runs of a long command are enough for a median
    if memory:
        with tempfile.TemporaryDirectory(prefix="bench-peak-") as folder:
            peak_file = Path(folder) / "peak.json"
            if fresh_output:
                program = Program(program.module, fresh_output(runs))
            run = run_once(program.wrapped(peak_file), stdout_to=keep_output, cwd=cwd)
            if run.returncode != 0:
                raise Failed(f"`{program.shown()}` failed under bench.child ({run.returncode}): {run.stderr.strip()[-2000:]}")
            if not timed:
                measured.runs.append(run)
            if peak_file.exists():
                peak = json.loads(peak_file.read_text())
                measured.peak_kb, measured.peak_how = peak["peak_kb"], peak["how"]
    elif keep_output:
        run = run_once(program.argv(), stdout_to=keep_output, cwd=cwd)
        if run.returncode != 0:
            raise Failed(f"`{program.shown()}` failed ({run.returncode}): {run.stderr.strip()[-2000:]}")
    measured.load = (measured.load[0], os.getloadavg()[0])
    return measured
