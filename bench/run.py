"""Run every measurement and write bench/RESULTS.md: ``python -m bench.run`` (``--quick`` for 1k and 10k only).

1. Projection: every installment of 1k, 10k and 100k synthetic contracts through the engine,
   against the plain reference implementation (bench/reference.py) on the same data, installment
   by installment; peak memory of the engine alone, each size in its own process.
2. The store: importing the 100k portfolio into SQLite with ``contracts import``, then the commands
   a clerk and a batch run, timed as a user runs them (a new process each, median of several runs).

Any installment that differs from the reference stops the run with an error: the figures are only
worth reading when the answers are the same.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from bench.generate import contracts, write_toml
from bench.reference import schedule as reference_schedule
from contracts.schedule import installments_fen
from contracts.terms import make_terms

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
CLI = [sys.executable, "-m", "cli.main"]


def compare_projection(size: int) -> dict:
    """Time the engine and the reference on the same contracts, then check them installment by installment."""
    raws = list(contracts(size))
    terms = [make_terms(raw) for raw in raws]
    started = time.perf_counter()
    fast_total = fast_count = 0
    for t in terms:
        for _, _, _, _, fen in installments_fen(t):
            fast_total += fen
            fast_count += 1
    fast_seconds = time.perf_counter() - started
    started = time.perf_counter()
    reference_total = Decimal("0.00")
    reference_count = 0
    for raw in raws:
        for item in reference_schedule(raw):
            reference_total += item[4]
            reference_count += 1
    reference_seconds = time.perf_counter() - started
    for raw, t in zip(raws, terms):  # the same answers, to the fen, for every installment
        fast = [(seq, a, b, due, Decimal(fen).scaleb(-2)) for seq, a, b, due, fen in installments_fen(t)]
        expected = reference_schedule(raw)
        if fast != expected:
            first = next((pair for pair in zip(fast, expected) if pair[0] != pair[1]), (fast[len(expected):], expected[len(fast):]))
            raise SystemExit(f"MISMATCH in {raw['code']}: engine {first[0]} != reference {first[1]}")
    if Decimal(fast_total).scaleb(-2) != reference_total or fast_count != reference_count:
        raise SystemExit(f"MISMATCH in totals: {fast_total} fen / {fast_count} against {reference_total} / {reference_count}")
    return {"size": size, "installments": fast_count, "total": str(reference_total), "fast_s": fast_seconds,
            "reference_s": reference_seconds, "ratio": reference_seconds / fast_seconds}


def peak_memory(size: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.project", str(size)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def timed(args: list[str], runs: int = 5) -> float:
    """Median wall time of a command run as a user runs it (a new process each time)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(CLI + args, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if result.returncode != 0:
            raise SystemExit(f"`contracts {' '.join(args)}` failed: {result.stderr.strip()}")
    return statistics.median(times)


def store_measurements(size: int, folder: Path) -> list[tuple[str, float, float]]:
    """(what, seconds, target seconds) for the store-level measurements."""
    portfolio, store = folder / f"portfolio-{size}.toml", folder / f"store-{size}.db"
    write_toml(portfolio, size)
    started = time.perf_counter()
    # The synthetic portfolio records assessments and payments years ahead: import it as of its last day (#18).
    result = subprocess.run(CLI + ["--db", str(store), "import", str(portfolio), "--as-of", "2199-12-31"], capture_output=True, text=True)
    import_seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"import failed: {result.stderr.strip()}")
    db = ["--db", str(store)]
    code = f"C{size // 2:06d}"
    rows = [(f"`contracts import` of {size:,} contracts (TOML, with rules, assessments, payments)", import_seconds, 30.0)]
    for label, args, target in [
        ("`contracts expiring --within 180`", ["expiring", "--within", "180", "--as-of", "2024-06-01"], 0.5),
        (f"`contracts schedule {code}`", ["schedule", code], 0.5),
        (f"`contracts payable {code} --seq 2`", ["payable", code, "--seq", "2", "--as-of", "2024-06-01"], 0.5),
        (f"`contracts show {code}`", ["show", code, "--as-of", "2024-06-01"], 0.5),
        ("`contracts forecast --years 3`", ["forecast", "--years", "3", "--as-of", "2024-06-01"], 5.0),
        ("`contracts report fy 2024`", ["report", "fy", "2024"], 5.0),
    ]:
        rows.append((label, timed(db + args, runs=3 if target > 1 else 5), target))
    return rows


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def verdict(value: float, target: float, larger_is_better: bool = False) -> str:
    ok = value >= target if larger_is_better else value <= target
    return "yes" if ok else "**NO**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k contracts only (a minute)")
    args = parser.parse_args()
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    print(f"machine: {machine()}", flush=True)
    projections = []
    for size in sizes:
        print(f"projecting {size:,} contracts ...", flush=True)
        row = compare_projection(size)
        row.update(peak_kb=peak_memory(size)["peak_kb"])
        projections.append(row)
        print(f"  {row['installments']:,} installments, engine {row['fast_s']:.2f} s, reference {row['reference_s']:.2f} s, "
              f"{row['ratio']:.1f}x, same answers; peak {row['peak_kb'] / 1024:.0f} MiB", flush=True)
    store_size = sizes[-1]
    with tempfile.TemporaryDirectory(prefix="contracts-bench-") as folder:
        print(f"store measurements on {store_size:,} contracts ...", flush=True)
        commands = store_measurements(store_size, Path(folder))
    startup = [("`contracts --help`", timed(["--help"]), 0.3), ("`contracts --version`", timed(["--version"]), 0.3)]
    lines = [
        "# Benchmark results",
        "",
        f"Run on {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} with `python -m bench.run{' --quick' if args.quick else ''}`.",
        f"Machine: {machine()}.",
        "",
        "## Projecting every installment (engine against the plain reference, same data, same process)",
        "",
        "| contracts | installments | total (yuan) | engine s | reference s | ratio (target >= 10x) | met | engine peak memory |",
        "|---:|---:|---:|---:|---:|---:|:--:|---:|",
    ]
    for row in projections:
        lines.append(f"| {row['size']:,} | {row['installments']:,} | {Decimal(row['total']):,.2f} | {row['fast_s']:.2f} | "
                     f"{row['reference_s']:.2f} | {row['ratio']:.1f}x | {verdict(row['ratio'], 10, True)} | "
                     f"{row['peak_kb'] / 1024:.0f} MiB |")
    lines += ["", "Every installment of every contract was checked against the reference: the same periods, due dates "
              "and amounts to the fen (the run stops on the first difference). Peak memory is each size run alone in a "
              "process of its own, streaming the portfolio: it should stay flat as the portfolio grows.", "",
              f"## The store ({store_size:,} contracts, SQLite, each command a new process, median wall time)", "",
              "| what | seconds | target | met |", "|---|---:|---:|:--:|"]
    for label, seconds, target in commands + startup:
        lines.append(f"| {label} | {seconds:.2f} | < {target:g} | {verdict(seconds, target)} |")
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"\nwritten to {RESULTS}")


if __name__ == "__main__":
    main()
