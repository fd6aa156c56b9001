"""Commands for procurement: lines, line add/show, tender add, tenders, rebid, transition, suspend, usage."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from contracts.errors import ContractsError

from .i18n import t, value as i18n_value
from .prose import sentence
from .options import OutputOption, AsOfOption, DbOption, FormatOption, as_of_date, whole_number
from .render import check_format, emit
from .session import store_for

line_app = typer.Typer(help="Service lines: a continuing need served by successive contracts.", no_args_is_help=True)
tender_app = typer.Typer(help="Tender attempts of a service line.", no_args_is_help=True)
transition_app = typer.Typer(help="Approved interim arrangements (过渡期) after a contract ends.", no_args_is_help=True)

def register(app: typer.Typer) -> None:
    app.command("lines")(lines)
    app.add_typer(line_app, name="line")
    line_app.command("add")(line_add)
    line_app.command("show")(line_show)
    app.add_typer(tender_app, name="tender")
    tender_app.command("add")(tender_add)
    app.command("tenders")(tenders)
    app.command("rebid")(rebid)
    app.add_typer(transition_app, name="transition")
    transition_app.command("add")(transition_add)
    app.command("suspend")(suspend)
    app.command("usage")(usage)
    app.command("calendar")(calendar)


def lines(ctx: typer.Context, as_of: AsOfOption = None, format: FormatOption = "table",
    output: OutputOption = None, db: DbOption = None) -> None:
    """Each service line, its current contract and its state: covered, in transition, suspended or uncovered."""
    from contracts.procurement import every_line_status
    from contracts.procurement_rows import LINE_KEYS, status_record

    fmt, day = check_format(format, output), as_of_date(as_of)
    with store_for(ctx, db) as store:
        portfolio = store.for_checks()  # contracts with terms only, alone on their lines, as columns
    rows = [status_record(status) for status in every_line_status(portfolio.lines, portfolio.lone, day)]
    emit(rows, fmt, keys=LINE_KEYS, table_keys=("line", "name", "contracts", "current", "state", "coverage_ends", "flags"),
         title=t("Service lines as of {day}", day=day.isoformat()), empty="no service lines yet")


def line_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="A short code, e.g. SEAL.")],
    name: Annotated[str, typer.Option(help="What the service is.")],
    buyer: Annotated[Optional[str], typer.Option(help="The buying unit (采购人).")] = None,
    notes: Annotated[Optional[str], typer.Option(help="Anything worth keeping.")] = None,
    update: Annotated[bool, typer.Option("--update", help="Replace the name, buyer and notes of a line that exists.")] = False,
    db: DbOption = None,
) -> None:
    """Add a service line; contracts join it with their 'line' term."""
    from contracts.lines import make_line

    line = make_line({"code": code, "name": name, "buyer": buyer, "notes": notes})
    with store_for(ctx, db) as store:
        status = store.add_line(line, update=update)
    print(f"{status}: line {line.code}")


def line_show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The line's code.")],
    as_of: AsOfOption = None,
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """One line's timeline: contracts, transitions, suspensions and gaps, then its tenders."""
    from contracts.procurement import line_status
    from contracts.procurement_rows import SEGMENT_KEYS, TENDER_KEYS, segment_rows, tender_rows

    fmt, day = check_format(format, output), as_of_date(as_of)
    with store_for(ctx, db) as store:
        [facts] = store.lines(code)
    status = line_status(facts, day)
    emit(segment_rows(status), fmt, keys=SEGMENT_KEYS,
         title=t("{code}: {name} ({state} on {day})", code=code, name=status.name, state=i18n_value(status.state),
                 day=day.isoformat()))
    if fmt == "table":
        if facts.tenders:
            emit(tender_rows(facts.tenders), "table", keys=TENDER_KEYS,
                 table_keys=("attempt", "method_name", "announced", "outcome", "ground", "bidders", "contract"), title=t("Tenders"))
        for flag in status.flags:
            print(f"{t('flag')}: {sentence(flag)}")


def tender_add(
    ctx: typer.Context,
    line: Annotated[str, typer.Argument(help="The service line (or a contract code that forms its own line).")],
    method: Annotated[str, typer.Option(help="public, invited, negotiation, consultation, quotation or single-source.")],
    outcome: Annotated[str, typer.Option(help="pending, awarded, failed or cancelled.")] = "pending",
    approved: Annotated[Optional[str], typer.Option(help="Day the procurement was approved (any date may be unknown).")] = None,
    announced: Annotated[Optional[str], typer.Option(help="Day it was announced.")] = None,
    bid_deadline: Annotated[Optional[str], typer.Option(help="Deadline for bids.")] = None,
    opened: Annotated[Optional[str], typer.Option(help="Day the bids were opened.")] = None,
    awarded: Annotated[Optional[str], typer.Option(help="Day of the award notice (awarded tenders only).")] = None,
    signed: Annotated[Optional[str], typer.Option(help="Day the contract was signed (awarded tenders only).")] = None,
    ground: Annotated[Optional[str], typer.Option(help="too-few-bidders, over-budget, irregularities, cancelled-by-buyer, other.")] = None,
    bidders: Annotated[Optional[str], typer.Option(help="Number of bidders.")] = None,
    method_approval: Annotated[Optional[str], typer.Option(help="Approval reference for a change of method.")] = None,
    contract: Annotated[Optional[str], typer.Option(help="The contract an awarded tender led to.")] = None,
    note: Annotated[Optional[str], typer.Option(help="Anything worth keeping (what the source says).")] = None,
    db: DbOption = None,
) -> None:
    """Record a tender attempt: its method, dates (any may be unknown) and outcome."""
    given = {key: value for key, value in locals().items() if key not in ("ctx", "db", "line") and value is not None}
    from contracts.tenders import METHODS, make_tender

    tender = make_tender(given, line)
    with store_for(ctx, db) as store:
        stored = store.add_tender(tender)
    print(f"recorded tender {stored.id} of {line}: {METHODS[stored.method]}, {stored.outcome}")


def tenders(
    ctx: typer.Context,
    failed: Annotated[bool, typer.Option("--failed", help="Only lines with failed tenders, with what may be done next.")] = False,
    line: Annotated[Optional[str], typer.Option(help="One line only.")] = None,
    transition_limit: Annotated[str, typer.Option("--transition-limit", help="Months in transition before a flag.")] = "12",
    as_of: AsOfOption = None,
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Tender attempts by line; with --failed, failures in a row, the last ground, options and flags."""
    from contracts.procurement import failures
    from contracts.procurement_rows import FAILED_KEYS, TENDER_KEYS, failure_record, tender_rows

    fmt, day = check_format(format, output), as_of_date(as_of)
    limit = whole_number(transition_limit, "transition_limit", minimum=1)
    with store_for(ctx, db) as store:
        everything = store.lines(line)
    if not failed:
        rows = [row for facts in everything for row in tender_rows(facts.tenders)]
        emit(rows, fmt, keys=TENDER_KEYS, table_keys=("line", "attempt", "method_name", "announced", "outcome", "ground",
                                                      "bidders", "contract"), title=t("Tenders"), empty="no tenders recorded")
        return
    summaries = failures(everything, day, transition_limit_months=limit)
    rows = [failure_record(summary) for summary in summaries]
    if fmt != "table":
        emit(rows, fmt, keys=FAILED_KEYS)
        return
    if not rows:
        print(t("no failed tenders"))
    for summary in summaries:
        emit(tender_rows(summary.attempts), "table", keys=TENDER_KEYS,
             table_keys=("attempt", "method_name", "announced", "outcome", "ground", "bidders", "contract"),
             title=t("{line}: {failed} failed of {attempts}, {consecutive} in a row; last ground: {ground}",
                     line=summary.line, failed=summary.failed, attempts=len(summary.attempts),
                     consecutive=summary.consecutive_failures, ground=summary.last_ground or "-"))
        for option in summary.options:
            print(f"  {t('may')}: {sentence(option.action)}  [{sentence(option.basis)}]")
            for label, text in (("when", option.condition), ("needs", option.approval)):
                if text:
                    print(f"       {t(label)}: {sentence(text)}")
        for flag in summary.flags:
            print(f"  {t('flag')}: {sentence(flag)}")
        for note in summary.notes:
            print(f"  {t('note')}: {sentence(note)}")


def rebid(
    ctx: typer.Context,
    horizon: Annotated[str, typer.Option(help="Days ahead to look for coverage that ends.")] = "365",
    method: Annotated[Optional[list[str]], typer.Option(help="Only these methods (repeatable).")] = None,
    prep_days: Annotated[Optional[str], typer.Option(help="The buyer's preparation before the announcement (days).")] = None,
    award_days: Annotated[Optional[str], typer.Option(help="Bid deadline to award notice (working days).")] = None,
    signing_days: Annotated[Optional[str], typer.Option(help="Days from the end of the challenge period to signing.")] = None,
    weekends_only: Annotated[bool, typer.Option("--weekends-only", help="Ignore official holidays.")] = False,
    as_of: AsOfOption = None,
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Which services need a new procurement, and the latest day to start it by each method."""
    from contracts.procurement import line_status, rebid as compute
    from contracts.procurement_rows import REBID_KEYS, rebid_record
    from contracts.rebid import LeadTimes, assumptions
    from contracts.tenders import METHODS
    from contracts.workdays import WorkCalendar

    fmt, day = check_format(format, output), as_of_date(as_of)
    days = whole_number(horizon, "horizon")
    methods = tuple(method) if method else tuple(METHODS)
    for name in methods:
        if name not in METHODS:
            raise ContractsError("method", name, f"must be one of: {', '.join(METHODS)}")
    lead = LeadTimes().with_settings(
        preparation_days=None if prep_days is None else whole_number(prep_days, "prep_days"),
        award_working_days=None if award_days is None else whole_number(award_days, "award_days"),
        signing_days=None if signing_days is None else whole_number(signing_days, "signing_days"),
    )
    calendar = WorkCalendar(weekends_only=weekends_only)
    with store_for(ctx, db) as store:
        portfolio = store.for_checks()  # contracts with terms only, alone on their lines, as columns
    statuses = [line_status(facts, day) for facts in portfolio.lines]
    rows = [rebid_record(row) for row in compute(statuses, day, days, lead, calendar, methods, lone=portfolio.lone)]
    emit(rows, fmt, keys=REBID_KEYS, table_keys=REBID_KEYS[:-1], title=t("Rebid deadlines as of {day} (horizon {days} days)", day=day.isoformat(), days=days),
         empty="no service needs a new procurement within the horizon")
    notes = assumptions(lead, calendar, methods)
    if fmt == "table":
        print(t("Assumptions:"))
        for note in notes:
            print(f"  - {sentence(note)}")
    else:
        for note in notes:
            print(f"assumption: {note}", file=sys.stderr)


def transition_add(
    ctx: typer.Context,
    line: Annotated[str, typer.Argument(help="The service line.")],
    start: Annotated[str, typer.Option(help="First day of the interim arrangement.")],
    approved_by: Annotated[str, typer.Option(help="Who approved it (e.g. the city government).")],
    end: Annotated[Optional[str], typer.Option(help="The day it ends (open if not given).")] = None,
    basis: Annotated[Optional[str], typer.Option(help="On what basis, e.g. 'paid at actual cost'.")] = None,
    reference: Annotated[Optional[str], typer.Option(help="The approval's document reference.")] = None,
    unit_price: Annotated[Optional[str], typer.Option(help="Price per unit during the transition.")] = None,
    while_covered: Annotated[bool, typer.Option("--while-covered", help="It overlaps a contract of the line, and that is so.")] = False,
    planned: Annotated[bool, typer.Option("--planned", help="It starts after today: a planned transition.")] = False,
    db: DbOption = None,
) -> None:
    """Record an approved transition: the service continues after expiry while a successor is procured."""
    raw = {"start": start, "end": end, "approved_by": approved_by, "basis": basis, "reference": reference, "unit_price": unit_price,
           "while_covered": while_covered, "planned": planned}
    with store_for(ctx, db) as store:
        transition = store.add_transition(line, raw)
    print(f"recorded the transition of {line} from {transition.start.isoformat()}"
          + (f", while contract {'; '.join(store.overlaps)} covers it" if store.overlaps else ""))


def suspend(
    ctx: typer.Context,
    line: Annotated[str, typer.Argument(help="The service line.")],
    from_: Annotated[str, typer.Option("--from", help="First day the service is suspended.")],
    to: Annotated[Optional[str], typer.Option("--to", help="The day it resumes (open if not given).")] = None,
    reason: Annotated[Optional[str], typer.Option(help="Why the service is suspended.")] = None,
    reference: Annotated[Optional[str], typer.Option(help="The decision's document reference.")] = None,
    while_covered: Annotated[bool, typer.Option("--while-covered", help="It overlaps a contract of the line, and that is so.")] = False,
    planned: Annotated[bool, typer.Option("--planned", help="It starts after today: a planned suspension.")] = False,
    db: DbOption = None,
) -> None:
    """Record that a service is suspended from a day."""
    with store_for(ctx, db) as store:
        suspension = store.add_suspension(line, {"start": from_, "end": to, "reason": reason, "reference": reference,
                                                 "while_covered": while_covered, "planned": planned})
    print(f"recorded: {line} suspended from {suspension.start.isoformat()}"
          + (f", while contract {'; '.join(store.overlaps)} covers it" if store.overlaps else ""))


def usage(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="A unit-priced contract, or a line (its contract or transition for the period).")],
    period: Annotated[Optional[str], typer.Option(help="2023Q3 or 2023-07.")] = None,
    quantity: Annotated[Optional[str], typer.Option(help="Units delivered in the period.")] = None,
    amount: Annotated[Optional[str], typer.Option(help="Cost, where the transition has no unit price.")] = None,
    note: Annotated[Optional[str], typer.Option(help="Anything worth keeping about the usage.")] = None,
    year: Annotated[Optional[str], typer.Option(help="Fiscal year for the budget-cap projection (default: as-of year).")] = None,
    as_of: AsOfOption = None,
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Record usage of a unit-priced service (with --period and --quantity), or list it with the budget projection."""
    from contracts.money import format_money_grouped
    from contracts.procurement_rows import USAGE_KEYS, usage_listing

    fmt, day = check_format(format, output), as_of_date(as_of)
    if period is not None or quantity is not None:
        if period is None or quantity is None:
            raise ContractsError("quantity" if quantity is None else "period", None, "is required with --period/--quantity")
        with store_for(ctx, db) as store:
            recorded, where = store.record_usage(code, {"period": period, "quantity": quantity, "amount": amount, "note": note})
        print(f"recorded {recorded.quantity} units for {recorded.period.start.isoformat()} to "
              f"{recorded.period.end.isoformat()} under the {where}")
        return
    fiscal_year = whole_number(year, "year") if year else day.year
    with store_for(ctx, db) as store:
        everything = store.lines()
    rows, projections = usage_listing(everything, code, fiscal_year, day)
    emit(rows, fmt, keys=USAGE_KEYS, title=t("Usage of {code}", code=code), empty="no usage recorded")
    for contract_code, projection in projections:
        verdict = "PROJECTS PAST THE CAP" if projection.exceeds else "within the cap"
        message = (f"{contract_code} {fiscal_year}: spent {format_money_grouped(projection.spent)} in {projection.months_recorded} "
                   f"recorded months; projected {format_money_grouped(projection.projected)} against a cap of "
                   f"{format_money_grouped(projection.cap)}: {verdict}")
        print(message if fmt == "table" else f"budget: {message}", file=sys.stdout if fmt == "table" else sys.stderr)


from .ics import EVENT_WORDS, event_words  # noqa: E402,F401  (where the calendar's wording lives now)


def calendar(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help="The .ics file to write.")],
    method: Annotated[str, typer.Option(help="The procurement method whose start dates to include.")] = "public",
    horizon: Annotated[str, typer.Option(help="Days ahead for rebid start dates.")] = "730",
    overdue: Annotated[bool, typer.Option("--overdue", help="Also the installments due before the as-of day and still unpaid.")] = False,
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Due dates, expiries and rebid start dates as an iCalendar file (Outlook, WPS), with reminders."""
    import datetime as dt

    from contracts.calendar_events import events
    from contracts.ledgers import ledgers_as_of
    from contracts.procurement import line_status, rebid as compute_rebid
    from contracts.rebid import LeadTimes
    from contracts.tenders import METHODS
    from contracts.workdays import WorkCalendar

    from . import files
    from .ics import calendar_bytes
    from .options import db_url

    day = as_of_date(as_of)
    if method not in METHODS:
        raise ContractsError("method", method, f"must be one of: {', '.join(METHODS)}")
    files.protect_store(db_url(ctx, db))
    files.check_target(output)
    from .progress import progress_bar

    with progress_bar(f"writing {output.name}", 2) as advance, store_for(ctx, db) as store:
        contracts = store.load()
        ledgers = ledgers_as_of(contracts, day)
        advance(1)
        lines = store.lines(contracts=contracts)
        statuses = [line_status(facts, day) for facts in lines]
        history = store.history()
        advance(1)
    rebids = compute_rebid(statuses, day, whole_number(horizon, "horizon"), LeadTimes(), WorkCalendar(), (method,))
    found = events(ledgers, rebids, day, overdue=overdue,
                   line_contracts={facts.line.code: tuple(t.code for t in facts.contracts) for facts in lines})
    files.write(output, calendar_bytes(found, history, dt.datetime.now(dt.timezone.utc)))
    print(t("wrote {count} events to {path}", count=len(found), path=str(output)))
