"""Budgets, the fiscal-year report, the forecast and the checks, in the domain."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.budget import (
    Budget,
    FeeAmount,
    Programme,
    contract_year_figures,
    fy_report,
    make_budget,
    schedule_year_figures,
)
from contracts.checks import CheckSettings, run_checks
from contracts.errors import ContractsError
from contracts.forecast import forecast
from contracts.lines import ServiceLine
from contracts.payables import build_ledger
from contracts.payments import Opening, Payment
from contracts.procurement import LineFacts, line_status
from contracts.schedule import build_schedule
from contracts.stated import compare_total, parse_stated
from contracts.terms import make_terms

from .strategies import contract_terms

D = dt.date


# --- stated amounts and their precision ---------------------------------------------------------------

def test_wan_is_exact_and_knows_its_precision():
    total = parse_stated("543.17", "wan", "spent")
    assert total.yuan == Decimal("5431700.00") and total.precision == Decimal("50")
    assert parse_stated("20.1", "wan", "paid").precision == Decimal("500")
    with pytest.raises(ContractsError, match="finer than the fen"):
        parse_stated("1.2345678", "wan", "paid")


def test_the_precision_rule_at_its_boundary():
    total = parse_stated("543.17", "wan", "spent")  # 5,431,700.00 +- 50.00
    # One item stated to the fen (+- 0.005): the tolerance is 50.005.
    assert compare_total(total, [parse_stated("5431650.00", "yuan", "i")]).within_rounding  # 50.00 off
    assert not compare_total(total, [parse_stated("5431649.99", "yuan", "i")]).within_rounding  # 50.01 off
    assert compare_total(total, [parse_stated("5431749.99", "yuan", "i")]).within_rounding
    assert not compare_total(total, [parse_stated("5431750.01", "yuan", "i")]).within_rounding


def test_the_reference_totals_differ_by_rounding_only():
    police = compare_total(parse_stated("543.17", "wan", "s"), [parse_stated(x, "yuan", "i") for x in
                                                                 ("2170249", "1647964", "775065", "366547.66", "471856.6")])
    assert (police.items_total, police.difference, police.within_rounding) == (Decimal("5431682.26"), Decimal("17.74"), True)
    seal = compare_total(parse_stated("44.16", "wan", "s"), [parse_stated(x, "wan", "i") for x in ("20.43", "3.64", "20.1")])
    assert (seal.difference, seal.within_rounding) == (Decimal("-100.00"), True)


@pytest.mark.parametrize("raw, message", [
    ({"year": 2023, "original": "-1"}, "original '-1': must not be negative"),
    ({"year": 2023, "adjusted": "5"}, "adjusted '5': needs the original budget"),
    ({"year": 1989, "original": "5"}, "year 1989: is outside 1990-2100"),
    ({"year": 2101, "original": "5"}, "year 2101: is outside 1990-2100"),
    ({"year": 2023, "original": "5", "unit": "jin"}, "unit 'jin': must be yuan or wan"),
])
def test_bad_budgets(raw, message):
    with pytest.raises(ContractsError) as caught:
        make_budget(raw, "P")
    assert caught.value.line().startswith(message)


# --- the fiscal-year report ------------------------------------------------------------------------------

def terms(code, start, months, fee, **extra):
    return make_terms({"code": code, "name": code, "billing_start": start, "billing_months": months, "annual_fee": fee, **extra})


def test_fy_report_rows_add_up_and_read_plainly():
    a = terms("A", "2022-01-01", 36, "400000")  # 100,000.00 a quarter, due 04-01, 07-01, 10-01, 01-01
    b = terms("B", "2023-03-01", 12, "120000")  # 30,000.00 a quarter
    ledgers = {
        "A": build_ledger(a, payments=[Payment(1, "A", D(2023, 5, 1), Decimal("150000.00"))],
                          opening=Opening("A", D(2023, 1, 1), 3, Decimal("0.00")), as_of=D(2023, 12, 31)),
        "B": build_ledger(b, as_of=D(2023, 12, 31)),
    }
    programme = Programme("P", "p", contracts=("A", "B"), fee_lines=("POWER",))
    budget = Budget("P", 2023, parse_stated("60", "wan", "o"), parse_stated("50", "wan", "a"))
    fees = [FeeAmount("POWER", 2023, "paid", parse_stated("12345.67", "yuan", "p"))]
    figures = {code: contract_year_figures(ledger, 2023) for code, ledger in ledgers.items()}
    assert figures["B"] == schedule_year_figures(b, 2023)  # terms alone: the engine gives the same figures
    rows = fy_report(2023, [programme], [budget], figures, {"A": Decimal("150000.00")}, fees)
    by_item = {row.item: row for row in rows}
    # A: due in 2023 are seq 4 (01-01), 5, 6, 7 = 400,000.00; seq 4 and half of 5 paid; 250,000.00 unpaid.
    assert (by_item["A"].obligations, by_item["A"].paid, by_item["A"].unpaid_of_year) == (
        Decimal("400000.00"), Decimal("150000.00"), Decimal("250000.00"))
    # B: due 06-01, 09-01, 12-01 in 2023 (the fourth on 2024-03-01): 90,000.00, none paid.
    assert (by_item["B"].obligations, by_item["B"].unpaid_of_year) == (Decimal("90000.00"), Decimal("90000.00"))
    total = by_item[""]
    for key in ("obligations", "paid", "unpaid_of_year", "earlier_arrears"):
        assert getattr(total, key) == sum(getattr(row, key) for row in rows if row.kind != "programme")
    assert total.obligations == Decimal("502345.67") and total.paid == Decimal("162345.67")
    assert total.execution_rate == Decimal("0.3247") and total.coverage == Decimal("0.9953")


@settings(max_examples=80, deadline=None)
@given(st.lists(contract_terms(), min_size=1, max_size=4), st.integers(2000, 2060), st.data())
def test_fy_totals_equal_the_sum_of_their_rows(portfolio, year, data):
    portfolio = [t.__class__(**{**t.__dict__, "code": f"C{i}"}) for i, t in enumerate(portfolio)]
    ledgers, paid = {}, {}
    for t in portfolio:
        payments = [Payment(n, t.code, D(year, data.draw(st.integers(1, 12)), 15), Decimal(data.draw(st.integers(1, 10**7))) / 100,
                            allow_credit=True) for n in range(data.draw(st.integers(0, 3)))]
        ledgers[t.code] = build_ledger(t, payments=payments, as_of=D(year, 12, 31))
        paid[t.code] = sum((p.amount for p in payments), Decimal("0.00"))
    figures = {code: contract_year_figures(ledger, year) for code, ledger in ledgers.items()}
    for t in portfolio:
        assert schedule_year_figures(t, year)[0] == figures[t.code][0]  # obligations do not depend on payments
    rows = fy_report(year, [Programme("P", "p", contracts=tuple(ledgers))], [], figures, paid, [])
    for key in ("obligations", "paid", "unpaid_of_year", "earlier_arrears"):
        assert getattr(rows[-1], key) == sum(getattr(row, key) for row in rows[:-1])
    for t in portfolio:
        due = sum(i.amount for i in build_schedule(t) if i.due.year == year)
        assert next(r for r in rows if r.item == t.code).obligations == due


# --- the forecast ----------------------------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(st.lists(contract_terms(), min_size=1, max_size=4), st.integers(1995, 2060), st.integers(1, 5))
def test_forecast_totals_equal_the_installments_in_the_window(portfolio, first, years):
    portfolio = [t.__class__(**{**t.__dict__, "code": f"C{i}"}) for i, t in enumerate(portfolio)]
    expected = sum(i.amount for t in portfolio for i in build_schedule(t) if first <= i.due.year < first + years)
    for sources in ([(t, None, ()) for t in portfolio], [(t, build_ledger(t), ()) for t in portfolio]):
        result = forecast(sources, {}, first, years)  # from terms alone, and through the ledger: the same
        assert sum(row.gross for row in result.rows()) == expected
        for by in ("contract", "line", "programme", "all"):
            assert sum(row["gross"] for row in result.totals(by)) == expected
        # By accrual, a window covering every period holds every installment, split by days over quarters.
        everything = forecast(sources, {}, 1990, 110, accrual=True)
        assert sum(row.gross for row in everything.rows()) == sum(i.amount for t in portfolio for i in build_schedule(t))


def test_forecast_expected_net_and_ending_contracts():
    t = terms("T", "2026-01-01", 12, "400000", service_months=14)
    rows = forecast([(t, None, ())], {"T": "P"}, 2026, 2, deduction_rate=Fraction(2, 100)).rows()
    assert [(r.year, r.quarter, r.gross, r.expected_net) for r in rows] == [
        (2026, 2, Decimal("100000.00"), Decimal("100000.00")), (2026, 3, Decimal("100000.00"), Decimal("100000.00")),
        (2026, 4, Decimal("100000.00"), Decimal("100000.00")), (2027, 1, Decimal("100000.00"), Decimal("100000.00"))]
    assert all(r.ends_in_window and r.programme == "P" for r in rows)  # serves to 2027-03-01
    from contracts.deductions import make_rule

    rule = make_rule({"name": "i", "kind": "itemized", "effective_from": "2026-01-01"}, "T")
    rows = forecast([(t, build_ledger(t, rules=[rule]), ())], {}, 2026, 2, deduction_rate=Fraction(2, 100)).rows()
    assert {r.expected_net for r in rows} == {Decimal("98000.00")} and {r.basis for r in rows} == {"expected rate"}


# --- checks ------------------------------------------------------------------------------------------------

def run(terms_list, ledgers=None, statuses=None, **extra):
    ledgers = ledgers if ledgers is not None else [build_ledger(t) for t in terms_list]
    statuses = statuses if statuses is not None else [
        line_status(LineFacts(ServiceLine(t.code, t.name), False, contracts=[t]), extra.get("as_of", D(2024, 6, 1)))
        for t in terms_list]
    return run_checks(terms=terms_list, ledgers=ledgers, statuses=statuses, **{"as_of": D(2024, 6, 1), **extra})


CLEAN = terms("OK", "2024-01-01", 24, "120000", stated_end="2026-01-01", completed_on="2023-12-01")


def test_a_clean_portfolio_has_no_findings():
    payments = [Payment(1, "OK", D(2024, 4, 1), Decimal("30000.00"))]
    assert run([CLEAN], ledgers=[build_ledger(CLEAN, payments=payments)]) == []


def test_each_check_fires_on_its_case():
    road = terms("ROAD", "2019-09-19", 60, "3379113.6", stated_end="2024-12")
    [finding] = run([road], statuses=[])
    assert (finding.severity, finding.check, finding.stated, finding.computed) == ("warning", "stated end", "2024-12", "2024-09-19")

    entry = terms("ENTRY", "2023-03-17", 36, "221400", completed_on="2022-09-30")
    [finding] = run([entry], statuses=[])
    assert (finding.severity, finding.check) == ("info", "completion gap") and "168 days" in finding.explanation

    over = build_ledger(CLEAN, payments=[Payment(1, "OK", D(2024, 4, 1), Decimal("31000.00"), allow_credit=True)])
    [finding] = run([CLEAN], ledgers=[over])
    assert (finding.check, finding.stated) == ("paid above due", "1000.00")

    from contracts.deductions import make_rule

    rule = make_rule({"name": "i", "kind": "itemized", "effective_from": "2024-01-01"}, "OK")
    late = build_ledger(CLEAN, rules=[rule])
    [finding] = run([CLEAN], ledgers=[late], as_of=D(2024, 5, 2))
    assert finding.check == "not assessed" and "seq 1 due 2024-04-01" in finding.explanation
    assert run([CLEAN], ledgers=[late], as_of=D(2024, 5, 1)) == []  # 30 days of grace, not yet past

    a, b = terms("A", "2020-01-01", 12, "1"), terms("B", "2021-02-01", 12, "1", line="L")
    facts = LineFacts(ServiceLine("L", "l"), True, contracts=[a, b])
    findings = run([a, b], statuses=[line_status(facts, D(2021, 6, 1))], as_of=D(2021, 6, 1))
    assert [f.check for f in findings] == ["contract gap"]
    findings = run([a, b], statuses=[line_status(facts, D(2023, 6, 1))], as_of=D(2023, 6, 1))
    assert sorted(f.check for f in findings) == ["contract gap", "no contract"]


def test_budget_total_check_severity_by_precision():
    programme = Programme("P", "p", fee_lines=("F",))
    budget = Budget("P", 2023, parse_stated("60", "wan", "o"), spent=parse_stated("543.17", "wan", "s"))
    near = [FeeAmount("F", 2023, "paid", parse_stated("5431650.00", "yuan", "p"))]
    far = [FeeAmount("F", 2023, "paid", parse_stated("5431649.99", "yuan", "p"))]
    [finding] = run([], statuses=[], budgets=[budget], programmes=[programme], fee_amounts=near)
    assert (finding.severity, finding.check) == ("info", "stated total")
    [finding] = run([], statuses=[], budgets=[budget], programmes=[programme], fee_amounts=far)
    assert finding.severity == "error" and "more than their rounding explains" in finding.explanation
    exact = [FeeAmount("F", 2023, "paid", parse_stated("5431700", "yuan", "p"))]
    assert run([], statuses=[], budgets=[budget], programmes=[programme], fee_amounts=exact) == []
    assert CheckSettings().assessment_grace_days == 30


def test_a_fiscal_year_row_made_without_its_init_is_the_row():
    """budget._fy_row (the HTML report makes 700,000 of them at a province's size) is FyRow(*values), field for field."""
    from contracts.budget import FyRow, _fy_row

    values = ("P1", "C1", "contract", None, None, Decimal("1.00"), Decimal("0.00"), Decimal("1.00"), Decimal("0.50"), None,
              None, None, Decimal("0.00"), "upper bound: not yet assessed")
    made, plain = _fy_row(values), FyRow(*values)
    assert made == plain and repr(made) == repr(plain) and hash(made) == hash(plain) and list(vars(made)) == list(vars(plain))
