"""Commands about contract terms: init, import, add, list, show, schedule, expiring, demo."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Optional

import typer

from contracts.errors import ContractsError, ContractsErrors

from .i18n import t
from .options import OutputOption, AsOfOption, DbOption, FormatOption, as_of_date, db_url, optional_date, whole_number
from .render import check_format, emit, emit_record
from .session import store_exists, store_for

LIST_COLUMNS = ("code", "name", "billing_start", "annual_fee", "frequency", "billing_end", "service_end", "status", "days_left",
                "basis")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("import")(import_file)
    app.command("add")(add)
    app.command("list")(list_contracts)
    app.command("show")(show)
    app.command("schedule")(schedule)
    app.command("expiring")(expiring)
    app.command("demo")(demo)
    app.command("export")(export)
    app.command("amend")(amend)
    app.command("amendments")(amendments)
    app.command("template")(template)


def init(ctx: typer.Context, db: DbOption = None) -> None:
    """Create an empty store (or bring an existing one up to date)."""
    from db.store import open_store

    from .session import upgrade_confirmation

    opened = open_store(db_url(ctx, db), create=True, confirm_upgrade=upgrade_confirmation(ctx))
    try:
        if opened.created:
            print(f"created a new store at {opened.store.url}")
        elif opened.upgraded_from is not None:
            print(f"upgraded the store at {opened.store.url} from schema {opened.upgraded_from}")
        else:
            print(f"the store at {opened.store.url} is ready")
    finally:
        opened.store.close()


def read_text(path: Path, field: str = "file") -> str:
    from .input_files import refuse_large

    try:
        refuse_large(path, field)  # before reading: a file the size of a disk is not a portfolio
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContractsError(field, str(path), "does not exist") from None
    except IsADirectoryError:
        raise ContractsError(field, str(path), "is a folder, not a file") from None
    except UnicodeDecodeError:
        raise ContractsError(field, str(path), "is not UTF-8 text") from None
    except OSError as exc:
        raise ContractsError(field, str(path), f"cannot be read ({exc.strerror})") from None


def import_file(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A portfolio file (TOML), a filled-in template (XLSX or CSV), or an export (JSON).")],
    update: Annotated[bool, typer.Option("--update", help="Replace the terms of contracts that exist with other terms.")] = False,
    kind: Annotated[Optional[str], typer.Option("--kind", help="What a CSV file holds: contracts, assessments, payments or usage "
                                                "(default: told by its name or its columns).")] = None,
    allow_credit: Annotated[bool, typer.Option("--allow-credit", help="With --update: let new terms, rules or assessments re-price "
                                               "installments already paid (any excess kept as a credit to the vendor).")] = False,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="The day the file's facts are recorded as of (default today): "
                                                 "payments, assessments and outcomes dated later are refused.")] = None,
    db: DbOption = None,
) -> None:
    """Load a portfolio file (TOML) or a template filled in (XLSX, CSV), or restore an export (JSON): all or nothing."""
    import tempfile

    from contracts.portfolio_file import parse_portfolio
    from contracts.tabular import with_column

    from .progress import progress_bar
    from .sheet_files import SHEET_SUFFIXES, read_sheets

    sheets = []
    if file.suffix.lower() in SHEET_SUFFIXES:
        if file.is_dir():
            raise ContractsError("file", str(file), "is a folder, not a file")
        portfolio, sheets = read_sheets(file, kind)
    else:
        if kind:
            raise ContractsError("kind", kind, "is for CSV files")
        text = read_text(file)
        if file.suffix.lower() == ".json":
            restore_export(ctx, file, text, db)
            return
        estimate = text.count("[[contract]]")
        with progress_bar(f"checking {file.name}", estimate) as advance:
            portfolio = parse_portfolio(text, str(file), progress=advance, collect=True)
    # With refusals in the file already, its other entries are still checked against the store, so that every error
    # is reported at once; a store that does not exist yet is not made for an import that cannot succeed (its
    # entries are checked against an empty throw-away store instead).
    checking_only = bool(portfolio.errors) and not store_exists(ctx, db)
    with tempfile.TemporaryDirectory(prefix="contracts-check-") as scratch, \
            store_for(ctx, f"sqlite:///{Path(scratch) / 'check.db'}" if checking_only else db, create=True,
                      as_of=as_of_date(as_of)) as store:
        with progress_bar("writing", len(portfolio.contracts) + len(portfolio.assessments) + len(portfolio.payments)) as advance:
            try:
                result = store.import_portfolio(portfolio, update=update, progress=advance, allow_credit=allow_credit)
            except ContractsErrors as many:
                raise ContractsErrors([with_column(error, sheets) for error in many.errors]) from None
            except ContractsError as exc:
                raise with_column(exc, sheets) from None
    parts = [f"{len(result.added)} added"]
    if result.updated:
        parts.append(f"{len(result.updated)} updated ({', '.join(result.updated)})")
    parts.append(f"{len(result.unchanged)} unchanged")
    lines = [f"{file}: {len(portfolio.contracts)} contracts: " + ", ".join(parts)]
    for kind, counts in result.others.items():
        total = sum(counts.values())
        noun = {"opening": "opening balances", "usage": "usage records"}.get(kind, f"{kind}s")
        lines.append(f"  {total} {noun}: " + ", ".join(f"{n} {status}" for status, n in counts.items()))
    print("\n".join(lines))


def restore_export(ctx: typer.Context, file: Path, text: str, db: str | None) -> None:
    import json

    from contracts.limits import check_depth, check_nesting

    check_nesting(text, str(file), "json")  # before the parser, which recurses into nested arrays
    try:
        document = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ContractsError("file", str(file), f"is not valid JSON ({exc.msg}, line {exc.lineno})") from None
    except ValueError as exc:  # e.g. a whole number of more digits than Python reads
        raise ContractsError("file", str(file), f"is not a contracts export ({str(exc).splitlines()[0]})") from None
    if not isinstance(document, dict):
        raise ContractsError("file", str(file), "is not a contracts export")
    check_depth(document, str(file))
    with store_for(ctx, db, create=True) as store:
        counts = store.restore(document, str(file))
    print(f"restored {file}: {counts['contracts']} contracts and {counts['history']} history entries")


def export(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Where to write (JSON).")],
    format: Annotated[str, typer.Option("--format", "-f", help="json: every stored fact, restorable with 'contracts import'; "
                                        "ocds: an Open Contracting (OCDS 1.1) release package.")] = "json",
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Write every stored fact to one file (json), or tenders, awards, contracts and payments as OCDS (ocds)."""
    import io

    from .progress import progress_bar
    from .render import json_text

    from . import files

    kind = format.strip().lower()
    if kind not in ("json", "ocds"):
        raise ContractsError("format", format, "must be json or ocds")
    files.protect_store(db_url(ctx, db))
    files.check_target(file, "file")  # refused before the store is read: a folder, the store itself, a file there
    with store_for(ctx, db) as store, \
            progress_bar(f"exporting to {file.name}", store.export_steps + 1 if kind == "json" else 3) as advance:
        if kind == "ocds":
            from contracts.ocds import release_package

            everything = store.load()
            advance(1)
            document = release_package(store.lines(contracts=everything), {c.code: c.payments for c in everything},
                                       {c.code: c.amendments for c in everything}, as_of_date(as_of), "contracts-tracker",
                                       totals={c.code: sum((i.amount for i in c.schedule()), Decimal("0.00"))
                                               for c in everything if c.amendments})
            advance(1)
            files.write(file, json_text(document) + "\n", "file")
            written = {key: len(value) for key, value in document.items() if isinstance(value, list)}
        else:
            written = {}

            def write(binary) -> None:
                # Written as it is made (a province's export is never held in memory): the same text as one json.dumps.
                text = io.TextIOWrapper(binary, encoding="utf-8", newline="", write_through=False)
                written.update(store.write_export(text, progress=advance))
                text.write("\n")
                text.flush()
                text.detach()

            files.write(file, write, "file")
        advance(1)
    counts = ", ".join(f"{count} {key}" for key, count in written.items() if count)
    print(t("exported to {path}: {counts}", path=str(file), counts=counts))  # the counts by the file's own keys


def add(
    ctx: typer.Context,
    code: Annotated[str, typer.Option(help="Short unique id, e.g. TW1.")],
    name: Annotated[str, typer.Option(help="What the contract is for.")],
    billing_start: Annotated[str, typer.Option(help="First day fees accrue (验收计费), YYYY-MM-DD.")],
    billing_months: Annotated[str, typer.Option(help="Months billed (计费周期).")],
    annual_fee: Annotated[Optional[str], typer.Option(help="Yuan per contract year, to the fen (fixed-fee contracts).")] = None,
    service_months: Annotated[Optional[str], typer.Option(help="Months served (服务周期); default the billing months.")] = None,
    vendor: Annotated[Optional[str], typer.Option(help="The service provider (服务商).")] = None,
    buyer: Annotated[Optional[str], typer.Option(help="The buying unit (采购人).")] = None,
    signed_on: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD.")] = None,
    frequency: Annotated[Optional[str], typer.Option(help="monthly, quarterly (default), semiannual or annual.")] = None,
    alignment: Annotated[Optional[str], typer.Option(help="anniversary (default) or calendar.")] = None,
    timing: Annotated[Optional[str], typer.Option(help="arrears (default: due at period end) or advance.")] = None,
    payment_lag_days: Annotated[Optional[str], typer.Option(help="Days after the period's end (or start) a payment is due.")] = None,
    stated_end: Annotated[Optional[str], typer.Option(help="The end the source states, kept as written (e.g. 2024-12).")] = None,
    completed_on: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD the works were completed.")] = None,
    line: Annotated[Optional[str], typer.Option(help="The service line it serves (a code; default: a line of its own).")] = None,
    pricing: Annotated[Optional[str], typer.Option(help="fixed (default: an annual fee) or unit (a price per unit, settled by usage).")] = None,
    unit_price: Annotated[Optional[str], typer.Option(help="Yuan per unit, to the fen (unit-priced contracts).")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="The unit counted, e.g. set (unit-priced contracts).")] = None,
    annual_cap: Annotated[Optional[str], typer.Option(help="The budget for a fiscal year (unit-priced contracts).")] = None,
    notes: Annotated[Optional[str], typer.Option(help="Anything worth keeping.")] = None,
    source: Annotated[Optional[str], typer.Option(help="Where the terms come from.")] = None,
    db: DbOption = None,
) -> None:
    """Add one contract, every term an option named after its field."""
    given = {key: value for key, value in locals().items() if key not in ("ctx", "db") and value is not None}
    from contracts.terms import make_terms

    terms = make_terms(given)
    with store_for(ctx, db, create=True) as store:
        store.add(terms)
    print(f"added {terms.code}")


def list_contracts(ctx: typer.Context, as_of: AsOfOption = None, format: FormatOption = "table",
    output: OutputOption = None, db: DbOption = None) -> None:
    """Every contract with its dates and status."""
    from contracts.overview import CONTRACT_KEYS, contract_overview

    fmt, day = check_format(format, output), as_of_date(as_of)
    with store_for(ctx, db) as store:
        rows = [contract_overview(contract, day) for contract in store.load()]
    emit(rows, fmt, keys=CONTRACT_KEYS, table_keys=LIST_COLUMNS, title=t("Contracts as of {day}", day=day.isoformat()),
         empty="no contracts yet: 'contracts import FILE' or 'contracts add'")


def show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The contract's code, e.g. TW2.")],
    as_of: AsOfOption = None,
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """One contract: its terms, dates, status, and what its schedule adds up to."""
    from contracts.overview import CONTRACT_KEYS, contract_overview, contract_remarks, schedule_summary

    fmt, day = check_format(format, output), as_of_date(as_of)
    with store_for(ctx, db) as store:
        contract = store.contract(code)
    remarks = contract_remarks(contract)
    if fmt == "table":
        remarks.insert(0, schedule_summary(contract))
    emit_record(contract_overview(contract, day), fmt, keys=CONTRACT_KEYS,
                title=t("{code} as of {day}", code=contract.code, day=day.isoformat()), remarks=remarks)


def schedule(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The contract's code.")],
    from_: Annotated[Optional[str], typer.Option("--from", help="Only installments due on or after this day.")] = None,
    to: Annotated[Optional[str], typer.Option("--to", help="Only installments due on or before this day.")] = None,
    original: Annotated[bool, typer.Option("--original", help="The schedule of the original terms, before amendments.")] = False,
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """The contract's installments: period, due date and amount."""
    from contracts.overview import SCHEDULE_KEYS, schedule_rows

    fmt = check_format(format, output)
    first, last = optional_date(from_, "from"), optional_date(to, "to")
    if first and last and first > last:
        raise ContractsError("to", last.isoformat(), f"is before --from {first.isoformat()}")
    with store_for(ctx, db) as store:
        contract = store.contract(code)
    rows = [row for row in schedule_rows(contract, original=original)
            if (first is None or row["due"] >= first) and (last is None or row["due"] <= last)]
    known = [row["amount"] for row in rows if row["amount"] is not None]
    footer = {"due": "total", "amount": sum(known, start=Decimal("0.00")) if known or not rows else None}  # unknown: empty
    emit(rows, fmt, keys=SCHEDULE_KEYS, title=t("Schedule of {code}", code=contract.code), footer=footer,
         empty="no installment falls due in that window")


def expiring(
    ctx: typer.Context,
    within: Annotated[str, typer.Option("--within", help="Days ahead to look.")] = "90",
    as_of: AsOfOption = None,
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Contracts whose service ends within the given number of days, soonest first."""
    import datetime as dt

    from contracts.overview import EXPIRING_KEYS, expiring_records

    fmt, day = check_format(format, output), as_of_date(as_of)
    days = whole_number(within, "within")
    with store_for(ctx, db) as store:
        candidates = store.expiring(day, day + dt.timedelta(days=days))
    rows = expiring_records(candidates, day, days)
    emit(rows, fmt, keys=EXPIRING_KEYS, title=t("Expiring within {days} days of {day}", days=days, day=day.isoformat()),
         empty="no contract expires in that window")


DEMO_FILES = ("emeishan.toml", "demo-om.toml")


def demo(ctx: typer.Context, as_of: AsOfOption = None, format: FormatOption = "table") -> None:
    """Load the bundled examples into a fresh temporary store and show where everything stands."""
    import tempfile

    from contracts.ledgers import ledgers_as_of, portfolio_arrears
    from contracts.overview import OVERVIEW_KEYS, overview_records
    from contracts.payables import ARREARS_SUMMARY_KEYS, PAYABLE_KEYS, payable_record
    from contracts.portfolio_file import parse_portfolio
    from db.store import open_store

    from .examples import example_path

    fmt, day = check_format(format), as_of_date(as_of)
    portfolios = [parse_portfolio(read_text(path), path.name) for path in map(example_path, DEMO_FILES)]
    with tempfile.TemporaryDirectory(prefix="contracts-demo-") as folder:
        opened = open_store(f"sqlite:///{Path(folder) / 'demo.db'}", create=True)
        try:
            for portfolio in portfolios:
                opened.store.import_portfolio(portfolio)
            everything = opened.store.load()
        finally:
            opened.store.close()
    ledgers = ledgers_as_of(everything, day)
    overview = overview_records([contract.terms for contract in everything], day)
    withheld = [payable_record(item) for ledger in ledgers for item in ledger.payables if item.total_deduction]
    owed = portfolio_arrears(everything, day, ledgers).summary
    if fmt != "table":
        # One machine-readable list: the overview rows (the demo's main answer).
        emit(overview, fmt, keys=OVERVIEW_KEYS)
        return
    count = sum(len(portfolio.contracts) for portfolio in portfolios)
    print(f"Loaded {count} contracts from {', '.join(DEMO_FILES)} into a fresh store (DEMO-OM is synthetic).")
    emit(overview, fmt, keys=OVERVIEW_KEYS, title=t("Contracts as of {day}", day=day.isoformat()))
    emit(withheld, fmt, keys=PAYABLE_KEYS, table_keys=("contract", "seq", "due", "gross", "total_deduction", "net", "state"),
         title=t("Installments with deductions after assessment"), empty="none")
    emit(owed, fmt, keys=ARREARS_SUMMARY_KEYS, title=t("Due and unpaid on {day}, by days overdue", day=day.isoformat()),
         empty="nothing is in arrears")
    print("The reference records payments only for 2023, so later installments of the real contracts show as unpaid.")
    print("Next: contracts import examples/emeishan.toml; contracts show TW2; contracts payable DEMO-OM --seq 4;")
    print("      contracts report html -o report.html (the whole portfolio on one page; --lang zh for Chinese)")


def amend(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The contract's code.")],
    from_: Annotated[str, typer.Option("--from", help="The day the amendment takes effect (YYYY-MM-DD).")],
    annual_fee: Annotated[Optional[str], typer.Option(help="The new annual fee from that day.")] = None,
    billing_months: Annotated[Optional[str], typer.Option(help="The longer billing period, in months from the billing start.")] = None,
    service_months: Annotated[Optional[str], typer.Option(help="The longer service period, in months from the billing start.")] = None,
    ref: Annotated[Optional[str], typer.Option(help="The supplementary agreement (补充协议) reference.")] = None,
    note: Annotated[Optional[str], typer.Option(help="Anything worth keeping about the amendment.")] = None,
    allow_credit: Annotated[bool, typer.Option("--allow-credit", help="Let the amendment lower a partly paid installment below "
                                               "what was paid on it (the excess kept as a credit to the vendor).")] = False,
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Record an amendment (补充协议) and show the schedule before and after it."""
    from contracts.amendments import DIFF_KEYS, amendment_diff, supplement_sentence

    fmt = check_format(format, output)
    raw = {"effective_from": from_, "annual_fee": annual_fee, "billing_months": billing_months,
           "service_months": service_months, "reference": ref, "note": note}
    with store_for(ctx, db) as store:
        amendment, before, after = store.amend(code, raw, allow_credit=allow_credit)
    emit(amendment_diff(before, after), fmt, keys=DIFF_KEYS,
         title=t("{code}: installments changed by the amendment from {day}", code=code, day=amendment.effective_from.isoformat()),
         empty="no installment changes")
    if fmt == "table":
        print(supplement_sentence(after))


def amendments(ctx: typer.Context, code: Annotated[str, typer.Argument(help="The contract's code.")],
               format: FormatOption = "table",
    output: OutputOption = None, db: DbOption = None) -> None:
    """A contract's amendments, and what they add to its total."""
    from contracts.amendments import AMENDMENT_KEYS, amendment_records, supplement_sentence

    fmt = check_format(format, output)
    with store_for(ctx, db) as store:
        contract = store.contract(code)
    rows = amendment_records(contract)
    emit(rows, fmt, keys=AMENDMENT_KEYS, title=t("Amendments of {code}", code=code), empty="no amendments")
    if fmt == "table" and rows:
        print(supplement_sentence(contract))


def template(
    output: Annotated[Path, typer.Option("--output", "-o", help="template.xlsx (every kind) or payments.csv (one kind).")],
    kind: Annotated[Optional[str], typer.Option("--kind", help="For a CSV: contracts, assessments, payments or usage "
                                                "(default: the file's name).")] = None,
) -> None:
    """Write a spreadsheet to fill in with contracts, assessments, payments and usage, for `contracts import`."""
    from .sheet_files import write_template

    from . import i18n
    from .sheet_files import KINDS

    kinds = write_template(output, kind)
    names = [KINDS[name].title_zh if i18n.language() == "zh" else name for name in kinds]  # as the sheets are named
    print(t("wrote {path}: {kinds}; fill it in, then: contracts import {path}", path=str(output),
            kinds=("、" if i18n.language() == "zh" else ", ").join(names)))
