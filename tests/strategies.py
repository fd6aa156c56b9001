"""Hypothesis strategies for contract terms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

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
