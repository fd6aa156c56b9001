"""The rules the engine and the ledger rest on, each held where it is easiest to get wrong:
month ends across the century Februaries, half-fen ties, an installment due on the as-of day, FIFO order."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.deductions import AssessmentInputs, apply_rules, make_rule
from contracts.money import fen_times_share, split_fen
from contracts.payables import NOT_ASSESSED, arrears, build_ledger
from contracts.payments import OpenItem, Payment, allocate
from contracts.periods import add_months, days_in_month
from contracts.schedule import installments_fen
from contracts.terms import Alignment, ContractTerms, Frequency

D = dt.date
# 1900 and 2100 are not leap years, 2000 is: the Gregorian rule's two exceptions.
CENTURY_STARTS = [D(year, month, day) for year in (1899, 1999, 2099) for month in (11, 12)
                  for day in (29, 30, 31) if day <= days_in_month(year, month)]
CENTURY_STARTS += [D(year, 1, day) for year in (1900, 2000, 2100) for day in (29, 30, 31)]


def engine_terms(start: dt.date, months: int, frequency: Frequency, fee: str = "1200.00") -> ContractTerms:
    """Terms built directly: the engine must be right before 1949 and after 2199 too, where ``make_terms`` refuses."""
    return ContractTerms(code="C", name="c", billing_start=start, billing_months=months, annual_fee=Decimal(fee),
                         service_months=months, frequency=frequency, alignment=Alignment.anniversary)


def test_days_in_month_knows_the_century_rule():
    assert [days_in_month(year, 2) for year in (1900, 2000, 2100, 2024, 2023)] == [28, 29, 28, 29, 28]


def test_month_ends_from_1900_to_2100_agree_with_relativedelta():
    for start in CENTURY_STARTS:
        for months in range(0, 16):
            assert add_months(start, months) == start + relativedelta(months=months), (start, months)
        for frequency in (Frequency.monthly, Frequency.quarterly):
            ends = [item.end for item in installments_fen(engine_terms(start, 24, frequency))]
            step = frequency.months
            assert ends == [start + relativedelta(months=step * k) for k in range(1, len(ends) + 1)], (start, frequency)


def test_2000_was_a_leap_year_and_1900_and_2100_were_not():
    # Monthly from 30 November: the period that runs into February ends on its last day, 29 in 2000 only.
    assert [item.end for item in installments_fen(engine_terms(D(1999, 11, 30), 4, Frequency.monthly))][2] == D(2000, 2, 29)
    assert [item.end for item in installments_fen(engine_terms(D(1899, 11, 30), 4, Frequency.monthly))][2] == D(1900, 2, 28)
    assert [item.end for item in installments_fen(engine_terms(D(2099, 11, 30), 4, Frequency.monthly))][2] == D(2100, 2, 28)
    assert add_months(D(2000, 1, 31), 1) == D(2000, 2, 29) and add_months(D(2100, 1, 31), 1) == D(2100, 2, 28)


def test_an_installment_due_on_the_as_of_day_is_in_arrears():
    # Quarterly from 2024-01-01: seq 1 falls due on 2024-04-01. On that very day it is owed, 0 days overdue.
    terms = engine_terms(D(2024, 1, 1), 12, Frequency.quarterly, "4000.00")
    rows = arrears([build_ledger(terms, as_of=D(2024, 4, 1))], D(2024, 4, 1))
    assert [(row.seq, row.owed, row.days_overdue, row.bucket) for row in rows] == [(1, Decimal("1000.00"), 0, "0-30")]
    assert arrears([build_ledger(terms, as_of=D(2024, 3, 31))], D(2024, 3, 31)) == []  # the day before: not yet due
    assert NOT_ASSESSED not in {row.bucket for row in rows}


def test_half_fen_ties_round_up_never_to_even():
    # 5 fen in two equal parts is 2.5 fen each: half up gives 3 and 2 (half even would give 2 and 3).
    assert split_fen(5, [(1, 1), (1, 1)]) == [3, 2]
    # 1 fen in two: 0.5 -> 1, and the rest 0.
    assert split_fen(1, [(1, 1), (1, 1)]) == [1, 0]
    # By weights 1:3 of 2 fen: 0.5 fen -> 1, the rest 1.
    assert split_fen(2, [(1, 4), (3, 4)]) == [1, 1]
    # 2.5 fen withheld as half of 5 fen; 12.5 fen as 1/8 of 100 fen: both up.
    assert fen_times_share(5, Fraction(1, 2)) == 3 and fen_times_share(100, Fraction(1, 8)) == 13
    # A deduction of 1% of 1,250.50 yuan = 12.505 yuan: withheld 12.51, never 12.50.
    rule = make_rule({"name": "card", "kind": "scorecard", "effective_from": "2024-01-01",
                      "bands": [{"below": "90", "share": "1%"}]}, "C")
    result = apply_rules([rule], 125050, AssessmentInputs(score=Decimal("80")), year_fee_fen=500200, year_withheld_fen=0)
    assert result.deductions[0].amount == Decimal("12.51")
    # A year of 1,000.01 yuan in 4 quarters: 250.0025 -> 250.00 x 3 and the remainder 250.01.
    amounts = [item.fen for item in installments_fen(engine_terms(D(2024, 1, 1), 12, Frequency.quarterly, "1000.01"))]
    assert amounts == [25000, 25000, 25000, 25001]
    # And 2.5 fen a quarter rounds up: 10 fen a year quarterly is 3, 3, 3 and the remainder 1.
    amounts = [item.fen for item in installments_fen(engine_terms(D(2024, 1, 1), 12, Frequency.quarterly, "0.10"))]
    assert amounts == [3, 3, 3, 1]


@st.composite
def open_items_and_payments(draw):
    items = [OpenItem(seq, D(2024, 1, 1) + dt.timedelta(days=draw(st.integers(0, 700))), draw(st.integers(1, 10**6)))
             for seq in range(1, draw(st.integers(1, 10)) + 1)]
    payments = [Payment(pid, "X", D(2024, 1, 1) + dt.timedelta(days=draw(st.integers(0, 800))),
                        Decimal(draw(st.integers(1, 2 * 10**6))) / 100, allow_credit=True)
                for pid in range(1, draw(st.integers(1, 8)) + 1)]
    return items, payments


@settings(max_examples=300, deadline=None)
@given(open_items_and_payments())
def test_fifo_never_leaves_an_older_installment_owing_while_a_newer_one_got_money_from_the_same_payment(case):
    items, payments = case
    result = allocate(items, payments)
    order = sorted(items, key=lambda item: (item.due, item.seq))
    position = {item.seq: index for index, item in enumerate(order)}
    paid = dict(result.paid_fen)
    by_payment: dict[int, list[int]] = {}
    for allocation in result.allocations:
        by_payment.setdefault(allocation.payment, []).append(allocation.seq)
    for payment in payments:
        reached = by_payment.get(payment.id, [])
        if not reached:
            continue
        newest = max(position[seq] for seq in reached)
        for item in order[:newest]:
            if item.due <= payment.paid_on:
                # Every open installment older than the newest one this payment reached was paid in full.
                assert paid.get(item.seq, 0) == item.net_fen, (item, payment)
