"""What the ledgers answer, per contract and across a portfolio: the rows behind ``payable``, ``pay``,
``payments``, ``arrears`` and ``voucher``, for the command line and the web alike.

Pure functions over ``Contract`` values; each takes the day it answers for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, Sequence, Union

from .contract import Contract
from .errors import ContractsError
from .money import format_money, from_fen
from .numerals import capital
from . import fastpath
from .fastpath import on_fast_path
from .payables import ArrearsRow, ArrearsTally, Ledger, Payable, arrears, payable_record
from .periods import Period

if TYPE_CHECKING:
    from .budget import Budgets, FyRow, ShownYear
    from .bulk import TermsOnly

ZERO = Decimal("0.00")


def ledgers_as_of(contracts: Sequence[Contract], as_of: dt.date) -> list[Ledger]:
    """Each contract's ledger from the facts known on ``as_of``, in the same order."""
    return [contract.ledger(as_of) for contract in contracts]


def full_ledgers(contracts: Iterable[Contract], as_of: dt.date) -> dict[str, Ledger]:
    """The ledgers as of ``as_of`` of the contracts that need one (``fastpath.on_fast_path`` says which do not), by code."""
    return {contract.code: contract.ledger(as_of) for contract in contracts if not on_fast_path(contract)}


Ledgers = Union[Sequence[Ledger], Mapping[str, Ledger]]


def arrears_stream(contracts: Iterable[Contract], as_of: dt.date, tally: ArrearsTally | None = None,
                   ledgers: Ledgers | None = None) -> Iterator[ArrearsRow]:
    """What was due on or before ``as_of`` and is unpaid, installment by installment, contract by contract, as it
    is worked out (nothing is held): each row, and each contract's credit, also goes to ``tally`` if given.

    ``ledgers``: the contracts' ledgers as of that day if the caller has them, in the same order, or by code for
    those not on the fast path (``full_ledgers``).
    """
    by_code = ledgers if isinstance(ledgers, Mapping) else None
    given = iter(ledgers) if ledgers is not None and by_code is None else None
    from .arrears_fen import contract_arrears

    for contract in contracts:
        ledger = next(given) if given is not None else by_code.get(contract.code) if by_code is not None else None
        credit = None
        if ledger is None and on_fast_path(contract):
            rows: Iterable[ArrearsRow] = fastpath.arrears_rows(contract.terms, as_of)
        elif ledger is None:
            rows, credit = contract_arrears(contract, as_of)  # the ledger's rows, no payable made
        else:
            rows, credit = arrears((ledger,), as_of), ledger.credit
        if tally is None:
            yield from rows
            continue
        for row in rows:
            tally.add(row)
            yield row
        if credit is not None:
            tally.credit(contract.code, credit)


@dataclass(frozen=True)
class PortfolioArrears:
    rows: list  # ArrearsRow: each installment due by the day and not fully paid
    summary: list[dict]  # per contract by aging bucket, with a TOTAL row last
    remark: str = ""  # said under the arrears when payments stop being recorded long before the day (``recording_gap``)
    count: int = 0  # how many rows there are (kept or not)


# Quarterly payment is the slowest rhythm the portfolio knows (按季结算): a quarter and a day without a recorded payment
# while installments keep falling due more likely means payments went unrecorded than that none were made.
RECORDING_GAP_DAYS = 92


class LastPayment:
    """The last payment recorded by ``as_of`` across contracts as they stream past, and how many arrears rows fell
    due after it (due days counted, not rows kept: the memory stays flat)."""

    def __init__(self, as_of: dt.date) -> None:
        self.as_of, self.last, self.dues = as_of, None, {}

    def passing(self, contracts: Iterable[Contract]) -> Iterator[Contract]:
        for contract in contracts:
            for payment in contract.payments:
                if payment.paid_on <= self.as_of and (self.last is None or payment.paid_on > self.last):
                    self.last = payment.paid_on
            yield contract

    def due(self, day: dt.date) -> None:
        self.dues[day] = self.dues.get(day, 0) + 1

    def counting(self, rows: Iterable[ArrearsRow]) -> Iterator[ArrearsRow]:
        """The arrears rows, passed on as they come, each counted by its due day."""
        for row in rows:
            self.due(row.due)
            yield row

    def remark(self) -> str:
        return recording_gap(self.last, self.dues, self.as_of)


def recording_gap(last: dt.date | None, dues: Mapping[dt.date, int], as_of: dt.date) -> str:
    """A sentence when arrears run on long after the last recorded payment (the store may simply not have been kept
    up to date), else "". ``dues``: how many arrears rows fall due on each day."""
    if not dues:
        return ""
    if last is None:
        return (f"no payment is recorded on or before {as_of.isoformat()}: what is shown as owed is what fell due, "
                "not what is known to be unpaid")
    gap = (as_of - last).days
    since = sum(count for day, count in dues.items() if day > last)
    if gap <= RECORDING_GAP_DAYS or not since:
        return ""
    return (f"the last payment recorded is on {last.isoformat()}, {gap} days before {as_of.isoformat()}: the "
            f"{since} installment(s) due since are owed only if no payment since has gone unrecorded")


def year_recording_gap(last: dt.date | None, year: int, as_of: dt.date, dues: Mapping[dt.date, int]) -> str:
    """A sentence under a fiscal year's figures when installments kept falling due long after the last recorded
    payment (by the year's end, or ``as_of`` when the year is not over): its paid figures then hold only what was
    recorded, and its unpaid figures are owed only if nothing went unrecorded. ``dues``: how many installments fall
    due on each day of the year up to then (``DueCounter``). "" when payments were recorded up to then, or nothing
    fell due since the last one (a contract paid once a year is not a gap)."""
    end = min(dt.date(year, 12, 31), as_of)
    since = sum(count for day, count in dues.items() if (last is None or day > last) and day <= end)
    if end < dt.date(year, 1, 1) or not since:
        return ""
    if last is None:
        return (f"no payment is recorded on or before {end.isoformat()}: the paid figures of {year} hold only what was "
                "recorded, and what is unpaid is what fell due")
    gap = (end - last).days
    if gap <= RECORDING_GAP_DAYS:
        return ""
    return (f"the last payment recorded is on {last.isoformat()}, {gap} days before {end.isoformat()}: the paid figures "
            f"of {year} hold only what was recorded, and what is unpaid is owed only if no payment has gone unrecorded")


def year_gap_possible(last: dt.date | None, year: int, as_of: dt.date) -> bool:
    """Whether ``year_recording_gap`` could say anything: counting the year's dues (a second pass over the portfolio)
    is needed only then."""
    end = min(dt.date(year, 12, 31), as_of)
    return end >= dt.date(year, 1, 1) and (last is None or (end - last).days > RECORDING_GAP_DAYS)


class DueCounter:
    """How many installments fall due on each day of ``[first, last]`` across contracts (the fast engine's due dates
    of the terms in force), counted as the contracts stream past for another answer (``report fy``'s one pass)."""

    def __init__(self, first: dt.date, last: dt.date, needed: Callable[[], bool] = lambda: True) -> None:
        """``needed``: whether the counts can still be asked for; once it says no, it never says yes again (the last
        payment seen only moves later), and the contracts pass on uncounted."""
        self.first, self.last, self.dues, self.needed = first, last, {}, needed

    def passing(self, contracts: Iterable[Contract]) -> Iterator[Contract]:
        from .schedule import installments_fen

        first, last, dues, needed = self.first, self.last, self.dues, self.needed
        counting = True
        for contract in contracts:
            counting = counting and needed()
            if counting:
                for _, _, _, due, _ in installments_fen(contract.current_terms, due_from=first):
                    if first <= due <= last:
                        dues[due] = dues.get(due, 0) + 1
                    elif due > last:
                        break
            yield contract

    def with_terms_only(self, terms_only: "TermsOnly") -> dict[dt.date, int]:
        """The counts so far with those of ``terms_only``'s contracts added (by arrays, the few they leave whole)."""
        if not len(terms_only):
            return self.dues
        from . import bulk

        counts, uncovered = bulk.due_counts(terms_only.columns, self.first, self.last)
        for due, count in counts.items():
            self.dues[due] = self.dues.get(due, 0) + count
        left = [code for code, alone in zip(terms_only.codes, uncovered.tolist()) if alone]
        for _ in self.passing(terms_only.contracts_of(left) if left else ()):
            pass
        return self.dues


def fiscal_year_report(contracts: Iterable[Contract], budgets: "Budgets", year: int, today: dt.date,
                       terms_only: "TermsOnly | None" = None) -> tuple[list["FyRow"], str]:
    """``report fy YEAR``: the fiscal year's rows (``budget.fiscal_year_figures`` of the contracts, and of
    ``terms_only``'s by arrays), and the remark when payments stop being recorded long before its end (or ``today``):
    the year's due days counted as the contracts pass, in the one pass over them."""
    from .budget import fiscal_year_figures

    return _with_remark(lambda passing: fiscal_year_figures(passing, budgets, year, terms_only=terms_only),
                        contracts, year, today, terms_only)


def fiscal_year_shown(contracts: Iterable[Contract], budgets: "Budgets", year: int, today: dt.date, largest: int,
                      terms_only: "TermsOnly | None" = None) -> tuple["ShownYear", str]:
    """``report fy YEAR`` on a terminal: what ``fiscal_year_report`` gives, as ``budget.shown_rows`` shows it (every
    programme and the ``largest`` items), and how many items there are in all (``budget.fiscal_year_shown``)."""
    from .budget import fiscal_year_shown as shown

    return _with_remark(lambda passing: shown(passing, budgets, year, None, largest, terms_only=terms_only),
                        contracts, year, today, terms_only)


def _with_remark(report, contracts: Iterable[Contract], year: int, today: dt.date, terms_only: "TermsOnly | None"):
    """``report`` of the contracts as they pass, and the remark when payments stop being recorded long before the
    year's end (or ``today``): the year's due days counted as the contracts pass, in the one pass over them."""
    watch = LastPayment(min(dt.date(year, 12, 31), today))
    # the dues are counted only while the remark is still possible: a payment seen late in the year rules it out
    counter = DueCounter(dt.date(year, 1, 1), watch.as_of, lambda: year_gap_possible(watch.last, year, today))
    made = report(counter.passing(watch.passing(contracts)))
    if not year_gap_possible(watch.last, year, today):
        return made, ""
    dues = counter.with_terms_only(terms_only) if terms_only is not None else counter.dues
    return made, year_recording_gap(watch.last, year, today, dues)


def portfolio_arrears(contracts: Sequence[Contract], as_of: dt.date, ledgers: Ledgers | None = None,
                      *, keep_rows: bool = True, terms_only: "TermsOnly | None" = None) -> PortfolioArrears:
    """What was due on or before ``as_of`` and is unpaid, installment by installment and summed per contract.

    ``ledgers``: as ``arrears_stream`` takes them. ``keep_rows=False``: the summary only (``rows`` is empty), in
    memory that does not grow with the rows. ``terms_only`` (with ``keep_rows=False`` only): more contracts, with
    terms only and a fixed fee, as columns, summed by arrays (``tally_terms_only``).
    """
    tally = ArrearsTally()
    watch = LastPayment(as_of)
    kept: list = []
    if terms_only is None and not keep_rows and not (ledgers is not None and not isinstance(ledgers, Mapping)) \
            and isinstance(contracts, Sequence):
        terms_only, contracts = fastpath.split_if_many(contracts)  # the sums alone: those with terms only by arrays
    if terms_only is not None:
        if keep_rows:
            raise ValueError("the rows of contracts given as columns are not made one by one")
        contracts = tally_terms_only(terms_only, as_of, tally, watch, contracts)
    for row in arrears_stream(watch.passing(contracts), as_of, tally, ledgers):
        watch.due(row.due)
        if keep_rows:
            kept.append(row)
    return PortfolioArrears(kept, tally.summary(), watch.remark(), tally.rows)


def tally_terms_only(terms_only: "TermsOnly", as_of: dt.date, tally: ArrearsTally, watch: LastPayment,
                     contracts: Iterable[Contract]) -> Iterable[Contract]:
    """Adds the arrears of contracts with terms only (as columns) to ``tally`` and their due days to ``watch``, as
    their rows from ``fastpath.arrears_rows`` would (every installment due and not empty is owed whole, its basis
    "computed"); gives back ``contracts`` with the few the arrays leave to the engine added."""
    from . import bulk

    sums = bulk.arrears_sums(terms_only.columns, as_of, watch.dues)
    with_rows = sums.rows.nonzero()[0]
    codes = terms_only.codes
    tally.add_summed_many([codes[position] for position in with_rows.tolist()], sums.owed[with_rows].tolist(),
                          int(sums.rows.sum()), "computed")
    left = [code for code, uncovered in zip(terms_only.codes, sums.uncovered.tolist()) if uncovered]
    return chain(contracts, terms_only.contracts_of(left)) if left else contracts


def payable_rows(contracts: Sequence[Contract], as_of: dt.date, *, seq: int | None = None,
                 window: Period | None = None) -> list[dict]:
    """Per installment: gross, deductions, net, paid, owed and state as of a day; one ``seq`` (of a single
    contract) or those falling due in ``window`` (a quarter)."""
    items = [item for contract in contracts for item in contract.ledger(as_of).payables]
    if seq is not None:
        items = [item for item in items if item.seq == seq]
        if not items:
            raise ContractsError("seq", seq, f"is not in the schedule of {contracts[0].code if contracts else '?'}")
    if window is not None:
        items = [item for item in items if window.contains(item.due)]
    return [payable_record(item) for item in items]


def window_payable_rows(contracts: Sequence[Contract], as_of: dt.date, window: Period,
                        ledgers: Mapping[str, Ledger] | None = None, terms_only: "TermsOnly | None" = None,
                        *, apart: bool = False) -> list[dict]:
    """``payable_rows(contracts, as_of, window=window)``: every installment falling due in ``window``, contract by
    contract in the order given. ``ledgers``: those the caller has as of ``as_of``, by code (``full_ledgers``);
    a contract with terms only needs none (``fastpath.payables``). ``terms_only``: some of ``contracts`` as columns,
    their installments in the window found by arrays (a province's quarter: a quarter of its contracts are due); made
    here from a long list when not given. ``apart``: ``terms_only`` are more contracts, not among ``contracts``, their
    rows put in code order among the others' by ``terms_only.order`` (``Store.for_report``)."""
    ledgers = ledgers or {}
    if terms_only is None:
        terms_only, _ = fastpath.split_if_many(contracts)
    from_arrays, covered = _due_by_arrays(terms_only, window) if terms_only is not None and len(terms_only) else ({}, set())

    def rows_of(contract: Contract) -> list[dict]:
        code = contract.code
        ledger = ledgers.get(code)
        if ledger is not None:
            return [payable_record(item) for item in ledger.payables if window.contains(item.due)]
        if code in covered:
            return from_arrays.get(code, [])
        if on_fast_path(contract):
            return [payable_record(item) for item in fastpath.payables(contract.terms, window)]
        return [payable_record(item) for item in contract.ledger(as_of).payables if window.contains(item.due)]

    rows: list[dict] = []
    if not apart:
        for contract in contracts:
            rows += rows_of(contract)
        return rows
    if terms_only is None or terms_only.order is None:
        raise ValueError("contracts given apart come with their place among the others (TermsOnly.order)")
    codes = terms_only.codes
    left = {contract.code: contract for contract in terms_only.contracts_of([code for code in codes if code not in covered])} \
        if len(covered) < len(codes) else {}
    others = iter(contracts)
    for position in terms_only.order:
        if position < 0:
            rows += rows_of(next(others))
        elif codes[position] in covered:
            rows += from_arrays.get(codes[position], ())
        else:
            rows += rows_of(left[codes[position]])
    return rows


def _due_by_arrays(terms_only: "TermsOnly", window: Period) -> tuple[dict[str, list[dict]], set[str]]:
    """The payable rows of the installments falling due in ``window`` of contracts given as columns, by code, and
    the codes the arrays cover (the rest are left to the engine)."""
    from . import bulk

    items = bulk.installments_due(terms_only.columns, window.start, window.end)
    codes, epoch, day = terms_only.codes, bulk.EPOCH.toordinal(), dt.date.fromordinal
    rows: dict[str, list[dict]] = {}
    for owner, seq, start, end, due, fen in zip(items.owner.tolist(), items.seq.tolist(), items.start.tolist(),
                                                items.end.tolist(), items.due.tolist(), items.amount.tolist()):
        code = codes[owner]
        rows.setdefault(code, []).append(payable_record(fastpath.payable(
            code, seq, day(start + epoch), day(end + epoch), day(due + epoch), fen)))
    return rows, {code for code, alone in zip(codes, items.uncovered.tolist()) if not alone}


def payment_placement(ledger: Ledger, payment_id: int) -> tuple[list[tuple[int, Decimal]], Decimal]:
    """Where one payment went: (seq, amount) for each installment it settled (seq 0: the opening balance),
    and what it could not place (a credit to the vendor)."""
    placed = [(a.seq, a.amount) for a in ledger.allocation.allocations if a.payment == payment_id]
    return placed, from_fen(ledger.allocation.unplaced_fen.get(payment_id, 0))


PAYMENT_KEYS = ("id", "contract", "paid_on", "amount", "seq", "reference", "note", "reverses", "reversed_by",
                "allocated", "credit")


def payment_rows(contract: Contract, as_of: dt.date) -> list[dict]:
    """Every payment made by ``as_of``, reversals included, with the installments each settled."""
    ledger = contract.ledger(as_of)
    reversed_by = {p.reverses: p.id for p in contract.payments if p.reverses is not None}
    rows = []
    for p in sorted(contract.payments, key=lambda p: (p.paid_on, p.id)):
        if p.paid_on > as_of:
            continue
        placed, credit = payment_placement(ledger, p.id)
        rows.append({"id": p.id, "contract": contract.code, "paid_on": p.paid_on, "amount": p.amount, "seq": p.seq,
                     "reference": p.reference, "note": p.note, "reverses": p.reverses, "reversed_by": reversed_by.get(p.id),
                     "allocated": "; ".join(f"{'opening' if seq == 0 else seq}: {format_money(amount)}" for seq, amount in placed),
                     "credit": credit})
    return rows


REQUEST_KEYS = ("contract", "name", "vendor", "buyer", "seq", "period_start", "period_end", "due", "gross",
                "total_deduction", "net", "net_in_words", "paid", "owed", "owed_in_words", "state")


def requested_installment(ledger: Ledger, seq: int) -> Payable:
    """The installment a payment request is for, refused when it is not in the schedule, or when its amount is not
    known yet (awaiting assessment or usage): a request asks for an exact sum. The one check of both the request's
    record (``payment_request``) and its printable document (``contracts.voucher``)."""
    item = next((p for p in ledger.payables if p.seq == seq), None)
    if item is None or seq == 0:
        raise ContractsError("seq", seq, f"is not in the schedule of {ledger.terms.code}")
    if item.net is None:
        raise ContractsError("seq", seq, f"of {ledger.terms.code} is {item.state}: no amount can be requested yet")
    return item


def payment_request(contract: Contract, seq: int, as_of: dt.date) -> tuple[dict, list[str]]:
    """A payment request (付款审批单) for one installment: the record and, in words, each deduction.

    Refused for an installment not in the schedule, and for one whose amount is not known yet
    (awaiting assessment or usage): a request asks for an exact sum.
    """
    item = requested_installment(contract.ledger(as_of), seq)
    terms = contract.current_terms
    record = {"contract": contract.code, "name": terms.name, "vendor": terms.vendor, "buyer": terms.buyer, "seq": seq,
              "period_start": item.period_start, "period_end": item.period_end, "due": item.due, "gross": item.gross,
              "total_deduction": item.total_deduction, "net": item.net, "net_in_words": capital(item.net), "paid": item.paid,
              "owed": item.owed, "owed_in_words": capital(item.owed), "state": item.state}
    remarks = [f"deduction {d.rule}: {d.amount:,.2f} ({d.reason})" for d in item.deductions if d.amount]
    return record, remarks
