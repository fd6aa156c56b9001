"""Assessments (考核): the buyer's review of one installment's period, checked against the rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

from .deductions import SCORE, AssessmentInputs, Rule, rules_in_force
from .errors import ContractsError
from .money import format_money, from_fen, parse_decimal, parse_money, to_fen
from .periods import parse_date
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
    if isinstance(seq, bool) or not str(seq).strip().isdigit():
        raise ContractsError("seq", seq, "must be a whole number")
    number = int(str(seq).strip())
    if not 1 <= number <= len(schedule):
        raise ContractsError("seq", number, f"is not in the schedule of {code} (installments 1 to {len(schedule)})")
    return schedule[number - 1]


def make_assessment(
    raw: Mapping[str, Any], *, code: str, schedule: Sequence[Installment], rules: Iterable[Rule]
) -> Assessment:
    """Check an assessment against the installment it is for and the rules in force then."""
    unknown = sorted(set(raw) - set(ASSESSMENT_FIELDS))
    if unknown:
        raise ContractsError(unknown[0], None, f"is not an assessment field (known: {', '.join(ASSESSMENT_FIELDS)})")
    installment = _installment(schedule, raw.get("seq"), code)
    if raw.get("assessed_on") is None:
        raise ContractsError("assessed_on", None, "is required")
    assessed_on = parse_date(raw["assessed_on"], "assessed_on")
    if assessed_on < installment.period_end:
        raise ContractsError(
            "seq", installment.seq,
            f"covers {installment.period_start.isoformat()} to {installment.period_end.isoformat()}, "
            f"a period not yet ended on {assessed_on.isoformat()}",
        )
    in_force = rules_in_force(rules, installment.period_start)
    wanted = set().union(*(rule.metrics for rule in in_force)) if in_force else set()
    metrics_raw = raw.get("metrics") or {}
    if isinstance(metrics_raw, Mapping):
        metric_pairs = list(metrics_raw.items())
    else:
        metric_pairs = list(metrics_raw)
    metrics: dict[str, Decimal] = {}
    for name, value in metric_pairs:
        if name == SCORE:
            raise ContractsError("metric", name, "give the score with --score (or score = ... in a file)")
        if name not in wanted:
            known = ", ".join(sorted(wanted)) or "none"
            raise ContractsError("metric", name, f"is not used by the rules of {code} in force for seq {installment.seq} (known: {known})")
        if name in metrics:
            raise ContractsError("metric", name, "is given twice")
        metrics[name] = parse_decimal(value, f"metric {name}")
    missing = sorted(wanted - set(metrics))
    if missing:
        raise ContractsError("metric", missing[0], f"is needed by the rules of {code} in force for seq {installment.seq}")
    score = None if raw.get("score") in (None, "") else parse_decimal(raw["score"], "score")
    if score is not None and not 0 <= score <= 100:
        raise ContractsError("score", str(score), "must be between 0 and 100")
    if score is None and any(rule.kind == "scorecard" for rule in in_force):
        raise ContractsError("score", None, f"is needed by the scorecard of {code} in force for seq {installment.seq}")
    items_raw = raw.get("items") or []
    item_pairs = list(items_raw.items()) if isinstance(items_raw, Mapping) else [
        (entry.get("reason", ""), entry.get("amount")) if isinstance(entry, Mapping) else entry for entry in items_raw
    ]
    items = []
    for reason, amount in item_pairs:
        if not str(reason).strip():
            raise ContractsError("item", amount, "needs a reason")
        items.append((str(reason).strip(), to_fen(parse_money(amount, f"item {reason}"))))
    if items and not any(rule.kind == "itemized" for rule in in_force):
        raise ContractsError("item", items[0][0], f"the rules of {code} in force for seq {installment.seq} take no itemized deductions")
    return Assessment(
        contract=code, seq=installment.seq, assessed_on=assessed_on, metrics=tuple(sorted(metrics.items())), score=score,
        items=tuple(items), assessed_by=str(raw.get("assessed_by") or "").strip(),
        document=str(raw.get("document") or "").strip(),
    )
