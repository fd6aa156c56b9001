"""Run the bench and write bench/RESULTS.md: ``python -m bench.run [--size 10k|100k|1m ...] [--quick] [--pg URL]``.

For each size it builds (or reuses: bench/stores.py) a store of the synthetic portfolio: SQLite up to 100k
contracts, PostgreSQL from 1M (only when asked: ``--size 1m``; the server is ``--pg``). Then it runs every row of
issue #17's target table as a user runs it (each a new process; median wall and CPU seconds of several runs; the peak
memory of the child itself, bench/child.py), together with the plain implementation (bench/plain.py) and the
vectorised limit (bench/vector.py) for the ratios, and ``python -c pass`` for the targets relative to a bare start.
Every figure the whole-portfolio commands print is checked equal to the plain implementation's to the fen
(bench/compare.py): the run stops at the first difference. It also keeps the engine-against-reference projection
benchmark (bench/project.py), lists what each command's imports cost (bench/imports.py), profiles the slowest command,
and notes the machine's load, since the machine may be shared: the ratios are measured in the same run, so they hold.

The web app's pages are measured by ``bench/web_pages.py`` when there is a web/ folder: it must define
``measure(url: str, *, size: int, code: str, as_of: str, quick: bool) -> list[dict]`` returning, per page,
``{"page": "/path", "server_ms": median, "runs": n, "peak_mb": float | None}``; the target is 300 ms server time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import pstats
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Callable

from bench import compare, imports, stores
from bench.measure import ENV, Measured, Program, launcher, measure, run_once

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
AS_OF = "2024-06-01"  # every date-dependent command answers for this day, so that runs compare
FY = "2024"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_FROM = 1_000_000  # sizes from here on live on PostgreSQL
HAVE_NUMPY = importlib.util.find_spec("numpy") is not None  # the vectorised limit needs it: pip install '.[bench]'


# -- what is measured, and against what ------------------------------------------------------------------------------

@dataclass
class Target:
    text: str  # as the issue states it
    test: Callable[["Row", dict], bool | None]  # met? (None: cannot say)


@dataclass
class Row:
    key: str
    label: str
    program: Program
    targets: list[Target] = field(default_factory=list)
    runs: int = 5
    output_file: str | None = None  # a command that writes a file: a fresh name each run (none is replaced)
    keep: bool = False  # keep the memory run's stdout (a check reads it)
    result: Measured | None = None
    note: str = ""

    def met(self, rows: dict) -> str:
        verdicts = [target.test(self, rows) for target in self.targets]
        if not verdicts:
            return ""
        if any(v is False for v in verdicts):
            return "**not met**"
        return "met" if all(v is True for v in verdicts) else "?"


def wall_at_most(seconds: float) -> Target:
    return Target(f"≤ {seconds:g} s", lambda row, rows: row.result.wall <= seconds)


def times_pass_at_most(factor: float) -> Target:
    return Target(f"≤ {factor:g}× `python -c pass`", lambda row, rows: row.result.wall <= factor * rows["pass"].result.wall)


def faster_than(other: str, factor: float) -> Target:
    return Target(f"≥ {factor:g}× faster than the plain implementation",
                  lambda row, rows: rows[other].result.wall / row.result.wall >= factor if other in rows else None)


def memory_at_most(mb: float) -> Target:
    return Target(f"peak ≤ {mb:,.0f} MB", lambda row, rows: None if row.result.peak_mb is None else row.result.peak_mb <= mb)


def cli(db: str, *args: str) -> Program:
    return Program("cli.main", ["--db", db, *args])


def rows_for(store: stores.Store, code: str, quick: bool, work: Path) -> list[Row]:
    """Issue #17's table as commands on this store, then the plain implementation and the limit."""
    db, size, big = store.url, store.size, store.size >= PG_FROM
    light, slow = (1, 1) if quick else (5, 3)
    memory = memory_at_most(1024 if big else 400)
    rows = [
        Row("pass", "`python -c pass` (a bare start)", Program("-c", ["pass"]), runs=light),
        Row("version", "`contracts --version`", Program("cli.main", ["--version"]), [times_pass_at_most(3)], runs=light),
        Row("show", f"`contracts show {code}`", cli(db, "show", code, "--as-of", AS_OF),
            [wall_at_most(0.25), times_pass_at_most(8)], runs=light),
        Row("schedule", f"`contracts schedule {code}`", cli(db, "schedule", code), [wall_at_most(0.25), times_pass_at_most(8)], runs=light),
        Row("expiring", "`contracts expiring --within 180`", cli(db, "expiring", "--within", "180", "--as-of", AS_OF),
            [wall_at_most(0.5)] if big else [wall_at_most(0.25), times_pass_at_most(8)], runs=light),
        Row("payable", f"`contracts payable {code} --seq 2`", cli(db, "payable", code, "--seq", "2", "--as-of", AS_OF),
            [wall_at_most(0.25), times_pass_at_most(8)], runs=light),
        Row("forecast", "`contracts forecast --years 3`", cli(db, "forecast", "--years", "3", "--as-of", AS_OF),
            [wall_at_most(8), memory] if big else [wall_at_most(1.0), faster_than("plain-forecast", 12), memory], runs=light),
        Row("fy", f"`contracts report fy {FY}`", cli(db, "report", "fy", FY),
            [wall_at_most(8), memory] if big else [wall_at_most(1.0), faster_than("plain-fy", 12), memory], runs=light),
    ]
    if not big:  # at 1M the issue names forecast, report fy and expiring; the rest would take today's code hours
        rows += [
            Row("check", "`contracts check`", cli(db, "check", "--as-of", AS_OF), [wall_at_most(3), memory], runs=slow),
            Row("arrears-summary", "`contracts arrears --summary`", cli(db, "arrears", "--summary", "--as-of", AS_OF),
                [wall_at_most(2), memory], runs=slow),
            Row("arrears-csv", "`contracts arrears --format csv`", cli(db, "arrears", "--as-of", AS_OF, "--format", "csv"),
                [wall_at_most(2), memory], runs=slow, keep=True),
            Row("arrears-json", "`contracts arrears --format json`", cli(db, "arrears", "--as-of", AS_OF, "--format", "json"),
                [wall_at_most(2), memory], runs=slow, keep=True),
            Row("html", "`contracts report html -o report.html`", cli(db, "report", "html", "--as-of", AS_OF, "-o", "report.html"),
                [wall_at_most(5), memory], runs=slow, output_file=str(work / "report-{n}.html")),
            Row("export", "`contracts export backup.json`", cli(db, "export", "backup.json"), [wall_at_most(5), memory],
                runs=slow, output_file=str(work / "export-{n}.json")),
        ]
    plain_runs = 1 if quick or big else 3
    rows += [
        Row("plain-forecast", "plain implementation: forecast", Program("bench.plain", ["forecast", db, "--as-of", AS_OF, "--years", "3"]),
            runs=plain_runs, keep=True),
        Row("plain-fy", f"plain implementation: report fy {FY}", Program("bench.plain", ["fy", db, "--year", FY]), runs=plain_runs, keep=True),
    ]
    if HAVE_NUMPY:
        rows += [
            Row("vector-forecast", "vectorised limit: forecast (NumPy)",
                Program("bench.vector", ["forecast", db, "--as-of", AS_OF, "--years", "3"]), runs=light),
            Row("vector-fy", f"vectorised limit: report fy {FY} (NumPy)", Program("bench.vector", ["fy", db, "--year", FY]), runs=light),
        ]
    return rows


# -- the checks: every figure against the plain implementation ----------------------------------------------------

FORECAST = (("contract", "year", "quarter"), ("gross", "expected_net", "ends_in_window"))
FY_FIELDS = (("item",), ("obligations", "paid", "unpaid_of_year", "earlier_arrears"))
ARREARS = (("contract", "seq"), ("due", "net", "paid", "owed", "days_overdue", "bucket"))
SUMMARY = (("contract",), ("0-30", "31-90", "91-180", "181-365", "over 365", "total", "not_yet_assessed", "credit"))


def json_rows(path: Path):
    """The objects of a JSON list, one at a time (an arrears list of a province does not fit in memory twice)."""
    decoder = json.JSONDecoder()
    with open(path, encoding="utf-8") as handle:
        buffer, position, started, done = "", 0, False, False
        while not done:
            chunk = handle.read(1 << 20)
            buffer = buffer[position:] + chunk
            position = 0
            while True:
                while position < len(buffer) and buffer[position] in " \t\r\n,":
                    position += 1
                if position >= len(buffer):
                    break
                if not started:
                    if buffer[position] != "[":
                        raise compare.Mismatch(f"MISMATCH: {path.name} is not a JSON list")
                    started, position = True, position + 1
                    continue
                if buffer[position] == "]":
                    done = True
                    break
                try:
                    item, end = decoder.raw_decode(buffer, position)
                except json.JSONDecodeError:
                    if not chunk:
                        raise compare.Mismatch(f"MISMATCH: {path.name} ends inside a JSON object") from None
                    break  # the object continues in the next chunk
                position = end
                yield {key: "" if value is None else str(value) for key, value in item.items()}
            if not chunk:
                break


def plain_to_file(program: Program, path: Path) -> float:
    run = run_once(program.argv(), stdout_to=path)
    if run.returncode != 0:
        raise SystemExit(f"`{program.shown()}` failed: {run.stderr.strip()[-2000:]}")
    return run.wall


def command_to_file(program: Program, path: Path) -> None:
    run = run_once(program.argv(), stdout_to=path)
    if run.returncode != 0:
        raise SystemExit(f"`{program.shown()}` failed: {run.stderr.strip()[-2000:]}")


def summarise_arrears(path: Path, out: Path) -> None:
    """The plain `arrears --summary` from the plain arrears rows (in contract order)."""
    import csv

    keys = ("0-30", "31-90", "91-180", "181-365", "over 365", "total", "not_yet_assessed", "credit")
    grand = dict.fromkeys(keys, Decimal("0.00"))
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("contract",) + keys)
        current, sums = None, None

        def flush():
            if current is not None:
                writer.writerow([current] + [str(sums[k]) for k in keys])
                for k in keys:
                    grand[k] += sums[k]

        for row in compare.csv_rows(path):
            if row["contract"] != current:
                flush()
                current, sums = row["contract"], dict.fromkeys(keys, Decimal("0.00"))
            owed = Decimal(row["owed"])
            if row["bucket"] == "not yet assessed":
                sums["not_yet_assessed"] += owed
            else:
                sums[row["bucket"]] += owed
                sums["total"] += owed
        flush()
        writer.writerow(["TOTAL"] + [str(grand[k]) for k in keys])


def run_checks(store: stores.Store, code: str, rows: dict[str, Row], work: Path, say) -> list[str]:
    """Every check of this store; a list of lines saying what was compared (the run stops at a difference)."""
    db, done = store.url, []
    plain = lambda *args: Program("bench.plain", [args[0], db, *args[1:]])  # noqa: E731

    def record(what: str, count: int, unit: str = "row", against: str = "the plain implementation's") -> None:
        units = unit if count == 1 else unit + "s"
        done.append(f"{what}: {count:,} {units} equal to {against}")
        say(f"  checked {what}: {count:,} {units} equal")

    # forecast and report fy: the command's every row (CSV) against the plain implementation's, then the limit's.
    command_to_file(cli(db, "forecast", "--years", "3", "--as-of", AS_OF, "--format", "csv"), work / "forecast.csv")
    record("`forecast --years 3` (every contract, year and quarter: gross, expected net)",
           compare.compare_csv("forecast", work / "forecast.csv", work / "plain-forecast.out", *FORECAST))
    command_to_file(cli(db, "report", "fy", FY, "--format", "csv"), work / "fy.csv")
    record(f"`report fy {FY}` (every contract and the programme total)",
           compare.compare_csv("report fy", work / "fy.csv", work / "plain-fy.out", *FY_FIELDS))
    for what, fields in (("forecast", FORECAST), ("fy", FY_FIELDS)) if HAVE_NUMPY else ():
        args = ["forecast", db, "--as-of", AS_OF, "--years", "3"] if what == "forecast" else ["fy", db, "--year", FY]
        run = run_once(Program("bench.vector", [*args, "--rows", str(work / f"vector-{what}.csv")]).argv())
        if run.returncode != 0:
            raise SystemExit(f"bench.vector {what} failed: {run.stderr.strip()[-2000:]}")
        record(f"the vectorised limit's {what}", compare.compare_csv(f"vector {what}", work / f"vector-{what}.csv",
                                                                     work / f"plain-{what}.out", *fields))
    if not HAVE_NUMPY:
        done.append("the vectorised limit: not run (NumPy is not installed: pip install '.[bench]')")
    if store.size < PG_FROM:
        # A window that holds assessed installments too (the default window lies after every assessment).
        wide = ("--from", "2015", "--years", "15")
        plain_to_file(plain("forecast", "--as-of", AS_OF, *wide), work / "plain-forecast-wide.csv")
        command_to_file(cli(db, "forecast", *wide, "--as-of", AS_OF, "--format", "csv"), work / "forecast-wide.csv")
        record("`forecast --from 2015 --years 15` (assessed installments at their net)",
               compare.compare_csv("forecast 2015-2029", work / "forecast-wide.csv", work / "plain-forecast-wide.csv", *FORECAST))
    # the clerk's commands
    plain_to_file(plain("show", "--code", code, "--as-of", AS_OF), work / "plain-show.csv")
    command_to_file(cli(db, "show", code, "--as-of", AS_OF, "--format", "json"), work / "show.json")
    record(f"`show {code}` (dates, days left, total, installments)",
           compare.compare_json_object("show", work / "show.json", work / "plain-show.csv",
                                       ("billing_end", "service_end", "days_left", "total", "installments")), "object")
    for key, command_args, plain_args, spec in (
        ("schedule", ["schedule", code], ["schedule", "--code", code], (("contract", "seq"), ("period_start", "period_end", "due", "amount"))),
        ("payable", ["payable", code, "--seq", "2", "--as-of", AS_OF], ["payable", "--code", code, "--seq", "2", "--as-of", AS_OF],
         (("contract", "seq"), ("period_start", "period_end", "due", "gross", "total_deduction", "net", "paid", "owed"))),
        ("expiring", ["expiring", "--within", "180", "--as-of", AS_OF], ["expiring", "--within", "180", "--as-of", AS_OF],
         (("contract",), ("billing_end", "service_end", "days_left"))),
    ):
        plain_to_file(plain(*plain_args), work / f"plain-{key}.csv")
        command_to_file(cli(db, *command_args, "--format", "csv"), work / f"{key}.csv")
        record(f"`{' '.join(a for a in command_args if a not in ('--as-of', AS_OF))}`", compare.compare_csv(key, work / f"{key}.csv", work / f"plain-{key}.csv", *spec))
    if "arrears-csv" in rows:
        plain_to_file(plain("arrears", "--as-of", AS_OF), work / "plain-arrears.csv")
        record("`arrears --format csv` (every installment owed)",
               compare.compare_csv("arrears csv", work / "arrears-csv.out", work / "plain-arrears.csv", *ARREARS))
        record("`arrears --format json`", compare.compare_rows("arrears json", json_rows(work / "arrears-json.out"),
                                                               compare.csv_rows(work / "plain-arrears.csv"), *ARREARS))
        summarise_arrears(work / "plain-arrears.csv", work / "plain-arrears-summary.csv")
        command_to_file(cli(db, "arrears", "--summary", "--as-of", AS_OF, "--format", "csv"), work / "arrears-summary.csv")
        record("`arrears --summary` (every contract's buckets and the TOTAL)",
               compare.compare_csv("arrears summary", work / "arrears-summary.csv", work / "plain-arrears-summary.csv", *SUMMARY))
    if "export" in rows:
        document = json.loads((work / "export-check.json").read_text(encoding="utf-8"))
        counts = stores.table_counts(db)
        found = {"contract": len(document["contract"]), "deduction_rule": len(document["rule"]),
                 "assessment": len(document["assessment"]), "payment": len(document["payment"])}
        if found != counts:
            raise compare.Mismatch(f"MISMATCH in export: it holds {found}, the store {counts}")
        record("`export` (contracts, rules, assessments, payments)", sum(found.values()), "record", "the store's")
    if "html" in rows:
        page = (work / "report-check.html").read_text(encoding="utf-8")
        if "</html>" not in page:
            raise compare.Mismatch("MISMATCH in report html: the page is incomplete")
        done.append("`report html`: a complete page written (its figures come from the functions checked above; not parsed)")
    if "check" in rows:
        done.append("`check`: its findings are not figures; not compared")
    return done


# -- profile, web, machine ------------------------------------------------------------------------------------------

def profile(row: Row, work: Path) -> str:
    """The top of a cProfile of one run of the row's command: by own time, and by cumulative time in our code."""
    program = row.program
    if row.output_file:
        program = Program(program.module, [a if a != program.args[-1] else row.output_file.format(n="profile") for a in program.args])
    out = work / "profile.prof"
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", program.module, *program.args],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, env=ENV, cwd=ROOT)
    if done.returncode != 0 or not out.exists():
        return f"(profiling failed: {done.stderr.strip()[-500:]})"
    text = StringIO()
    stats = pstats.Stats(str(out), stream=text)
    total = stats.total_tt

    def lines(sort: str, count: int, only_ours: bool) -> list[str]:
        text.seek(0)
        text.truncate()
        stats.sort_stats(sort)
        picked = []
        for func in stats.fcn_list:
            filename, line, name = func
            ours = any(f"{os.sep}{part}{os.sep}" in filename for part in ("contracts", "db", "cli"))
            if only_ours and not ours:
                continue
            calls, _, own, cumulative, _ = stats.stats[func]
            short = re.sub(r".*?(site-packages|lib/python3\.\d+)/", "", filename)
            short = short.replace(str(ROOT) + os.sep, "")
            picked.append(f"{own:8.2f} {cumulative:8.2f} {own / total:6.1%} {calls:>10,}  {name} ({short}:{line})")
            if len(picked) == count:
                break
        return picked

    header = f"{'own s':>8} {'cum s':>8} {'own %':>6} {'calls':>10}  function"
    return "\n".join([f"profiled run: {total:.1f} s of function time (cProfile slows a run down; read the shares, not the seconds)",
                      "", "by own time:", header, *lines("tottime", 15, False), "",
                      "by cumulative time, the project's own functions:", header, *lines("cumulative", 15, True)])


def web_rows(store: stores.Store, code: str, quick: bool) -> list[dict] | str:
    if not (ROOT / "web").is_dir():
        return "no web app yet"
    if not (HERE / "web_pages.py").exists():
        return "web/ exists, but bench/web_pages.py (the pages to time) is not written yet"
    from bench import web_pages  # the web engineer's: see this module's docstring

    return web_pages.measure(store.url, size=store.size, code=code, as_of=AS_OF, quick=quick)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            kb = int(next(line.split()[1] for line in info if line.startswith("MemTotal:")))
            memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}"


def commit() -> str:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True)
    return (done.stdout.strip() + (" with uncommitted changes" if dirty.stdout.strip() else "")) if done.returncode == 0 else "unknown"


def size_value(text: str) -> int:
    match = re.fullmatch(r"(\d+)([km]?)", text.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 200, 10k, 100k or 1m")
    return int(match.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2)]


def size_name(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


# -- the run ------------------------------------------------------------------------------------------------------

@dataclass
class SizeResult:
    store: stores.Store
    code: str
    rows: dict[str, Row]
    checks: list[str]
    web: list[dict] | str
    load: tuple[float, float]


def measure_size(size: int, args, data: Path, say) -> SizeResult:
    pg = (args.pg or DEFAULT_PG) if size >= PG_FROM else None
    store = stores.obtain(size, data, pg, say)
    code = stores.facts_contract(store.url)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix=f"contracts-bench-{size}-") as folder:
        work = Path(folder)
        rows = {row.key: row for row in rows_for(store, code, args.quick, work)}
        for row in rows.values():
            say(f"  {row.label} ...")
            fresh = None
            if row.output_file:
                target = row.program.args[-1]
                template = row.output_file
                fresh = lambda n, row=row, target=target, template=template: [  # noqa: E731
                    template.format(n=n) if a == target else a for a in row.program.args]
            keep = work / f"{row.key}.out" if row.keep else None
            row.result = measure(row.program, row.runs, keep_output=keep, fresh_output=fresh)
            r = row.result
            say(f"    {r.wall:.2f} s wall, {r.cpu:.2f} s CPU (median of {len(r.runs)})"
                + (f", peak {r.peak_mb:.0f} MB" if r.peak_mb is not None else "") + f"; load {r.load[0]:.1f}-{r.load[1]:.1f}")
            if row.output_file:  # keep one written file for the check
                last = Path(template.format(n=row.runs))
                if last.exists():
                    last.rename(work / ("export-check.json" if row.key == "export" else "report-check.html"))
        say("  checking every figure against the plain implementation ...")
        checks = run_checks(store, code, rows, work, say)
        web = "not measured in this run (--no-web)" if args.no_web else web_rows(store, code, args.quick)
        if not args.no_profile and size == max(args.sizes):
            commands = [row for row in rows.values() if row.program.module == "cli.main" and row.key != "version"]
            slowest = max(commands, key=lambda row: row.result.wall)
            say(f"  profiling the slowest command, {slowest.label} ...")
            slowest.note = profile(slowest, work)
    return SizeResult(store, code, rows, checks, web, (load_before, os.getloadavg()[0]))


def projection(sizes: list[int], say) -> list[dict]:
    results = []
    for size in sizes:
        say(f"projecting {size:,} contracts (engine against reference) ...")
        done = subprocess.run([sys.executable, "-m", "bench.project", "compare", str(size)], capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            raise SystemExit(done.stderr.strip() or done.stdout.strip())
        row = json.loads(done.stdout)
        peak = subprocess.run([sys.executable, "-m", "bench.project", str(size)], capture_output=True, text=True, check=True, cwd=ROOT)
        row["peak_kb"] = json.loads(peak.stdout)["peak_kb"]
        say(f"  {row['installments']:,} installments, engine {row['fast_s']:.2f} s, reference {row['reference_s']:.2f} s, "
            f"{row['ratio']:.1f}x, same answers; peak {row['peak_kb'] / 1024:.0f} MiB")
        results.append(row)
    return results


def import_costs(store_url: str, code: str, quick: bool, say) -> list[imports.ImportCost]:
    say("import costs (python -X importtime) ...")
    runs = 1 if quick else 3
    paths = [
        ("`import cli.main` (where the program starts)", ["-c", "import cli.main"]),
        ("`contracts --version`", ["-m", "cli.main", "--version"]),
        ("`import cli.app` (the Typer app, every command registered)", ["-c", "import cli.app"]),
        ("`contracts --help`", ["-m", "cli.main", "--help"]),
        ("`contracts show`", ["-m", "cli.main", "--db", store_url, "show", code, "--as-of", AS_OF]),
        ("`contracts schedule`", ["-m", "cli.main", "--db", store_url, "schedule", code]),
        ("`contracts expiring`", ["-m", "cli.main", "--db", store_url, "expiring", "--within", "180", "--as-of", AS_OF]),
        ("`contracts payable --seq`", ["-m", "cli.main", "--db", store_url, "payable", code, "--seq", "2", "--as-of", AS_OF]),
        ("`contracts forecast`", ["-m", "cli.main", "--db", store_url, "forecast", "--years", "3", "--as-of", AS_OF]),
        ("`contracts report fy`", ["-m", "cli.main", "--db", store_url, "report", "fy", FY]),
        ("`contracts check`", ["-m", "cli.main", "--db", store_url, "check", "--as-of", AS_OF]),
        ("`contracts arrears --summary`", ["-m", "cli.main", "--db", store_url, "arrears", "--summary", "--as-of", AS_OF]),
    ]
    return [imports.cost(label, python_args, runs) for label, python_args in paths]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--size", dest="sizes", type=size_value, action="append",
                        help="10k, 100k (SQLite) or 1m (PostgreSQL); repeatable (default: 10k and 100k; with --quick: 10k)")
    parser.add_argument("--quick", action="store_true", help="one timed run a row (the checks all the same)")
    parser.add_argument("--pg", help=f"the PostgreSQL server for 1M contracts (default: {DEFAULT_PG}); the bench makes its own database there")
    parser.add_argument("--data", type=Path, default=HERE / "data", help="where the stores are kept (default: bench/data)")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md", help="the results file (default: bench/RESULTS.md)")
    parser.add_argument("--no-profile", action="store_true", help="do not profile the slowest command")
    parser.add_argument("--no-projection", action="store_true", help="skip the engine-against-reference projection benchmark")
    parser.add_argument("--no-imports", action="store_true", help="skip the import costs")
    parser.add_argument("--no-web", action="store_true", help="skip the web pages (python -m bench.web_pages times them on "
                        "its own; at 1M their background computations would take the machine for an hour)")
    args = parser.parse_args(argv)
    args.sizes = sorted(set(args.sizes or ([10_000] if args.quick else [10_000, 100_000])))
    started, first_load = time.perf_counter(), os.getloadavg()
    say = lambda text: print(text, flush=True)  # noqa: E731
    say(f"machine: {machine()}; load {first_load[0]:.1f}")
    compile_checkout()
    # The projection benchmark at 1k and each SQLite size (a tiny run: at its own size only).
    projected = {s for s in args.sizes if s <= 100_000} | ({1_000} if min(args.sizes) >= 1_000 else set())
    projections = [] if args.no_projection else projection(sorted(projected), say)
    results = []
    for size in args.sizes:
        say(f"== {size:,} contracts")
        results.append(measure_size(size, args, args.data, say))
    costs = [] if args.no_imports else import_costs(results[0].store.url, results[0].code, args.quick, say)
    text = report(args, results, projections, costs, time.perf_counter() - started, first_load)
    args.results.write_text(text, encoding="utf-8")
    say(f"\nwritten to {args.results}")


def compile_checkout() -> None:
    """The checkout's modules compiled to bytecode, as ``pip install`` compiles an installed package's: otherwise a
    machine with PYTHONDONTWRITEBYTECODE set (or a read-only checkout) compiles them from source in every measured
    process (0.07 s of `show`'s 0.45 s here), which no user's installed program does."""
    import compileall

    for package in ("cli", "contracts", "db", "web"):
        compileall.compile_dir(str(HERE.parent / package), quiet=2)


# -- RESULTS.md --------------------------------------------------------------------------------------------------

def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 100 else f"{value:.0f}"


def report(args, results: list[SizeResult], projections: list[dict], costs: list[imports.ImportCost], took: float,
           first_load) -> str:
    command = "python -m bench.run" + "".join(f" --size {size_name(s).lower()}" for s in args.sizes) + (" --quick" if args.quick else "")
    loads = [first_load[0]] + [value for r in results for value in r.load] + [row.result.load[1] for r in results for row in r.rows.values()]
    out = [
        "# Benchmark results",
        "",
        f"Run on {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} with `{command}` (commit {commit()}), in {took / 60:.0f} minutes.",
        f"Machine: {machine()}.",
        f"Load: the 1-minute load average went from {min(loads):.1f} to {max(loads):.1f} during the run, on {os.cpu_count()} cores "
        "(the machine is shared): wall times are inflated by whatever else ran, CPU seconds much less so. The ratios are "
        "measured in the same run, so they hold.",
        "",
        f"Each row is run as a user runs it, a new process each time ({launcher()}, its modules compiled to bytecode "
        "first, as an installed package's are); wall and CPU "
        "seconds are medians (CPU: the child's own user + system time, from `wait4`); *first output* is when its first "
        "byte reached the pipe; peak memory is the child's own high-water mark (VmHWM, read by `bench/child.py` at its "
        "exit, never `ru_maxrss` seen from the parent, which inherits the parent's size across exec). Every date-dependent "
        f"command answers as of {AS_OF}. Targets are issue #17's, set for the 100k store (1M has its own); at other sizes "
        "they are shown for reference." + (" With `--quick`, each row is one run, through `bench/child.py` (which adds "
                                           "a few milliseconds to a start)." if args.quick else ""),
    ]
    for result in results:
        store, rows = result.store, result.rows
        out += ["", f"## {size_name(store.size)} contracts ({store.backend})", ""]
        build = store.build
        how = "built in this run" if store.built_now else f"reused (built {build.get('built', '?')})"
        out.append(f"Store: {how} by {build.get('parts', 1)} `contracts import`(s) of the generated portfolio: "
                   f"{build.get('import_s', 0):.0f} s wall, {build.get('import_cpu_s', 0):.0f} s CPU, peak "
                   f"{build.get('import_peak_mb', 0):,} MB a part. The clerk's example contract is {result.code} "
                   "(a deduction rule, assessments and a payment).")
        out += ["", "| what | runs | wall s | CPU s | first output s | peak MB | target | met |", "|---|---:|---:|---:|---:|---:|---|:--:|"]
        for row in rows.values():
            r = row.result
            targets = "; ".join(t.text for t in row.targets)
            out.append(f"| {row.label} | {len(r.runs)} | {seconds(r.wall)} | {seconds(r.cpu)} | {seconds(r.first_output)} | "
                       f"{'-' if r.peak_mb is None else f'{r.peak_mb:,.0f}'} | {targets} | {row.met(rows)} |")
        web = result.web
        if isinstance(web, str):
            out.append(f"| every web page | | | | | | ≤ 300 ms server time | {web} |")
        else:
            for page in web:
                ok = "met" if page["server_ms"] <= 300 else "**not met**"
                out.append(f"| web page `{page['page']}` | {page.get('runs', '')} | {page['server_ms'] / 1000:.3f} (server) | | | "
                           f"{page.get('peak_mb') or '-'} | ≤ 300 ms server time | {ok} |")
        out += ["", "Ratios, measured in this run:", ""]
        p = rows["pass"].result.wall
        for key, plain_key, vector_key in (("forecast", "plain-forecast", "vector-forecast"), ("fy", "plain-fy", "vector-fy")):
            c, pl = rows[key].result, rows[plain_key].result
            line = (f"- {rows[key].label}: the plain implementation takes {pl.wall / c.wall:.1f}× its wall time "
                    f"({pl.cpu / c.cpu:.1f}× its CPU)")
            if vector_key in rows:
                v = rows[vector_key].result
                line += f"; it takes {c.wall / v.wall:.1f}× the vectorised limit's wall time ({c.cpu / v.cpu:.1f}× its CPU)"
            out.append(line + ".")
        for key in ("version", "show", "schedule", "expiring", "payable"):
            out.append(f"- {rows[key].label}: {rows[key].result.wall / p:.1f}× a bare `python -c pass` ({p:.3f} s).")
        out += ["", "Figures checked (the run stops at the first difference):", ""] + [f"- {line}" for line in result.checks]
        profiled = [row for row in rows.values() if row.note]
        if profiled:
            row = profiled[0]
            out += ["", f"### Where the time goes: {row.label} ({size_name(store.size)}, the slowest command)", "", "```",
                    row.note, "```"]
    if len(results) > 1:
        out += ["", "## Peak memory as the portfolio grows (MB)", "",
                "| command | " + " | ".join(size_name(r.store.size) for r in results) + " |",
                "|---|" + "---:|" * len(results)]
        base = max(results, key=lambda r: len(r.rows))
        for key, row in base.rows.items():
            cells = []
            for r in results:
                found = r.rows.get(key)
                cells.append("-" if found is None or found.result.peak_mb is None else f"{found.result.peak_mb:,.0f}")
            out.append(f"| {row.label} | " + " | ".join(cells) + " |")
    if costs:
        out += ["", "## What starting costs: imports by path (`python -X importtime`, ms)", "",
                "Each module's own import time, added up by the package it belongs to; median of "
                f"{1 if args.quick else 3} runs. The import profiler itself slows imports down: compare the rows, not the "
                "milliseconds with the wall times above.", "",
                "| path | modules | import ms | the costliest packages (ms) |", "|---|---:|---:|---|"]
        for cost in costs:
            out.append(f"| {cost.label} | {cost.modules} | {cost.total_ms:.0f} | {imports.top(cost, 7)} |")
        heaviest = max(costs, key=lambda cost: cost.total_ms)
        out += ["", f"Every package on the heaviest path ({heaviest.label}), ms:", "",
                ", ".join(f"{name} {ms:.0f}" for name, ms in heaviest.by_package.items() if ms >= 1)]
    if projections:
        out += ["", "## Projecting every installment (engine against the plain reference, same data, same process)", "",
                "| contracts | installments | total (yuan) | engine s | reference s | ratio (target ≥ 10×) | met | engine peak memory |",
                "|---:|---:|---:|---:|---:|---:|:--:|---:|"]
        for row in projections:
            out.append(f"| {row['size']:,} | {row['installments']:,} | {Decimal(row['total']):,.2f} | {row['fast_s']:.2f} | "
                       f"{row['reference_s']:.2f} | {row['ratio']:.1f}× | {'met' if row['ratio'] >= 10 else '**not met**'} | "
                       f"{row['peak_kb'] / 1024:.0f} MiB |")
        out += ["", "Every installment of every contract was checked against the reference: the same periods, due dates "
                "and amounts to the fen. Peak memory is each size run alone in a process of its own, streaming the "
                "portfolio: it should stay flat as the portfolio grows."]
    choices = HERE / "choices.md"  # what was chosen where the issue left a choice, and why: written by people
    if choices.exists():
        out += ["", choices.read_text(encoding="utf-8").strip()]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
