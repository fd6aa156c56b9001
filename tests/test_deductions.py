"""Deduction rules: worked examples of each shape (figures checked by hand) and properties."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.deductions import AssessmentInputs, apply_rules, describe, make_rule, rules_in_force

D = dt.date
TW2_GROSS = 123243834  # 1,232,438.34 in fen


def rule(**raw):
    return make_rule({"name": raw.pop("name", "r"), "effective_from": "2022-01-01", **raw}, "TW2")


def withheld(rules, gross=TW2_GROSS, year_fee=4 * TW2_GROSS, year_withheld=0, **inputs):
    result = apply_rules(rules, gross, AssessmentInputs(**inputs), year_fee_fen=year_fee, year_withheld_fen=year_withheld)
    return [d.amount for d in result.deductions], result


def test_threshold_started_steps():
    # 93.4 is 1.6 below 95: two started steps; 1,232,438.34 x 2/45 = 54,775.037 -> 54,775.04.
    online = rule(kind="threshold", metric="online_rate", threshold="95", step="1", per_step_share="1/45")
    assert withheld([online], metrics={"online_rate": Decimal("93.4")})[0] == [Decimal("54775.04")]
    assert withheld([online], metrics={"online_rate": Decimal("95")})[0] == [Decimal("0.00")]


def test_threshold_whole_and_proportional_steps():
    # whole: 1 step -> 1,232,438.34 / 45 = 27,387.519 -> 27,387.52.
    whole = rule(kind="threshold", metric="online_rate", threshold="95", step="1", per_step_share="1/45", count="whole")
    assert withheld([whole], metrics={"online_rate": Decimal("93.4")})[0] == [Decimal("27387.52")]
    # proportional: 1.6 steps -> 1,232,438.34 x 1.6 / 45 = 43,820.030 -> 43,820.03.
    prop = rule(kind="threshold", metric="online_rate", threshold="95", step="1", per_step_share="1/45", count="proportional")
    assert withheld([prop], metrics={"online_rate": Decimal("93.4")})[0] == [Decimal("43820.03")]


def test_threshold_fixed_amount_and_above():
    # response time 7.5 hours above a 4-hour limit in steps of 2 hours: 1.75 -> 2 started steps x 500.00 = 1,000.00.
    late = rule(kind="threshold", metric="response_hours", threshold="4", step="2", direction="above", per_step_amount="500")
    assert withheld([late], metrics={"response_hours": Decimal("7.5")})[0] == [Decimal("1000.00")]


def test_scorecard_bands_and_pass_mark():
    card = rule(kind="scorecard", pass_mark="60", bands=[{"below": "90", "share": "2%"}, {"below": "80", "share": "5%"},
                                                         {"below": "60", "share": "10%"}])
    # 85 is below 90 only: 2% of 1,232,438.34 = 24,648.7668 -> 24,648.77.
    assert withheld([card], score=Decimal("85"))[0] == [Decimal("24648.77")]
    # 79.5 is below 80: 5% = 61,621.917 -> 61,621.92.
    assert withheld([card], score=Decimal("79.5"))[0] == [Decimal("61621.92")]
    amounts, result = withheld([card], score=Decimal("59"))
    assert amounts == [Decimal("123243.83")] and result.failed_pass_mark  # 10% = 123,243.834
    assert withheld([card], score=Decimal("90"))[0] == [Decimal("0.00")]


def test_per_unit_beyond_allowance():
    # 40 fault hours, 24 free: 16 x 50.00 = 800.00; 24.5 hours: 0.5 x 50.00 = 25.00.
    faults = rule(kind="per_unit", metric="fault_hours", allowance="24", rate="50.00")
    assert withheld([faults], metrics={"fault_hours": Decimal("40")})[0] == [Decimal("800.00")]
    assert withheld([faults], metrics={"fault_hours": Decimal("24.5")})[0] == [Decimal("25.00")]
    assert withheld([faults], metrics={"fault_hours": Decimal("3")})[0] == [Decimal("0.00")]


def test_itemized():
    items = rule(kind="itemized")
    amounts, result = withheld([items], items=(("3 cameras offline 5 days", 150000), ("late report", 20000)))
    assert amounts == [Decimal("1700.00")]
    assert "3 cameras offline 5 days: 1500.00" in result.deductions[0].reason


def test_caps_in_order_rule_installment_year_and_zero_floor():
    # Gross 200,000.00. online 91.0: 4 steps x 1/45 = 17,777.78, but this rule is capped at 15,000.00.
    online = rule(name="a", position=1, kind="threshold", metric="online_rate", threshold="95", step="1",
                  per_step_share="1/45", cap_amount="15000")
    items = rule(name="b", position=2, kind="itemized")
    caps = rule(name="z", kind="cap", per_installment_share="10%", per_year_amount="25000")
    # Installment cap 20,000.00: online 15,000.00 (rule cap), items 9,000.00 cut to 5,000.00 (installment cap).
    amounts, result = withheld([caps, online, items], gross=20000000, year_fee=80000000,
                               metrics={"online_rate": Decimal("91.0")}, items=(("x", 900000),))
    assert amounts == [Decimal("15000.00"), Decimal("5000.00")]
    assert [d.cap_applied for d in result.deductions] == ["rule cap", "installment cap"]
    # 12,000.00 already withheld this contract year: the yearly cap leaves 13,000.00.
    amounts, result = withheld([caps, online, items], gross=20000000, year_fee=80000000, year_withheld=1200000,
                               metrics={"online_rate": Decimal("91.0")}, items=(("x", 900000),))
    assert amounts == [Decimal("13000.00"), Decimal("0.00")]
    assert result.deductions[0].cap_applied == "yearly cap"
    # Without caps, findings larger than the installment stop at zero net.
    amounts, result = withheld([items], gross=100000, items=(("x", 500000),))
    assert amounts == [Decimal("1000.00")] and result.total_fen == 100000
    assert result.deductions[0].cap_applied == "net cannot go below zero"


def test_amendments_replace_rules_from_their_date():
    v1 = make_rule({"name": "online", "kind": "threshold", "metric": "online_rate", "threshold": "95", "step": "1",
                    "per_step_share": "1/45", "effective_from": "2022-01-01"}, "X")
    v2 = make_rule({"name": "online", "kind": "threshold", "metric": "online_rate", "threshold": "98", "step": "1",
                    "per_step_share": "1/45", "effective_from": "2024-01-01"}, "X")
    gone = make_rule({"name": "online", "kind": "threshold", "retired": True, "effective_from": "2025-01-01"}, "X")
    assert rules_in_force([v1, v2, gone], D(2023, 6, 1)) == [v1]
    assert rules_in_force([v1, v2, gone], D(2024, 1, 1)) == [v2]
    assert rules_in_force([v1, v2, gone], D(2025, 6, 1)) == []
    assert describe(v2) == "online_rate below 98: each started step of 1 withholds 1/45 of the installment"


# --- properties -----------------------------------------------------------------------------------

shares = st.fractions(min_value=0, max_value=1, max_denominator=200)
money_fen = st.integers(min_value=1, max_value=10**9)


@st.composite
def rule_sets(draw):
    rules = []
    if draw(st.booleans()):
        rules.append(rule(name="t", position=1, kind="threshold", metric="m", threshold="95", step=str(draw(st.sampled_from(["0.5", "1", "2"]))),
                          count=draw(st.sampled_from(["started", "whole", "proportional"])),
                          per_step_share=f"{(s := draw(shares)).numerator}/{s.denominator}",
                          cap_share=None if draw(st.booleans()) else "3/10"))
    if draw(st.booleans()):
        rules.append(rule(name="u", position=2, kind="per_unit", metric="h", allowance="10", rate=str(Decimal(draw(money_fen) % 100000 + 1) / 100)))
    if draw(st.booleans()):
        rules.append(rule(name="s", position=3, kind="scorecard", bands=[{"below": "90", "share": "5%"}, {"below": "70", "share": "50%"}]))
    rules.append(rule(name="i", position=4, kind="itemized"))
    if draw(st.booleans()):
        rules.append(rule(name="cap", kind="cap", per_installment_share=f"{(c := draw(shares)).numerator}/{c.denominator}",
                          per_year_amount=str(Decimal(draw(money_fen)) / 100)))
    return rules


@settings(max_examples=300, deadline=None)
@given(
    rules=rule_sets(),
    grosses=st.lists(st.integers(min_value=0, max_value=10**10), min_size=1, max_size=6),
    m=st.decimals(min_value=0, max_value=100, places=1), h=st.decimals(min_value=0, max_value=500, places=1),
    score=st.decimals(min_value=0, max_value=100, places=1), items=st.lists(money_fen, max_size=3),
)
def test_deductions_stay_within_caps_and_net_is_never_negative(rules, grosses, m, h, score, items):
    caps = [r for r in rules if r.kind == "cap"]
    year_fee = sum(grosses)
    year_withheld = 0
    for gross in grosses:
        inputs = AssessmentInputs({"m": m, "h": h}, score, tuple((f"item {i}", fen) for i, fen in enumerate(items)))
        result = apply_rules(rules, gross, inputs, year_fee_fen=year_fee, year_withheld_fen=year_withheld)
        total = sum(d.amount for d in result.deductions)
        assert total * 100 == result.total_fen
        assert 0 <= result.total_fen <= gross  # net = gross - deductions, never negative
        for d in result.deductions:
            assert Decimal(0) <= d.amount <= d.computed
        for r, d in zip([r for r in rules if r.kind != "cap"], result.deductions):
            if r.cap_share is not None:
                assert d.amount * 100 <= gross * r.cap_share + Fraction(1, 2)
        for cap in caps:
            assert result.total_fen <= gross * cap.per_installment_share + Fraction(1, 2)
        year_withheld += result.total_fen
        for cap in caps:
            assert year_withheld <= cap.per_year_fen  # the yearly cap holds across the year's installments


# --- the threshold's steps, worked out once per distinct case (#17), against the computation they replaced ----------

def uncached_withholds(rule, gross_fen: int, value: Decimal):
    """ThresholdRule.withholds as it was before its steps were cached, verbatim but for the rule's fields."""
    import math

    from contracts.money import round_half_up_div

    gap = (rule.threshold - value) if rule.direction == "below" else (value - rule.threshold)
    if gap <= 0:
        steps = Fraction(0)
    else:
        steps = Fraction(gap) / Fraction(rule.step)
        if rule.count == "started":
            steps = Fraction(math.ceil(steps))
        elif rule.count == "whole":
            steps = Fraction(math.floor(steps))
    if rule.per_step_share is not None:
        share = steps * rule.per_step_share
        amount = round_half_up_div(gross_fen * share.numerator, share.denominator)
    else:
        product = steps * (rule.per_step_fen or 0)
        amount = round_half_up_div(product.numerator, product.denominator)
    steps_text = f"{steps}" if steps.denominator == 1 else f"{float(steps):.4g}"
    return amount, f"{rule.metric}={value}", f"{steps_text} step(s) {rule.direction} {rule.threshold}"


@settings(max_examples=500, deadline=None)
@given(threshold=st.sampled_from(["95", "95.0", "98.5", "60"]), step=st.sampled_from(["1", "0.5", "2", "1.00"]),
       direction=st.sampled_from(["below", "above"]), count=st.sampled_from(["started", "whole", "proportional"]),
       per=st.one_of(st.fractions(min_value=0, max_value=1, max_denominator=90).map(lambda f: {"per_step_share": f"{f.numerator}/{f.denominator}"}),
                     st.integers(1, 10**6).map(lambda fen: {"per_step_amount": str(Decimal(fen) / 100)})),
       values=st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=6),
       gross=st.integers(0, 10**11))
def test_a_thresholds_deduction_is_what_it_was_for_any_value_however_written(threshold, step, direction, count, per,
                                                                             values, gross):
    made = rule(kind="threshold", metric="m", threshold=threshold, step=step, direction=direction, count=count, **per)
    # the same values again, written with another exponent (96.5 and 96.50 are one case to the cache, not to the reason)
    for value in values + [value.quantize(Decimal("0.0001")) for value in values]:
        assert made.withholds(gross, AssessmentInputs({"m": value})) == uncached_withholds(made, gross, value)
