"""A contract's ledger is made from the schedule engine's installments as they come (``payables.ledger_of``) and
its payables without the frozen dataclass's ``__init__`` (``payables._payable``), for speed (issue #17): each
payable must be the one the ledger over ``Installment`` objects makes, field for field and digit for digit, and
the one ``Payable(...)`` makes of the same values."""

from __future__ import annotations

import dataclasses
import datetime as dt
from bisect import bisect_right
from decimal import Decimal
from typing import Iterable, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.assessments import Assessment
from contracts.deductions import AssessmentInputs, Rule, UnrecordedRule, apply_rules, rules_in_force
from contracts.money import from_fen, to_fen
from contracts.payables import (
    _AWAITING_BASIS,
    _BOUND_BASIS,
    AWAITING,
    AWAITING_USAGE,
    PAID,
    SETTLED_BEFORE,
    Ledger,
    Payable,
    _state,
    current_assessments,
    opening_basis,
)
from contracts.payments import OPENING_SEQ, Opening, OpenItem, Payment, allocate
from contracts.schedule import Installment, build_schedule, contract_years
from contracts.terms import ContractTerms
from contracts.usage import Usage, usage_in

from .strategies import contracts_with_facts


# -- the reference: ledger_over as it was before #17's ledger_of, verbatim ----------------------------------------

def old_ledger_over(
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
    unrecorded = {item.seq for item in schedule if terms.is_unit_priced and not usage_in(usage, item.period)}
    assessed = current_assessments(assessments, as_of)
    counted = [p for p in payments if as_of is None or p.paid_on <= as_of]
    settled_through = opening.settled_through_seq if opening else 0
    years = contract_years(terms)
    year_starts = [period.start for period, _ in years]
    year_withheld = [0] * len(years)
    # The rules in force change only on the days versions take effect: work them out once per change.
    changes = sorted({rule.effective_from for rule in rules})
    # per change: (the rules in force, whether any needs an assessment, whether any is unrecorded)
    in_force_by_change: dict[int, tuple[list[Rule], bool, bool]] = {}

    # First the deductions (in seq order, so yearly caps see earlier installments), then the payments.
    rows: list[tuple] = []
    for item in schedule:
        gross_fen = to_fen(item.amount)
        change = bisect_right(changes, item.period_start)
        known = in_force_by_change.get(change)
        if known is None:
            in_force = rules_in_force(rules, item.period_start)
            known = in_force_by_change[change] = (in_force, any(rule.needs_assessment for rule in in_force),
                                                  any(isinstance(rule, UnrecordedRule) for rule in in_force))
        in_force, needs, bound = known
        assessment = assessed.get(item.seq)
        if item.seq in unrecorded or (needs and assessment is None):
            rows.append((item, None, (), False, assessment, bound))
            continue
        year = bisect_right(year_starts, item.period_start) - 1
        result = apply_rules(
            in_force, gross_fen, assessment.inputs if assessment else AssessmentInputs(),
            year_fee_fen=years[year][1], year_withheld_fen=year_withheld[year],
        )
        year_withheld[year] += result.total_fen
        rows.append((item, gross_fen - result.total_fen, result.deductions, result.failed_pass_mark, assessment, bound))

    open_items = [OpenItem(item.seq, item.due, net) for item, net, *_ in rows if net is not None and item.seq > settled_through]
    if opening and opening.owed:
        open_items.append(OpenItem(OPENING_SEQ, opening.as_of, to_fen(opening.owed)))
    allocation = allocate(open_items, counted)

    code, zero = terms.code, Decimal("0.00")
    payables = []
    settled_basis = opening_basis(opening) if opening else ""
    if opening and opening.owed:
        paid = allocation.paid_fen.get(OPENING_SEQ, 0)
        owed = to_fen(opening.owed)
        payables.append(Payable(contract=code, seq=OPENING_SEQ, period_start=None, period_end=None, due=opening.as_of,
                                gross=opening.owed, total_deduction=zero, net=opening.owed, paid=from_fen(paid),
                                owed=from_fen(owed - paid), state=_state(owed, paid), settled_by=SETTLED_BEFORE,
                                basis=settled_basis))
    for item, net, deductions, failed, assessment, bound in rows:
        seq, start, end, due, gross = item.seq, item.period_start, item.period_end, item.due, item.amount
        if seq <= settled_through:
            net_value = gross if net is None else from_fen(net)
            payables.append(Payable(contract=code, seq=seq, period_start=start, period_end=end, due=due, gross=gross,
                                    deductions=deductions, total_deduction=None if net is None else from_fen(to_fen(gross) - net),
                                    net=net_value, paid=net_value, owed=zero, state=PAID, settled_by=SETTLED_BEFORE,
                                    assessment=assessment, failed_pass_mark=failed, basis=settled_basis))
        elif net is None:
            state = AWAITING_USAGE if seq in unrecorded else AWAITING
            payables.append(Payable(contract=code, seq=seq, period_start=start, period_end=end, due=due, gross=gross,
                                    total_deduction=None, net=None, paid=zero, owed=None, state=state,
                                    basis=_AWAITING_BASIS[state]))
        else:
            paid = allocation.paid_fen.get(seq, 0)
            payables.append(Payable(contract=code, seq=seq, period_start=start, period_end=end, due=due, gross=gross,
                                    deductions=deductions, total_deduction=from_fen(to_fen(gross) - net), net=from_fen(net),
                                    paid=from_fen(paid), owed=from_fen(net - paid), state=_state(net, paid),
                                    settled_by="payments" if paid else "", assessment=assessment, failed_pass_mark=failed,
                                    basis=_BOUND_BASIS if bound else "computed"))
    return Ledger(terms, tuple(payables), allocation)



def fields(payable: Payable) -> list[tuple[str, str]]:
    """Every field by name, as text: ``Decimal('1.0')`` and ``Decimal('1.00')`` are equal but print differently."""
    return [(field.name, repr(getattr(payable, field.name))) for field in dataclasses.fields(payable)]


@settings(max_examples=400, deadline=None)
@given(contract=contracts_with_facts(), as_of_days=st.one_of(st.none(), st.integers(-200, 3000)))
def test_a_ledger_is_the_ledger_over_the_installments(contract, as_of_days):
    as_of = None if as_of_days is None else contract.terms.billing_start + dt.timedelta(days=as_of_days)
    made = contract.ledger(as_of)
    over = old_ledger_over(contract.current_terms, build_schedule(contract.terms), rules=contract.rules,
                       assessments=contract.assessments, payments=contract.payments, opening=contract.opening,
                       as_of=as_of)
    assert [fields(item) for item in made.payables] == [fields(item) for item in over.payables]
    assert made.allocation == over.allocation
    for item in made.payables:
        built = Payable(**{field.name: getattr(item, field.name) for field in dataclasses.fields(Payable)})
        assert item == built and item.__dict__ == built.__dict__ and hash(item) == hash(built)
        with_pytest_raises_frozen(item)


def with_pytest_raises_frozen(item: Payable) -> None:
    try:
        item.seq = 99  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        return
    raise AssertionError("a payable must stay frozen")

