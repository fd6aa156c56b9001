"""Where the `contracts` program starts (the console script is ``cli.main:run``).

A bare ``contracts --version`` is answered here, before Typer, Click and Rich load (they cost about ten times a
bare Python start, and scripts and installers ask for the version often); everything else goes to the Typer app
in cli/app.py. ``from cli.main import app`` still gives the app.
"""

from __future__ import annotations

import gc
import sys

# The collector's thresholds as Python sets them, for a long-lived process started from here (``contracts serve``'s
# workers put them back: web.app.from_environment).
DEFAULT_GC_THRESHOLDS = gc.get_threshold()


def run() -> None:
    # A command reads a store, answers and exits. Reading a province makes millions of objects, none of them in a
    # cycle (values, tuples, rows), and every time the heap grows by a quarter Python's cyclic collector walks all of
    # them again: 40 % of `check`'s time at 100,000 contracts (13.9 s -> 8.3 s without it, the same output and peak).
    # So the oldest generation is never collected automatically here; the young ones still are, which frees the
    # short-lived cycles (a caught exception and its frames) as before.
    gc.set_threshold(DEFAULT_GC_THRESHOLDS[0], DEFAULT_GC_THRESHOLDS[1], 10**9)
    if sys.argv[1:] == ["--version"]:
        from contracts import __version__  # the package's __init__ only: no domain module, no store

        print(f"contracts {__version__}")  # the same line as the app's --version option prints
        return
    from .app import app_for

    app_for(sys.argv[1:])()


def __getattr__(name: str):
    if name == "app":  # loaded on first use, so that importing this module stays light
        from .app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    run()
