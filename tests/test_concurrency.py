"""Clerks at the same time: real processes racing against one store never pay an installment above its net.

The store serialises the writers of one contract: PostgreSQL locks the contract's row (SELECT ... FOR
UPDATE) before reading what was paid; SQLite takes its write lock at the start (BEGIN IMMEDIATE).
"""

import json
import os
import subprocess
import sys
import time
from decimal import Decimal

import pytest

from .conftest import EXAMPLE, ROOT

pytestmark = pytest.mark.slow

HELPER = ROOT / "tests" / "concurrent_cli.py"


def race(url: str, tmp_path, commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    start = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [subprocess.Popen([sys.executable, str(HELPER), str(start), "--db", url, *args], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env) for args in commands]
    time.sleep(2.5)  # let every process import and wait at the line
    start.write_text("go")
    return [subprocess.CompletedProcess(p.args, p.wait(timeout=60), *p.communicate()) for p in processes]


def test_concurrent_payments_never_exceed_the_net(cli, tmp_path):
    cli("import", str(EXAMPLE))
    # ENTRY seq 1 is 55,350.00. Eight clerks each pay 22,140.00 (40%) at the same moment: two fit, six must be refused.
    results = race(cli.url, tmp_path, [["pay", "ENTRY", "--amount", "22140", "--on", "2023-06-20", "--seq", "1",
                                        "--ref", f"clerk {n}"] for n in range(8)])
    accepted = [r for r in results if r.returncode == 0]
    refused = [r for r in results if r.returncode != 0]
    assert len(accepted) == 2, [r.stderr for r in results]
    assert all("is more than is owed on ENTRY" in r.stderr for r in refused), [r.stderr for r in refused]
    [row] = cli.json("payable", "ENTRY", "--seq", "1")
    assert (row["paid"], row["owed"]) == ("44280.00", "11070.00")
    payments = cli.json("payments", "ENTRY")
    assert sum(Decimal(p["amount"]) for p in payments) == Decimal("44280.00")
    assert all(p["credit"] == "0.00" for p in payments)


def test_an_assessment_racing_payments_gives_a_consistent_result(cli, tmp_path):
    cli("import", str(EXAMPLE))
    cli("rule", "add", "ENTRY", "--name", "findings", "--kind", "itemized", "--effective-from", "2023-03-17")
    cli("assess", "ENTRY", "--seq", "1", "--item", "late report=350", "--on", "2023-06-18")  # net 55,000.00
    commands = [["pay", "ENTRY", "--amount", "20000", "--on", "2023-06-20", "--seq", "1", "--ref", f"clerk {n}"] for n in range(4)]
    commands.append(["assess", "ENTRY", "--seq", "1", "--item", "cameras down=15000", "--on", "2023-06-19", "--replace"])
    results = race(cli.url, tmp_path, commands)
    assert results[-1].returncode == 0, results[-1].stderr
    [row] = cli.json("payable", "ENTRY", "--seq", "1")
    payments = cli.json("payments", "ENTRY")
    paid_in = sum(Decimal(p["amount"]) for p in payments)
    credit = sum(Decimal(p["credit"]) for p in payments)
    # Whatever the order, the installment is never paid above its final net (40,350.00), and every yuan paid
    # is either on the installment or shown as a credit: nothing is lost or counted twice.
    assert row["net"] == "40350.00"
    assert Decimal(row["paid"]) <= Decimal(row["net"])
    assert Decimal(row["paid"]) + credit == paid_in
    assert json.loads(json.dumps(row))["state"] in ("paid", "partly paid")
