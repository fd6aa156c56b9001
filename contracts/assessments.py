"""Assessments (考核): the buyer's review of one installment's period, checked against the rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

from . import limits
from .deductions import RATE, SCORE, AssessmentInputs, Rule, metric_range, rules_in_force
from .errors import ContractsError
from .money import LARGEST, format_money, from_fen, parse_decimal, parse_money, to_fen
from .periods import parse_date
from .plausible import recorded_day
from .schedule import Installment


@dataclass(frozen=True)
class Assessment:
    contract: str
    seq: int
    assessed_on: dt.date
    metrics: tuple[tuple[str, Decimal], ...] = ()
    score: Decimal | None = None
    items: tuple[tuple[str, int], ...] = ()  # (reason, fen)
    assessed_by: str = ""
    document: str = ""
    version: int = 1

    @property
    def inputs(self) -> AssessmentInputs:
        return AssessmentInputs(dict(self.metrics), self.score, self.items)

    def describe(self) -> str:
        parts = [f"{name}={value}" for name, value in self.metrics]
        if self.score is not None:
            parts.append(f"score={self.score}")
        parts += [f"{reason}={format_money(from_fen(fen))}" for reason, fen in self.items]
        return ", ".join(parts) or "no findings"


ASSESSMENT_FIELDS = ("contract", "seq", "assessed_on", "metrics", "score", "items", "assessed_by", "document")


def parse_pairs(values: Iterable[str], field: str) -> list[tuple[str, str]]:
    """"name=value" pairs as typed on the command line; the value follows the last '='."""
    pairs = []
    for text in values:
        if "=" not in text:
            raise ContractsError(field, text, "write it as name=value")
        name, value = text.rsplit("=", 1)
        if not name.strip():
            raise ContractsError(field, text, "has no name before '='")
        pairs.append((name.strip(), value.strip()))
    return pairs


def _installment(schedule: Sequence[Installment], seq: Any, code: str) -> Installment:
    number = limits.whole(seq, "seq", minimum=None)
    if not 1 <= number <= len(schedule):
        raise ContractsError("seq", number, f"is not in the schedule of {code} (installments 1 to {len(schedule)})")
    return schedule[number - 1]


def make_assessment(
    raw: Mapping[str, Any], *, code: str, schedule: Sequence[Installment], rules: Iterable[Rule], as_of: dt.date | None = None
) -> Assessment:
    """Check an assessment against the installment it is for and the rules in force then.

    Each metric lies within the range its rule gives it (0-100 for a rate); what each rule would
    withhold, before any cap, stays within the money cap; with ``as_of``, it is not dated after it."""
    unknown = sorted(set(raw) - set(ASSESSMENT_FIELDS))
    if unknown:
        raise ContractsError(unknown[0], None, f"is not an assessment field (known: {', '.join(ASSESSMENT_FIELDS)})")
    installment = _installment(schedule, raw.get("seq"), code)
    if raw.get("assessed_on") is None:
        raise ContractsError("assessed_on", None, "is required")
    assessed_on = recorded_day(parse_date(raw["assessed_on"], "assessed_on"), "assessed_on", as_of,
                               what="an assessment is recorded once it is made")
    if assessed_on < installment.period_end:
        raise ContractsError(
            "seq", installment.seq,
            f"covers {installment.period_start.isoformat()} to {installment.period_end.isoformat()}, "
            f"a period not yet ended on {assessed_on.isoformat()}",
        )
    in_force = rules_in_force(rules, installment.period_start)
    wanted = set().union(*(rule.metrics for rule in in_force)) if in_force else set()
    metrics_raw = raw.get("metrics") or {}
    metric_pairs = _pairs(metrics_raw, "metrics")
    metrics: dict[str, Decimal] = {}
    ranges: dict[str, tuple[tuple[Decimal, Decimal], str]] = {}
    for rule in in_force:  # a metric two rules use must lie within both their ranges
        if rule.metrics:
            (low, high), names = metric_range(rule), rule.name
            if rule.metric in ranges:
                (other_low, other_high), other = ranges[rule.metric]
                low, high, names = max(low, other_low), min(high, other_high), f"{other}', '{names}"
            ranges[rule.metric] = ((low, high), names)
    for name, value in metric_pairs:
        name = limits.text(name, "assessment", "metric", shown="metric") if isinstance(name, str) else name
        if name == SCORE:
            raise ContractsError("metric", name, "give the score with --score (or score = ... in a file)")
        if name not in wanted:
            known = ", ".join(sorted(wanted)) or "none"
            raise ContractsError("metric", name, f"is not used by the rules of {code} in force for seq {installment.seq} (known: {known})")
        if name in metrics:
            raise ContractsError("metric", name, "is given twice")
        (low, high), rule_name = ranges[name]
        metrics[name] = parse_decimal(value, f"metric {name}")
        if not low <= metrics[name] <= high:
            raise ContractsError(f"metric {name}", value, f"must be between {low} and {high} (rule {rule_name!r}"
                                 + ("; a rate is a percentage)" if (low, high) == RATE else ")"))
    missing = sorted(wanted - set(metrics))
    if missing:
        raise ContractsError("metric", missing[0], f"is needed by the rules of {code} in force for seq {installment.seq}")
    score = None if raw.get("score") in (None, "") else parse_decimal(raw["score"], "score", minimum=Decimal(-10**6), maximum=Decimal(10**6))
    if score is not None and not 0 <= score <= 100:
        raise ContractsError("score", str(score), "must be between 0 and 100")
    if score is None and any(rule.kind == "scorecard" for rule in in_force):
        raise ContractsError("score", None, f"is needed by the scorecard of {code} in force for seq {installment.seq}")
    items_raw = raw.get("items") or []
    item_pairs = _pairs([(entry.get("reason", ""), entry.get("amount")) if isinstance(entry, Mapping) else entry
                         for entry in items_raw] if isinstance(items_raw, list) else items_raw, "items")
    items = []
    for reason, amount in item_pairs:
        reason = limits.text(reason if isinstance(reason, str) else str(reason), "assessment", "item")
        if not reason:
            raise ContractsError("item", amount, "needs a reason")
        items.append((reason, to_fen(parse_money(amount, f"item {reason}"))))
    if items and not any(rule.kind == "itemized" for rule in in_force):
        raise ContractsError("item", items[0][0], f"the rules of {code} in force for seq {installment.seq} take no itemized deductions")
    assessment = Assessment(
        contract=code, seq=installment.seq, assessed_on=assessed_on, metrics=tuple(sorted(metrics.items())), score=score,
        items=tuple(items), assessed_by=limits.text(raw.get("assessed_by"), "assessment", "assessed_by"),
        document=limits.text(raw.get("document"), "assessment", "document"),
    )
    _within_the_money_cap(assessment, installment, in_force)
    return assessment


def _pairs(value: Any, field: str) -> list[tuple[Any, Any]]:
    """(name, value) pairs from a table, or a list of pairs; anything else is refused."""
    if isinstance(value, Mapping):
        return list(value.items())
    if isinstance(value, (list, tuple)) and all(isinstance(pair, (list, tuple)) and len(pair) == 2 for pair in value):
        return [tuple(pair) for pair in value]
    raise ContractsError(field, value, "must be name = value pairs (metrics) or reason = amount pairs (items)")


def _within_the_money_cap(assessment: Assessment, installment: Installment, in_force: Sequence[Rule]) -> None:
    """What each rule would withhold before any cap is shown (``computed``): it must stay within the money cap."""
    largest = to_fen(LARGEST)
    gross_fen = to_fen(installment.amount)
    for rule in in_force:
        if rule.kind == "cap":
            continue
        fen, given, _ = rule.withholds(gross_fen, assessment.inputs)
        if fen >= largest:
            raise ContractsError(given.split("=")[0] if "=" in given else "item", given.split("=", 1)[-1],
                                 f"makes rule {rule.name!r} withhold {format_money(from_fen(fen))} before its caps, "
                                 "more than the largest amount kept here; check the value")
