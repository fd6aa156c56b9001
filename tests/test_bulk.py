"""The array schedule engine (contracts/bulk.py) against the per-contract engine, to the fen, for any terms."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts import bulk
from contracts.money import to_fen
from contracts.schedule import installments_fen
from contracts.terms import Alignment, Timing, make_terms

from .strategies import contract_terms


def columns(terms_list) -> bulk.TermsColumns:
    return bulk.TermsColumns.from_rows([
        (bulk.day_number(t.billing_start), t.billing_months, t.service_months, to_fen(t.annual_fee), t.frequency.months,
         int(t.alignment is Alignment.anniversary), int(t.timing is Timing.arrears), t.payment_lag_days)
        for t in terms_list])


def by_contract(items: bulk.Installments, size: int) -> list[list[tuple]]:
    made: list[list[tuple]] = [[] for _ in range(size)]
    for owner, seq, start, end, due, fen in zip(*(x.tolist() for x in (items.owner, items.seq, items.start, items.end,
                                                                       items.due, items.amount))):
        made[owner].append((seq, bulk.EPOCH + dt.timedelta(days=start), bulk.EPOCH + dt.timedelta(days=end),
                            bulk.EPOCH + dt.timedelta(days=due), fen))
    return made


portfolios = st.lists(contract_terms(), min_size=1, max_size=8)


@settings(max_examples=400, deadline=None)
@given(portfolios)
def test_every_installment_is_the_engines(terms_list):
    cols = columns(terms_list)
    items = bulk.installments(cols)
    made = by_contract(items, len(terms_list))
    for position, terms in enumerate(terms_list):
        if items.uncovered[position]:
            assert made[position] == []  # left whole to the engine, never half done
            continue
        assert made[position] == [tuple(item) for item in installments_fen(terms)]


@settings(max_examples=400, deadline=None)
@given(portfolios, st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2075, 12, 31))),
       st.one_of(st.none(), st.integers(0, 4000)), st.booleans())
def test_installments_due_in_a_window_are_every_installment_there(terms_list, first, days, ordered):
    # The anniversary schedules outside a window are not even made (#17): what is kept must be exactly the
    # installments of the whole schedules falling due in [first, first + days), whichever ends are open.
    cols = columns(terms_list)
    low = None if first is None else bulk.day_number(first)
    high = None if days is None else (low if low is not None else bulk.day_number(dt.date(2030, 1, 1))) + days
    items = bulk.installments(cols, due_from=low, due_before=high, ordered=ordered)
    whole = bulk.installments(cols)
    keep = np.ones(whole.owner.size, bool)
    if low is not None:
        keep &= whole.due >= low
    if high is not None:
        keep &= whole.due < high
    expected = sorted(zip(*(x[keep].tolist() for x in (whole.owner, whole.seq, whole.start, whole.end, whole.due, whole.amount))))
    got = list(zip(*(x.tolist() for x in (items.owner, items.seq, items.start, items.end, items.due, items.amount))))
    assert (got if ordered else sorted(got)) == expected
    assert items.uncovered.tolist() == whole.uncovered.tolist()


@settings(max_examples=400, deadline=None)
@given(portfolios, st.dates(dt.date(1990, 1, 1), dt.date(2075, 12, 31)), st.one_of(st.none(), st.integers(0, 4000)))
def test_installments_made_from_a_day_sum_the_rest(terms_list, first, days):
    # With made_from, an anniversary schedule's first installments (all due before the day) are summed, not made (#17):
    # what is made and what is summed together are the whole schedule, to the fen; nothing due on or after the day
    # (and before due_before) is left out, and nothing summed falls due on or after it.
    cols = columns(terms_list)
    low = bulk.day_number(first)
    high = None if days is None else low + days
    items = bulk.installments(cols, due_before=high, made_from=low)
    whole = bulk.installments(cols, due_before=high)
    for position in range(len(terms_list)):
        if whole.uncovered[position]:
            continue
        mine, all_of = items.owner == position, whole.owner == position
        made = set(zip(items.seq[mine].tolist(), items.due[mine].tolist(), items.amount[mine].tolist()))
        every = list(zip(whole.seq[all_of].tolist(), whole.due[all_of].tolist(), whole.amount[all_of].tolist()))
        assert made <= set(every)
        left_out = [item for item in every if item not in made]
        assert all(due < low for _, due, _ in left_out)
        assert int(items.unmade[position]) == sum(fen for _, _, fen in left_out)


def test_installments_made_from_by_hand():
    # 1,200.00 a year in quarters of 300.00, from 2020-01-01 for 30 months (the last year: 6 months, 600.00 in two
    # quarters), in arrears: seq 1-10 due 2020-04-01, 07-01, 10-01, 2021-01-01, ... 2022-07-01. Made from 2022-01-01:
    # installment k (from 0) runs from month 2020-01 + 3k; it can fall due on or after 2022-01 only if
    # 3k + 3 + 2 > 24 months, so k >= 7; one step spare: from k = 5 (seq 6). Seq 1-5 (2020's four and 2021's first,
    # 5 x 300.00 = 1,500.00) are summed, seq 6-10 made (2021's last three, 2022's two).
    terms = make_terms({"code": "Q", "name": "q", "billing_start": "2020-01-01", "billing_months": 30,
                        "annual_fee": "1200", "frequency": "quarterly", "timing": "arrears"})
    items = bulk.installments(columns([terms]), made_from=bulk.day_number(dt.date(2022, 1, 1)))
    assert items.seq.tolist() == [6, 7, 8, 9, 10] and items.amount.tolist() == [30000] * 5
    assert items.unmade.tolist() == [150000]
    # Made from 2030, long after its end: nothing made, all of it summed (2 whole years and the partial one: 3,000.00)
    items = bulk.installments(columns([terms]), made_from=bulk.day_number(dt.date(2030, 1, 1)))
    assert items.seq.tolist() == [] and items.unmade.tolist() == [300000]


@settings(max_examples=200, deadline=None)
@given(portfolios, st.integers(2015, 2060), st.integers(1, 5))
def test_quarter_sums_are_the_schedules_summed_by_quarter(terms_list, first, years):
    cols = columns(terms_list)
    sums = bulk.quarter_sums(cols, first, years)
    got = {(o, y, q): f for o, y, q, f in zip(*(x.tolist() for x in (sums.owner, sums.year, sums.quarter, sums.fen)))}
    expected: dict = {}
    for position, terms in enumerate(terms_list):
        if sums.uncovered[position]:
            continue
        for item in installments_fen(terms):
            if dt.date(first, 1, 1) <= item.due < dt.date(first + years, 1, 1):
                key = (position, item.due.year, (item.due.month - 1) // 3 + 1)
                expected[key] = expected.get(key, 0) + item.fen
    assert got == expected
    # ordered by contract and quarter, as the forecast reads them
    keys = list(zip(sums.owner.tolist(), sums.year.tolist(), sums.quarter.tolist()))
    assert keys == sorted(keys)


def test_the_rare_calendar_case_goes_to_the_engine():
    # 0.05 yuan a year, monthly, calendar-aligned from the 15th: the whole months cost round(5/12) = 0 fen each and the
    # stubs share 5 fen; with 0.20 a year they would cost 2 fen each and the stubs' leftover 20 - 2*11 < 0: the engine
    # then shares the year by each piece's part of its month, which the arrays do not do.
    terms = make_terms({"code": "T", "name": "tiny", "billing_start": dt.date(2023, 1, 15), "billing_months": 12,
                        "service_months": 12, "annual_fee": "0.20", "frequency": "monthly", "alignment": "calendar"})
    usual = make_terms({"code": "U", "name": "usual", "billing_start": dt.date(2023, 1, 15), "billing_months": 12,
                        "service_months": 12, "annual_fee": "1200000.00", "frequency": "monthly",
                        "alignment": "calendar"})
    items = bulk.installments(columns([terms, usual]))
    assert items.uncovered.tolist() == [True, False]
    assert sum(items.amount.tolist()) == 120_000_000  # the usual one's year, whole
    assert sum(item.fen for item in installments_fen(terms)) == 20  # the engine does the tiny one


def test_sums_are_exact_beyond_floating_point():
    # 2**53 + 1 cannot be a float64: np.bincount alone would lose the 1
    values = np.array([2**49, 2**49 - 1, 2**49, 2**49, 2**49, 2**49, 2**49, 2**49, 2**49, 2**49, 2**49, 2**49, 2**49,
                       2**49, 2**49, 2**49, 1], np.int64)
    assert bulk.isum(np.zeros(values.size, np.int64), values, 1).tolist() == [16 * 2**49]
    assert bulk.isum(np.array([0, 0, 1]), np.array([-5, 3, -7]), 2).tolist() == [-2, -7]


@settings(max_examples=60, deadline=None)
@given(st.lists(contract_terms(), min_size=1, max_size=12), st.integers(2015, 2040))
def test_chunks_give_what_one_pass_gives(terms_list, year):
    # a province goes through the arrays CHUNK contracts at a time: the positions must come out where they were
    from unittest import mock

    cols = columns(terms_list)
    day = dt.date(year, 6, 30)

    def answers():
        dues: dict = {}
        arrears = bulk.arrears_sums(cols, day, dues)
        return (bulk.quarter_sums(cols, year, 3).__dict__, dict(zip(("of_year", "before", "uncovered"),
                                                                     bulk.years_sums(cols, [year, year + 1]))),
                arrears.__dict__, dues)

    whole_q, whole_y, whole_a, whole_dues = answers()
    with mock.patch.object(bulk, "CHUNK", 3):
        chunked_q, chunked_y, chunked_a, chunked_dues = answers()
    for a, b in ((whole_q, chunked_q), (whole_y, chunked_y), (whole_a, chunked_a)):
        assert {k: v.tolist() for k, v in a.items()} == {k: v.tolist() for k, v in b.items()}
    assert chunked_dues == whole_dues
    expected = [sum(i.fen for i in installments_fen(t) if i.due.year == year) for t in terms_list]
    assert [v[0] if not u else sum(i.fen for i in installments_fen(t) if i.due.year == year)
            for v, u, t in zip(whole_y["of_year"].tolist(), whole_y["uncovered"].tolist(), terms_list)] == expected
    # the due days counted: every covered contract's installments due by the day with something in them
    counted: dict = {}
    for t, u in zip(terms_list, whole_a["uncovered"].tolist()):
        for i in installments_fen(t):
            if not u and i.due <= day and i.fen > 0:
                counted[i.due] = counted.get(i.due, 0) + 1
    assert whole_dues == counted


def test_sums_of_the_largest_fees_the_store_takes_are_exact():
    # validation takes a contract of up to 10**14 yuan: 10**16 fen, past 2**53 (float64's exact integers)
    values = np.array([10**16 + 1, 10**16 + 3, -(10**15) - 7, 2**53 + 1], np.int64)
    assert bulk.isum(np.array([0, 0, 1, 1]), values, 2).tolist() == [2 * 10**16 + 4, -(10**15) - 7 + 2**53 + 1]


def test_huge_fees_and_long_lags_go_to_the_engine_or_come_out_exact():
    huge = make_terms({"code": "H", "name": "huge", "billing_start": dt.date(2025, 3, 31), "billing_months": 12,
                       "service_months": 12, "annual_fee": "50000000000000.00", "frequency": "annual",
                       "alignment": "calendar", "payment_lag_days": 3000})
    large = make_terms({"code": "L", "name": "large", "billing_start": dt.date(2025, 3, 31), "billing_months": 24,
                        "service_months": 24, "annual_fee": "9000000000000.00", "frequency": "monthly",
                        "alignment": "calendar", "payment_lag_days": 3650})
    items = bulk.installments(columns([huge, large]))
    made = by_contract(items, 2)
    for position, terms in enumerate((huge, large)):
        if not items.uncovered[position]:
            assert made[position] == [tuple(item) for item in installments_fen(terms)]
    assert items.uncovered.tolist() == [True, False]  # 5 x 10**15 fen a year passes 2**52: the engine's
