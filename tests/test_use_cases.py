"""The answers the commands (and the web pages) print, asked of the domain directly: no CLI runner in between.

The store only loads the Emeishan example (``Store.load``); every figure comes from a function in ``contracts/``.
"""

import datetime as dt
from decimal import Decimal

import pytest

from contracts.amendments import amendment_diff, supplement_sentence
from contracts.budget import fiscal_year_figures
from contracts.contract import Contract, new_payment, place_payment
from contracts.errors import ContractsError
from contracts.ledgers import payable_rows, payment_placement, payment_request, payment_rows, portfolio_arrears
from contracts.overview import contract_overview, contract_remarks, schedule_summary
from contracts.payables import PAID, PAYABLE
from contracts.periods import quarter_period
from contracts.portfolio_file import parse_portfolio
from db.store import open_store

from .conftest import EXAMPLE

D = dt.date


@pytest.fixture
def store(db_url):
    opened = open_store(db_url)
    opened.store.import_portfolio(parse_portfolio(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE.name))
    yield opened.store
    opened.store.close()


def police(rows):
    return next(row for row in rows if row.programme == "POLICE-IT" and row.kind == "programme")


def test_fiscal_year_figures_as_report_fy_and_as_of_a_day(store):
    contracts, budgets = store.load(), store.budgets()
    year = police(fiscal_year_figures(contracts, budgets, 2023))
    # The reference: adjusted budget 543.17万元; paid TW1 2,170,249 + ROAD 1,647,964 + terminals 775,065 + access
    # network 366,547.66 + electricity 471,856.60 = 5,431,682.26.
    assert (year.adjusted, year.paid, year.obligations) == (Decimal("5431700.00"), Decimal("5431682.26"), Decimal("12380386.22"))
    # As of 2023-06-30 the contracts' payments (dated 2023-12-31) are not made yet: only the fee lines' amounts,
    # 775,065 + 366,547.66 + 471,856.60 = 1,613,469.26, count. What fell due in the year does not change.
    midyear = police(fiscal_year_figures(contracts, budgets, 2023, as_of=D(2023, 6, 30)))
    assert (midyear.paid, midyear.obligations) == (Decimal("1613469.26"), Decimal("12380386.22"))


def test_portfolio_arrears_and_payment_rows(store):
    contracts = store.load()
    found = portfolio_arrears(contracts, D(2024, 3, 31))
    assert found.summary[-1]["contract"] == "TOTAL" and found.summary[-1]["total"] == Decimal("10108519.70")
    assert sum(row.owed for row in found.rows) == Decimal("10108519.70")
    # TW1's one payment of 2023 (the reference: 2,170,249.00) settles the inferred 454,249.00 owed before 2023 and
    # the four installments of 429,000.00 due in 2023: 454,249 + 4 x 429,000 = 2,170,249.
    [row] = payment_rows(store.contract("TW1"), D(2024, 1, 1))
    assert row["amount"] == Decimal("2170249.00")
    assert row["allocated"] == "opening: 454249.00; 20: 429000.00; 21: 429000.00; 22: 429000.00; 23: 429000.00"
    assert row["credit"] == Decimal("0.00")


def test_payable_rows_by_quarter_and_by_seq(store):
    tw2 = store.contract("TW2")
    # TW2 bills 1,232,438.34 a quarter from 2022-02-24: seq 8 falls due 2024-02-24, in 2024Q1.
    rows = payable_rows([tw2], D(2024, 3, 31), window=quarter_period("2024Q1"))
    assert [(row["seq"], row["due"], row["owed"], row["state"]) for row in rows] == [
        (8, D(2024, 2, 24), Decimal("1232438.34"), PAYABLE)]
    with pytest.raises(ContractsError, match="seq 13: is not in the schedule of TW2"):
        payable_rows([tw2], D(2024, 3, 31), seq=13)


def test_place_payment_refuses_more_than_is_owed_and_names_the_amount(store):
    tw2 = store.contract("TW2")
    too_much = new_payment(tw2, {"amount": "1232438.35", "paid_on": D(2024, 3, 1), "seq": 8})
    with pytest.raises(ContractsError, match=r"amount '1232438.35': is more than is owed on TW2 \(seq 8: 1232438.34 owed\)"):
        place_payment(tw2, too_much)
    exact = new_payment(tw2, {"amount": "1232438.34", "paid_on": D(2024, 3, 1), "seq": 8})
    ledger = place_payment(tw2, exact)
    assert ledger.payable(8).state == PAID
    assert payment_placement(ledger, exact.id) == ([(8, Decimal("1232438.34"))], Decimal("0.00"))
    # The opening balance settles what fell due before 2023 (seqs 1-3), so seqs 4-8 are open on 2024-02-25.
    # A payment of one installment on 2024-03-01 (FIFO: seq 4) is stored as payment 1. A backdated payment of the
    # five installments due by 2024-02-25 (5 x 1,232,438.34 = 6,162,191.70) would come first and leave payment 1
    # paying what is no longer owed: refused.
    stored = tw2.adding(payments=(new_payment(tw2, {"amount": "1232438.34", "paid_on": D(2024, 3, 1)}).__class__(
        id=1, contract="TW2", paid_on=D(2024, 3, 1), amount=Decimal("1232438.34")),))
    earlier = new_payment(stored, {"amount": "6162191.70", "paid_on": D(2024, 2, 25)})
    with pytest.raises(ContractsError, match="comes before payment 1 of 2024-03-01"):
        place_payment(stored, earlier)


def test_contract_remarks_overview_and_summary(store):
    road, tw2 = store.contract("ROAD"), store.contract("TW2")
    assert contract_remarks(road) == ["the source states the end as '2024-12'; the terms give 2024-09-19"]
    assert contract_remarks(tw2) == ["billed for 36 months but serves 60: no fee falls due from 2025-02-24 to 2027-02-24"]
    # 4,929,753.36 a year, quarterly: 1,232,438.34 x 12 = 14,789,260.08.
    assert schedule_summary(tw2) == "12 quarterly installments of 1,232,438.34, total 14,789,260.08"
    record = contract_overview(tw2, D(2026, 11, 24))
    assert (record["status"], record["days_left"], record["total"]) == ("billing ended, serving", 92, Decimal("14789260.08"))


def test_amendment_diff_and_the_ten_percent_sentence(store):
    from contracts.amendments import make_amendment

    tw2 = store.contract("TW2")
    raise_fee = make_amendment({"effective_from": "2024-02-24", "annual_fee": "5500000.00"}, tw2.terms, ())
    after = tw2.adding(amendments=(raise_fee,))
    rows = amendment_diff(tw2, after)
    # From 2024-02-24 (seq 9 on) a quarter costs 5,500,000 / 4 = 1,375,000.00: 142,561.66 more than 1,232,438.34.
    assert [row["seq"] for row in rows] == [9, 10, 11, 12]
    assert {row["change"] for row in rows} == {Decimal("142561.66")}
    # 4 x 142,561.66 = 570,246.64 added to 14,789,260.08: 15,359,506.72, under 10%.
    assert supplement_sentence(after) == "contract total: 14,789,260.08 originally, 15,359,506.72 as amended"


def test_payment_request_in_figures_and_capitals(store):
    record, remarks = payment_request(store.contract("TW2"), 8, D(2024, 3, 31))
    assert (record["net"], record["net_in_words"]) == (Decimal("1232438.34"), "壹佰贰拾叁万贰仟肆佰叁拾捌元叁角肆分")
    assert remarks == []


def test_a_contract_is_immutable_and_adding_makes_a_new_one():
    terms = parse_portfolio(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE.name).contracts[0]
    contract = Contract(terms)
    assert contract.terms_only and contract.code == terms.code
    with pytest.raises(Exception):
        contract.rules = ()  # type: ignore[misc]
    assert contract.adding(payments=()) == contract
