"""Tender attempts (采购活动) of a service line, and what the rules allow after failures.

The legal basis is quoted in ``procurement_law`` (the Government Procurement Law, its
Implementing Regulations and the Ministry of Finance's rules for each method). The
guidance is guidance: the buyer's procurement office decides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from . import limits
from .errors import ContractsError
from .periods import parse_optional_date
from .plausible import recorded_day
from .procurement_law import NOT_STATED, THRESHOLD_NOTE, Option, options_after_failure

METHODS = {
    "public": "公开招标 public tender",
    "invited": "邀请招标 invited tender",
    "negotiation": "竞争性谈判 competitive negotiation",
    "consultation": "竞争性磋商 competitive consultation",
    "quotation": "询价 request for quotations",
    "single-source": "单一来源 single source",
}
OUTCOMES = ("pending", "awarded", "failed", "cancelled")
GROUNDS = {
    "too-few-bidders": "fewer than three qualified suppliers",
    "over-budget": "all bids over budget",
    "irregularities": "irregularities affecting fairness",
    "cancelled-by-buyer": "cancelled by the buyer",
    "other": "another ground, stated by the source but none of these",
}
DATE_FIELDS = ("approved", "announced", "bid_deadline", "opened", "awarded", "signed")
TENDER_FIELDS = ("line", "method", *DATE_FIELDS, "outcome", "ground", "bidders", "method_approval", "contract", "note")


@dataclass(frozen=True)
class Tender:
    line: str
    method: str
    outcome: str
    id: int = 0
    approved: dt.date | None = None
    announced: dt.date | None = None
    bid_deadline: dt.date | None = None
    opened: dt.date | None = None
    awarded: dt.date | None = None
    signed: dt.date | None = None
    ground: str = ""
    bidders: int | None = None
    method_approval: str = ""  # the approval reference for a change of procurement method
    contract: str = ""  # the contract it led to
    note: str = ""



def _choice(raw: Mapping[str, Any], key: str, allowed, default: str = "") -> str:
    value = raw.get(key)
    if value in (None, ""):
        return default
    value = str(value).strip().lower().replace("_", "-")
    if value not in allowed:
        raise ContractsError(key, value, f"must be one of: {', '.join(allowed)}")
    return value


def make_tender(raw: Mapping[str, Any], line: str, *, as_of: dt.date | None = None) -> Tender:
    """Check a tender attempt: known method and outcome, dates in order, an outcome its dates allow.

    Dates lie within the range of contract dates; with ``as_of``, a tender that has an outcome
    (awarded, failed, cancelled) has none of its dates after it. A pending tender is a planned one:
    its announcement or bid deadline may lie ahead."""
    unknown = sorted(set(raw) - set(TENDER_FIELDS))
    if unknown:
        raise ContractsError(unknown[0], None, f"is not a tender field (known: {', '.join(TENDER_FIELDS)})")
    method = _choice(raw, "method", METHODS)
    if not method:
        raise ContractsError("method", None, f"is required: one of {', '.join(METHODS)}")
    outcome = _choice(raw, "outcome", OUTCOMES, "pending")
    ground = _choice(raw, "ground", GROUNDS)
    dates = {name: recorded_day(parse_optional_date(raw.get(name), name), name, as_of, planned=outcome == "pending",
                                what=f"a {outcome} tender has happened by then") for name in DATE_FIELDS}
    known = [(name, day) for name, day in dates.items() if day is not None]
    for (first, day_a), (second, day_b) in zip(known, known[1:]):
        if day_b < day_a:
            raise ContractsError(second, day_b.isoformat(), f"is before {first} ({day_a.isoformat()})")
    if outcome != "awarded" and (dates["awarded"] or dates["signed"]):
        name = "awarded" if dates["awarded"] else "signed"
        raise ContractsError("outcome", outcome, f"contradicts the {name} date {dates[name].isoformat()}: only an awarded tender has one")
    if outcome in ("pending", "awarded") and ground:
        raise ContractsError("ground", ground, f"is for failed or cancelled tenders, not {outcome} ones")
    bidders = raw.get("bidders")
    if bidders not in (None, ""):
        bidders = limits.whole(bidders, "bidders", minimum=0, maximum=limits.BIDDERS_MAX, what="a whole number, 0 or more")
        if ground == "too-few-bidders" and bidders >= 3:
            raise ContractsError("bidders", bidders, "contradicts the ground too-few-bidders (fewer than three)")
    else:
        bidders = None
    line = limits.text(line, "tender", "line", required=True)
    contract = limits.text(raw.get("contract"), "tender", "contract")
    if contract and outcome != "awarded":
        raise ContractsError("contract", contract, f"a {outcome} tender leads to no contract")
    return Tender(
        line=line, method=method, outcome=outcome, ground=ground, bidders=bidders, contract=contract,
        method_approval=limits.text(raw.get("method_approval"), "tender", "method_approval"),
        note=limits.text(raw.get("note"), "tender", "note"),
        **dates,
    )


@dataclass(frozen=True)
class FailureSummary:
    line: str
    attempts: tuple[Tender, ...]
    failed: int
    consecutive_failures: int
    last_ground: str
    options: tuple[Option, ...]
    flags: tuple[str, ...]
    notes: tuple[str, ...] = ()  # what the options rest on that the tool cannot check


def ordered(tenders: Sequence[Tender]) -> list[Tender]:
    """Attempts in the order they were recorded (the source often gives no dates)."""
    return sorted(tenders, key=lambda tender: tender.id)


def failure_summary(line: str, tenders: Sequence[Tender], *, in_transition_months: int | None = None,
                    transition_limit_months: int = 12) -> FailureSummary:
    attempts = ordered(tenders)
    consecutive = 0
    for tender in reversed(attempts):
        if tender.outcome != "failed":
            break
        consecutive += 1
    failed = sum(1 for tender in attempts if tender.outcome == "failed")
    last_failed = next((t for t in reversed(attempts) if t.outcome == "failed"), None)
    # A failure whose ground the source does not give is "not stated", never a ground of our choosing.
    last_ground = (last_failed.ground or NOT_STATED) if last_failed else ""
    options: list[Option] = []
    flags: list[str] = []
    notes: list[str] = []
    if consecutive:
        earlier = tuple(t.method for t in attempts[:attempts.index(last_failed)])
        options = options_after_failure(last_failed.method, last_ground, earlier)
        if last_failed.method in ("public", "invited"):
            notes.append(THRESHOLD_NOTE)
            notes.append("requests for quotations (询价) are for goods only (MOF Order 74 art. 3), so not listed for a service")
    if consecutive >= 3:
        flags.append(f"{consecutive} failures in a row")
    changed = [t for t in attempts if t.method in ("negotiation", "consultation", "single-source") and not t.method_approval
               and any(p.outcome == "failed" and p.method in ("public", "invited") for p in attempts[:attempts.index(t)])]
    for tender in changed:
        flags.append(f"attempt {attempts.index(tender) + 1} changed to {tender.method} without a recorded approval")
    if in_transition_months is not None and in_transition_months > transition_limit_months:
        flags.append(f"in transition {in_transition_months} months (more than {transition_limit_months})")
    return FailureSummary(line, tuple(attempts), failed, consecutive, last_ground, tuple(options), tuple(flags), tuple(notes))
