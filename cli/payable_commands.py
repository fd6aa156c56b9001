"""Commands about what to pay: rules, assess, payable, pay, payments, opening, arrears."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from contracts.errors import ContractsError

from .i18n import t
from .options import OutputOption, AsOfOption, DbOption, FormatOption, as_of_date, whole_number
from .render import check_format, emit, say_remark
from .session import store_for

rule_app = typer.Typer(help="Deduction rules: add a rule or a new version of one (an amendment).", no_args_is_help=True)

ROWS_SHOWN = 5000  # arrears lines a table shows; past this, the sums by contract (machine formats give every line)
PAYABLE_TABLE = ("contract", "seq", "due", "gross", "total_deduction", "net", "paid", "owed", "state")


def register(app: typer.Typer) -> None:
    app.command("rules")(rules)
    app.add_typer(rule_app, name="rule")
    rule_app.command("add")(rule_add)
    app.command("assess")(assess)
    app.command("payable")(payable)
    app.command("pay")(pay)
    app.command("payments")(payments)
    app.command("opening")(opening)
    app.command("arrears")(arrears)
    app.command("history")(history)
    app.command("voucher")(voucher)


def rules(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The contract's code.")],
    all_versions: Annotated[bool, typer.Option("--all", help="Every version ever recorded, not just those in force.")] = False,
    as_of: AsOfOption = None,
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """The deduction rules of a contract in force on a day, in words and in the order they apply."""
    from contracts.deductions import RULE_KEYS, rule_rows

    fmt, day = check_format(format, output), as_of_date(as_of)
    with store_for(ctx, db) as store:
        contract = store.contract(code)
    emit(rule_rows(contract.rules, code, day, all_versions=all_versions), fmt, keys=RULE_KEYS,
         table_keys=("name", "kind", "effective_from", "in_force", "description"),
         title=t("Deduction rules of {code} (all versions)", code=code) if all_versions else t("Deduction rules of {code} in force on {day}", code=code, day=day.isoformat()),
         empty="no deduction rules: installments are payable at gross")


def rule_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The contract's code.")],
    name: Annotated[str, typer.Option(help="The rule's name; a later version under the same name replaces it.")],
    kind: Annotated[str, typer.Option(help="threshold, scorecard, per_unit, itemized, cap, or unrecorded (deducted per "
                                      "assessment, the rules not recorded: amounts become upper bounds).")],
    effective_from: Annotated[str, typer.Option(help="The day this version takes effect (YYYY-MM-DD).")],
    position: Annotated[Optional[str], typer.Option(help="Order of application (lower first).")] = None,
    metric: Annotated[Optional[str], typer.Option(help="threshold/per_unit: the metric, e.g. online_rate.")] = None,
    threshold: Annotated[Optional[str], typer.Option(help="threshold: e.g. 95.")] = None,
    step: Annotated[Optional[str], typer.Option(help="threshold: the size of a step, e.g. 1.")] = None,
    direction: Annotated[Optional[str], typer.Option(help="threshold: below (default) or above.")] = None,
    count: Annotated[Optional[str], typer.Option(help="threshold: started (default), whole or proportional steps.")] = None,
    per_step_share: Annotated[Optional[str], typer.Option(help="threshold: share of the installment per step, e.g. 1/45.")] = None,
    per_step_amount: Annotated[Optional[str], typer.Option(help="threshold: fixed amount per step.")] = None,
    allowance: Annotated[Optional[str], typer.Option(help="per_unit: units free of charge.")] = None,
    rate: Annotated[Optional[str], typer.Option(help="per_unit: amount per unit.")] = None,
    pass_mark: Annotated[Optional[str], typer.Option(help="scorecard: the pass mark.")] = None,
    bands: Annotated[Optional[str], typer.Option(help="scorecard: 'below:share' bands, e.g. '90:5%,80:10%,60:30%'.")] = None,
    cap_amount: Annotated[Optional[str], typer.Option(help="This rule withholds at most this amount.")] = None,
    cap_share: Annotated[Optional[str], typer.Option(help="This rule withholds at most this share of the installment.")] = None,
    per_installment_amount: Annotated[Optional[str], typer.Option(help="cap: total per installment.")] = None,
    per_installment_share: Annotated[Optional[str], typer.Option(help="cap: total per installment, as a share.")] = None,
    per_year_amount: Annotated[Optional[str], typer.Option(help="cap: total per contract year.")] = None,
    per_year_share: Annotated[Optional[str], typer.Option(help="cap: total per contract year, as a share of its fee.")] = None,
    up_to_share: Annotated[Optional[str], typer.Option(help="unrecorded: the largest deduction that is plausible, as a share "
                                                       "of an installment (default 10%), for check.")] = None,
    retired: Annotated[bool, typer.Option("--retired", help="This version ends the rule from effective_from.")] = False,
    note: Annotated[Optional[str], typer.Option(help="Where the rule comes from (clause, amendment).")] = None,
    update: Annotated[bool, typer.Option("--update", help="Replace the parameters of this very version.")] = False,
    metric_min: Annotated[Optional[str], typer.Option(help="threshold/per_unit: the lowest value the metric can take "
                                                      "(default 0).")] = None,
    metric_max: Annotated[Optional[str], typer.Option(help="threshold/per_unit: the highest value the metric can take "
                                                      "(default 100 for a rate, else 1,000,000,000).")] = None,
    allow_credit: Annotated[bool, typer.Option("--allow-credit", help="Let the rule lower an installment's net below what "
                                               "was paid on it (the excess kept as a credit to the vendor).")] = False,
    db: DbOption = None,
) -> None:
    """Add a deduction rule, or a new version of one from a later date."""
    given = {key: value for key, value in locals().items()
             if key not in ("ctx", "db", "code", "update", "allow_credit") and value not in (None, False)}
    from contracts.deductions import describe, make_rule

    rule = make_rule(given, code)
    with store_for(ctx, db) as store:
        status = store.add_rule(rule, update=update, allow_credit=allow_credit)
    print(f"{status}: rule {rule.name!r} of {code} from {rule.effective_from.isoformat()}: {describe(rule)}")


def assess(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The contract's code.")],
    seq: Annotated[str, typer.Option(help="The installment assessed.")],
    metric: Annotated[Optional[list[str]], typer.Option(help="A measured value, name=value (repeatable).")] = None,
    score: Annotated[Optional[str], typer.Option(help="The assessment score, 0 to 100.")] = None,
    item: Annotated[Optional[list[str]], typer.Option(help="An itemized finding, 'reason=amount' (repeatable).")] = None,
    by: Annotated[Optional[str], typer.Option(help="Who assessed.")] = None,
    on: Annotated[Optional[str], typer.Option(help="Day of the assessment (default today).")] = None,
    doc: Annotated[Optional[str], typer.Option(help="Document reference.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Record a corrected version; the earlier one is kept.")] = False,
    allow_credit: Annotated[bool, typer.Option("--allow-credit", help="With --replace: let the correction lower the net below "
                                               "what was paid (the excess kept as a credit to the vendor).")] = False,
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Record the assessment of one installment, then show what it leaves payable."""
    from contracts.assessments import parse_pairs
    from contracts.payables import PAYABLE_KEYS, payable_record

    fmt = check_format(format, output)
    raw = {"seq": seq, "assessed_on": as_of_date(on).isoformat() if on is None else on,
           "metrics": parse_pairs(metric or [], "metric"), "score": score,
           "items": parse_pairs(item or [], "item"), "assessed_by": by, "document": doc}
    with store_for(ctx, db) as store:
        assessment, status, contract = store.assess(code, raw, replace=replace, allow_credit=allow_credit)
    row = payable_record(contract.ledger().payable(assessment.seq))
    if fmt == "table":
        print(f"assessed {code} seq {assessment.seq} ({status}): {assessment.describe()}")
    _show_payables([row], fmt, PAYABLE_KEYS, detail=True)


def _show_payables(rows: list[dict], fmt: str, keys, *, detail: bool, title: str | None = None) -> None:
    from contracts.payables import DEDUCTION_KEYS

    emit(rows, fmt, keys=keys, table_keys=PAYABLE_TABLE, title=title, empty="no installment matches")
    if fmt == "table" and detail:
        for row in rows:
            if row["deductions"]:
                emit(row["deductions"], "table", keys=DEDUCTION_KEYS,
                     title=t("Deductions from {code} seq {seq}", code=row['contract'], seq=row['seq']))


def payable(
    ctx: typer.Context,
    code: Annotated[Optional[str], typer.Argument(help="A contract's code (all contracts with --quarter).")] = None,
    seq: Annotated[Optional[str], typer.Option(help="One installment.")] = None,
    quarter: Annotated[Optional[str], typer.Option(help="Every installment due in this calendar quarter, e.g. 2024Q1.")] = None,
    as_of: AsOfOption = None,
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Gross, each deduction with its rule and reason, net, paid and still owed, per installment."""
    from contracts.ledgers import payable_rows, window_payable_rows
    from contracts.payables import PAYABLE_KEYS
    from contracts.periods import quarter_period

    fmt, day = check_format(format, output), as_of_date(as_of)
    if code is None and quarter is None:
        raise ContractsError("code", None, "give a contract code, or --quarter for every contract")
    if seq is not None and code is None:
        raise ContractsError("seq", seq, "needs a contract code")
    window = quarter_period(quarter) if quarter is not None else None  # an empty --quarter is refused, as any text naming no quarter
    number = whole_number(seq, "seq", minimum=1) if seq is not None else None
    with store_for(ctx, db) as store:
        if code is None:
            # Every contract's quarter: only those with an installment that can fall due in it are read, those with
            # terms only as columns (their installments found by arrays), the rest whole; rows in code order.
            with store.split(active_from=window.start, active_before=window.end) as (terms_only, rest):
                rows = window_payable_rows(list(rest), day, window, terms_only=terms_only, apart=True)
        else:
            rows = payable_rows(store.load([code]), day, seq=number, window=window)
    title = (t("Payable as of {day}, due in {quarter}", day=day.isoformat(), quarter=quarter.upper()) if quarter
             else t("Payable as of {day}", day=day.isoformat()))
    _show_payables(rows, fmt, PAYABLE_KEYS, detail=number is not None or len(rows) <= 4, title=title)


def pay(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The contract's code.")],
    amount: Annotated[Optional[str], typer.Option(help="Yuan paid, to the fen.")] = None,
    on: Annotated[Optional[str], typer.Option(help="Day paid (default today, and the answer says so).")] = None,
    seq: Annotated[Optional[str], typer.Option(help="The installment paid; without it, the oldest open ones first.")] = None,
    ref: Annotated[Optional[str], typer.Option(help="Voucher or bank reference.")] = None,
    note: Annotated[Optional[str], typer.Option(help="Anything worth keeping about the payment.")] = None,
    allow_credit: Annotated[bool, typer.Option("--allow-credit", help="Record any excess as a credit to the vendor.")] = False,
    reverse: Annotated[Optional[str], typer.Option(help="Reverse the payment with this id (a mistake), instead of paying.")] = None,
    db: DbOption = None,
) -> None:
    """Record a payment (immutable), or reverse one; shows where the money went."""
    from contracts.ledgers import payment_placement
    from contracts.money import format_money_grouped

    day = as_of_date(on, "on")
    if reverse is not None:
        if amount is not None or seq is not None:
            raise ContractsError("reverse", reverse, "takes no --amount or --seq: it undoes the whole payment")
        with store_for(ctx, db) as store:
            reversal = store.reverse(code, whole_number(reverse, "reverse", minimum=1), on=day, reference=ref or "", note=note or "")
        print(f"recorded payment {reversal.id}: reversal of payment {reversal.reverses} ({format_money_grouped(reversal.amount)}) on {day.isoformat()}")
        return
    if amount is None:
        raise ContractsError("amount", None, "is required (or --reverse ID)")
    raw = {"amount": amount, "paid_on": day, "seq": seq, "reference": ref, "note": note, "allow_credit": allow_credit}
    with store_for(ctx, db) as store:
        payment, ledger = store.pay(code, raw)
    placed, credit = payment_placement(ledger, payment.id)
    print(f"recorded payment {payment.id}: {format_money_grouped(payment.amount)} to {code} on {day.isoformat()}"
          + (f" ({payment.reference})" if payment.reference else ""))
    if on is None:  # the day was assumed, not given: say so, it decides which installments are due
        print(t("(no --on given: paid today, {day})", day=day.isoformat()))
    for seq_number, share in placed:
        label = "opening balance" if seq_number == 0 else f"seq {seq_number}"
        print(f"  {label}: {format_money_grouped(share)}")
    if credit:
        print(f"  credit to the vendor: {format_money_grouped(credit)}")


def payments(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The contract's code.")],
    as_of: AsOfOption = None,
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Every payment of a contract, reversals included, with the installments it settled."""
    from contracts.ledgers import PAYMENT_KEYS, payment_rows

    fmt, day = check_format(format, output), as_of_date(as_of)
    with store_for(ctx, db) as store:
        contract = store.contract(code)
    emit(payment_rows(contract, day), fmt, keys=PAYMENT_KEYS, title=t("Payments of {code} to {day}", code=code, day=day.isoformat()),
         empty="no payments recorded")


def opening(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The contract's code.")],
    as_of: Annotated[str, typer.Option("--as-of", help="The day tracking starts (YYYY-MM-DD).")],
    settled_through_seq: Annotated[Optional[str], typer.Option(help="Installments up to this seq were settled before.")] = None,
    settled_through: Annotated[Optional[str], typer.Option(help="Installments due on or before this day were settled before.")] = None,
    owed: Annotated[Optional[str], typer.Option(help="An amount still owed then, beyond the schedule.")] = None,
    source: Annotated[Optional[str], typer.Option(help="Where these figures come from (required with --owed).")] = None,
    basis: Annotated[Optional[str], typer.Option(help="How the source gives them: stated, assumed (by whoever records "
                                                 "them) or inferred (from other figures).")] = None,
    update: Annotated[bool, typer.Option("--update", help="Correct the opening balance (only before any payment).")] = False,
    db: DbOption = None,
) -> None:
    """Record, once per contract, its state when tracking began."""
    from contracts.money import format_money_grouped

    raw = {"as_of": as_of, "settled_through_seq": settled_through_seq, "settled_through": settled_through,
           "owed": owed or "0", "source": source, "basis": basis}
    with store_for(ctx, db) as store:
        result, status = store.set_opening(code, raw, update=update)
    print(f"{status}: opening balance of {code} as of {result.as_of.isoformat()}: installments 1 to "
          f"{result.settled_through_seq} settled, {format_money_grouped(result.owed)} owed")


def arrears(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    summary: Annotated[bool, typer.Option("--summary", help="One row per contract, by aging bucket.")] = False,
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """What was due and is unpaid on a day, by contract, with aging; unassessed installments apart."""
    fmt, day = check_format(format, output), as_of_date(as_of)
    with store_for(ctx, db) as store:
        if fmt in ("csv", "json") and not summary:  # every row, written as it is made
            from .arrears_lines import write_arrears

            say_remark(write_arrears(store, day, fmt).remark())
            return
        # The sums first: contracts with terms only come as columns, summed by arrays, the rest streamed whole.
        from contracts.ledgers import arrears_stream, portfolio_arrears
        from contracts.payables import ARREARS_KEYS, ARREARS_SUMMARY_KEYS, arrears_record

        with store.split() as (terms_only, rest):
            found = portfolio_arrears(rest, day, keep_rows=False, terms_only=terms_only)
        by_contract = t("Arrears by contract as of {day}", day=day.isoformat())
        if summary or found.count > ROWS_SHOWN:
            # A province's arrears are a million lines no one reads on a screen: the sums, and how to get every line.
            emit(found.summary, fmt, keys=ARREARS_SUMMARY_KEYS, title=by_contract, empty="nothing is in arrears")
            if not summary:
                print(t(TOO_MANY_ROWS, count=f"{found.count:,}"))
        else:  # few enough rows to show each (a table or a workbook), with the sums under them
            rows = [arrears_record(row) for row in arrears_stream(store.stream(), day)]
            emit(rows, fmt, keys=ARREARS_KEYS, title=t("Arrears as of {day}", day=day.isoformat()),
                 empty="nothing is in arrears")
            if rows:
                emit(found.summary, fmt, keys=ARREARS_SUMMARY_KEYS, title=t("By contract (not yet assessed: at gross, apart)"))
    say_remark(found.remark)


TOO_MANY_ROWS = "{count} installments are in arrears: --format csv or --format json gives every one, --summary this table alone"


HISTORY_KEYS = ("id", "at", "user", "action", "contract", "record", "before", "after", "account", "hash")


def history(
    ctx: typer.Context,
    code: Annotated[Optional[str], typer.Argument(help="Only the changes to this contract.")] = None,
    format: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Every change to the stored facts: who, when, what, and the values before and after."""
    fmt = check_format(format, output)
    with store_for(ctx, db) as store:
        rows = store.history(code)
    emit(rows, fmt, keys=HISTORY_KEYS, table_keys=("at", "user", "account", "action", "record", "after"),
         title=t("History of {code}", code=code) if code else t("History"), empty="no changes recorded")


def voucher(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The contract's code.")],
    seq: Annotated[str, typer.Argument(help="The installment.")],
    as_of: AsOfOption = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, json, csv, xlsx (with -o FILE.xlsx), or html "
                                        "(the printable 付款审批单; the default with -o FILE.html).")] = "table",
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="The file to write: request.html (the printable "
                                                  "payment request, A4) or an .xlsx; an existing one only with --force.")] = None,
    attachments: Annotated[Optional[str], typer.Option(help="附件张数 printed on the request (default: left blank to write by hand).")] = None,
    db: DbOption = None,
) -> None:
    """A payment request for one installment: the net in figures and in capital numerals (大写); with -o request.html
    the printable 付款审批单 on A4 (payee, bank and account from 'contracts vendor add', 未登记 where not recorded)."""
    from contracts.ledgers import REQUEST_KEYS, payment_request

    from .render import emit_record

    wanted = format.strip().lower()
    if wanted == "html" or (output and wanted == "table" and not output.lower().endswith((".xlsx", ".xlsm"))):
        _voucher_page(ctx, code, seq, as_of, output, attachments, db)
        return
    fmt, day = check_format(format, output), as_of_date(as_of)
    number = whole_number(seq, "seq", minimum=1)
    with store_for(ctx, db) as store:
        contract = store.contract(code)
    record, remarks = payment_request(contract, number, day)
    from .i18n import exact_amounts

    with exact_amounts() as overridden:  # a payment request asks for an exact sum: yuan to the fen, whatever --unit says
        if overridden:
            remarks.append("amounts in yuan to the fen: a payment request is exact (--unit applies to reports)")
        emit_record(record, fmt, keys=REQUEST_KEYS, title=t("Payment request: {code} installment {seq}", code=code, seq=number),
                    remarks=remarks)


def _voucher_page(ctx: typer.Context, code: str, seq: str, as_of: str | None, output: str | None,
                  attachments: str | None, db: str | None) -> None:
    """The printable payment request as one HTML file (its stylesheet inside: it is opened from disk), in the
    language of --lang; refused before any work if the file exists (without --force) or cannot be written."""
    from pathlib import Path

    from . import files
    from .i18n import language
    from .options import db_url

    if not output:
        raise ContractsError("output", None, "is required with --format html: -o request.html")
    day, number = as_of_date(as_of), whole_number(seq, "seq", minimum=1)
    count = None if attachments is None else whole_number(attachments, "attachments")
    target = Path(output)
    files.protect_store(db_url(ctx, db))
    files.check_target(target)
    from web.voucher import render_voucher, voucher_document

    with store_for(ctx, db) as store:
        document = voucher_document(store, code, number, as_of=day, attachments=count)
    files.write(target, render_voucher(document, language=language()))
    settled = "; 已付清, nothing requested" if document.settled else ""
    print(f"wrote payment request {document.number} ({document.requested:,.2f} requested{settled}) to {target}")
