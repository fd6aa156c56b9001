"""The rows procurement staff read: lines, a line's timeline, tenders, failures, rebids and usage.

Plain records (dates, Decimals, text) from the domain's answers, the same for the command line and
the web; rendering them is the front end's job.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from .errors import ContractsError
from .periods import Period
from .procurement import LineFacts, LineStatus
from .rebid import RebidRow
from .tenders import METHODS, FailureSummary, Tender, ordered
from .usage import CapProjection, cost, project_cap

LINE_KEYS = ("line", "name", "contracts", "current", "state", "coverage_ends", "successor", "in_transition_since",
             "transition_months", "transition_spending", "suspended_from", "flags")
SEGMENT_KEYS = ("line", "kind", "start", "end", "days", "refs")
TENDER_KEYS = ("line", "attempt", "id", "method", "method_name", "approved", "announced", "bid_deadline", "opened", "awarded",
               "signed", "outcome", "ground", "bidders", "method_approval", "contract", "note")
FAILED_KEYS = ("line", "attempts", "failed", "consecutive_failures", "last_ground", "options", "flags")
REBID_KEYS = ("line", "coverage_ends", "method", "latest_start", "sign_by", "slack_days", "state")
USAGE_KEYS = ("target", "period_start", "period_end", "quantity", "amount", "note")


def status_record(status: LineStatus) -> dict:
    return {
        "line": status.line, "name": status.name, "contracts": ", ".join(status.contracts), "current": status.current,
        "state": status.state, "coverage_ends": status.coverage_ends, "successor": status.successor,
        "in_transition_since": status.in_transition_since, "transition_months": status.transition_months,
        "transition_spending": status.transition_spending if status.in_transition_since else None,
        "suspended_from": status.suspended_from, "flags": "; ".join(status.flags),
    }


def segment_rows(status: LineStatus) -> list[dict]:
    """A line's timeline: contracts, transitions, suspensions and gaps, an open-ended one without an end."""
    return [{"line": status.line, "kind": s.kind, "start": s.start, "end": None if s.open_ended else s.end,
             "days": None if s.open_ended else (s.end - s.start).days, "refs": ", ".join(s.refs)} for s in status.segments]


def tender_rows(tenders: Sequence[Tender]) -> list[dict]:
    """Tender attempts in the order recorded, numbered from 1."""
    return [{"line": t.line, "attempt": n, "id": t.id, "method": t.method, "method_name": METHODS[t.method],
             "approved": t.approved, "announced": t.announced, "bid_deadline": t.bid_deadline, "opened": t.opened,
             "awarded": t.awarded, "signed": t.signed, "outcome": t.outcome, "ground": t.ground, "bidders": t.bidders,
             "method_approval": t.method_approval, "contract": t.contract, "note": t.note}
            for n, t in enumerate(ordered(tenders), start=1)]


def failure_record(summary: FailureSummary) -> dict:
    return {"line": summary.line, "attempts": len(summary.attempts), "failed": summary.failed,
            "consecutive_failures": summary.consecutive_failures, "last_ground": summary.last_ground,
            "options": [{"action": o.action, "basis": o.basis} for o in summary.options], "flags": list(summary.flags)}


def rebid_record(row: RebidRow) -> dict:
    return {key: getattr(row, key) for key in REBID_KEYS}


def usage_listing(lines: Sequence[LineFacts], code: str, fiscal_year: int,
                  as_of: dt.date) -> tuple[list[dict], list[tuple[str, CapProjection]]]:
    """The usage recorded under a unit-priced contract, or under every contract and transition of a line,
    each costed; and, for each contract with a budget cap, whether the fiscal year projects past it."""
    contract = next((t for facts in lines for t in facts.contracts if t.code == code), None)
    line = next((facts for facts in lines if facts.line.code == code), None)
    if contract is None and line is None:
        raise ContractsError("code", code, "is not a contract or service line in this store")
    facts = line or next(f for f in lines if contract in f.contracts)
    items: list[tuple] = []
    for terms in facts.contracts:
        if contract is None or terms.code == contract.code:
            items += [(u, terms.unit_price) for u in facts.usage.get(terms.code, [])]
    if contract is None:
        for u in facts.transition_usage:
            transition = next((t for t in facts.transitions if t.start <= u.period.start and (t.end is None or u.period.start < t.end)), None)
            items.append((u, transition.unit_price if transition else None))
    rows = [{"target": u.target, "period_start": u.period.start, "period_end": u.period.end, "quantity": u.quantity,
             "amount": cost(u, price), "note": u.note} for u, price in sorted(items, key=lambda pair: pair[0].period.start)]
    projections = []
    for terms in facts.contracts:
        if terms.annual_cap is None or (contract is not None and terms.code != contract.code):
            continue
        projections.append((terms.code, project_cap(facts.usage.get(terms.code, []), terms.unit_price,
                                                    terms.annual_cap, fiscal_year, Period(terms.billing_start, terms.billing_end),
                                                    as_of)))
    return rows, projections
