"""The bench's stores: built once by ``contracts import`` of a generated portfolio, then reused.

A store is keyed by the generator's version, the seed, the size and the schema's head migration, so that a change
to any of them builds a new one rather than measuring an old one. SQLite stores are files in the data folder
(``bench/data/`` unless told); a PostgreSQL store is a database ``contracts_bench_...`` on the server given by
``--pg``. Beside each, ``store-KEY.json`` says how it was built and how long that took; a store is reused only when
that file is there and the store holds the number of contracts it says.

Portfolios of more than 100,000 contracts are imported in parts of 100,000 (each its own `contracts import`, each
with its facts), so that the build's memory stays that of a 100,000-contract import; the files are removed after.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import storeread
from bench.generate import GENERATOR_VERSION, write_toml_parts
from bench.measure import Program, run_once

HERE = Path(__file__).resolve().parent
MIGRATIONS = HERE.parent / "db" / "migrations" / "versions"
SEED = 2023
PART = 100_000


def schema_head() -> str:
    """The newest migration's number (0006...), read from the file names: no ORM needed."""
    numbers = sorted(path.name.split("_", 1)[0] for path in MIGRATIONS.glob("[0-9]*_*.py"))
    return numbers[-1] if numbers else "none"


@dataclass
class Store:
    size: int
    url: str
    backend: str  # "SQLite" or "PostgreSQL"
    built_now: bool
    build: dict  # how it was built: seconds, parts, date


def key(size: int) -> str:
    return f"g{GENERATOR_VERSION}-seed{SEED}-schema{schema_head()}-{size}"


def count_contracts(url: str) -> int | None:
    try:
        connection = storeread.connect(url)
    except Exception:
        return None
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT COUNT(*) FROM contract")
        return cursor.fetchone()[0]
    except Exception:
        return None
    finally:
        connection.close()


def pg_database_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _pg_recreate(server: str, name: str) -> None:
    import psycopg

    admin = server.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def obtain(size: int, data: Path, pg: str | None, say=print) -> Store:
    """The store of ``size`` contracts: reused if a good one is there, else built now (with what it took)."""
    data.mkdir(parents=True, exist_ok=True)
    name = key(size)
    marker = data / f"store-{name}.json"
    if pg:
        database = "contracts_bench_" + re.sub(r"[^a-z0-9]+", "_", name.lower())
        url, backend = pg_database_url(pg, database), "PostgreSQL"
    else:
        url, backend = f"sqlite:///{data / f'store-{name}.db'}", "SQLite"
    if marker.exists():
        build = json.loads(marker.read_text(encoding="utf-8"))
        if build.get("url") == url and count_contracts(url) == size:
            say(f"reusing the {backend} store of {size:,} contracts ({url})")
            return Store(size, url, backend, False, build)
        marker.unlink()
    parts = max(1, -(-size // PART))
    files = [data / f"portfolio-{name}-{i + 1}.toml" for i in range(parts)]
    say(f"building the {backend} store of {size:,} contracts: generating {parts} file(s) ...")
    started = time.perf_counter()
    write_toml_parts(files, size, SEED)
    generated = time.perf_counter() - started
    if pg:
        _pg_recreate(pg, database)
    else:
        Path(url.split(":///", 1)[1]).unlink(missing_ok=True)
    seconds, cpu, peak = 0.0, 0.0, 0
    try:
        for number, path in enumerate(files, start=1):
            if parts > 1:
                say(f"  import {number}/{parts} ...")
            # The synthetic portfolio records assessments and payments years ahead: import it as of a far day (#18).
            program = Program("cli.main", ["--db", url, "import", str(path), "--as-of", "2199-12-31"])
            peak_file = data / f"peak-{name}.json"
            # stderr goes to the terminal: `contracts import` shows its progress bar there.
            run = run_once(program.wrapped(peak_file), stderr_through=True)
            if run.returncode != 0:
                raise SystemExit(f"bench: `{program.shown()}` failed ({run.returncode})")
            seconds += run.wall
            cpu += run.cpu
            if peak_file.exists():
                peak = max(peak, json.loads(peak_file.read_text())["peak_kb"])
                peak_file.unlink()
    finally:
        for path in files:
            path.unlink(missing_ok=True)
    found = count_contracts(url)
    if found != size:
        raise SystemExit(f"bench: the store holds {found} contracts after the import, not {size}")
    build = {"url": url, "size": size, "generator": GENERATOR_VERSION, "seed": SEED, "schema": schema_head(),
             "parts": parts, "generate_s": round(generated, 2), "import_s": round(seconds, 2), "import_cpu_s": round(cpu, 2),
             "import_peak_mb": round(peak / 1024), "built": dt.datetime.now().isoformat(timespec="seconds"),
             "python": sys.version.split()[0]}
    marker.write_text(json.dumps(build, indent=1), encoding="utf-8")
    say(f"  built in {seconds:.0f} s ({parts} import(s); peak {peak / 1024:.0f} MB)")
    return Store(size, url, backend, True, build)


def facts_contract(url: str) -> str:
    """A contract with a rule, assessments and a payment, in the middle of the portfolio: the clerk's example."""
    connection = storeread.connect(url)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT c.code FROM contract c JOIN payment p ON p.contract_id = c.id "
                       "JOIN deduction_rule r ON r.contract_id = c.id WHERE c.billing_months >= 12 ORDER BY c.code")
        codes = [row[0] for row in cursor.fetchall()]
        if not codes:
            cursor.execute("SELECT code FROM contract ORDER BY code")
            codes = [row[0] for row in cursor.fetchall()]
        return codes[len(codes) // 2]
    finally:
        connection.close()


def table_counts(url: str) -> dict[str, int]:
    connection = storeread.connect(url)
    try:
        cursor = connection.cursor()
        counts = {}
        for table in ("contract", "deduction_rule", "assessment", "payment"):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        return counts
    finally:
        connection.close()
