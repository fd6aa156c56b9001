"""导入 (admin or finance): upload a filled-in template (XLSX or CSV, as ``contracts template`` makes it) or a
portfolio file (TOML), imported as ``contracts import`` imports it: all or nothing, every bad row listed at once
with its sheet, row and column (cli/sheet_files.read_sheets, contracts.portfolio_file.parse_portfolio,
Store.import_portfolio, contracts.tabular.with_column), nothing written unless every entry is accepted.

The form is ``csrf_token``, ``file`` (multipart) and ``kind`` (what a CSV holds, optional, as ``--kind``). An
upload is refused above MAX_UPLOAD bytes (and any POST above web.guard.MAX_BODY before it is read); then the CLI's
own limits apply to the file (its size, an XLSX by what it unpacks to, nesting). A restore (an export, JSON) is for
the command line: it needs an empty store.

Who may import what: admin imports anything; finance only a file of what finance owns (payments, programmes,
budgets, fee lines and their amounts): a finance user's file that holds contracts, rules, assessments, tenders or
anything else is refused whole with 403, naming what it holds, nothing written.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from contracts.errors import ContractsError, ContractsErrors

from . import pages
from .pages import get, post, render

MAX_UPLOAD = 32 * 2**20  # bytes
SUFFIXES = (".xlsx", ".csv", ".toml")
FINANCE_PARTS = ("payments", "programmes", "budgets", "fee_lines", "fee_amounts")
PARTS = ("contracts", "lines", "rules", "tenders", "openings", "amendments", "transitions", "suspensions", "usage",
         "assessments") + FINANCE_PARTS


def import_page(request: Request, *, status: int = 200, errors: list[str] | None = None, message: str = "",
                lines: list[str] | None = None, name: str = "", kind: str = "") -> Response:
    return render(request, "import.html", status=status, title=pages.t("Import"), errors=errors or [], message=message,
                  summary=lines or [], name=name, kind=kind, limit=MAX_UPLOAD // 2**20,
                  finance_only=not pages.current_user(request).may_change("admin"))


def import_form(request: Request) -> Response:
    return import_page(request)


def _read(path: Path, kind: str | None):
    """The file as ``contracts import`` reads it: (portfolio with its refused entries, the sheets)."""
    from contracts.portfolio_file import parse_portfolio
    from cli.contract_commands import read_text
    from cli.sheet_files import SHEET_SUFFIXES, read_sheets

    if path.suffix.lower() in SHEET_SUFFIXES:
        return read_sheets(path, kind)
    if kind:
        raise ContractsError("kind", kind, "is for CSV files")
    return parse_portfolio(read_text(path), path.name, collect=True), []


def _outside_finance(portfolio) -> list[str]:
    return [f"{part} ({len(getattr(portfolio, part))})" for part in PARTS
            if part not in FINANCE_PARTS and getattr(portfolio, part)]


def upload(request: Request) -> Response:
    from contracts.tabular import with_column

    form = pages.form(request)
    upload_ = form.get("file")
    kind = str(form.get("kind") or "").strip() or None
    if upload_ is None or isinstance(upload_, str) or not getattr(upload_, "filename", ""):
        return import_page(request, status=422, errors=[ContractsError("file", None, "is required: choose a file").line()])
    name = Path(upload_.filename.replace("\\", "/")).name  # a name only, never a path the client chose
    if Path(name).suffix.lower() not in SUFFIXES:
        return import_page(request, status=422, name=name, kind=kind or "", errors=[ContractsError(
            "file", name, f"must be a filled-in template (.xlsx, .csv) or a portfolio file (.toml)").line()])
    content = upload_.file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        return import_page(request, status=413, name=name, errors=[ContractsError(
            "file", name, f"is larger than {MAX_UPLOAD // 2**20} MB; nothing was read").line()])
    store = pages.store(request)
    with tempfile.TemporaryDirectory(prefix="contracts-upload-") as folder:
        path = Path(folder) / (Path(name).stem[:100] + Path(name).suffix.lower())
        path.write_bytes(content)
        shown = lambda text: text.replace(str(path), name).replace(folder + "/", "")  # noqa: E731  (the user's name for it)
        try:
            portfolio, sheets = _read(path, kind)
            if not pages.current_user(request).may_change("admin"):
                outside = _outside_finance(portfolio)
                if outside:
                    return pages.problem(request, 403, pages.t(
                        "This file holds {parts}, which finance does not own (only payments, programmes, budgets, fee "
                        "lines and their amounts); an admin imports it. Nothing was changed.", parts=", ".join(outside)))
            try:
                result = store.import_portfolio(portfolio)
            except ContractsErrors as many:
                raise ContractsErrors([with_column(error, sheets) for error in many.errors]) from None
            except ContractsError as error:
                raise with_column(error, sheets) from None
        except ContractsError as refused:
            errors = refused.errors if isinstance(refused, ContractsErrors) else [refused]
            return import_page(request, status=422, name=name, kind=kind or "",
                               errors=[shown(error.line()) for error in errors])
    parts = [f"{len(result.added)} added"]
    if result.updated:
        parts.append(f"{len(result.updated)} updated ({', '.join(result.updated)})")
    parts.append(f"{len(result.unchanged)} unchanged")
    lines = [f"{name}: {len(portfolio.contracts)} contracts: " + ", ".join(parts)]  # the CLI's summary
    for part, counts in result.others.items():
        noun = {"opening": "opening balances", "usage": "usage records"}.get(part, f"{part}s")
        lines.append(f"{sum(counts.values())} {noun}: " + ", ".join(f"{n} {status}" for status, n in counts.items()))
    return import_page(request, message=pages.t("Imported {name}.", name=name), lines=lines)


routes = [
    get("/import", import_form, name="import"),
    post("/import", upload, name="import_upload"),
]
