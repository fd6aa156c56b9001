import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.periods import add_months, calendar_period_containing
from contracts.schedule import build_schedule, contract_total, contract_years
from contracts.terms import Alignment, Timing, make_terms

from .strategies import contract_terms

D = dt.date


def terms(**raw):
    base = {"code": "X", "name": "x"}
    base.update(raw)
    return make_terms(base)


# --- golden figures from the reference (Emeishan 2023 performance evaluation) -----------------------

TW1 = terms(code="TW1", billing_start="2018-03-30", billing_months=72, annual_fee="1716000.00")
TW2 = terms(code="TW2", billing_start="2022-02-24", billing_months=36, service_months=60, annual_fee="4929753.36")


def test_tw1_is_24_installments_of_429000():
    schedule = build_schedule(TW1)
    assert len(schedule) == 24
    assert {item.amount for item in schedule} == {Decimal("429000.00")}
    assert sum(item.amount for item in schedule) == Decimal("10296000.00") == contract_total(TW1)
    assert TW1.service_end == D(2024, 3, 30)
    assert (schedule[0].period_start, schedule[0].period_end, schedule[0].due) == (D(2018, 3, 30), D(2018, 6, 30), D(2018, 6, 30))
    assert schedule[-1].period_end == D(2024, 3, 30)


def test_tw2_bills_36_months_but_serves_60():
    schedule = build_schedule(TW2)
    assert len(schedule) == 12
    assert {item.amount for item in schedule} == {Decimal("1232438.34")}
    assert sum(item.amount for item in schedule) == Decimal("14789260.08")
    assert TW2.billing_end == D(2025, 2, 24)
    assert TW2.service_end == D(2027, 2, 24)


def test_road_ends_in_september_not_december_as_stated():
    road = terms(code="ROAD", billing_start="2019-09-19", billing_months=60, annual_fee="3379113.6", stated_end="2024-12")
    assert road.service_end == D(2024, 9, 19)
    assert road.stated_end == "2024-12"
    assert contract_total(road) == Decimal("16895568.00")
    assert {item.amount for item in build_schedule(road)} == {Decimal("844778.40")}


# --- worked examples ------------------------------------------------------------------------------

def test_start_on_the_31st_does_not_drift():
    schedule = build_schedule(terms(billing_start="2023-01-31", billing_months=12, annual_fee="1200", frequency="quarterly"))
    assert [item.period_end for item in schedule] == [D(2023, 4, 30), D(2023, 7, 31), D(2023, 10, 31), D(2024, 1, 31)]


def test_remainder_goes_to_the_last_installment_of_each_year():
    # 1000.00 a year, monthly: 83.33 x 11 and 83.37 (83.33 * 12 = 999.96, remainder 0.04).
    schedule = build_schedule(terms(billing_start="2023-01-01", billing_months=24, annual_fee="1000", frequency="monthly"))
    amounts = [item.amount for item in schedule]
    assert amounts[:11] == [Decimal("83.33")] * 11 and amounts[11] == Decimal("83.37")
    assert amounts[12:23] == [Decimal("83.33")] * 11 and amounts[23] == Decimal("83.37")


def test_partial_last_year_is_prorated_by_months():
    # 30 months of 1000.00 a year: two full years and 6/12 of a year = 2500.00; the last year is 2 x 250.00.
    t = terms(billing_start="2023-01-01", billing_months=30, annual_fee="1000")
    assert contract_total(t) == Decimal("2500.00")
    assert [item.amount for item in build_schedule(t)][-2:] == [Decimal("250.00"), Decimal("250.00")]


def test_calendar_alignment_prorates_stubs_by_days():
    # 100,000.00 a year from 2022-02-24 for 37 months, cut at calendar quarters.
    # Contract year 1 (2022-02-24..2023-02-24): Q2-Q4 2022 are whole (25,000.00 each); the rest,
    # 25,000.00, is shared by the stubs 2022-02-24..04-01 (36 days) and 2023-01-01..02-24 (54 days):
    # 10,000.00 and 15,000.00. Q1 2023 = 15,000.00 + year 2's 36-day stub 10,000.00 = 25,000.00.
    # Year 3 (2024-02-24..2025-02-24): stubs of 37 days (leap February) and 54 days share 25,000.00:
    # 25,000 * 37 / 91 = 10,164.84 and 14,835.16. Q1 2024 = 15,000.00 + 10,164.84 = 25,164.84.
    # Year 4 is one month (8,333.33); the last installment 2025-01-01..03-24 = 14,835.16 + 8,333.33.
    t = terms(billing_start="2022-02-24", billing_months=37, annual_fee="100000", alignment="calendar")
    schedule = build_schedule(t)
    assert len(schedule) == 13
    assert (schedule[0].period_start, schedule[0].period_end, schedule[0].amount) == (D(2022, 2, 24), D(2022, 4, 1), Decimal("10000.00"))
    assert schedule[4].amount == Decimal("25000.00")
    assert schedule[8].amount == Decimal("25164.84")
    assert (schedule[-1].period_start, schedule[-1].period_end, schedule[-1].amount) == (D(2025, 1, 1), D(2025, 3, 24), Decimal("23168.49"))
    assert sum(item.amount for item in schedule) == contract_total(t) == Decimal("308333.33")


def test_advance_timing_and_payment_lag():
    t = terms(billing_start="2023-01-01", billing_months=12, annual_fee="400", timing="advance", payment_lag_days=10)
    assert [item.due for item in build_schedule(t)] == [D(2023, 1, 11), D(2023, 4, 11), D(2023, 7, 11), D(2023, 10, 11)]


# --- properties -----------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(contract_terms())
def test_schedule_covers_billing_period_without_gaps_or_overlaps(t):
    schedule = build_schedule(t)
    assert schedule[0].period_start == t.billing_start
    assert schedule[-1].period_end == t.billing_end
    for before, after in zip(schedule, schedule[1:]):
        assert before.period_end == after.period_start
    assert all(item.period_start < item.period_end for item in schedule)
    assert [item.seq for item in schedule] == list(range(1, len(schedule) + 1))


@settings(max_examples=300, deadline=None)
@given(contract_terms())
def test_schedule_adds_up_exactly_and_is_never_negative(t):
    schedule = build_schedule(t)
    total = sum(item.amount for item in schedule)
    assert total == contract_total(t)
    full_years, months_left = divmod(t.billing_months, 12)
    expected = t.annual_fee * full_years + (t.annual_fee * months_left / 12).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    assert total == expected
    assert all(item.amount >= 0 for item in schedule)
    assert all(item.amount == item.amount.quantize(Decimal("0.01")) for item in schedule)


@settings(max_examples=300, deadline=None)
@given(contract_terms())
def test_count_and_boundaries(t):
    schedule = build_schedule(t)
    step = t.frequency.months
    if t.alignment is Alignment.anniversary:
        assert len(schedule) == t.billing_months // step
        assert [item.period_start for item in schedule] == [add_months(t.billing_start, k * step) for k in range(len(schedule))]
        # Each contract year's installments add up to that year's fee.
        for year, fee in contract_years(t):
            in_year = [item.amount for item in schedule if year.start <= item.period_start < year.end]
            assert sum(in_year) * 100 == fee
    else:
        for item in schedule[1:]:
            assert calendar_period_containing(item.period_start, step).start == item.period_start
        assert all(calendar_period_containing(item.period_start, step).end >= item.period_end for item in schedule)
    for item in schedule:
        anchor = item.period_end if t.timing is Timing.arrears else item.period_start
        assert item.due == anchor + dt.timedelta(days=t.payment_lag_days)


@settings(max_examples=400, deadline=None)
@given(contract_terms(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2080, 1, 1)))
def test_the_engine_agrees_with_the_plain_reference(t, due_from):
    """The fast engine against bench/reference.py (relativedelta, Decimal, written the obvious way)."""
    from bench.reference import schedule as reference
    from contracts.schedule import installments_fen

    raw = {"billing_start": t.billing_start, "billing_months": t.billing_months, "annual_fee": str(t.annual_fee),
           "frequency": t.frequency.value, "alignment": t.alignment.value, "payment_lag_days": t.payment_lag_days,
           "timing": t.timing.value}
    fast = list(installments_fen(t))
    assert [(seq, a, b, due, Decimal(fen).scaleb(-2)) for seq, a, b, due, fen in fast] == reference(raw)
    # Skipping the years before a date drops only installments due before it, never one due on or after.
    assert [item for item in installments_fen(t, due_from=due_from) if item[3] >= due_from] == [
        item for item in fast if item[3] >= due_from]
