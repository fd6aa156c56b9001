"""Everything stored about one contract, as domain objects (no database code: cheap to import)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from contracts.amendments import Amendment, amended_schedule, apply
from contracts.assessments import Assessment
from contracts.deductions import Rule
from contracts.payables import Ledger, build_ledger
from contracts.schedule import build_schedule
from contracts.payments import Opening, Payment
from contracts.terms import ContractTerms
from contracts.usage import Usage


@dataclass
class Facts:
    """Everything stored about one contract, as domain objects."""

    contract_id: int
    terms: ContractTerms
    rules: list[Rule] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    opening: Opening | None = None
    usage: list[Usage] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)

    @property
    def current_terms(self) -> ContractTerms:
        """The terms after every amendment (the original terms stay in ``terms``)."""
        return apply(self.terms, self.amendments) if self.amendments else self.terms

    @property
    def terms_only(self) -> bool:
        """Nothing recorded but the terms: its figures come straight from the schedule engine."""
        return not (self.rules or self.assessments or self.payments or self.opening or self.usage or self.amendments)

    def schedule(self):
        """The contract's installments (worked out once; usage recorded later means a fresh load)."""
        if getattr(self, "_schedule", None) is None:
            self._schedule = (amended_schedule(self.terms, self.amendments) if self.amendments
                              else build_schedule(self.terms, self.usage))
        return self._schedule

    def ledger(self, as_of: dt.date | None = None, extra_payments: list[Payment] | None = None) -> Ledger:
        payments = self.payments + (extra_payments or [])
        return build_ledger(self.terms, self.rules, self.assessments, payments, self.opening, as_of, self.usage,
                            self.amendments)
