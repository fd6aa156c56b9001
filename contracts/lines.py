"""Service lines: a continuing need served by successive contracts, transitions and suspensions.

A line's timeline is partitioned into segments, each one kind: ``contract``
(one or more contracts serve it; two at once is an overlap), ``transition``
(an approved interim arrangement, 过渡期), ``suspended`` (the service is
stopped) or ``gap`` (the service has no contract and no approved transition).
A suspension wins over everything; a contract over a transition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

from . import limits
from .errors import ContractsError
from .money import parse_money
from .periods import parse_date, parse_optional_date
from .plausible import in_range, recorded_day
from .terms import CODE_PATTERN

COVERED, IN_TRANSITION, SUSPENDED, UNCOVERED, NOT_STARTED = "covered", "in transition", "suspended", "uncovered", "not started"


@dataclass(frozen=True)
class ServiceLine:
    code: str
    name: str
    buyer: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Transition:
    """An approved interim arrangement after a contract ends, while a successor is procured."""

    line: str
    start: dt.date
    end: dt.date | None = None  # open while it lasts
    approved_by: str = ""
    basis: str = ""  # e.g. "paid at actual cost"
    reference: str = ""
    unit_price: Decimal | None = None

    @property
    def period(self) -> tuple[dt.date, dt.date | None]:
        return (self.start, self.end)


@dataclass(frozen=True)
class Suspension:
    line: str
    start: dt.date
    end: dt.date | None = None
    reason: str = ""
    reference: str = ""


@dataclass(frozen=True)
class Segment:
    kind: str  # "contract", "transition", "suspended" or "gap"
    start: dt.date
    end: dt.date
    refs: tuple[str, ...] = ()  # contract codes, or the transition/suspension it comes from
    open_ended: bool = False  # it runs on past the end drawn (a transition or suspension with no end yet)


@dataclass(frozen=True)
class Span:
    """Something that covers the line for a while: a contract, a transition or a suspension."""

    kind: str
    start: dt.date
    end: dt.date | None
    ref: str


def _text(raw: Mapping[str, Any], key: str, record: str) -> str:
    return limits.text(raw.get(key), record, key)


def make_line(raw: Mapping[str, Any]) -> ServiceLine:
    unknown = sorted(set(raw) - {"code", "name", "buyer", "notes"})
    if unknown:
        raise ContractsError(unknown[0], None, "is not a service-line field (known: code, name, buyer, notes)")
    code = _text(raw, "code", "line")
    if not CODE_PATTERN.match(code):
        raise ContractsError("code", code, "must be letters, digits, '-', '_' or '.', at most 32, e.g. SEAL")
    name = _text(raw, "name", "line")
    if not name:
        raise ContractsError("name", None, "is required")
    return ServiceLine(code, name, _text(raw, "buyer", "line"), _text(raw, "notes", "line"))


def _span_dates(raw: Mapping[str, Any], as_of: dt.date | None, noun: str) -> tuple[dt.date, dt.date | None]:
    """A span's start (not after ``as_of`` unless the entry says it is planned) and optional end, in range."""
    if raw.get("start") in (None, ""):
        raise ContractsError("start", None, "is required")
    planned = raw.get("planned") in (True, "true", "yes", "1")
    start = recorded_day(parse_date(raw["start"], "start"), "start", as_of, planned=planned,
                         what=f"a {noun} that is only planned is recorded with --planned (planned = true in a file)")
    end = in_range(parse_optional_date(raw.get("end"), "end"), "end")
    if end is not None and end <= start:
        raise ContractsError("end", end.isoformat(), f"is not after the start {start.isoformat()}")
    return start, end


SPAN_FLAGS = ("planned", "while_covered")  # said by the person recording it; not stored


def make_transition(raw: Mapping[str, Any], line: str, *, as_of: dt.date | None = None) -> Transition:
    unknown = sorted(set(raw) - {"line", "start", "end", "approved_by", "basis", "reference", "unit_price", *SPAN_FLAGS})
    if unknown:
        raise ContractsError(unknown[0], None, "is not a transition field (known: start, end, approved_by, basis, reference, unit_price)")
    start, end = _span_dates(raw, as_of, "transition")
    approved_by = _text(raw, "approved_by", "transition")
    if not approved_by:
        raise ContractsError("approved_by", None, "is required: a transition is an approved arrangement (who approved it?)")
    price = raw.get("unit_price")
    return Transition(line, start, end, approved_by, _text(raw, "basis", "transition"), _text(raw, "reference", "transition"),
                      None if price in (None, "") else parse_money(price, "unit_price"))


def make_suspension(raw: Mapping[str, Any], line: str, *, as_of: dt.date | None = None) -> Suspension:
    unknown = sorted(set(raw) - {"line", "start", "end", "reason", "reference", *SPAN_FLAGS})
    if unknown:
        raise ContractsError(unknown[0], None, "is not a suspension field (known: start, end, reason, reference)")
    start, end = _span_dates(raw, as_of, "suspension")
    return Suspension(line, start, end, _text(raw, "reason", "suspension"), _text(raw, "reference", "suspension"))


def spans(contracts: Iterable[tuple[str, dt.date, dt.date]], transitions: Iterable[Transition],
          suspensions: Iterable[Suspension]) -> list[Span]:
    """Contracts as (code, start, end) with the transitions and suspensions of one line."""
    result = [Span("contract", start, end, code) for code, start, end in contracts]
    result += [Span("transition", t.start, t.end, f"transition from {t.start.isoformat()}") for t in transitions]
    result += [Span("suspended", s.start, s.end, f"suspended from {s.start.isoformat()}") for s in suspensions]
    return result


_PRIORITY = {"suspended": 3, "contract": 2, "transition": 1}


def timeline(all_spans: Sequence[Span], until: dt.date) -> list[Segment]:
    """Partition ``[first start, until)`` into segments; open-ended spans run to ``until``."""
    if not all_spans:
        return []
    first = min(span.start for span in all_spans)
    if until <= first:
        return []
    points = {first, until}
    for span in all_spans:
        for point in (span.start, span.end):
            if point is not None and first < point < until:
                points.add(point)
    cuts = sorted(points)
    segments: list[Segment] = []
    for start, end in zip(cuts, cuts[1:]):
        active = [span for span in all_spans if span.start <= start and (span.end is None or span.end >= end)]
        if active:
            top = max(_PRIORITY[span.kind] for span in active)
            kind = next(k for k, p in _PRIORITY.items() if p == top)
            refs = tuple(sorted(span.ref for span in active if span.kind == kind))
        else:
            kind, refs = "gap", ()
        if segments and segments[-1].kind == kind and segments[-1].refs == refs and segments[-1].end == start:
            segments[-1] = Segment(kind, segments[-1].start, end, refs)
        else:
            segments.append(Segment(kind, start, end, refs))
    last = segments[-1]
    if any(span.end is None and span.kind == last.kind and span.start <= last.start for span in all_spans):
        segments[-1] = Segment(last.kind, last.start, last.end, last.refs, open_ended=True)
    return segments


def state_on(segments: Sequence[Segment], as_of: dt.date) -> str:
    if not segments or as_of < segments[0].start:
        return NOT_STARTED
    segment = next((s for s in segments if s.start <= as_of < s.end), None)
    if segment is None:
        segment = segments[-1]
    return {"contract": COVERED, "transition": IN_TRANSITION, "suspended": SUSPENDED, "gap": UNCOVERED}[segment.kind]


@dataclass(frozen=True)
class Junction:
    """Where one contract of a line meets the next: a gap, an overlap, or a clean hand-over."""

    before: str
    after: str
    kind: str  # "gap", "overlap" or "continuous"
    start: dt.date
    end: dt.date
    days: int


def junctions(contracts: Sequence[tuple[str, dt.date, dt.date]]) -> list[Junction]:
    """Gaps and overlaps between successive contracts (ordered by start)."""
    ordered = sorted(contracts, key=lambda c: (c[1], c[2], c[0]))
    result = []
    for (code_a, _, end_a), (code_b, start_b, _) in zip(ordered, ordered[1:]):
        if start_b > end_a:
            result.append(Junction(code_a, code_b, "gap", end_a, start_b, (start_b - end_a).days))
        elif start_b < end_a:
            result.append(Junction(code_a, code_b, "overlap", start_b, end_a, (end_a - start_b).days))
        else:
            result.append(Junction(code_a, code_b, "continuous", end_a, end_a, 0))
    return result

