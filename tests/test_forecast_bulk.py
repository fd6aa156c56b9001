"""The forecast with its terms-only contracts summed as arrays (contracts.bulk) is the forecast made one contract at a
time, row for row, total for total, to the fen: on mixed portfolios, and through the store on both backends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.bulk import TermsOnly
from contracts.forecast import forecast_portfolio

from .test_bulk import columns
from .test_fastpath import portfolios

BY = ("contract", "line", "programme", "all")


def split(contracts):
    alone = [c for c in contracts if c.terms_only and not c.terms.is_unit_priced]
    rest = [c for c in contracts if c not in alone]
    by_code = {c.code: c for c in alone}
    terms = [c.terms for c in alone]
    only = TermsOnly([t.code for t in terms], [t.line_code for t in terms], columns(terms) if terms else columns([]),
                     lambda codes: [by_code[code] for code in codes])
    return rest, only


def answers(result):
    return {"rows": result.rows(), "ending": result.ending_on(),
            **{by: (result.totals(by), result.year_totals(by), result.largest(by, 3), result.count(by)) for by in BY}}


@settings(max_examples=150, deadline=None)
@given(contracts=portfolios(), first=st.integers(2018, 2040), years=st.integers(1, 4), accrual=st.booleans(),
       as_of=st.dates(dt.date(2018, 1, 1), dt.date(2040, 1, 1)))
def test_the_arrays_give_the_engines_forecast(contracts, first, years, accrual, as_of):
    programmes = {contracts[0].code: "P1"}
    expected = forecast_portfolio(contracts, programmes, first, years, as_of=as_of, accrual=accrual)
    rest, only = split(contracts)
    found = forecast_portfolio(rest, programmes, first, years, as_of=as_of, accrual=accrual, terms_only=only)
    assert answers(found) == answers(expected)
    assert [str(v) for row in found.totals("contract") for v in row.values()] == \
        [str(v) for row in expected.totals("contract") for v in row.values()]
    from unittest import mock

    from contracts import forecast

    with mock.patch.object(forecast, "NUMBERED_FROM", 0):  # a province's codes numbered by one NumPy sort
        numbered = forecast_portfolio(rest, programmes, first, years, as_of=as_of, accrual=accrual, terms_only=only)
        assert answers(numbered) == answers(expected)


def test_a_provinces_codes_numbered_by_one_sort_keep_their_rows():
    """By contract, a province's codes are numbered by one NumPy sort (forecast._numbered): each row keeps its own
    contract's sums. B (2,400.00 a year) and A (1,200.00) by arrays, C (with a payment) by the engine, named out of
    order: every quarter of 2025 holds 300.00 for A, 600.00 for B and 150.00 for C (600.00 a year), in code order."""
    from unittest import mock

    from contracts import forecast
    from contracts.contract import Contract
    from contracts.payments import Payment
    from contracts.terms import make_terms

    def quarterly(code, fee):
        return make_terms({"code": code, "name": code, "billing_start": "2024-01-01", "billing_months": 36,
                           "annual_fee": fee, "frequency": "quarterly", "timing": "advance"})

    contracts = [Contract(quarterly("B", "2400")), Contract(quarterly("A", "1200")),
                 Contract(quarterly("C", "600"), payments=(Payment(1, "C", dt.date(2024, 1, 5), Decimal("150.00")),))]
    expected = forecast_portfolio(contracts, {}, 2025, 1, as_of=dt.date(2024, 6, 1))
    rest, only = split(contracts)
    with mock.patch.object(forecast, "NUMBERED_FROM", 0):
        found = forecast_portfolio(rest, {}, 2025, 1, as_of=dt.date(2024, 6, 1), terms_only=only)
        assert answers(found) == answers(expected)
        assert [(row["contract"], str(row["Q1"]), str(row["gross"])) for row in found.totals("contract")] == [
            ("A", "300.00", "1200.00"), ("B", "600.00", "2400.00"), ("C", "150.00", "600.00")]


# -- through the store ------------------------------------------------------------------------------------------------

def test_the_split_is_the_stream_in_two_parts(mixed):
    from db.store import open_store

    loaded = mixed
    window = dict(active_from=dt.date(2025, 1, 1), active_before=dt.date(2028, 1, 1))
    store = open_store(loaded.url, create=False).store
    try:
        streamed = {c.code: c for c in store.stream(**window)}
        with store.split(**window) as (only, rest):
            others = {c.code: c for c in rest}
            assert set(only.codes).isdisjoint(others) and set(only.codes) | set(others) == set(streamed)
            assert {"PLAIN-A", "PLAIN-B", "TINY-CAL"} <= set(only.codes) and "UNIT-1" in others
            assert all(streamed[code].terms_only and not streamed[code].terms.is_unit_priced for code in only.codes)
            assert others == {code: c for code, c in streamed.items() if code in others}
            assert only.lines[only.codes.index("PLAIN-B")] == "LINE-1"
            assert only.lines[only.codes.index("TINY-CAL")] == "TINY-CAL"  # no line: its own
            assert list(only.contracts_of(["TINY-CAL"])) == [streamed["TINY-CAL"]]
            # the columns are the stored terms, as the engine reads them
            plain_a = only.columns.take([only.codes.index("PLAIN-A")])
            assert (plain_a.start.tolist(), plain_a.months.tolist(), plain_a.service_months.tolist(), plain_a.fee.tolist(),
                    plain_a.step.tolist(), plain_a.anniversary.tolist(), plain_a.arrears.tolist(), plain_a.lag.tolist()) == \
                ([(dt.date(2024, 1, 31) - dt.date(1970, 1, 1)).days], [36], [40], [123456789], [3], [True], [True], [30])
            assert len(only) == len(only.columns)
        expected = forecast_portfolio(list(streamed.values()), store.budgets().programme_of(), 2025, 3,
                                      as_of=dt.date(2024, 6, 1))
    finally:
        store.close()
    # the command (arrays for the terms-only contracts, TINY-CAL by the engine) prints the engine's rows
    found = loaded.json("forecast", "--from", "2025", "--years", "3", "--as-of", "2024-06-01")
    assert found == [{key: (str(value) if key in ("gross", "expected_net") and value is not None else value)
                      for key, value in row.record().items()} for row in expected.rows()]
    assert any(row["contract"] == "TINY-CAL" for row in found) and any(row["contract"] == "PLAIN-B" for row in found)
    # report fy: the arrays' figures for PLAIN-A and PLAIN-B, the engine's for the rest, as the engine alone gives them
    from contracts.budget import fiscal_year_figures

    store = open_store(loaded.url, create=False).store
    try:
        engine_rows = fiscal_year_figures(store.load(active_before=dt.date(2027, 1, 1)), store.budgets(), 2026)
    finally:
        store.close()
    fy = loaded.json("report", "fy", "2026")
    assert [(row["item"], row["obligations"], row["earlier_arrears"]) for row in fy] == \
        [(row.item or "TOTAL", None if row.obligations is None else str(row.obligations),
          None if row.earlier_arrears is None else str(row.earlier_arrears)) for row in engine_rows]
    plain_a = next(row for row in fy if row["item"] == "PLAIN-A")
    # 1,234,567.89 a year in quarters of 308,641.97, the year's last 308,641.98; periods end on 2024-04-30, 07-31,
    # 10-31, 2025-01-31, ... (the 31st clipped), due 30 days later. Due in 2026: seq 8 (2026-01-31 + 30 = 2026-03-02,
    # the last of year 2: 308,641.98) and seqs 9-11 (308,641.97 each) = 1,234,567.89. Before 2026: year 1 whole
    # (1,234,567.89) and seqs 5-7 (3 x 308,641.97 = 925,925.91) = 2,160,493.80, all unpaid.
    assert (plain_a["obligations"], plain_a["unpaid_of_year"], plain_a["earlier_arrears"]) == \
        ("1234567.89", "1234567.89", "2160493.80")
    table = loaded("forecast", "--from", "2025", "--years", "3", "--as-of", "2024-06-01", "--by", "line").stdout
    assert "LINE-1" in table and "│ PLAIN-A" not in table  # the line's row, not its contracts'
    # 40 months from 2024-01-31 (clipped to the month's end); 25 months from 2025-05-20
    assert "ends in the window: PLAIN-A on 2027-05-31" in table and "ends in the window: PLAIN-B on 2027-06-20" in table


# -- the fiscal year ----------------------------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(contracts=portfolios(), year=st.integers(2015, 2045), as_of=st.none() | st.dates(dt.date(2018, 1, 1), dt.date(2040, 1, 1)))
def test_the_arrays_give_the_engines_fiscal_year(contracts, year, as_of):
    from contracts.budget import Budgets, Programme, fiscal_year_figures

    budgets = Budgets(programmes=(Programme("P1", "one programme", contracts=(contracts[0].code,)),))
    expected = fiscal_year_figures(contracts, budgets, year, as_of)
    rest, only = split(contracts)
    found = fiscal_year_figures(rest, budgets, year, as_of, terms_only=only)
    assert found == expected
    assert [str(v) for row in found for v in row.__dict__.values()] == [str(v) for row in expected for v in row.__dict__.values()]


@settings(max_examples=200, deadline=None)
@given(contracts=portfolios(), year=st.integers(2015, 2045), as_of=st.none() | st.dates(dt.date(2018, 1, 1), dt.date(2040, 1, 1)),
       largest=st.integers(0, 6), funding=st.data())
def test_a_terminals_fiscal_year_is_the_largest_of_the_whole_report(contracts, year, as_of, largest, funding):
    """What a terminal shows (every programme and the ``largest`` items) is ``shown_rows`` of the whole report, row for
    row, though the rows of terms-only contracts that cannot be among the largest are never made: programmes funding
    any of the contracts (one twice over, some funded by two programmes, some by none), ties of equal obligations."""
    from contracts.budget import Budgets, Programme, fiscal_year_figures, fiscal_year_shown, shown_rows

    codes = [c.code for c in contracts]
    pick = st.lists(st.sampled_from(codes), max_size=len(codes) + 1)
    programmes = tuple(Programme(f"P{n}", f"programme {n}", contracts=tuple(funding.draw(pick)))
                       for n in range(funding.draw(st.integers(0, 3))))
    budgets = Budgets(programmes=programmes)
    whole = fiscal_year_figures(contracts, budgets, year, as_of)
    rest, only = split(contracts)
    found = fiscal_year_shown(rest, budgets, year, as_of, largest, terms_only=only)
    expected = shown_rows(whole, largest)
    assert found.items == sum(1 for row in whole if row.kind != "programme")
    assert [str(v) for row in found.rows for v in row.__dict__.values()] == \
        [str(v) for row in expected for v in row.__dict__.values()]


def test_a_terminals_fiscal_year_by_hand():
    """Five contracts with terms only, due 100, 300, 300, 200 and 50 yuan in 2025, P1 funding A, B and C, and D and E
    funded by none: the two largest items are B and C (300 each, a tie kept in the rows' order), A, D and E are not
    shown, and each programme row adds all its items (P1: 700.00, "(none)": 250.00)."""
    from contracts.budget import Budgets, Programme, fiscal_year_shown
    from contracts.contract import Contract
    from contracts.terms import ContractTerms, Frequency, Timing

    def plain(code, fee):  # one installment a year, in advance, from 2025-01-01: the fee falls due on 2025-01-01
        return Contract(ContractTerms(code=code, name=code, billing_start=dt.date(2025, 1, 1), billing_months=12,
                                      annual_fee=Decimal(fee), service_months=12, frequency=Frequency.annual,
                                      timing=Timing.advance))

    contracts = [plain("A", "100"), plain("B", "300"), plain("C", "300"), plain("D", "200"), plain("E", "50")]
    budgets = Budgets(programmes=(Programme("P1", "one", contracts=("A", "B", "C")),))
    rest, only = split(contracts)
    found = fiscal_year_shown(rest, budgets, 2025, None, 2, terms_only=only)
    assert found.items == 5
    assert [(row.programme, row.item, str(row.obligations)) for row in found.rows] == [
        ("P1", "B", "300.00"), ("P1", "C", "300.00"), ("P1", "", "700.00"), ("(none)", "", "250.00")]


# -- arrears ------------------------------------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(contracts=portfolios(), as_of=st.dates(dt.date(1994, 1, 1), dt.date(2045, 1, 1)))
def test_the_arrays_give_the_engines_arrears(contracts, as_of):
    from unittest import mock

    from contracts import fastpath
    from contracts.ledgers import full_ledgers, portfolio_arrears

    expected = portfolio_arrears(contracts, as_of)
    rest, only = split(contracts)
    found = portfolio_arrears(rest, as_of, keep_rows=False, terms_only=only)
    assert found.summary == expected.summary and found.remark == expected.remark
    assert found.count == len(expected.rows) == expected.count
    with mock.patch.object(fastpath, "BULK_FROM", 0):  # the same, split by portfolio_arrears itself
        for split_itself in (portfolio_arrears(contracts, as_of, keep_rows=False),
                             portfolio_arrears(contracts, as_of, full_ledgers(contracts, as_of), keep_rows=False)):
            assert (split_itself.summary, split_itself.remark, split_itself.count) == \
                (expected.summary, expected.remark, expected.count)
    assert [str(v) for row in found.summary for v in row.values()] == \
        [str(v) for row in expected.summary for v in row.values()]


def test_arrears_through_the_store_are_the_engines(mixed):
    from contracts.ledgers import portfolio_arrears
    from db.store import open_store

    loaded = mixed
    store = open_store(loaded.url, create=False).store
    try:
        expected = portfolio_arrears(store.load(), dt.date(2026, 3, 15))
    finally:
        store.close()
    found = loaded.json("arrears", "--summary", "--as-of", "2026-03-15")
    assert found == [{k: (str(v) if hasattr(v, "as_tuple") else v) for k, v in row.items()} for row in expected.summary]
    plain_a = next(row for row in found if row["contract"] == "PLAIN-A")
    # due by 2026-03-15: seqs 1-8 (seq 8 due 2026-03-02, 13 days: 0-30; seq 7 due 2025-11-30, 105 days: 91-180;
    # seq 6 due 2025-08-30, 197 days: 181-365; seq 5 due 2025-05-30, 289 days; seq 4 due 2025-03-02, 378 days: over)
    assert (plain_a["0-30"], plain_a["31-90"], plain_a["91-180"]) == ("308641.98", "0.00", "308641.97")
    assert plain_a["181-365"] == "617283.94"  # seqs 5 and 6
    assert plain_a["over 365"] == "1234567.89"  # year 1 whole
    assert plain_a["total"] == "2469135.78"
    table = loaded("arrears", "--as-of", "2026-03-15").stdout  # few rows: each shown, as before
    assert "PLAIN-A" in table and "TINY-CAL" in table


@settings(max_examples=200, deadline=None)
@given(contracts=portfolios(), first=st.integers(2015, 2040), as_of=st.none() | st.dates(dt.date(2018, 1, 1), dt.date(2040, 1, 1)),
       data=st.data())
def test_several_years_by_arrays_are_the_engines(contracts, first, as_of, data):
    from unittest import mock

    from contracts import fastpath
    from contracts.budget import Budget, Budgets, Programme, fiscal_years_figures
    from contracts.stated import Stated

    # Programmes funding any of the contracts (one twice, one funded by two, one funded by none, a code not stored),
    # some with a budget: the programme rows summed from the arrays must be the rows made item by item.
    codes = [c.code for c in contracts] + ["NOT-STORED"]
    programmes = tuple(Programme(f"P{n}", f"programme {n}", contracts=tuple(data.draw(st.lists(st.sampled_from(codes), max_size=4))))
                       for n in range(data.draw(st.integers(0, 3))))
    budgets = Budgets(programmes=programmes, budgets=tuple(
        Budget(p.code, first + 1, Stated(Decimal("1000.00"), "1000", "yuan")) for p in programmes[:1]))
    years = list(range(first, first + 4))
    with mock.patch.object(fastpath, "BULK_FROM", 10**9):
        expected = fiscal_years_figures(contracts, budgets, years, as_of)
    with mock.patch.object(fastpath, "BULK_FROM", 0):
        found = fiscal_years_figures(contracts, budgets, years, as_of)
        programmes = fiscal_years_figures(contracts, budgets, years, as_of, programmes_only=True)
    assert found == expected
    assert repr(found) == repr(expected)  # every Decimal with its exponent
    # the HTML report's cash flow: each year's programme rows alone, the same rows
    assert repr(programmes) == repr({year: [row for row in rows if row.kind == "programme"] for year, rows in expected.items()})


@settings(max_examples=100, deadline=None)
@given(contracts=portfolios(), first=st.dates(dt.date(2015, 1, 1), dt.date(2040, 1, 1)), days=st.integers(0, 800))
def test_dues_by_arrays_are_the_engines(contracts, first, days):
    from contracts.ledgers import DueCounter

    last = first + dt.timedelta(days=days)
    rest, only = split(contracts)
    by_arrays, one_by_one = DueCounter(first, last), DueCounter(first, last)
    assert list(by_arrays.passing(rest)) == rest and list(one_by_one.passing(contracts)) == contracts
    assert by_arrays.with_terms_only(only) == one_by_one.dues


@settings(max_examples=150, deadline=None)
@given(contracts=portfolios(), year=st.integers(2015, 2040), today=st.dates(dt.date(2015, 1, 1), dt.date(2041, 1, 1)))
def test_the_fiscal_years_remark_is_the_one_every_due_counted_gives(contracts, year, today):
    """report fy counts the year's dues only while the remark can still be made (a payment seen late enough rules it
    out for good): its remark is the one counting every contract's dues gives, whole or split into columns."""
    from contracts.budget import Budgets
    from contracts.ledgers import DueCounter, LastPayment, fiscal_year_report, year_gap_possible, year_recording_gap

    watch = LastPayment(min(dt.date(year, 12, 31), today))
    every = DueCounter(dt.date(year, 1, 1), watch.as_of)
    assert list(every.passing(watch.passing(contracts))) == contracts
    expected = year_recording_gap(watch.last, year, today, every.dues) if year_gap_possible(watch.last, year, today) else ""
    rest, only = split(contracts)
    assert fiscal_year_report(contracts, Budgets(), year, today)[1] == expected
    assert fiscal_year_report(rest, Budgets(), year, today, terms_only=only)[1] == expected


def test_dues_are_not_counted_once_they_are_not_needed():
    # Two contracts of 1,200.00 a year in quarters from 2024-01-01, in arrears: due 2024-04-01, 07-01, 10-01 and
    # 2025-01-01. Asked for 2024: A's three dues are counted; then the counts are no longer needed, and B's are not.
    from contracts.contract import Contract
    from contracts.ledgers import DueCounter
    from contracts.terms import make_terms

    def quarterly(code):
        return Contract(make_terms({"code": code, "name": code, "billing_start": "2024-01-01", "billing_months": 12,
                                    "annual_fee": "1200", "frequency": "quarterly", "timing": "arrears"}))

    answers = iter([True, False])
    counter = DueCounter(dt.date(2024, 1, 1), dt.date(2024, 12, 31), lambda: next(answers))
    both = [quarterly("A"), quarterly("B")]
    assert list(counter.passing(both)) == both
    assert counter.dues == {dt.date(2024, 4, 1): 1, dt.date(2024, 7, 1): 1, dt.date(2024, 10, 1): 1}


def test_the_largest_fee_a_store_takes_is_forecast_to_the_fen(loaded, tmp_path):
    # 5 x 10**15 fen a year: past what the arrays take (the engine's), and past float64's exact integers when summed
    extra = tmp_path / "huge.toml"
    extra.write_text('[[contract]]\ncode = "HUGE"\nname = "the largest fee"\nbilling_start = 2025-01-01\n'
                     'billing_months = 12\nannual_fee = "50000000000000.00"\nfrequency = "annual"\ntiming = "advance"\n',
                     encoding="utf-8")
    loaded("import", str(extra))
    rows = loaded.json("forecast", "--from", "2025", "--years", "1", "--as-of", "2024-06-01")
    assert [(r["quarter"], r["gross"]) for r in rows if r["contract"] == "HUGE"] == [(1, "50000000000000.00")]
    table = loaded("forecast", "--from", "2025", "--years", "1", "--as-of", "2024-06-01").stdout
    assert "50,000,000,000,000.00" in table


@settings(max_examples=150, deadline=None)
@given(contracts=portfolios(), as_of=st.dates(dt.date(2018, 1, 1), dt.date(2040, 1, 1)), year=st.integers(2015, 2040),
       quarter=st.integers(1, 4), given_ledgers=st.booleans())
def test_a_quarters_payables_by_arrays_are_every_ledgers(contracts, as_of, year, quarter, given_ledgers):
    """The HTML report's (and the dashboard's) payables of the quarter: the contracts with terms only found by arrays,
    each row in its contract's place, equal to the full ledger's rows of every contract (``payable_rows``)."""
    from contracts.ledgers import full_ledgers, payable_rows, window_payable_rows
    from contracts.periods import quarter_period

    window = quarter_period(f"{year}Q{quarter}")
    expected = payable_rows(contracts, as_of, window=window)
    _, only = split(contracts)
    ledgers = full_ledgers(contracts, as_of) if given_ledgers else None
    assert window_payable_rows(contracts, as_of, window, ledgers, only) == expected
    assert window_payable_rows(contracts, as_of, window, ledgers) == expected
    assert repr(window_payable_rows(contracts, as_of, window, ledgers, only)) == repr(expected)


def test_the_report_by_arrays_is_the_report_one_by_one(mixed):
    """contracts.report.build over the example and mixed stores, with the arrays (as for a province) and without."""
    from unittest import mock

    from contracts import fastpath
    from contracts.report import build
    from db.store import open_store

    store = open_store(mixed.url, create=False).store
    try:
        contracts, lines, budgets = store.load(), None, store.budgets()
        lines = store.lines(contracts=contracts)
    finally:
        store.close()
    for as_of in (dt.date(2024, 2, 10), dt.date(2025, 11, 30), dt.date(2026, 7, 1)):
        with mock.patch.object(fastpath, "BULK_FROM", 10**9):
            expected = build(contracts=contracts, lines=lines, budgets=budgets, as_of=as_of)
        with mock.patch.object(fastpath, "BULK_FROM", 0):
            found = build(contracts=contracts, lines=lines, budgets=budgets, as_of=as_of)
        assert expected.payables, "the quarter has installments"
        assert repr(found) == repr(expected)


def test_payable_for_a_quarter_by_arrays_is_by_ledgers(mixed):
    """`payable --quarter` over a whole store: the contracts with terms only found by arrays (as for a province) give
    the command's very output, in every format."""
    from unittest import mock

    from contracts import fastpath

    for quarter in ("2024Q1", "2025Q3", "2026Q2"):
        for fmt in ("csv", "json", "table"):
            args = ("payable", "--quarter", quarter, "--as-of", "2026-06-30", "--format", fmt)
            with mock.patch.object(fastpath, "BULK_FROM", 10**9):
                expected = mixed(*args).stdout
            with mock.patch.object(fastpath, "BULK_FROM", 0):
                found = mixed(*args).stdout
            assert found == expected
    # PLAIN-A (2024-01-31, quarterly in arrears, 30 days' lag): 123,456,789 fen a year in four parts, each
    # 30,864,197.25 rounded half up to 30,864,197 and the rest (30,864,198) to the last; its seq 2 (to 2024-07-31)
    # falls due 2024-08-30, in 2024Q3
    rows = mixed.json("payable", "--quarter", "2024Q3", "--as-of", "2026-06-30")
    assert [(row["contract"], row["seq"], row["due"], str(row["gross"]), str(row["owed"]))
            for row in rows if row["contract"] == "PLAIN-A"] == [("PLAIN-A", 2, "2024-08-30", "308641.97", "308641.97")]
