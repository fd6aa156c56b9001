"""Finding the bundled example files, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path


def example_path(name: str) -> Path:
    try:
        from importlib.resources import files

        candidate = files("contracts_examples") / name
        if candidate.is_file():
            return Path(str(candidate))
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[1] / "examples" / name
