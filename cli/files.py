"""Writing output files safely: every command that writes a file (export, report html, --format xlsx -o, calendar,
template) goes through ``write``.

- The data goes to a temporary file beside the target, is flushed to disk, and only then renamed over the target
  (``os.replace`` is atomic on one file system): a reader never sees half a file, and a failure (a full disk, a
  killed process) leaves the target as it was and no temporary file behind.
- An existing file is replaced only with ``--force``, or when the person at a terminal says yes.
- The store's own database file (and its journal) is never a target: ``contracts --db s.db export s.db`` is refused.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Callable

from contracts.errors import ContractsError

_run = {"force": False, "protected": set(), "approved": set()}


def reset(*, force: bool = False) -> None:
    """At the start of each command: whether --force was given; no store protected yet."""
    _run["force"] = force
    _run["protected"] = set()
    _run["approved"] = set()


def protect_store(url: str | None) -> None:
    """Remember the SQLite file behind ``url`` (``--db``, the environment or the default) so no output replaces it."""
    try:
        from db.engine import resolve_url, sqlite_path

        path = sqlite_path(resolve_url(url))
    except ContractsError:
        return  # a URL that does not parse is refused when the store is opened
    if path is not None:
        _run["protected"].add(Path(os.path.abspath(path)))


def _is_store(target: Path) -> bool:
    absolute = Path(os.path.abspath(target))
    for store in _run["protected"]:
        names = {store, *(store.with_name(store.name + suffix) for suffix in ("-journal", "-wal", "-shm"))}
        if absolute in names:
            return True
        try:
            if target.exists() and store.exists() and os.path.samefile(target, store):
                return True  # the same file under another name (a link)
        except OSError:
            continue
    return False


def check_target(target: Path, field: str = "output") -> None:
    """Refuse a target that cannot or must not be written, before any work is done."""
    if target.is_dir():
        raise ContractsError(field, str(target), "is a folder; give a file name")
    if _is_store(target):
        raise ContractsError(field, str(target), "is the store's own database file; give another file name")
    if not target.parent.exists():
        raise ContractsError(field, str(target), f"cannot be written: folder {str(target.parent)!r} does not exist")
    if target.exists() and Path(os.path.abspath(target)) not in _run["approved"]:
        if not _may_replace(target):
            raise ContractsError(field, str(target), "exists; give --force to replace it")
        _run["approved"].add(Path(os.path.abspath(target)))  # asked once per command


def _may_replace(target: Path) -> bool:
    if _run["force"]:
        return True
    if not sys.stdin.isatty() or not sys.stderr.isatty():
        return False
    import typer

    return typer.confirm(f"{target} exists. Replace it?", default=False, err=True)


def write(target: Path | str, content: bytes | str | Callable[[object], None], field: str = "output") -> None:
    """Write ``content`` (bytes, text as UTF-8, or a function that writes into a binary file object) to ``target``
    through a temporary file beside it, then rename. Refusals and failures are one line; nothing is left behind."""
    target = Path(target)
    check_target(target, field)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ContractsError(field, str(target), f"cannot be written ({exc.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            if callable(content):
                content(stream)
            else:
                stream.write(content.encode("utf-8") if isinstance(content, str) else content)
            stream.flush()
            os.fsync(stream.fileno())  # on disk before the rename, so a crash cannot leave an empty target
        _keep_mode(target, temporary)
        os.replace(temporary, target)
    except OSError as exc:
        _remove(temporary)
        raise ContractsError(field, str(target), f"cannot be written ({exc.strerror or exc})") from None
    except BaseException:
        _remove(temporary)
        raise


def _keep_mode(target: Path, temporary: str) -> None:
    """mkstemp makes the file private (0600); give it the mode a plain new file (or the file it replaces) would have."""
    if target.exists():
        mode = target.stat().st_mode & 0o777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temporary, mode)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
