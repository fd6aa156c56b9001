"""Rows <-> domain objects. The domain never sees a row."""

from __future__ import annotations

from contracts.money import from_fen, to_fen
from contracts.terms import Alignment, ContractTerms, Frequency, Timing

from .tables import ContractRow

_COPIED = (
    "code", "name", "vendor", "buyer", "signed_on", "billing_start", "billing_months", "service_months",
    "payment_lag_days", "stated_end", "completed_on", "notes", "source",
)


def terms_from_row(row: ContractRow) -> ContractTerms:
    return ContractTerms(
        **{name: getattr(row, name) for name in _COPIED},
        annual_fee=from_fen(row.annual_fee_fen),
        frequency=Frequency(row.frequency),
        alignment=Alignment(row.alignment),
        timing=Timing(row.timing),
    )


def write_terms(row: ContractRow, terms: ContractTerms) -> ContractRow:
    """Copy terms onto a row (new or existing), with the derived dates that index it."""
    for name in _COPIED:
        setattr(row, name, getattr(terms, name))
    row.annual_fee_fen = to_fen(terms.annual_fee)
    row.frequency = terms.frequency.value
    row.alignment = terms.alignment.value
    row.timing = terms.timing.value
    row.billing_end = terms.billing_end
    row.service_end = terms.service_end
    return row
