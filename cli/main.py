"""Where the `contracts` program starts (the console script is ``cli.main:run``).

A bare ``contracts --version`` is answered here, before Typer, Click and Rich load (they cost about ten times a
bare Python start, and scripts and installers ask for the version often); everything else goes to the Typer app
in cli/app.py. ``from cli.main import app`` still gives the app.
"""

from __future__ import annotations

import sys


def run() -> None:
    if sys.argv[1:] == ["--version"]:
        from contracts import __version__  # the package's __init__ only: no domain module, no store

        print(f"contracts {__version__}")  # the same line as the app's --version option prints
        return
    from .app import app

    app()


def __getattr__(name: str):
    if name == "app":  # loaded on first use, so that importing this module stays light
        from .app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    run()
