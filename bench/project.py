"""One projection run in its own process, so that its peak memory can be read: ``python -m bench.project SIZE``.

Streams the synthetic portfolio through the schedule engine and prints one JSON line:
installments, total in fen, seconds and peak resident memory.

``python -m bench.project compare SIZE``: the engine against the plain reference on the same contracts, installment by
installment (bench/run.py's projection benchmark, in a process of its own so that the bench itself stays small).
"""

from __future__ import annotations

import json
import resource
import sys
import time

from bench.generate import contracts
from contracts.schedule import installments_fen
from contracts.terms import make_terms


def main(size: int) -> None:
    started = time.perf_counter()
    count = total = 0
    for raw in contracts(size):
        for _, _, _, _, fen in installments_fen(make_terms(raw)):
            count += 1
            total += fen
    seconds = time.perf_counter() - started
    print(json.dumps({"size": size, "installments": count, "total_fen": total, "seconds": seconds, "peak_kb": peak_kb()}))


def peak_kb() -> int:
    """This process's own peak resident memory (VmHWM). Not ru_maxrss: on Linux a child started by a
    big parent inherits the parent's figure across fork and exec."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def compare_projection(size: int) -> dict:
    """Time the engine and the reference on the same contracts, then check them installment by installment."""
    from decimal import Decimal

    from bench.reference import schedule as reference_schedule

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
            "reference_s": reference_seconds, "ratio": reference_seconds / fast_seconds if fast_seconds else float("inf")}


if __name__ == "__main__":
    if sys.argv[1] == "compare":
        print(json.dumps(compare_projection(int(sys.argv[2]))))
    else:
        main(int(sys.argv[1]))
