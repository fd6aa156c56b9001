"""The fast path for contracts with terms alone (contracts/fastpath.py) against the full ledger, and the arrears
summed as they go (ArrearsTally) against the plain sum over every row that the summary was before #17.

Properties over random contracts: the answers must be the ledger's, field by field, to the fen.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts import fastpath
from contracts.basis import Basis, combined, described
from contracts.contract import Contract
from contracts.ledgers import arrears_stream, full_ledgers, portfolio_arrears
from contracts.payables import BUCKET_NAMES, NOT_ASSESSED, SUMMED, ArrearsRow, ArrearsTally, arrears, arrears_summary
from contracts.payments import Payment
from contracts.periods import calendar_period_containing

from .strategies import contract_terms

days = st.dates(min_value=dt.date(1994, 1, 1), max_value=dt.date(2075, 12, 31))


@settings(max_examples=300, deadline=None)
@given(terms=contract_terms(), as_of=days)
def test_fast_arrears_rows_are_the_ledgers(terms, as_of):
    contract = Contract(terms)
    assert fastpath.on_fast_path(contract)
    assert list(fastpath.arrears_rows(terms, as_of)) == arrears([contract.ledger(as_of)], as_of)


@settings(max_examples=300, deadline=None)
@given(terms=contract_terms(), day=days)
def test_fast_payables_are_the_ledgers_field_by_field(terms, day):
    ledger = Contract(terms).ledger(day)
    assert list(fastpath.payables(terms)) == list(ledger.payables)
    quarter = calendar_period_containing(day, 3)
    assert list(fastpath.payables(terms, quarter)) == [p for p in ledger.payables if quarter.contains(p.due)]


def test_a_unit_priced_contract_is_not_on_the_fast_path():
    from contracts.terms import make_terms

    raw = {"code": "U1", "name": "cameras", "billing_start": dt.date(2024, 1, 1), "billing_months": 12}
    assert fastpath.on_fast_path(Contract(make_terms({**raw, "annual_fee": "1200.00"})))
    # Its installments await their usage, which only the ledger knows: never straight from the schedule.
    assert not fastpath.on_fast_path(Contract(make_terms({**raw, "pricing": "unit", "unit_price": "5.00"})))


# -- the summary, kept as rows go by, against the plain sum (the pre-#17 code, kept here as the reference) ----------

def summary_by_hand(rows, credits):
    zero = Decimal("0.00")
    by_contract, bases = {}, {}

    def summary_of(code):
        return by_contract.setdefault(code, {"contract": code, **{name: zero for name in SUMMED}})

    for row in rows:
        summary = summary_of(row.contract)
        if row.bucket == NOT_ASSESSED:
            summary["not_yet_assessed"] += row.owed
        else:
            summary[row.bucket] += row.owed
            summary["total"] += row.owed
            bases.setdefault(row.contract, []).append(row.basis)
    for code, credit in credits.items():
        if credit:
            summary_of(code)["credit"] = credit
    summaries = [by_contract[code] for code in sorted(by_contract)]
    for summary in summaries:
        summary["basis"] = combined(bases.get(summary["contract"], []))
    total = {"contract": "TOTAL", **{key: sum((summary[key] for summary in summaries), zero) for key in SUMMED}}
    total["basis"] = combined([basis for found in bases.values() for basis in found])
    return summaries + [total]


BASES = ["computed", described(Basis.UPPER_BOUND, ["deducted per assessment, the rules not recorded"]),
         described(Basis.ASSUMED, ["settled before tracking (opening balance, as recorded)"]),
         described(Basis.ASSUMED, ["settled before tracking (opening balance, inferred)"])]
fen = st.integers(min_value=1, max_value=10**10).map(lambda n: Decimal(n).scaleb(-2))
rows = st.lists(st.builds(
    lambda code, bucket, owed, basis: ArrearsRow(code, 1, dt.date(2024, 1, 1), owed, Decimal("0.00"), owed, 1, bucket,
                                                 "payable", basis),
    st.sampled_from(["A", "B", "C", "D"]), st.sampled_from(list(BUCKET_NAMES) + [NOT_ASSESSED]), fen, st.sampled_from(BASES)),
    max_size=40)


@settings(max_examples=300, deadline=None)
@given(rows=rows, credits=st.dictionaries(st.sampled_from(["A", "C", "E"]), st.one_of(st.just(Decimal("0.00")), fen)))
def test_the_tally_sums_as_the_plain_sum_did(rows, credits):
    assert arrears_summary(rows, credits) == summary_by_hand(rows, credits)


block_sums = st.lists(st.tuples(st.sampled_from(["K1", "K2", "M", "Z9", "A0"]),
                                 st.lists(st.one_of(st.just(0), st.integers(1, 10**10)), min_size=5, max_size=5),
                                 st.integers(1, 9)),
                       max_size=5, unique_by=lambda item: item[0])


@settings(max_examples=300, deadline=None)
@given(rows=rows, credits=st.dictionaries(st.sampled_from(["A", "C", "E"]), st.one_of(st.just(Decimal("0.00")), fen)),
       block=block_sums, block_first=st.booleans(), basis=st.sampled_from(BASES))
def test_a_block_of_sums_tallies_as_each_contracts_sums_did(rows, credits, block, block_first, basis):
    # #17: a province's contracts with terms only are tallied as one block of integers, made into rows by summary():
    # the rows (in code order among the others'), the TOTAL and its basis must be add_summed's, digit for digit.
    block = sorted(block)
    one_by_one, at_once = ArrearsTally(), ArrearsTally()

    def add_rows(tally):
        for row in rows:
            tally.add(row)
        for code, credit in credits.items():
            tally.credit(code, credit)

    if not block_first:
        add_rows(one_by_one)
        add_rows(at_once)
    for code, owed, count in block:
        one_by_one.add_summed(code, owed, count, basis)
    at_once.add_summed_many([code for code, _, _ in block], [owed for _, owed, _ in block],
                            sum(count for *_, count in block), basis)
    if block_first:
        add_rows(one_by_one)
        add_rows(at_once)
    expected, made = one_by_one.summary(), at_once.summary()
    assert made == expected and at_once.rows == one_by_one.rows
    assert [[str(value) for value in row.values()] for row in made] == [[str(value) for value in row.values()] for row in expected]
    assert at_once.summary() == expected  # asked again: the same


def test_a_contract_is_tallied_in_a_block_or_by_rows_never_both():
    tally = ArrearsTally()
    tally.add_summed_many(["A"], [[100, 0, 0, 0, 0]], 1, "computed")
    with pytest.raises(ValueError):
        tally.add_summed("A", [1, 0, 0, 0, 0], 1, "computed")
    other = ArrearsTally()
    other.add_summed("B", [1, 0, 0, 0, 0], 1, "computed")
    with pytest.raises(ValueError):
        other.add_summed_many(["B"], [[1, 0, 0, 0, 0]], 1, "computed")


# -- a mixed portfolio: the stream (fast path and ledgers) against every ledger built -------------------------------

@st.composite
def portfolios(draw):
    contracts = []
    for index in range(draw(st.integers(1, 5))):
        terms = draw(contract_terms(code=f"C{index}"))
        payments = ()
        if draw(st.booleans()):
            first = terms.billing_start
            payments = tuple(
                Payment(n + 1, terms.code, first + dt.timedelta(days=draw(st.integers(0, 2000))),
                        Decimal(draw(st.integers(1, 10**9))).scaleb(-2), allow_credit=True)
                for n in range(draw(st.integers(1, 3))))
        contracts.append(Contract(terms, payments=payments))
    return contracts


@settings(max_examples=150, deadline=None)
@given(contracts=portfolios(), as_of=days)
def test_portfolio_arrears_are_every_ledgers(contracts, as_of):
    ledgers = [contract.ledger(as_of) for contract in contracts]
    expected_rows = arrears(ledgers, as_of)
    expected_summary = summary_by_hand(expected_rows, {ledger.terms.code: ledger.credit for ledger in ledgers})
    found = portfolio_arrears(contracts, as_of)
    assert found.rows == expected_rows and found.summary == expected_summary
    assert portfolio_arrears(contracts, as_of, full_ledgers(contracts, as_of), keep_rows=False).summary == expected_summary
    assert list(arrears_stream(contracts, as_of, ledgers=ledgers)) == expected_rows


# -- the loader's terms, made without the dataclass's __init__ ---------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(terms=contract_terms())
def test_terms_from_a_row_are_the_terms_written(terms):
    from types import SimpleNamespace

    from contracts.terms import TERM_FIELDS, ContractTerms
    from db.mapping import terms_from_row, terms_values

    made = terms_from_row(SimpleNamespace(**terms_values(terms)))
    assert made == terms and repr(made) == repr(terms) and hash(made) == hash(terms)
    assert list(vars(made)) == list(TERM_FIELDS) == list(vars(ContractTerms(**{f: getattr(terms, f) for f in TERM_FIELDS})))


# -- several fiscal years at once (the HTML report's cash flow) against one year at a time ------------------------

@settings(max_examples=100, deadline=None)
@given(terms=contract_terms(), first=st.integers(1995, 2070))
def test_schedule_years_figures_are_each_years(terms, first):
    from contracts.budget import schedule_year_figures, schedule_years_figures

    years = list(range(first, first + 7))
    assert schedule_years_figures(terms, years) == {year: schedule_year_figures(terms, year) for year in years}


@settings(max_examples=60, deadline=None)
@given(contracts=portfolios(), as_of=days, first=st.integers(2000, 2060))
def test_fiscal_years_figures_are_each_years(contracts, as_of, first):
    from contracts.budget import Budgets, Programme, fiscal_year_figures, fiscal_years_figures

    budgets = Budgets(programmes=(Programme("P1", "policing", "", "", tuple(c.code for c in contracts[::2]), ()),))
    years = list(range(first, first + 7))
    assert fiscal_years_figures(contracts, budgets, years, as_of) == {
        year: fiscal_year_figures(contracts, budgets, year, as_of) for year in years}


@settings(max_examples=100, deadline=None)
@given(terms=contract_terms())
def test_a_bare_contract_is_the_contract_of_its_terms(terms):
    from contracts.contract import bare_contract

    made, plain = bare_contract(terms), Contract(terms)
    assert made == plain and repr(made) == repr(plain) and hash(made) == hash(plain)
    assert list(vars(made)) == list(vars(plain)) and made.terms_only and made.current_terms is terms
