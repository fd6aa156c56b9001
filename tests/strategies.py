"""Hypothesis strategies for contract terms, and contracts with facts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from contracts.assessments import Assessment
from contracts.contract import Contract
from contracts.deductions import make_rule
from contracts.payments import Opening, Payment
from contracts.terms import Alignment, Frequency, Timing, make_terms

# Month ends and 29 February are where date arithmetic goes wrong; draw them often.
TRICKY_STARTS = [dt.date(2024, 2, 29), dt.date(2023, 1, 31), dt.date(2023, 8, 31), dt.date(2022, 12, 31),
                 dt.date(2023, 3, 30), dt.date(2020, 2, 28), dt.date(2021, 10, 1), dt.date(2018, 3, 30)]

starts = st.one_of(st.sampled_from(TRICKY_STARTS), st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2060, 12, 31)))
fees = st.one_of(
    st.integers(min_value=1, max_value=10**11).map(lambda fen: Decimal(fen) / 100),
    st.integers(min_value=1, max_value=200).map(lambda fen: Decimal(fen) / 100),  # tiny fees stress the rounding
)


@st.composite
def contract_terms(draw, code: str = "C1"):
    frequency = draw(st.sampled_from(list(Frequency)))
    alignment = draw(st.sampled_from(list(Alignment)))
    if alignment is Alignment.anniversary:
        billing_months = frequency.months * draw(st.integers(1, 120 // frequency.months))
    else:
        billing_months = draw(st.integers(1, 120))
    service_months = billing_months + draw(st.integers(0, 36))
    return make_terms(
        {
            "code": code,
            "name": "synthetic",
            "billing_start": draw(starts),
            "billing_months": billing_months,
            "service_months": service_months,
            "annual_fee": draw(fees),
            "frequency": frequency.value,
            "alignment": alignment.value,
            "timing": draw(st.sampled_from(list(Timing))).value,
            "payment_lag_days": draw(st.integers(0, 60)),
        }
    )


def threshold(effective_from: dt.date, *, name: str = "online", retired: bool = False) -> dict:
    return {"name": name, "kind": "threshold", "effective_from": effective_from.isoformat(), "metric": "online_rate",
            "threshold": "95", "step": "1", "per_step_share": "1/45", "retired": retired}


@st.composite
def contracts_with_facts(draw):
    """Terms, then rules that need an assessment or not (a threshold, a cap, an unrecorded one, a version retiring
    one, versions taking effect later), assessments of some installments on some days, a payment, an opening."""
    terms = draw(contract_terms(code="C-1"))
    start = terms.billing_start
    later = st.integers(-400, 3000).map(lambda days: start + dt.timedelta(days=days))
    rules = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["threshold", "threshold", "retired", "cap", "unrecorded"]))
        day = draw(later)
        if kind == "threshold":
            raw = threshold(day)
        elif kind == "retired":
            raw = threshold(day, retired=True)
        elif kind == "cap":
            raw = {"name": "cap", "kind": "cap", "effective_from": day.isoformat(), "per_installment_share": "1/10"}
        else:
            raw = {"name": "unrecorded", "kind": "unrecorded", "effective_from": day.isoformat()}
        rules.append(make_rule(raw, "C-1"))
    assessments = [Assessment("C-1", draw(st.integers(1, 12)), draw(later),
                              metrics=(("online_rate", draw(st.sampled_from([Decimal("96.5"), Decimal("91.0")]))),),
                              version=version)
                   for version in range(1, draw(st.integers(0, 4)) + 1)]
    payments = [Payment(id=1, contract="C-1", paid_on=draw(later), amount=Decimal("1000.00"), seq=1)] \
        if draw(st.booleans()) else []
    opening = Opening("C-1", start, settled_through_seq=draw(st.integers(0, 12)),
                      owed=draw(st.sampled_from([Decimal("0.00"), Decimal("500.00")]))) if draw(st.integers(0, 4)) == 0 else None
    return Contract(terms, tuple(rules), tuple(assessments), tuple(payments), opening)
