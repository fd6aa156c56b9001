"""One projection run in its own process, so that its peak memory can be read: ``python -m bench.project SIZE``.

Streams the synthetic portfolio through the schedule engine and prints one JSON line:
installments, total in fen, seconds and peak resident memory.
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


if __name__ == "__main__":
    main(int(sys.argv[1]))
