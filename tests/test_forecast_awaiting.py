"""``forecast`` skips the ledger of a contract whose installments in the window all await their assessment
(``forecast.awaiting_in_window``, issue #17): its cells must be those the ledger gives, for any contract with any
facts, window, day and expected deduction rate."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.assessments import Assessment
from contracts.contract import Contract
from contracts.deductions import make_rule
from contracts.forecast import Awaiting, awaiting_in_window, forecast, forecast_portfolio
from contracts.payments import Opening
from contracts.periods import Period
from contracts.terms import make_terms

from .strategies import contracts_with_facts, threshold


def by_ledger(contract: Contract, first: int, years: int, as_of: dt.date, rate: Fraction | None):
    """The forecast as it was made before: every contract with facts through its ledger."""
    ledger = None if contract.terms_only else contract.ledger(as_of)
    return forecast([(contract.current_terms, ledger, contract.usage)], {}, first, years,
                    deduction_rate=rate)


@settings(max_examples=600, deadline=None)
@given(contract=contracts_with_facts(), from_start=st.integers(-1, 4), years=st.integers(1, 5),
       as_of_days=st.integers(-200, 2500), rate=st.sampled_from([None, Fraction(2, 100), Fraction(1, 3)]))
def test_a_forecast_without_the_ledger_is_the_ledgers(contract, from_start, years, as_of_days, rate):
    # the window and the day near the contract's start, where its facts are
    first = contract.terms.billing_start.year + from_start
    as_of = contract.terms.billing_start + dt.timedelta(days=as_of_days)
    made = forecast_portfolio([contract], {}, first, years, as_of=as_of, deduction_rate=rate)
    expected = by_ledger(contract, first, years, as_of, rate)
    assert made.cells == expected.cells
    assert made.unknown == expected.unknown
    assert made.meta == expected.meta
    assert made.ends_on == expected.ends_on
    assert [row.record() for row in made.rows()] == [row.record() for row in expected.rows()]


TERMS = make_terms({"code": "C-1", "name": "video network", "billing_start": "2023-01-01", "billing_months": 60,
                    "service_months": 60, "annual_fee": "120000.00", "frequency": "quarterly",
                    "alignment": "anniversary", "timing": "arrears", "payment_lag_days": 0})
WINDOW = Period(dt.date(2025, 1, 1), dt.date(2026, 1, 1))
AS_OF = dt.date(2024, 6, 1)


def with_facts(**facts) -> Contract:
    return Contract(TERMS, **{"rules": (make_rule(threshold(dt.date(2023, 1, 1)), "C-1"),), **facts})


def test_the_window_after_the_last_assessment_is_the_schedule_awaiting():
    # 120,000.00 a year in quarters of 30,000.00, due at each quarter's end: 2025's fall due on 2025-01-01 (seq 8's
    # end, 2024-10-01 to 2025-01-01), 04-01, 07-01 and 10-01; assessments of seq 1-4 (2023) leave them all awaiting.
    assessed = tuple(Assessment("C-1", seq, dt.date(2023, 3 * seq, 28), metrics=(("online_rate", Decimal("96.5")),))
                     for seq in range(1, 5))
    awaiting = awaiting_in_window(with_facts(assessments=assessed), WINDOW, AS_OF)
    assert awaiting == Awaiting([(dt.date(2025, 1, 1), 3_000_000), (dt.date(2025, 4, 1), 3_000_000),
                                 (dt.date(2025, 7, 1), 3_000_000), (dt.date(2025, 10, 1), 3_000_000)])
    result = forecast_portfolio([with_facts(assessments=assessed)], {}, 2025, 1, as_of=AS_OF,
                                deduction_rate=Fraction(2, 100))
    # 2% expected: 30,000.00 - 600.00 = 29,400.00 a quarter
    assert {key: cell[:2] for key, cell in result.cells.items()} == {("C-1", 2025, q): [3_000_000, 2_940_000] for q in (1, 2, 3, 4)}
    assert {basis for *_, bases in result.cells.values() for basis in bases} == {"expected rate"}


def test_a_contract_the_facts_reach_in_the_window_takes_its_ledger():
    in_window = (Assessment("C-1", 8, dt.date(2024, 5, 1), metrics=(("online_rate", Decimal("91.0")),)),)
    assert awaiting_in_window(with_facts(assessments=in_window), WINDOW, AS_OF) is None  # seq 8 is assessed
    # known only after the day: still awaiting on it
    late = (dataclasses.replace(in_window[0], assessed_on=dt.date(2024, 7, 1)),)
    assert awaiting_in_window(with_facts(assessments=late), WINDOW, AS_OF) is not None
    assert awaiting_in_window(with_facts(opening=Opening("C-1", dt.date(2023, 1, 1))), WINDOW, AS_OF) is None
    assert awaiting_in_window(Contract(TERMS), WINDOW, AS_OF) is None  # no rule: nothing awaits
    # the rule retires on 2025-05-01: the installment starting 2025-07-01 needs no assessment
    retiring = with_facts().adding(rules=(make_rule(threshold(dt.date(2025, 5, 1), retired=True), "C-1"),))
    assert awaiting_in_window(retiring, WINDOW, AS_OF) is None
    result = forecast_portfolio([retiring], {}, 2025, 1, as_of=AS_OF)
    assert result.cells == by_ledger(retiring, 2025, 1, AS_OF, None).cells
    assert result.cells[("C-1", 2025, 4)][2] == {"schedule"}  # seq 11 (2025-07-01 to 10-01): no rule in force
