"""What is payable per installment, and what is in arrears: pure functions over the facts.

For each installment: gross (from the schedule), the deductions the rules in
force withhold given its assessment, net, what payments placed on it, what is
still owed, and a state: ``awaiting assessment`` (rules need one and none is
recorded), ``payable``, ``partly paid`` or ``paid``.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Iterable, NamedTuple, Sequence

from .assessments import Assessment
from .basis import Basis, combined, described
from .deductions import AssessmentInputs, Deduction, Rule, RulesByDay, apply_rules
from .money import from_fen, to_fen
from .payments import OPENING_SEQ, AllocationResult, Opening, OpenItem, Payment, allocate
from .periods import Period
from .schedule import Installment, contract_years
from .terms import ContractTerms
from .usage import Usage, usage_in

if TYPE_CHECKING:
    from .amendments import Amendment


class PayableState(StrEnum):
    """Where an installment stands. The values are the words every output prints."""

    AWAITING = "awaiting assessment"
    AWAITING_USAGE = "awaiting usage"  # a unit-priced period whose quantity is not recorded yet
    PAYABLE = "payable"
    PARTLY_PAID = "partly paid"
    PAID = "paid"


AWAITING = PayableState.AWAITING
AWAITING_USAGE = PayableState.AWAITING_USAGE
PAYABLE = PayableState.PAYABLE
PARTLY_PAID = PayableState.PARTLY_PAID
PAID = PayableState.PAID
SETTLED_BEFORE = "opening balance"  # ``settled_by`` of what an opening balance settled


@dataclass(frozen=True, kw_only=True)
class Payable:
    contract: str
    seq: int  # 0 is the opening balance
    period_start: dt.date | None
    period_end: dt.date | None
    due: dt.date
    gross: Decimal
    deductions: tuple[Deduction, ...] = ()
    total_deduction: Decimal | None
    net: Decimal | None  # None while awaiting assessment
    paid: Decimal
    owed: Decimal | None
    state: PayableState
    settled_by: str = ""  # SETTLED_BEFORE for installments settled before tracking
    assessment: Assessment | None = None
    failed_pass_mark: bool = False
    basis: str = "computed"  # what net, paid and owed rest on (``contracts.basis``: computed, upper bound, assumed, unknown)


UPPER_BOUND_NOTE = "deducted per assessment, the rules not recorded"
_BOUND_BASIS = described(Basis.UPPER_BOUND, [UPPER_BOUND_NOTE])  # the same text for every such payable: made once
_AWAITING_BASIS = {state: described(Basis.UNKNOWN, [state.value]) for state in (PayableState.AWAITING,
                                                                                 PayableState.AWAITING_USAGE)}


def opening_basis(opening: Opening) -> str:
    """What settled-before installments (and an amount owed then) rest on: the opening balance, as the source gives it."""
    how = opening.basis or "as recorded"
    kind = Basis.STATED if opening.basis == "stated" else Basis.ASSUMED
    return described(kind, [f"settled before tracking (opening balance, {how})"])


@dataclass(frozen=True)
class Ledger:
    terms: ContractTerms
    payables: tuple[Payable, ...]
    allocation: AllocationResult

    @property
    def credit(self) -> Decimal:
        return self.allocation.credit

    def payable(self, seq: int) -> Payable:
        return next(item for item in self.payables if item.seq == seq)


def current_assessments(assessments: Iterable[Assessment], as_of: dt.date | None = None) -> dict[int, Assessment]:
    """The latest version of each installment's assessment known on ``as_of`` (all if None)."""
    latest: dict[int, Assessment] = {}
    for item in assessments:
        if as_of is not None and item.assessed_on > as_of:
            continue
        if item.seq not in latest or item.version > latest[item.seq].version:
            latest[item.seq] = item
    return latest


def _state(net_fen: int, paid_fen: int) -> PayableState:
    if paid_fen >= net_fen:
        return PAID
    return PARTLY_PAID if paid_fen else PAYABLE


def build_ledger(
    terms: ContractTerms,
    rules: Sequence[Rule] = (),
    assessments: Iterable[Assessment] = (),
    payments: Iterable[Payment] = (),
    opening: Opening | None = None,
    as_of: dt.date | None = None,
    usage: Sequence[Usage] = (),
    amendments: Sequence["Amendment"] = (),
) -> Ledger:
    """The ledger of a contract given by its parts: ``Contract(...).ledger(as_of)``, for callers that hold the parts."""
    from .contract import Contract

    return Contract(terms, tuple(rules), tuple(assessments), tuple(payments), opening, tuple(usage),
                    tuple(amendments)).ledger(as_of)


def ledger_over(
    terms: ContractTerms,
    schedule: Sequence[Installment],
    *,
    rules: Sequence[Rule] = (),
    assessments: Iterable[Assessment] = (),
    payments: Iterable[Payment] = (),
    opening: Opening | None = None,
    usage: Sequence[Usage] = (),
    as_of: dt.date | None = None,
) -> Ledger:
    """Every installment's payable over ``schedule``, from the facts known on ``as_of`` (None: all recorded).

    ``terms`` are the terms in force (after amendments): their contract years bound the yearly caps.
    ``Contract.ledger`` is the way in; it works out the schedule first.
    """
    items = [(item.seq, item.period_start, item.period_end, item.due, to_fen(item.amount)) for item in schedule]
    return ledger_of(terms, items, [item.amount for item in schedule], rules=rules, assessments=assessments,
                     payments=payments, opening=opening, usage=usage, as_of=as_of)


_new = object.__new__


def _payable(**fields) -> Payable:
    """``Payable(**fields)``, every field given, without the frozen dataclass's ``__init__`` (a setattr per field: a
    fifth of a province's ledgers). ``tests/test_ledger_rows.py`` holds each payable a ledger makes equal, field for
    field, to the one ``Payable(...)`` makes of the same values."""
    payable = _new(Payable)
    payable.__dict__.update(fields)
    return payable


# An installment awaiting its assessment (most of a contract's, beyond its last one): every field but six is the same,
# so its payable is this copied and six set, in the fields' order (``_payable`` would take four times as long).
_AWAITING_FIELDS = {name: None for name in Payable.__dataclass_fields__} | {
    "deductions": (), "paid": Decimal("0.00"), "state": AWAITING, "settled_by": "", "failed_pass_mark": False,
    "basis": _AWAITING_BASIS[AWAITING]}


class LedgerRows(NamedTuple):
    """What a ledger is made of, before its payables: each installment as (item, net fen or None when awaiting its
    assessment or its usage, deductions, failed pass mark, assessment, bound by unrecorded deductions), in seq order,
    the seqs awaiting usage, the last seq settled before tracking, and the payments' allocation."""

    rows: list[tuple]
    unrecorded: set[int]
    settled_through: int
    allocation: AllocationResult


def ledger_rows(
    terms: ContractTerms,
    items: Sequence[tuple[int, dt.date, dt.date, dt.date, int]],
    *,
    rules: Sequence[Rule] = (),
    assessments: Iterable[Assessment] = (),
    payments: Iterable[Payment] = (),
    opening: Opening | None = None,
    usage: Sequence[Usage] = (),
    as_of: dt.date | None = None,
) -> LedgerRows:
    """``ledger_of``'s work but the payables: the deductions of each installment and where the payments go, in fen."""
    unit_priced = terms.is_unit_priced
    unrecorded = {seq for seq, start, end, _, _ in items if unit_priced and not usage_in(usage, Period(start, end))}
    assessed = current_assessments(assessments, as_of)
    counted = [p for p in payments if as_of is None or p.paid_on <= as_of]
    settled_through = opening.settled_through_seq if opening else 0
    years: list[tuple[Period, int]] = []  # the contract years and their fees, made when a rule first needs them
    year_starts: list[dt.date] = []
    year_withheld: list[int] = []
    rules_on = RulesByDay(rules).on

    # First the deductions (in seq order, so yearly caps see earlier installments), then the payments.
    rows: list[tuple] = []
    for item in items:
        seq, start, _, _, gross_fen = item
        in_force, needs, bound = rules_on(start)
        assessment = assessed.get(seq)
        if seq in unrecorded or (needs and assessment is None):
            rows.append((item, None, (), False, assessment, bound))
            continue
        if not in_force:  # nothing to withhold (apply_rules of no rules)
            rows.append((item, gross_fen, (), False, assessment, bound))
            continue
        if not years:
            years = contract_years(terms)
            year_starts = [period.start for period, _ in years]
            year_withheld = [0] * len(years)
        year = bisect_right(year_starts, start) - 1
        result = apply_rules(
            in_force, gross_fen, assessment.inputs if assessment else AssessmentInputs(),
            year_fee_fen=years[year][1], year_withheld_fen=year_withheld[year],
        )
        year_withheld[year] += result.total_fen
        rows.append((item, gross_fen - result.total_fen, result.deductions, result.failed_pass_mark, assessment, bound))

    if counted:
        open_items = [OpenItem(item[0], item[3], net) for item, net, *_ in rows if net is not None and item[0] > settled_through]
        if opening and opening.owed:
            open_items.append(OpenItem(OPENING_SEQ, opening.as_of, to_fen(opening.owed)))
        allocation = allocate(open_items, counted)
    else:
        allocation = AllocationResult()  # what allocate() gives when no payment counts
    return LedgerRows(rows, unrecorded, settled_through, allocation)


def ledger_of(
    terms: ContractTerms,
    items: Sequence[tuple[int, dt.date, dt.date, dt.date, int]],
    amounts: Sequence[Decimal] | None = None,
    *,
    rules: Sequence[Rule] = (),
    assessments: Iterable[Assessment] = (),
    payments: Iterable[Payment] = (),
    opening: Opening | None = None,
    usage: Sequence[Usage] = (),
    as_of: dt.date | None = None,
) -> Ledger:
    """``ledger_over`` of installments given as (seq, start, end, due, fen), as the schedule engine makes them
    (``schedule.installments_fen``), with each one's gross as a Decimal in ``amounts`` (None: made from the fen)."""
    rows, unrecorded, settled_through, allocation = ledger_rows(
        terms, items, rules=rules, assessments=assessments, payments=payments, opening=opening, usage=usage, as_of=as_of)

    code, zero = terms.code, Decimal("0.00")
    payables = []
    settled_basis = opening_basis(opening) if opening else ""
    if opening and opening.owed:
        paid = allocation.paid_fen.get(OPENING_SEQ, 0)
        owed = to_fen(opening.owed)
        payables.append(_payable(contract=code, seq=OPENING_SEQ, period_start=None, period_end=None, due=opening.as_of,
                                 gross=opening.owed, deductions=(), total_deduction=zero, net=opening.owed,
                                 paid=from_fen(paid), owed=from_fen(owed - paid), state=_state(owed, paid),
                                 settled_by=SETTLED_BEFORE, assessment=None, failed_pass_mark=False, basis=settled_basis))
    paid_fen = allocation.paid_fen
    grosses: dict[int, Decimal] = {}  # most of a contract's installments are the same amount: one Decimal each
    for index, (item, net, deductions, failed, assessment, bound) in enumerate(rows):
        seq, start, end, due, gross_fen = item
        if amounts is None:
            gross = grosses.get(gross_fen)
            if gross is None:
                gross = grosses[gross_fen] = from_fen(gross_fen)
        else:
            gross = amounts[index]
        if seq <= settled_through:
            net_value = gross if net is None else from_fen(net)
            payables.append(_payable(contract=code, seq=seq, period_start=start, period_end=end, due=due, gross=gross,
                                     deductions=deductions,
                                     total_deduction=None if net is None else from_fen(gross_fen - net),
                                     net=net_value, paid=net_value, owed=zero, state=PAID, settled_by=SETTLED_BEFORE,
                                     assessment=assessment, failed_pass_mark=failed, basis=settled_basis))
        elif net is None:
            payable = _new(Payable)
            fields = payable.__dict__
            fields.update(_AWAITING_FIELDS)
            fields["contract"], fields["seq"], fields["period_start"], fields["period_end"] = code, seq, start, end
            fields["due"], fields["gross"] = due, gross
            if seq in unrecorded:
                fields["state"], fields["basis"] = AWAITING_USAGE, _AWAITING_BASIS[AWAITING_USAGE]
            payables.append(payable)
        else:
            paid = paid_fen.get(seq, 0)
            payables.append(_payable(contract=code, seq=seq, period_start=start, period_end=end, due=due, gross=gross,
                                     deductions=deductions, total_deduction=from_fen(gross_fen - net), net=from_fen(net),
                                     paid=from_fen(paid), owed=from_fen(net - paid), state=_state(net, paid),
                                     settled_by="payments" if paid else "", assessment=assessment,
                                     failed_pass_mark=failed, basis=_BOUND_BASIS if bound else "computed"))
    return Ledger(terms, tuple(payables), allocation)


# -- arrears ----------------------------------------------------------------------------------------

BUCKETS = ((30, "0-30"), (90, "31-90"), (180, "91-180"), (365, "181-365"))
OVER = "over 365"
BUCKET_NAMES = tuple(name for _, name in BUCKETS) + (OVER,)
NOT_ASSESSED = "not yet assessed"


AT_GROSS = described(Basis.UPPER_BOUND, ["not yet assessed: at gross"])


def bucket(days_overdue: int) -> str:
    return next((name for limit, name in BUCKETS if days_overdue <= limit), OVER)


class ArrearsRow(NamedTuple):
    """One installment in arrears (a tuple: a province's arrears list has millions)."""

    contract: str
    seq: int
    due: dt.date
    net: Decimal | None
    paid: Decimal
    owed: Decimal  # net owed; gross for installments not yet assessed
    days_overdue: int
    bucket: str  # an aging bucket, or "not yet assessed"
    state: str
    basis: str = "computed"  # an upper bound where deductions are made but not recorded, or the row awaits assessment


def arrears(ledgers: Iterable[Ledger], as_of: dt.date) -> list[ArrearsRow]:
    """Installments due on or before ``as_of`` and not fully paid (ledgers built as of that day).

    Those still awaiting assessment are listed apart, at gross, in the bucket "not yet assessed".
    """
    rows = []
    for ledger in ledgers:
        for item in ledger.payables:
            if item.due > as_of or item.state == AWAITING_USAGE:
                continue  # not due yet, or nothing known to be owed until the quantity is recorded
            days = (as_of - item.due).days
            if item.net is None:
                rows.append(ArrearsRow(item.contract, item.seq, item.due, None, item.paid, item.gross, days, NOT_ASSESSED, item.state,
                                       AT_GROSS))
            elif item.owed and item.owed > 0:
                rows.append(ArrearsRow(item.contract, item.seq, item.due, item.net, item.paid, item.owed, days, bucket(days), item.state,
                                       item.basis))
    return rows


# -- report rows ------------------------------------------------------------------------------------

PAYABLE_KEYS = ("contract", "seq", "period_start", "period_end", "due", "gross", "deductions", "total_deduction", "net",
                "paid", "owed", "state", "settled_by", "assessed_on", "failed_pass_mark", "basis")
DEDUCTION_KEYS = ("rule", "kind", "inputs", "computed", "amount", "cap_applied", "reason")
ARREARS_KEYS = ("contract", "seq", "due", "net", "paid", "owed", "days_overdue", "bucket", "state", "basis")
ARREARS_SUMMARY_KEYS = ("contract",) + BUCKET_NAMES + ("total", "not_yet_assessed", "credit", "basis")
SUMMED = BUCKET_NAMES + ("total", "not_yet_assessed", "credit")


def payable_record(item: Payable) -> dict:
    return {
        "contract": item.contract, "seq": item.seq, "period_start": item.period_start, "period_end": item.period_end,
        "due": item.due, "gross": None if item.state == AWAITING_USAGE else item.gross,  # unknown till used, not 0.00
        "deductions": [{key: getattr(deduction, key) for key in DEDUCTION_KEYS} for deduction in item.deductions],
        "total_deduction": item.total_deduction, "net": item.net, "paid": item.paid, "owed": item.owed,
        "state": item.state, "settled_by": item.settled_by,
        "assessed_on": item.assessment.assessed_on if item.assessment else None,
        "failed_pass_mark": item.failed_pass_mark, "basis": item.basis,
    }


def arrears_record(row: ArrearsRow) -> dict:
    return {key: getattr(row, key) for key in ARREARS_KEYS}


def arrears_summary(rows: Iterable[ArrearsRow], credits: dict[str, Decimal]) -> list[dict]:
    """Per contract: owed by aging bucket, the total, what awaits assessment (at gross), any credit, and what the
    total rests on (an upper bound where deductions are made but not recorded).

    The last row, contract "TOTAL", adds up the others.
    """
    tally = ArrearsTally()
    for row in rows:
        tally.add(row)
    for code, credit in credits.items():
        tally.credit(code, credit)
    return tally.summary()


class ArrearsTally:
    """``arrears_summary`` kept as the rows go by, so that a province's arrears are summed without holding its
    rows: per contract, a running sum per column and the distinct bases (a basis combines the same whatever
    its repeats: ``basis.combined``)."""

    _COLUMNS = {name: index for index, name in enumerate(SUMMED)}

    def __init__(self) -> None:
        self._sums: dict[str, list[Decimal]] = {}
        self._bases: dict[object, dict[str, None]] = {}  # by code, and by block (where its basis comes in the order)
        self._blocks: list[tuple[Sequence[str], Sequence[Sequence[int]], str]] = []
        self._block_codes: set[str] = set()
        self.rows = 0

    def _of(self, code: str) -> list[Decimal]:
        sums = self._sums.get(code)
        if sums is None:
            if code in self._block_codes:
                raise ValueError(f"{code} is tallied in a block already")
            zero = Decimal("0.00")
            sums = self._sums[code] = [zero] * len(SUMMED)
        return sums

    def add(self, row: ArrearsRow) -> None:
        self.rows += 1
        sums = self._of(row.contract)
        if row.bucket == NOT_ASSESSED:
            sums[-2] += row.owed
        else:
            sums[self._COLUMNS[row.bucket]] += row.owed
            sums[-3] += row.owed
            bases = self._bases.get(row.contract)
            if bases is None:
                bases = self._bases[row.contract] = {}
            bases[row.basis] = None

    def add_summed(self, code: str, owed_fen: Sequence[int], rows: int, basis: str) -> None:
        """What ``rows`` rows of one contract would add, already summed (fen per aging bucket, all assessed)."""
        self.rows += rows
        sums = self._of(code)
        for index, fen in enumerate(owed_fen):
            if fen:
                sums[index] += from_fen(fen)
        sums[-3] += from_fen(sum(owed_fen))
        self._bases.setdefault(code, {})[basis] = None

    def add_summed_many(self, codes: Sequence[str], owed_fen: Sequence[Sequence[int]], rows: int, basis: str) -> None:
        """``add_summed`` of many contracts at once (a province's contracts with terms only), each with rows, all on
        ``basis``: kept as the integers they are until ``summary`` makes their rows (``rows``: how many in all)."""
        if not codes:
            return
        if any(code in self._sums or code in self._block_codes for code in codes):
            raise ValueError("a contract is tallied in a block or row by row, once")
        self.rows += rows
        self._blocks.append((codes, owed_fen, basis))
        self._block_codes.update(codes)
        self._bases[_Block(len(self._blocks))] = {basis: None}

    def credit(self, code: str, credit: Decimal) -> None:
        if credit:
            self._of(code)[-1] = credit

    def summary(self) -> list[dict]:
        zero = Decimal("0.00")
        blocks = self._blocks
        summaries, totals = [], [zero] * len(SUMMED)
        combined_of: dict[tuple[str, ...], str] = {}  # most contracts share their few bases ("computed" alone)
        for code in sorted(self._sums):
            sums = self._sums[code]
            bases = tuple(self._bases.get(code, ()))
            basis = combined_of.get(bases)
            if basis is None:
                basis = combined_of[bases] = combined(bases)
            summaries.append({"contract": code, **dict(zip(SUMMED, sums)), "basis": basis})
            totals = [a + b for a, b in zip(totals, sums)]
        if blocks:
            # The rows add_summed would have made (a bucket's zero stays 0.00; 0.00 + x is x, digit for digit), and
            # their sums added to the totals once, in fen: exact, so the same Decimal.
            column_fen = [0] * len(BUCKET_NAMES)
            for codes, owed_fen, basis in blocks:
                basis = combined_of.get((basis,)) or combined_of.setdefault((basis,), combined((basis,)))
                for code, fen in zip(codes, owed_fen):
                    values = [from_fen(part) if part else zero for part in fen]
                    summaries.append({"contract": code, **dict(zip(BUCKET_NAMES, values)), "total": from_fen(sum(fen)),
                                      "not_yet_assessed": zero, "credit": zero, "basis": basis})
                    column_fen = [a + b for a, b in zip(column_fen, fen)]
            totals = [a + from_fen(b) for a, b in zip(totals, column_fen + [sum(column_fen), 0, 0])]
            summaries.sort(key=_contract_of)  # two runs in code order: merged, not sorted afresh
        every_basis = {basis: None for bases in self._bases.values() for basis in bases}  # in the order rows came
        total = {"contract": "TOTAL", **dict(zip(SUMMED, totals)), "basis": combined(every_basis)}
        return summaries + [total]


class _Block(int):
    """The key of a block of contracts in ``ArrearsTally._bases``: no code, so that its basis takes its place in the
    order the rows came."""


def _contract_of(row: dict) -> str:
    return row["contract"]
