"""Commands for the fiscal year: programmes, budgets, fee lines, forecast, report fy, check."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from contracts.errors import ContractsError

from .i18n import amount_with_unit, counted, t
from .options import OutputOption, AsOfOption, DbOption, FormatOption, as_of_date, whole_number
from .render import check_format, emit
from .session import store_for

programme_app = typer.Typer(help="Programmes (项目) and the contracts and fee lines they fund.", no_args_is_help=True)
budget_app = typer.Typer(help="A programme's budget for a fiscal year.", no_args_is_help=True)
fee_app = typer.Typer(help="Other fee lines: recurring costs with no contract schedule here.", no_args_is_help=True)
report_app = typer.Typer(help="Reports: the fiscal year (fy) and the whole portfolio on one page (html).", no_args_is_help=True)

TABLE_LIMIT = 100  # rows a person can read; machine formats are never cut
FY_SENTENCE = ("{programme}: {obligations} fell due; the budget in force allowed {adjusted}; {paid} was paid (execution {rate}, "
               "coverage {cover}); {unpaid} of the year's obligations and {earlier} of earlier ones unpaid at year end")
FINDING_KEYS = ("severity", "check", "record", "field", "stated", "computed", "explanation")


def register(app: typer.Typer) -> None:
    app.add_typer(programme_app, name="programme")
    programme_app.command("add")(programme_add)
    app.command("programmes")(programmes)
    app.add_typer(budget_app, name="budget")
    budget_app.command("add")(budget_add)
    app.add_typer(fee_app, name="fee-line")
    fee_app.command("add")(fee_line_add)
    fee_app.command("amount")(fee_line_amount)
    app.command("forecast")(forecast)
    app.add_typer(report_app, name="report")
    report_app.command("fy")(report_fy)
    from .report_commands import report_html

    report_app.command("html")(report_html)
    app.command("check")(check)


def programme_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="A short code, e.g. POLICE-IT.")],
    name: Annotated[str, typer.Option(help="What the programme is (项目名称).")],
    department: Annotated[Optional[str], typer.Option(help="The department whose budget holds it.")] = None,
    contract: Annotated[Optional[list[str]], typer.Option(help="A contract it funds (repeatable).")] = None,
    fee_line: Annotated[Optional[list[str]], typer.Option(help="A fee line it funds (repeatable).")] = None,
    notes: Annotated[Optional[str], typer.Option(help="Anything worth keeping.")] = None,
    update: Annotated[bool, typer.Option("--update", help="Replace a programme that exists.")] = False,
    db: DbOption = None,
) -> None:
    """Add a programme and the contracts and fee lines it funds."""
    from contracts.budget import make_programme

    programme = make_programme({"code": code, "name": name, "department": department, "notes": notes,
                                "contracts": contract or [], "fee_lines": fee_line or []})
    with store_for(ctx, db) as store:
        status = store.add_programme(programme, update=update)
    print(f"{status}: programme {programme.code}")


def programmes(ctx: typer.Context, format: FormatOption = "table",
    output: OutputOption = None, db: DbOption = None) -> None:
    """Programmes with what they fund and their budgets."""
    from contracts.budget import PROGRAMME_KEYS, programme_rows

    fmt = check_format(format, output)
    with store_for(ctx, db) as store:
        rows = programme_rows(store.budgets())
    emit(rows, fmt, keys=PROGRAMME_KEYS, title=t("Programmes and budgets"), empty="no programmes yet")


def budget_add(
    ctx: typer.Context,
    programme: Annotated[str, typer.Argument(help="The programme's code.")],
    year: Annotated[str, typer.Option(help="Fiscal (calendar) year.")],
    original: Annotated[Optional[str], typer.Option(help="The original budget (年初预算).")] = None,
    adjusted: Annotated[Optional[str], typer.Option(help="The adjusted budget (调整后预算).")] = None,
    spent: Annotated[Optional[str], typer.Option(help="What the source states was spent in the year.")] = None,
    unit: Annotated[str, typer.Option(help="yuan (default) or wan (万元), as the source states the amounts.")] = "yuan",
    source: Annotated[Optional[str], typer.Option(help="Where the figures come from.")] = None,
    purpose: Annotated[Optional[str], typer.Option(help="What the source says the money was for, quoted "
                                                   "(资金分配主要用于 ...).")] = None,
    purpose_contract: Annotated[Optional[list[str]], typer.Option(help="A contract that purpose names (repeatable); "
                                                                  "check reports those the payments leave out.")] = None,
    update: Annotated[bool, typer.Option("--update", help="Replace the budget of that year.")] = False,
    db: DbOption = None,
) -> None:
    """Record a programme's budget for a fiscal year, as stated."""
    from contracts.money import format_money_grouped

    raw = {"year": year, "original": original, "adjusted": adjusted, "spent": spent, "unit": unit, "source": source,
           "purpose": purpose, "purpose_contracts": purpose_contract or []}
    with store_for(ctx, db) as store:
        budget, status = store.add_budget(programme, raw, update=update)
    adjusted_text = f", adjusted {format_money_grouped(budget.adjusted.yuan)}" if budget.adjusted else ""
    print(f"{status}: budget of {programme} for {budget.year}: original {format_money_grouped(budget.original.yuan)}{adjusted_text}")


def fee_line_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="A short code, e.g. TW-POWER.")],
    name: Annotated[str, typer.Option(help="What the fee is for.")],
    notes: Annotated[Optional[str], typer.Option(help="Anything worth keeping.")] = None,
    unit_price: Annotated[Optional[str], typer.Option(help="Where its amounts are a price times a quantity: the price "
                                                      "(e.g. 500.00), so that check can hold amounts to quantities.")] = None,
    per: Annotated[Optional[str], typer.Option("--per", help="What the unit price is per (e.g. set).")] = None,
    sub_unit: Annotated[Optional[str], typer.Option(help="A smaller unit the source may count in (e.g. seal).")] = None,
    sub_units: Annotated[Optional[str], typer.Option(help="How many sub-units make one unit (e.g. 4 seals a set).")] = None,
    update: Annotated[bool, typer.Option("--update", help="Replace a fee line that exists.")] = False,
    db: DbOption = None,
) -> None:
    """Add a fee line (electricity, network lines): amounts budgeted and paid per year, no schedule."""
    from contracts.budget import make_fee_line

    line = make_fee_line({"code": code, "name": name, "notes": notes, "unit_price": unit_price, "unit": per,
                          "sub_unit": sub_unit, "sub_units": sub_units})
    with store_for(ctx, db) as store:
        status = store.add_fee_line(line, update=update)
    print(f"{status}: fee line {line.code}")


def fee_line_amount(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The fee line's code.")],
    year: Annotated[str, typer.Option(help="Fiscal (calendar) year.")],
    budgeted: Annotated[Optional[str], typer.Option(help="Amount budgeted for the year.")] = None,
    paid: Annotated[Optional[str], typer.Option(help="Amount paid in the year.")] = None,
    delivered: Annotated[Optional[str], typer.Option(help="Instead of an amount: a quantity delivered, as the source "
                                                     "states it (with --quantity-unit).")] = None,
    quantity_unit: Annotated[Optional[str], typer.Option(help="What --delivered counts (e.g. seal).")] = None,
    months: Annotated[Optional[str], typer.Option(help="The months a payment (or delivery) was for, as the source gives "
                                                  "them: 2022-03..2022-05, 2023-02.")] = None,
    unit: Annotated[str, typer.Option(help="yuan or wan.")] = "yuan",
    note: Annotated[Optional[str], typer.Option(help="Anything worth keeping.")] = None,
    source: Annotated[Optional[str], typer.Option(help="Where the figure comes from.")] = None,
    db: DbOption = None,
) -> None:
    """Record an amount budgeted for or paid on a fee line in a year (or a quantity delivered)."""
    raw = {"year": year, "budgeted": budgeted, "paid": paid, "delivered": delivered, "quantity_unit": quantity_unit,
           "months": months, "unit": unit, "note": note, "source": source}
    with store_for(ctx, db) as store:
        amount = store.add_fee_amount(code, raw)
    shown = amount.amount.shown() if amount.amount else f"{amount.quantity:,} {amount.quantity_unit}"
    print(f"recorded: {code} {amount.year} {amount.kind} {shown}" + (f" for {amount.months_text}" if amount.months else ""))


def forecast(
    ctx: typer.Context,
    from_: Annotated[Optional[str], typer.Option("--from", help="First fiscal year (default: next year).")] = None,
    years: Annotated[str, typer.Option(help="How many fiscal years.")] = "3",
    by: Annotated[str, typer.Option(help="contract, line or programme.")] = "contract",
    accrual: Annotated[bool, typer.Option("--accrual", help="By the period served, not the due date.")] = False,
    deduction_rate: Annotated[Optional[str], typer.Option(help="Expected deduction for unassessed installments, e.g. 2%.")] = None,
    quarters: Annotated[bool, typer.Option("--quarters", help="One row per quarter (machine formats always are).")] = False,
    project_usage: Annotated[bool, typer.Option("--project-usage", help="Project unit-priced installments from the usage "
                                                "recorded so far (its average a month); without it they are unknown and "
                                                "left out, and the totals say so.")] = False,
    as_of: AsOfOption = None,
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Obligations by fiscal year and quarter: what next years' budgets must hold."""
    import datetime as dt

    from contracts.forecast import forecast_portfolio
    from contracts.money import parse_share

    fmt, day = check_format(format, output), as_of_date(as_of)
    first = whole_number(from_, "from") if from_ is not None else day.year + 1
    count = whole_number(years, "years", minimum=1)
    if not 1990 <= first <= 2100 or count > 50:
        raise ContractsError("from", first, "must be a year between 1990 and 2100, for at most 50 years")
    if by not in ("contract", "line", "programme"):
        raise ContractsError("by", by, "must be one of: contract, line, programme")
    rate = None if deduction_rate is None else parse_share(deduction_rate, "deduction_rate")
    with store_for(ctx, db) as store:
        budgets = store.budgets()
        # Contracts with terms only come as columns and are summed all at once; the rest are streamed, each used
        # once: a province is never held in memory.
        with store.split(active_from=dt.date(first, 1, 1), active_before=dt.date(first + count, 1, 1)) as (terms_only, rest):
            result = forecast_portfolio(rest, budgets.programme_of(), first, count, as_of=day, accrual=accrual,
                                        deduction_rate=rate, project_usage=project_usage, terms_only=terms_only)
    title = t("Obligations {first}-{last} by accrual" if accrual else "Obligations {first}-{last} by due date",
              first=first, last=first + count - 1)
    keys = ("contract", "line", "programme", "year", "quarter", "gross", "expected_net", "basis", "ends_in_window")
    if fmt != "table" or quarters:
        emit([row.record() for row in result.rows()], fmt, keys=keys, title=title, empty="nothing falls due in that window")
        return
    year_totals = result.year_totals(by)
    rows = result.count(by)
    if rows > TABLE_LIMIT:
        # A table is for people: the largest obligations, then the totals; machine formats give every row.
        shown = sorted(result.largest(by, TABLE_LIMIT), key=lambda row: (row[by], row["year"]))
        title += f" (the {TABLE_LIMIT} largest of {rows} rows; --format csv or json gives all)"
    else:
        shown = result.totals(by)
    emit(shown + year_totals, "table", keys=(by, "year", "Q1", "Q2", "Q3", "Q4", "gross", "expected_net", "basis"), title=title,
         empty="nothing falls due in that window")
    ending = result.ending_on()
    for code, day_ending in ending[:TABLE_LIMIT]:
        print(f"ends in the window: {code} on {day_ending.isoformat()}: budget for a successor from then")
    if len(ending) > TABLE_LIMIT:
        print(f"... and {len(ending) - TABLE_LIMIT} more contracts end in the window (--format csv lists them)")


def report_fy(
    ctx: typer.Context,
    year: Annotated[str, typer.Argument(help="The fiscal year, e.g. 2023.")],
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Budget, obligations, payments, unpaid and earlier arrears, per programme and contract, for one fiscal year."""
    import datetime as dt

    from contracts.budget import FY_KEYS
    from contracts.ledgers import fiscal_year_report, fiscal_year_shown

    from .render import say_remark

    fmt = check_format(format, output)
    fiscal_year = whole_number(year, "year")
    if not 1990 <= fiscal_year <= 2100:
        raise ContractsError("year", fiscal_year, "is outside 1990-2100")
    today = as_of_date(None)
    with store_for(ctx, db) as store:
        budgets = store.budgets()
        # Contracts with terms only come as columns, summed all at once; the rest are streamed whole.
        with store.split(active_before=dt.date(fiscal_year + 1, 1, 1)) as (terms_only, rest):
            if fmt == "table":
                # People read the programmes and the largest items: the rows of no other item are made.
                (rows, items), remark = fiscal_year_shown(rest, budgets, fiscal_year, today, TABLE_LIMIT, terms_only=terms_only)
            else:
                rows, remark = fiscal_year_report(rest, budgets, fiscal_year, today, terms_only=terms_only)

    def ratio(value):
        if value is None:
            return None
        if fmt == "xlsx":
            return value  # a number, shown as a percentage
        return f"{value:.2%}" if fmt == "table" else f"{value:.4f}"

    def record(row) -> dict:
        return {**row.__dict__, "item": row.item or "TOTAL", "execution_rate": ratio(row.execution_rate),
                "coverage": ratio(row.coverage)}

    title = t("Fiscal year {year}", year=fiscal_year)
    if fmt == "table" and items > TABLE_LIMIT:
        # The programmes and the largest items (fiscal_year_shown); machine formats give every row.
        records = [record(row) for row in rows]
        title += f" (the {TABLE_LIMIT} items with the largest obligations of {items}, and every programme; --format csv gives all)"
    elif fmt in ("csv", "json"):
        records = map(record, rows)  # each made as it is written: a province's year has a million rows
    else:
        records = [record(row) for row in rows]
    emit(records, fmt, keys=FY_KEYS, title=title, empty="nothing to report", subtotal=lambda row: row["kind"] == "programme")
    # On stderr, like arrears' remark, so that every format's stdout stays clean.
    say_remark(remark)
    if fmt == "table":
        for row in rows:
            if row.kind == "programme" and row.budget_in_force is not None:
                rate = f"{row.execution_rate:.2%}" if row.execution_rate is not None else "-"
                cover = f"{row.coverage:.2%}" if row.coverage is not None else "-"

                def money(amount):  # an amount no one knows is said to be unknown, never 0.00
                    return amount_with_unit(amount) if amount is not None else t("unknown")

                print(t(FY_SENTENCE, programme=row.programme, obligations=money(row.obligations),
                        adjusted=money(row.budget_in_force), paid=money(row.paid), rate=rate, cover=cover,
                        unpaid=money(row.unpaid_of_year), earlier=money(row.earlier_arrears)))


def check(
    ctx: typer.Context,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when any finding is an error.")] = False,
    grace_days: Annotated[str, typer.Option(help="Days after the due date an installment may wait for its assessment.")] = "30",
    as_of: AsOfOption = None,
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """What in the data does not add up: every finding with its evidence."""
    from contracts.checks import CheckSettings, portfolio_findings
    from contracts.procurement import line_status

    fmt, day = check_format(format, output), as_of_date(as_of)
    settings = CheckSettings(assessment_grace_days=whole_number(grace_days, "grace_days"))
    with store_for(ctx, db) as store:
        # The database's own check and the history chain, while the store is read and checked beside them. If the
        # store turns out damaged, the damage is the answer, and whatever reading it did (or failed to do) is left aside.
        with store.integrity_in_background() as soundness:
            try:
                # Contracts with terms only, alone on their lines, as a few columns; the rest whole.
                portfolio = store.for_checks()
                found = portfolio_findings(portfolio.contracts, [line_status(facts, day) for facts in portfolio.lines],
                                           store.budgets(), day, settings, lone=portfolio.lone)
                unread = None
            except Exception as exc:  # noqa: BLE001 - raised again below unless the store is damaged
                unread = exc
            sound = soundness()
        damaged = any(f.check == "store integrity" for f in sound)
        if unread is not None and not damaged:
            raise unread
    findings = sound + ([] if damaged else found)
    emit([f.__dict__ for f in findings], fmt, keys=FINDING_KEYS, title=t("Checks as of {day}", day=day.isoformat()),
         table_keys=("severity", "check", "record", "stated", "computed", "explanation"), empty="no findings: the data adds up")
    errors = sum(1 for f in findings if f.severity == "error")
    if fmt == "table" and findings:
        counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
        print(", ".join(counted(n, s) for s, n in counts.items()))
    if strict and errors:
        raise typer.Exit(1)
