"""What each command's start costs in imports: ``python -X importtime`` on every path a user takes.

Each module's own import time ("self") is added up by the package it belongs to (``sqlalchemy.orm.session`` counts
for sqlalchemy), so the list says what each dependency costs wherever it is first imported. Median of a few runs,
each a new process.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from dataclasses import dataclass

from bench.measure import ENV, ROOT


@dataclass
class ImportCost:
    label: str
    total_ms: float
    by_package: dict[str, float]  # package -> ms (self times of its modules)
    modules: int


def parse(stderr: str) -> tuple[dict[str, float], int]:
    """Milliseconds of import per top-level package, and how many modules were imported."""
    packages: dict[str, float] = {}
    modules = 0
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        fields = line[len("import time:"):].split("|", 2)
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue
        package = fields[2].strip().split(".")[0]
        packages[package] = packages.get(package, 0.0) + int(fields[0]) / 1000
        modules += 1
    return packages, modules


def cost(label: str, python_args: list[str], runs: int = 3) -> ImportCost:
    """``python -X importtime PYTHON_ARGS`` ``runs`` times: the median per package and in total."""
    samples, modules = [], 0
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-X", "importtime", *python_args], capture_output=True, text=True, env=ENV,
                              stdin=subprocess.DEVNULL, cwd=ROOT)
        if done.returncode != 0:
            raise SystemExit(f"`python -X importtime {' '.join(python_args)}` failed: {done.stderr.strip()[-1000:]}")
        packages, modules = parse(done.stderr)
        samples.append(packages)
    names = {name for sample in samples for name in sample}
    median = {name: statistics.median(sample.get(name, 0.0) for sample in samples) for name in names}
    totals = statistics.median(sum(sample.values()) for sample in samples)
    return ImportCost(label, totals, dict(sorted(median.items(), key=lambda item: -item[1])), modules)


def top(cost_: ImportCost, count: int = 6) -> str:
    return ", ".join(f"{name} {ms:.0f}" for name, ms in list(cost_.by_package.items())[:count] if ms >= 1)
