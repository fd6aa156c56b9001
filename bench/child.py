"""Run a module as a program and leave its peak memory behind: ``python -m bench.child OUT.json MODULE ARGS...``.

The peak resident memory of a child is read from the child itself, at its exit, as VmHWM in /proc/self/status: the
high-water mark of the program's own address space, made at exec. Not ``ru_maxrss`` as the parent sees it (from
``wait4`` or ``RUSAGE_CHILDREN``): on Linux that figure starts from the RSS of the process that called exec, and
``subprocess`` execs from a (v)fork of the parent, so every child of a big parent would report at least the parent's
size (that misled this bench once). The wrapper adds runpy and this module, a few hundred kB, to what it measures.
"""

from __future__ import annotations

import atexit
import json
import resource
import runpy
import sys


def peak_kb() -> tuple[int, str]:
    """(kB, how it was read): VmHWM where /proc exists, else this process's own ru_maxrss."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]), "VmHWM"
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (peak // 1024 if sys.platform == "darwin" else peak), "ru_maxrss (self)"


def _leave(path: str) -> None:
    kb, how = peak_kb()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(path, "w", encoding="utf-8") as out:
        json.dump({"peak_kb": kb, "how": how, "cpu_s": usage.ru_utime + usage.ru_stime}, out)


def main() -> None:
    if len(sys.argv) < 3:
        raise SystemExit("usage: python -m bench.child OUT.json MODULE [ARGS...]")
    path, module, *args = sys.argv[1:]
    atexit.register(_leave, path)  # runs on a normal end and on sys.exit (every command ends one of those ways)
    sys.argv = [module, *args]
    if module == "-c":  # `python -c CODE`, for the bare start
        exec(compile(args[0], "<string>", "exec"), {"__name__": "__main__"})
        return
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
