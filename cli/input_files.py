"""Files a user hands the program: refused by their size (and an XLSX by what it unpacks to) before any parser reads them.

A TOML, JSON or CSV file is read whole into memory, and an XLSX is a zip that may unpack to far more than its
size: the limits (contracts.limits) keep a mistaken or hostile file from exhausting the machine.
"""

from __future__ import annotations

from pathlib import Path

from contracts.errors import ContractsError
from contracts.limits import MAX_FILE_BYTES, MAX_UNPACKED_BYTES, check_size

MAX_MEMBERS = 10000  # files inside an XLSX: a workbook of a few sheets holds a few dozen


def refuse_large(path: Path, field: str = "file") -> None:
    """Refuse a file larger than MAX_FILE_BYTES (a missing one is left to the reader to report)."""
    try:
        size = path.stat().st_size
    except OSError:
        return
    if path.is_file():
        check_size(size, str(path), limit=MAX_FILE_BYTES)


def refuse_zip_bomb(path: Path) -> None:
    """An XLSX that unpacks to more than MAX_UNPACKED_BYTES, or holds thousands of parts, is refused unopened."""
    import zipfile

    refuse_large(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: openpyxl says it is not a workbook
    if len(members) > MAX_MEMBERS:
        raise ContractsError("file", str(path), f"holds {len(members):,} parts; a workbook holds a few dozen")
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ContractsError("file", str(path), f"unpacks to {unpacked / 2**20:,.0f} MB; workbooks of at most "
                             f"{MAX_UNPACKED_BYTES / 2**20:,.0f} MB unpacked are read")
