"""Allocation of payments, opening balances and arrears: worked cases and properties."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.errors import ContractsError
from contracts.payables import AWAITING, NOT_ASSESSED, PAID, PARTLY_PAID, PAYABLE, arrears, arrears_summary, bucket, build_ledger
from contracts.payments import Opening, OpenItem, Payment, allocate, effective, make_opening, make_payment, make_reversal
from contracts.portfolio_file import parse_portfolio

from .conftest import ROOT

D = dt.date


def pay(pid, day, amount, seq=None, reverses=None, credit=False):
    return Payment(pid, "X", day, Decimal(amount), seq, reverses=reverses, allow_credit=credit)


def test_fifo_pays_the_oldest_due_first_and_never_above_net():
    items = [OpenItem(1, D(2024, 1, 1), 10000), OpenItem(2, D(2024, 4, 1), 10000), OpenItem(3, D(2024, 7, 1), 10000)]
    result = allocate(items, [pay(1, D(2024, 5, 1), "150.00")])
    assert result.paid_fen == {1: 10000, 2: 5000}
    # Only installments due by the payment's date are candidates; the rest is unplaced (a credit if allowed).
    result = allocate(items, [pay(1, D(2024, 5, 1), "250.00", credit=True)])
    assert result.paid_fen == {1: 10000, 2: 10000} and result.credit == Decimal("50.00")


def test_a_payment_with_seq_goes_to_that_installment():
    items = [OpenItem(1, D(2024, 1, 1), 10000), OpenItem(2, D(2024, 4, 1), 10000)]
    assert allocate(items, [pay(1, D(2024, 1, 5), "100.00", seq=2)]).paid_fen == {2: 10000}


def test_a_reversal_cancels_its_payment():
    payments = [pay(1, D(2024, 5, 1), "100.00"), pay(2, D(2024, 5, 2), "-100.00", reverses=1), pay(3, D(2024, 5, 3), "60.00")]
    assert [p.id for p in effective(payments)] == [3]
    assert allocate([OpenItem(1, D(2024, 1, 1), 10000)], payments).paid_fen == {1: 6000}
    with pytest.raises(ContractsError, match="is reversed already"):
        make_reversal(payments[0], on=D(2024, 6, 1), new_id=9, existing=payments)


@st.composite
def payment_histories(draw):
    items = [OpenItem(seq, D(2024, 1, 1) + dt.timedelta(days=30 * seq), draw(st.integers(0, 10**7))) for seq in range(1, 9)]
    payments = []
    for pid in range(1, draw(st.integers(1, 12)) + 1):
        if payments and draw(st.integers(0, 4)) == 0:
            target = draw(st.sampled_from(payments))
            if target.reverses is None and not any(p.reverses == target.id for p in payments):
                payments.append(pay(pid, target.paid_on, -target.amount, target.seq, reverses=target.id))
                continue
        seq = draw(st.one_of(st.none(), st.integers(1, 8)))
        payments.append(pay(pid, D(2024, 1, 1) + dt.timedelta(days=draw(st.integers(0, 400))),
                            Decimal(draw(st.integers(1, 2 * 10**7))) / 100, seq, credit=True))
    return items, payments


@settings(max_examples=300, deadline=None)
@given(payment_histories())
def test_allocations_add_up_to_the_payments_and_never_exceed_net(history):
    items, payments = history
    result = allocate(items, payments)
    assert sum(a.amount for a in result.allocations) + result.credit == sum(p.amount for p in payments)
    for item in items:
        assert 0 <= result.paid_fen.get(item.seq, 0) <= item.net_fen
    for payment in effective(payments):
        placed = sum(a.amount for a in result.allocations if a.payment == payment.id)
        assert placed * 100 + result.unplaced_fen.get(payment.id, 0) == payment.amount * 100


def test_bad_payments():
    def make(**raw):
        return make_payment({"paid_on": "2024-06-20", "amount": "100", **raw}, code="TW2", starts_on=D(2022, 2, 24),
                            installments=12, new_id=1)

    for raw, message in [({"amount": "0"}, "amount '0': must be more than zero"),
                         ({"amount": "-5"}, "amount '-5': must be more than zero"),
                         ({"amount": "1.001"}, "amount '1.001': has more than two decimals"),
                         ({"paid_on": "2020-01-01"}, "paid_on '2020-01-01': is before contract TW2 begins (2022-02-24)"),
                         ({"seq": 13}, "seq 13: is not in the schedule of TW2 (installments 1 to 12)")]:
        with pytest.raises(ContractsError) as caught:
            make(**raw)
        assert caught.value.line().startswith(message)


def test_opening_needs_a_source_for_an_amount_owed():
    with pytest.raises(ContractsError, match="source: is required"):
        make_opening({"as_of": "2023-01-01", "owed": "10"}, code="TW1", schedule_dues=[D(2022, 1, 1)])
    opening = make_opening({"as_of": "2023-01-01", "settled_through": "2022-12-31"}, code="TW1",
                           schedule_dues=[D(2022, 6, 30), D(2022, 12, 30), D(2023, 3, 30)])
    assert opening.settled_through_seq == 2


def test_buckets_at_their_edges():
    assert [bucket(d) for d in (0, 30, 31, 90, 91, 180, 181, 365, 366)] == [
        "0-30", "0-30", "31-90", "31-90", "91-180", "91-180", "181-365", "181-365", "over 365"]


# --- the examples, end to end in the domain --------------------------------------------------------

def demo_ledger(as_of=None):
    portfolio = parse_portfolio((ROOT / "examples" / "demo-om.toml").read_text(encoding="utf-8"), "demo-om.toml")
    from contracts.assessments import make_assessment
    from contracts.schedule import build_schedule

    terms = portfolio.contracts[0]
    rules = [rule for _, rule in portfolio.rules]
    schedule = build_schedule(terms)
    assessments = [make_assessment(e.raw, code=terms.code, schedule=schedule, rules=rules) for e in portfolio.assessments]
    payments = [make_payment(e.raw, code=terms.code, starts_on=terms.billing_start, installments=12, new_id=i)
                for i, e in enumerate(portfolio.payments, start=1)]
    return build_ledger(terms, rules, assessments, payments, None, as_of)


def test_demo_contract_figures_match_the_worked_comments():
    ledger = demo_ledger()
    seq2, seq3, seq4, seq5 = (ledger.payable(n) for n in (2, 3, 4, 5))
    assert (seq2.total_deduction, seq2.net, seq2.state) == (Decimal("15188.89"), Decimal("184811.11"), PAID)
    assert [d.amount for d in seq2.deductions] == [Decimal("8888.89"), Decimal("800.00"), Decimal("4000.00"), Decimal("1500.00")]
    assert (seq3.total_deduction, seq3.paid, seq3.owed, seq3.state) == (Decimal("20000.00"), Decimal("100000.00"), Decimal("80000.00"), PARTLY_PAID)
    assert seq3.deductions[2].amount == Decimal("1922.22") and seq3.deductions[2].cap_applied == "installment cap"
    assert seq4.deductions[2].amount == Decimal("366.67") and seq4.deductions[2].cap_applied == "yearly cap"
    assert (seq4.net, seq4.state) == (Decimal("195188.89"), PAYABLE)
    assert (seq5.net, seq5.owed, seq5.state) == (None, None, AWAITING)


def test_arrears_as_of_a_date_use_only_what_was_known_then():
    as_of = D(2025, 9, 30)
    rows = arrears([demo_ledger(as_of)], as_of)
    # seq 3 (due 2025-10-01) is not due yet; seq 1 and 2 were paid by then; assessment of seq 3 came on 2025-10-10.
    assert rows == []
    as_of = D(2026, 5, 1)
    rows = arrears([demo_ledger(as_of)], as_of)
    assert [(r.seq, r.owed, r.days_overdue, r.bucket) for r in rows] == [
        (3, Decimal("80000.00"), 212, "181-365"), (4, Decimal("195188.89"), 120, "91-180"),
        (5, Decimal("200000.00"), 30, NOT_ASSESSED)]
    summary = arrears_summary(rows, {})
    assert summary[-1]["total"] == Decimal("275188.89") and summary[-1]["not_yet_assessed"] == Decimal("200000.00")


def test_opening_balance_settles_early_installments_and_adds_what_was_owed():
    text = (ROOT / "examples" / "emeishan.toml").read_text(encoding="utf-8")
    portfolio = parse_portfolio(text, "emeishan.toml")
    tw1 = next(t for t in portfolio.contracts if t.code == "TW1")
    opening = Opening("TW1", D(2023, 1, 1), 19, Decimal("454249.00"), "inferred")
    payment = Payment(1, "TW1", D(2023, 12, 31), Decimal("2170249.00"))
    ledger = build_ledger(tw1, opening=opening, payments=[payment])
    assert ledger.payable(0).paid == Decimal("454249.00")
    assert all(ledger.payable(n).state == PAID for n in range(1, 24))
    assert ledger.payable(19).settled_by == "opening balance" and ledger.payable(20).settled_by == "payments"
    assert ledger.payable(24).state == PAYABLE and ledger.credit == 0
