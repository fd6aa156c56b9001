"""The web app's pages on a big store, timed through a real server: ``python -m bench.web_pages [--size 100k]``.

Issue #14 point 8: with 100,000 contracts each page answers in under 300 ms on the server. This bench builds (or
reuses) the synthetic store of bench/stores.py, adds a user, starts ``contracts serve`` as a user does (uvicorn, one
worker, 127.0.0.1), signs in with httpx as a browser does, and asks each page several times over one kept-alive
connection:

- wall: from sending the request to the last byte of the answer, on the loopback (the network is ~0 here, so this
  is the server's time plus the client's few hundred microseconds); median and 95th percentile;
- CPU: the server process's own user + system time (``/proc/PID/stat``) over the runs, divided by their number:
  what each answer cost the server, whatever else ran on the (shared) machine;
- the ratio of each page's median to the plain baseline's, measured in the same run against the same server:
  ``/static/app.css``, a file sent by Starlette's StaticFiles through the same middleware (the cheapest route);
- the server's peak memory (VmHWM of the uvicorn process, which with one worker is the `contracts serve` process).

The whole-portfolio pages (dashboard, findings, report, procurement, budgets and their workbooks) are computed by the
app in the background once per change of the store (web/portfolio.kept): each is timed at its first view (nothing
kept yet: the page says the figures are being computed, or answers 503 for the report and the workbooks), then how
long until its figures are there (reported apart: that is computation, not a page), then its kept views, and the
first view after a change of a fact (a vendor's contact updated: a fact in the history that moves no figure).

Every page answers as of ``--as-of`` (``?as_of=``), the day the rest of the bench uses, so that runs compare.
Writes the figures into bench/RESULTS.md under "Web pages (#14 point 8)" (that section only; the rest is kept).
``bench/run.py`` calls ``measure()`` for its own table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench import stores

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_MS = 300
USER = "bench"
AS_OF = "2024-06-01"  # as bench/run.py
SECTION = "## Web pages (#14 point 8)"
SECTION_PG = "## Web pages on PostgreSQL (#14 point 8)"
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# -- the server process ---------------------------------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process so far (its threads included), from /proc."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14 and 15 of stat)


def memory_mb(pid: int) -> tuple[float, float]:
    """(peak, current) resident memory of the process, MB (VmHWM, VmRSS)."""
    found = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(("VmHWM:", "VmRSS:")):
                name, value = line.split(":", 1)
                found[name] = int(value.split()[0]) / 1024
    return found.get("VmHWM", 0.0), found.get("VmRSS", 0.0)


# -- what is timed --------------------------------------------------------------------------------------------------

@dataclass
class Timed:
    label: str
    path: str
    walls_ms: list[float] = field(default_factory=list)
    cpu_ms: float = 0.0  # the server's CPU per request
    status: int = 0
    size: int = 0  # bytes of the answer
    timed_out_s: float | None = None  # no answer within this many seconds (the server was then restarted)

    @property
    def median(self) -> float:
        return statistics.median(self.walls_ms) if self.walls_ms else math.inf

    @property
    def p95(self) -> float:
        if not self.walls_ms:
            return math.inf
        ordered = sorted(self.walls_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank


BUDGET_S = 60.0  # a page slower than this in total stops after MIN_RUNS (at 100k the dashboard takes minutes)
MIN_RUNS = 2
TIMEOUT_S = 60.0  # a request not answered by then is given up (and the server restarted: it would go on computing)
FIRST_TIMEOUT_S = 300.0  # the dashboard's first view computes the whole portfolio, its kept views render all of it


class Session:
    """A running `contracts serve` and a client signed in to it; restarted after a request it did not answer."""

    def __init__(self, url: str, folder: Path, say) -> None:
        self.url, self.folder, self.say = url, folder, say
        self.peak_mb, self.rss_mb, self.started_s = 0.0, 0.0, 0.0
        self.server = self.client = None
        self.start()

    def start(self) -> None:
        from tests import web_server

        started = time.perf_counter()
        self.server = web_server.start(self.url, folder=self.folder, timeout=600)
        self.started_s = self.started_s or time.perf_counter() - started
        self.client = web_server.signed_in(self.server.url, USER, timeout=600)
        self.say(f"  server up in {time.perf_counter() - started:.1f} s at {self.server.url} (pid {self.server.pid})")

    @property
    def pid(self) -> int:
        return self.server.pid

    def stop(self) -> None:
        from tests import web_server

        if self.server is None:
            return
        try:
            peak, rss = memory_mb(self.server.pid)
            self.peak_mb, self.rss_mb = max(self.peak_mb, peak), rss
        except OSError:
            pass
        self.client.close()
        web_server.stop(self.server)
        self.server = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def get(self, path: str, timeout: float):
        return self.client.get(path, timeout=timeout)


def _time(session: Session, label: str, path: str, runs: int, *, warm: bool = True, before=None,
          budget_s: float = BUDGET_S, min_runs: int = MIN_RUNS, timeout: float = TIMEOUT_S, ok=(200,)) -> Timed:
    """``runs`` requests of ``path`` (after one untimed request when ``warm``), fewer (at least MIN_RUNS, or ``runs``
    if fewer) when they take more than ``budget_s`` together; ``before()`` runs untimed before each. A request not
    answered within ``timeout`` ends the page's timing, and the server is restarted for the next page."""
    import httpx

    timed = Timed(label, path)
    cpu = 0.0
    try:
        if warm:
            session.get(path, timeout)
        for number in range(runs):
            if number >= min(min_runs, runs) and sum(timed.walls_ms) > budget_s * 1000:
                break
            if before is not None:
                before()
            started_cpu = cpu_seconds(session.pid)
            started = time.perf_counter()
            response = session.get(path, timeout)
            timed.walls_ms.append((time.perf_counter() - started) * 1000)
            cpu += cpu_seconds(session.pid) - started_cpu
            timed.status, timed.size = response.status_code, len(response.content)
            if response.status_code not in ok:
                raise SystemExit(f"bench: {path} answered {response.status_code}: {response.text[:300]}")
    except httpx.TimeoutException:
        timed.timed_out_s = timeout
        session.say(f"  {label}: no answer within {timeout:.0f} s; restarting the server")
        session.restart()
    if timed.walls_ms:
        timed.cpu_ms = cpu * 1000 / len(timed.walls_ms)
    return timed


def _first_option(html: str, select: str) -> str | None:
    """The first real choice of a <select> on the contract list (a line, a programme), if the store has any."""
    found = re.search(rf'<select name="{select}">(.*?)</select>', html, re.S)
    if not found:
        return None
    values = [value for value in re.findall(r'<option value="([^"]*)"', found.group(1)) if value]
    return values[0] if values else None


def pages(session: Session, *, size: int, code: str, as_of: str) -> list[tuple[str, str]]:
    """(label, path) of every page that reads a few rows (the contract list's search, filters, sorts and deep pages,
    a contract's page, its history, the forms); the whole-portfolio pages are KEPT's. The pages the
    other #14 branches add are timed when this server has them."""
    day = f"as_of={as_of}"
    last_page = max(1, -(-size // 50))
    listed = session.get(f"/contracts?{day}", TIMEOUT_S).text
    few = [
        ("contract list, page 1", f"/contracts?{day}"),
        ("contract list, search by vendor", f"/contracts?q={quote('vendor 42')}&{day}"),
        ("contract list, search by code", f"/contracts?q={code}&{day}"),
        ("contract list, status active", f"/contracts?status=active&{day}"),
        ("contract list, sorted by service end, descending", f"/contracts?sort=service_end&desc=1&{day}"),
        ("contract list, status active, sorted by annual fee", f"/contracts?status=active&sort=annual_fee&{day}"),
        (f"contract list, last page ({last_page:,})", f"/contracts?page={last_page}&{day}"),
        (f"contract list, middle page ({last_page // 2:,}) by service end", f"/contracts?page={max(1, last_page // 2)}&sort=service_end&{day}"),
    ]
    line, programme = _first_option(listed, "line"), _first_option(listed, "programme")
    if line:
        few.append(("contract list, one line", f"/contracts?line={quote(line)}&{day}"))
    if programme:
        few.append(("contract list, one programme", f"/contracts?programme={quote(programme)}&{day}"))
    few += [
        (f"contract page ({code})", f"/contracts/{code}?{day}"),
        ("history, page 1", "/history"),
        ("history, page 1,000", "/history?page=1000"),
    ]
    # A payment request asks for an exact sum: an installment still awaiting its assessment is refused (400), so
    # the bench asks for the first of the contract's early installments that has one.
    request_seq = next((seq for seq in (2, 1, 3, 4, 5, 6)
                        if session.get(f"/contracts/{code}/installments/{seq}/request?{day}", TIMEOUT_S).status_code == 200), None)
    optional_few = [
        *([(f"payment request ({code} {request_seq})", f"/contracts/{code}/installments/{request_seq}/request?{day}")]
          if request_seq else []),
        (f"assessment form ({code} 2)", f"/contracts/{code}/installments/2/assessment?{day}"),
        (f"payments form ({code})", f"/contracts/{code}/payments?{day}"),
        ("report: choosing the day", f"/report?{day}"),
        ("calendar feed page", "/calendar"),
        ("import form", "/import"),
        ("users", "/admin/users"),
        ("settings", "/settings"),
    ]
    return few + [page for page in optional_few if present_route(page[1])]


def KEPT(as_of: str) -> list[tuple[str, str]]:  # noqa: N802 (a table, made for the day)
    """The pages whose figures are of the whole portfolio, kept by the app per change of the store."""
    day = f"as_of={as_of}"
    return [
        ("dashboard", f"/?{day}"),
        ("findings", f"/findings?{day}"),
        ("report: the portfolio report", f"/report/page?{day}"),
        ("procurement: lines, rebid deadlines, tenders", f"/procurement?{day}"),
        ("budgets: programmes, fiscal year, forecast", f"/budget?{day}"),
        (f"budgets: fiscal year {as_of[:4]} as XLSX", f"/budget/fy/{as_of[:4]}.xlsx?{day}"),
        ("budgets: forecast as XLSX", f"/budget/forecast.xlsx?{day}"),
    ]


def present_route(path: str) -> bool:
    from starlette.routing import Match

    scope = {"type": "http", "path": path.split("?", 1)[0], "method": "GET"}
    return any(route.matches(scope)[0] == Match.FULL for route in _app_routes())


PENDING = 'class="pending"'  # web/templates: the note that the figures are being computed or are of an earlier store


def _wait_until_ready(session: Session, path: str, started: float, limit: float) -> float | None:
    """Seconds from ``started`` until ``path`` shows figures of the store as it is (None: not within ``limit``)."""
    import httpx

    while time.perf_counter() - started < limit:
        try:
            response = session.get(path, TIMEOUT_S)
        except httpx.TransportError as error:  # no answer in time, or the server went away: say what it printed
            session.say(f"  {path}: {type(error).__name__}; the server's last words: "
                        + " | ".join(session.server.output().strip().splitlines()[-5:]))
            session.restart()
            return None
        if response.status_code == 200 and (not response.headers.get("content-type", "").startswith("text/html")
                                            or PENDING not in response.text):
            return time.perf_counter() - started
        time.sleep(1.0)
    return None


def _change_a_fact(url: str) -> None:
    """A change of a stored fact that moves no figure: the bench's own vendor record, its contact updated (a fact,
    in the history; a sign-in is not one and keeps the figures)."""
    from tests import web_server

    listed = web_server.contracts(url, "vendor", "list", "--format", "json")
    if '"bench vendor"' not in listed:
        web_server.contracts(url, "vendor", "add", "bench vendor", "--contact", "bench")
    web_server.contracts(url, "vendor", "add", "bench vendor", "--update", "--contact", f"bench {time.time_ns()}")


def _app_routes():
    from web.app import routes

    return [route for route in routes() if "GET" in (route.methods or ())]


def ensure_user(url: str) -> None:
    """The bench's own user (admin, to read everything), added once to the store as IT adds users."""
    from tests import web_server

    listed = web_server.contracts(url, "user", "list")
    if not any(line.split("\t", 1)[0] == USER for line in listed.splitlines()):
        web_server.add_user(url, USER, ["admin"])


@dataclass
class Measured:
    size: int
    url: str
    code: str
    as_of: str
    baseline: Timed
    rows: list[Timed]
    started_s: float  # from starting `contracts serve` to its first answer
    peak_mb: float
    rss_mb: float
    load: tuple[float, float]
    runs: int
    timeout_s: float
    first_timeout_s: float = FIRST_TIMEOUT_S
    ready_after: list = field(default_factory=list)  # (page, seconds from its first view until its figures were there)


def run(url: str, *, size: int, code: str, as_of: str = AS_OF, runs: int = 20, cold_runs: int = 3,
        timeout: float = TIMEOUT_S, first_timeout: float = FIRST_TIMEOUT_S, say=print) -> Measured:
    ensure_user(url)
    load_before = os.getloadavg()[0]
    rows: list[Timed] = []
    ready_after: list[tuple[str, float | None]] = []

    def note(timed: Timed) -> Timed:
        rows.append(timed)
        if timed.walls_ms:
            say(f"  {timed.label}: median {timed.median:.1f} ms, p95 {timed.p95:.1f} ms, server CPU {timed.cpu_ms:.1f} ms"
                f" ({len(timed.walls_ms)} runs)")
        return timed

    with tempfile.TemporaryDirectory(prefix="contracts-bench-web-") as folder:
        session = Session(url, Path(folder), say)
        try:
            baseline = _time(session, "baseline: /static/app.css", "/static/app.css", runs)
            say(f"  {baseline.label}: median {baseline.median:.1f} ms")
            few = pages(session, size=size, code=code, as_of=as_of)
            for label, path in few:
                note(_time(session, label, path, runs, timeout=timeout))
            # The whole-portfolio pages (web/portfolio.kept): computed in the background once per change of the
            # store, so a page answers at once, with the figures or with "being computed" (503 for the report and
            # the workbooks, which must be of the store as it is). Timed: the first view (nothing kept yet), how
            # long until the figures are there, the kept views, and the first view after a change of a fact.
            kept_pages = [(label, path) for label, path in KEPT(as_of) if present_route(path)]
            for label, path in kept_pages:
                note(_time(session, f"{label}, first view (nothing kept: the figures start being computed)", path, 1,
                           warm=False, min_runs=1, timeout=timeout, ok=(200, 503)))
            started = time.perf_counter()
            for label, path in kept_pages:
                ready = _wait_until_ready(session, path, started, first_timeout)
                ready_after.append((label, ready))
                say(f"  {label}: figures ready {'after %.1f s' % ready if ready is not None else 'not within the limit'}")
            for label, path in kept_pages:
                note(_time(session, f"{label}, kept", path, runs, warm=False, timeout=timeout))
            change = lambda: _change_a_fact(url)  # noqa: E731
            for label, path in kept_pages[:1] + [page for page in kept_pages if page[0].startswith(("procurement", "budgets:"))][:2]:
                note(_time(session, f"{label}, first view after a change of a fact (the last figures, with their time)",
                           path, cold_runs, warm=False, before=change, min_runs=1, timeout=timeout))
        finally:
            session.stop()
    return Measured(size, url, code, as_of, baseline, rows, session.started_s, session.peak_mb, session.rss_mb,
                    (load_before, os.getloadavg()[0]), runs, timeout, first_timeout, ready_after)


def measure(url: str, *, size: int, code: str, as_of: str, quick: bool) -> list[dict]:
    """For bench/run.py: per page, the median server time (ms), the runs and the server's peak memory (MB)."""
    done = run(url, size=size, code=code, as_of=as_of, runs=5 if quick else 20, cold_runs=1 if quick else 3,
               say=lambda text: print(text, flush=True))
    peak = round(done.peak_mb)
    return [{"page": row.path, "server_ms": row.median, "runs": len(row.walls_ms), "peak_mb": peak} for row in done.rows]


# -- RESULTS.md -----------------------------------------------------------------------------------------------------

def _cells(row: Timed, base: float) -> str:
    if not row.walls_ms:
        return f"0 | no answer within {row.timed_out_s:.0f} s | | | | | **not met**"
    return (f"{len(row.walls_ms)} | {row.median:,.1f} | {row.p95:,.1f} | {row.cpu_ms:,.0f} | {row.median / base:,.1f}× | "
            f"{row.size / 1024:,.0f} | {'met' if row.median <= TARGET_MS else '**not met**'}")


def section(done: Measured, command: str, notes: str = "") -> str:
    heading = SECTION if done.url.startswith("sqlite") else SECTION_PG
    base = done.baseline.median
    over = [row for row in done.rows if row.median > TARGET_MS]
    out = [
        heading, "",
        f"Run on {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} with `{command}`: {done.size:,} contracts "
        f"({'SQLite' if done.url.startswith('sqlite') else 'PostgreSQL'}, the synthetic store of bench/stores.py), "
        f"`contracts serve` (uvicorn, 1 worker) on 127.0.0.1, signed in with httpx over one kept-alive connection; "
        f"every page as of {done.as_of}. Machine: {os.cpu_count()} cores, shared; load {done.load[0]:.1f} before, "
        f"{done.load[1]:.1f} after.",
        "",
        f"Each page up to {done.runs} times after one untimed request (a page slower than {BUDGET_S:.0f} s in all: "
        f"{MIN_RUNS} times; the *runs* column says); a request not answered within {done.timeout_s:.0f} s "
        f"({done.first_timeout_s:.0f} s for the dashboard and the pages kept with it) is given up and the server restarted. *Median* and "
        "*p95*: request sent to last byte received, ms (on the loopback: the server's time plus the client's fraction "
        "of a millisecond; the machine is shared, so wall times carry its load). *Server CPU*: the server process's own "
        "CPU per request (`/proc/PID/stat`, 10 ms ticks averaged over the runs), which the load does not inflate. "
        f"*× baseline*: the median over the plain baseline's, `/static/app.css` ({base:.1f} ms median, "
        f"{done.baseline.p95:.1f} ms p95), a file served by the same server through the same middleware. Target: ≤ 300 ms.",
        "",
        "| page | runs | median ms | p95 ms | server CPU ms | × baseline | KB | ≤ 300 ms |",
        "|---|---:|---:|---:|---:|---:|---:|:--:|",
    ]
    for row in done.rows:
        out.append(f"| {row.label} `{row.path}` | {_cells(row, base)} |")
    out += [
        "",
        f"Server: up in {done.started_s:.1f} s; peak memory (VmHWM of the server process, the highest of its restarts) "
        f"{done.peak_mb:,.0f} MB, {done.rss_mb:,.0f} MB resident at the end.",
    ]
    if done.ready_after:
        out += ["", "The figures of the whole-portfolio pages, computed in the background from their first view "
                "(seconds until the page showed them; the pages answered meanwhile, as the table says): " + "; ".join(
                    f"{label} {f'{ready:,.1f} s' if ready is not None else f'not within {done.first_timeout_s:.0f} s'}"
                    for label, ready in done.ready_after) + "."]
    if over:
        out += ["", "Over the target: " + "; ".join(
            f"{row.label} ({'no answer' if not row.walls_ms else f'{row.median:,.0f} ms'})" for row in over) + "."]
    if notes:
        out += ["", notes.rstrip()]
    return "\n".join(out) + "\n"


def write_section(results: Path, text: str) -> None:
    """Put the section into RESULTS.md: replacing an earlier one of the same heading (up to the next "## " heading),
    else at the end."""
    heading = text.split("\n", 1)[0]
    old = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    start = old.find(heading + "\n")
    if start >= 0:
        following = old.find("\n## ", start + len(heading))
        new = old[:start] + text + (old[following + 1:] if following >= 0 else "")
    else:
        new = old.rstrip("\n") + "\n\n" + text
    results.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    from bench.run import size_name, size_value

    parser = argparse.ArgumentParser(prog="python -m bench.web_pages", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=size_value, default=100_000, help="contracts in the store (default 100k)")
    parser.add_argument("--runs", type=int, default=20, help="timed requests a page (default 20)")
    parser.add_argument("--cold-runs", type=int, default=3, help="timed first views of the dashboard after a change (default 3)")
    parser.add_argument("--as-of", default=AS_OF, help=f"the day the pages answer for (default {AS_OF})")
    parser.add_argument("--data", type=Path, default=HERE / "data", help="where the stores are kept (default: bench/data)")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md", help="the results file (default: bench/RESULTS.md)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S, help=f"seconds a request may take (default {TIMEOUT_S:.0f})")
    parser.add_argument("--first-timeout", type=float, default=FIRST_TIMEOUT_S,
                        help=f"seconds the dashboard's first view may take (default {FIRST_TIMEOUT_S:.0f})")
    parser.add_argument("--notes", type=Path, help="a file whose text is added under the table (what a profile found)")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing it")
    parser.add_argument("--pg", metavar="URL", help="a PostgreSQL server to build the store on (a database of its own), "
                        "e.g. postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args(argv)
    say = lambda text: print(text, flush=True)  # noqa: E731
    store = stores.obtain(args.size, args.data, args.pg, say)
    code = stores.facts_contract(store.url)
    say(f"== {args.size:,} contracts: timing the web pages (the example contract {code})")
    done = run(store.url, size=args.size, code=code, as_of=args.as_of, runs=args.runs, cold_runs=args.cold_runs,
               timeout=args.timeout, first_timeout=args.first_timeout, say=say)
    command = ("python -m bench.web_pages" + ("" if args.size == 100_000 else f" --size {size_name(args.size).lower()}")
               + (" --pg URL" if args.pg else ""))
    text = section(done, command, args.notes.read_text(encoding="utf-8") if args.notes else "")
    if args.no_write:
        print(text)
    else:
        write_section(args.results, text)
        say(f"written to {args.results} ({text.split(chr(10), 1)[0][3:]})")


if __name__ == "__main__":
    main()
