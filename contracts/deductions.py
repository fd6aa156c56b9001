"""Deduction rules (扣款规则) and what they withhold from an installment.

Rules are data attached to a contract: each has a name, a kind, parameters,
the date it takes effect and a position in the order of application. An
amendment that changes a rule adds a new version under the same name with a
later ``effective_from`` (or retires it); the version in force for an
installment is the latest one that took effect on or before the installment's
period start (a period is assessed under the rules it began under).

Kinds (what Chinese O&M contracts use):

* ``threshold``: a metric below (or above) a threshold; each step past it
  withholds a share of the installment or a fixed amount. Steps are counted as
  started (不足一档按一档计, the default), whole, or proportional.
* ``scorecard``: a score out of 100 against bands; the band below which the
  score falls gives the share withheld; a pass mark flags a failed assessment.
* ``per_unit``: a count (fault hours, camera-days offline) beyond an allowance,
  times a rate.
* ``itemized``: the amounts the assessor lists, each with its reason.
* ``cap``: limits on the total withheld, per installment and per contract year.

Every rule may also carry its own cap (amount or share). Each deduction is
rounded half up to the fen; the net payable never goes below zero.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable, Mapping

from . import limits
from .errors import ContractsError
from .limits import METRIC_MAX
from .money import (
    fen_times_share,
    format_money,
    format_share,
    from_fen,
    parse_decimal,
    parse_money,
    parse_share,
    round_half_up_div,
    to_fen,
)
from .periods import parse_date
from .plausible import in_range

KINDS = ("threshold", "scorecard", "per_unit", "itemized", "cap")
COUNTS = ("started", "whole", "proportional")
DIRECTIONS = ("below", "above")
SCORE = "score"


@dataclass(frozen=True)
class Band:
    below: Decimal  # applies when the score is below this
    share: Fraction


@dataclass(frozen=True)
class Rule:
    """One version of one deduction rule of one contract."""

    contract: str
    name: str
    kind: str
    effective_from: dt.date
    position: int = 0
    retired: bool = False
    # threshold / per_unit
    metric: str = ""
    threshold: Decimal | None = None
    step: Decimal | None = None
    direction: str = "below"
    count: str = "started"
    per_step_share: Fraction | None = None
    per_step_fen: int | None = None
    allowance: Decimal = Decimal(0)
    rate_fen: int | None = None
    # scorecard
    pass_mark: Decimal | None = None
    bands: tuple[Band, ...] = ()
    # this rule's own cap
    cap_fen: int | None = None
    cap_share: Fraction | None = None
    # kind "cap": limits on the total
    per_installment_fen: int | None = None
    per_installment_share: Fraction | None = None
    per_year_fen: int | None = None
    per_year_share: Fraction | None = None  # of the contract year's fee
    note: str = ""
    # the range a measured value of the metric may take (None: the default, see ``metric_range``)
    metric_min: Decimal | None = None
    metric_max: Decimal | None = None

    @property
    def needs_assessment(self) -> bool:
        return self.kind != "cap" and not self.retired

    @property
    def metrics(self) -> set[str]:
        return {self.metric} if self.kind in ("threshold", "per_unit") and not self.retired else set()


# -- reading rules ------------------------------------------------------------------------------

RULE_FIELDS = (
    "contract", "name", "kind", "effective_from", "position", "retired", "metric", "threshold", "step", "direction",
    "count", "per_step_share", "per_step_amount", "allowance", "rate", "pass_mark", "bands", "cap_amount",
    "cap_share", "per_installment_amount", "per_installment_share", "per_year_amount", "per_year_share", "note",
    "metric_min", "metric_max",
)

RATE = (Decimal(0), Decimal(100))  # a rate (online rate, 在线率) is a percentage
MEASURE = (Decimal(0), METRIC_MAX)  # hours, counts, points: not negative, and not astronomical


def is_rate(metric: str) -> bool:
    """A metric named as a rate (online_rate, availability rate, 在线率, ..._pct) is a percentage, 0 to 100."""
    name = metric.strip().lower()
    return name.endswith("rate") or name.endswith(("pct", "percent", "percentage")) or "率" in name


def metric_range(rule: "Rule") -> tuple[Decimal, Decimal]:
    """The values a rule's metric may take: as the rule declares, else 0-100 for a rate, else 0 to a billion."""
    low, high = RATE if is_rate(rule.metric) else MEASURE
    return (low if rule.metric_min is None else rule.metric_min, high if rule.metric_max is None else rule.metric_max)


def _opt(raw: Mapping[str, Any], key: str) -> Any:
    value = raw.get(key)
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _money_fen(raw: Mapping[str, Any], key: str) -> int | None:
    value = _opt(raw, key)
    return None if value is None else to_fen(parse_money(value, key))


def _share(raw: Mapping[str, Any], key: str) -> Fraction | None:
    value = _opt(raw, key)
    return None if value is None else parse_share(value, key)


def _number(raw: Mapping[str, Any], key: str, minimum: Decimal | None = -METRIC_MAX,
            maximum: Decimal | None = METRIC_MAX) -> Decimal | None:
    value = _opt(raw, key)
    return None if value is None else parse_decimal(value, key, minimum=minimum, maximum=maximum)


def _choice(raw: Mapping[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
    value = _opt(raw, key)
    if value is None:
        return default
    value = str(value).strip().lower()
    if value not in allowed:
        raise ContractsError(key, value, f"must be one of: {', '.join(allowed)}")
    return value


def _bands(value: Any) -> tuple[Band, ...]:
    """Bands as a list of {below, share} tables, or text "90:5%, 80:10%"."""
    if value is None:
        return ()
    items: list[tuple[Any, Any]] = []
    if isinstance(value, str):
        for part in value.split(","):
            if ":" not in part:
                raise ContractsError("bands", value, "write each band as below:share, e.g. '90:5%, 80:10%'")
            below, share = part.split(":", 1)
            items.append((below, share))
    elif isinstance(value, list):
        for entry in value:
            if not isinstance(entry, Mapping) or "below" not in entry or "share" not in entry:
                raise ContractsError("bands", str(entry), "each band needs 'below' and 'share'")
            items.append((entry["below"], entry["share"]))
    else:
        raise ContractsError("bands", str(value), "must be a list of {below, share}")
    bands = []
    for below, share in items:
        limit = parse_decimal(below, "bands.below")
        if not 0 < limit <= 100:
            raise ContractsError("bands.below", str(below), "must be a score between 0 and 100")
        bands.append(Band(limit, parse_share(share, "bands.share")))
    bands.sort(key=lambda band: band.below)
    if len({band.below for band in bands}) != len(bands):
        raise ContractsError("bands", str(value), "two bands have the same limit")
    for lower, higher in zip(bands, bands[1:]):
        if lower.share < higher.share:  # a lower score must never withhold less than a higher one
            raise ContractsError("bands", str(value), f"are not monotone: below {lower.below} withholds {format_share(lower.share)}, "
                                 f"less than the {format_share(higher.share)} withheld below {higher.below}")
    return tuple(bands)


def make_rule(raw: Mapping[str, Any], contract: str | None = None) -> Rule:
    """Check a rule's raw values (from a file or the command line) and build it."""
    unknown = sorted(set(raw) - set(RULE_FIELDS))
    if unknown:
        raise ContractsError(unknown[0], None, f"is not a rule field (known: {', '.join(RULE_FIELDS)})")
    code = limits.text(contract if contract is not None else raw.get("contract"), "rule", "contract")
    if not code:
        raise ContractsError("contract", None, "is required")
    name = limits.text(raw.get("name"), "rule", "name")
    if not name:
        raise ContractsError("name", None, "is required (rules are named so that amendments can replace them)")
    kind = _choice(raw, "kind", KINDS, "")
    if not kind:
        raise ContractsError("kind", None, f"is required: one of {', '.join(KINDS)}")
    if _opt(raw, "effective_from") is None:
        raise ContractsError("effective_from", None, "is required")
    effective_from = in_range(parse_date(raw["effective_from"], "effective_from"), "effective_from")
    position = limits.whole(raw.get("position"), "position", minimum=-limits.POSITION_MAX, maximum=limits.POSITION_MAX, default=0)
    retired = raw.get("retired", False)
    if isinstance(retired, str):
        retired = retired.strip().lower() in ("true", "yes", "1")
    rule = Rule(
        contract=code, name=name, kind=kind, effective_from=effective_from, position=position, retired=bool(retired),
        metric=limits.text(raw.get("metric"), "rule", "metric"),
        threshold=_number(raw, "threshold"), step=_number(raw, "step"),
        direction=_choice(raw, "direction", DIRECTIONS, "below"), count=_choice(raw, "count", COUNTS, "started"),
        per_step_share=_share(raw, "per_step_share"), per_step_fen=_money_fen(raw, "per_step_amount"),
        allowance=_number(raw, "allowance") or Decimal(0), rate_fen=_money_fen(raw, "rate"),
        pass_mark=_number(raw, "pass_mark"), bands=_bands(_opt(raw, "bands")),
        cap_fen=_money_fen(raw, "cap_amount"), cap_share=_share(raw, "cap_share"),
        per_installment_fen=_money_fen(raw, "per_installment_amount"),
        per_installment_share=_share(raw, "per_installment_share"),
        per_year_fen=_money_fen(raw, "per_year_amount"), per_year_share=_share(raw, "per_year_share"),
        note=limits.text(raw.get("note"), "rule", "note"),
        metric_min=_number(raw, "metric_min"), metric_max=_number(raw, "metric_max"),
    )
    if not rule.retired:
        _check_shape(rule)
    return rule


def _check_shape(rule: Rule) -> None:
    def need(ok: bool, field_name: str, problem: str) -> None:
        if not ok:
            raise ContractsError(field_name, None, f"{problem} (rule {rule.name!r}, kind {rule.kind})")

    if rule.kind in ("threshold", "per_unit"):
        low, high = metric_range(rule)
        need(low < high, "metric_max", f"must be more than metric_min ({low})")
        for key in ("threshold", "allowance"):
            value = getattr(rule, key)
            if value is not None and not low <= value <= high and (key == "threshold" or value):
                raise ContractsError(key, str(value), f"is outside the range of {rule.metric or 'the metric'} ({low} to {high}); "
                                     "declare the metric's range with metric_min and metric_max if it is wider")
    if rule.kind == "threshold":
        need(bool(rule.metric), "metric", "is required")
        need(rule.metric != SCORE, "metric", "'score' is given with --score; use a scorecard rule")
        need(rule.threshold is not None, "threshold", "is required")
        need(rule.step is not None and rule.step > 0, "step", "is required and must be more than zero")
        need((rule.per_step_share is None) != (rule.per_step_fen is None), "per_step_share",
             "give exactly one of per_step_share and per_step_amount")
    elif rule.kind == "per_unit":
        need(bool(rule.metric), "metric", "is required")
        need(rule.rate_fen is not None, "rate", "is required")
        need(rule.allowance >= 0, "allowance", "must not be negative")
    elif rule.kind == "scorecard":
        need(bool(rule.bands), "bands", "are required")
        need(rule.pass_mark is None or 0 <= rule.pass_mark <= 100, "pass_mark", "must be between 0 and 100")
    elif rule.kind == "cap":
        need(any(v is not None for v in (rule.per_installment_fen, rule.per_installment_share, rule.per_year_fen,
                                         rule.per_year_share)), "per_installment_share",
             "a cap rule needs per_installment_amount/share or per_year_amount/share")


def rules_in_force(rules: Iterable[Rule], day: dt.date) -> list[Rule]:
    """For each rule name, the latest version effective on ``day``; retired ones dropped; in order."""
    latest: dict[str, Rule] = {}
    for rule in rules:
        if rule.effective_from <= day and (rule.name not in latest or rule.effective_from >= latest[rule.name].effective_from):
            latest[rule.name] = rule
    return sorted((rule for rule in latest.values() if not rule.retired), key=lambda rule: (rule.position, rule.name))


# -- describing rules ---------------------------------------------------------------------------

def _amount_or_share(fen: int | None, share: Fraction | None, of: str) -> str:
    parts = []
    if share is not None:
        parts.append(f"{format_share(share)} of {of}")
    if fen is not None:
        parts.append(format_money(from_fen(fen)))
    return " or ".join(parts) + (" (whichever is less)" if len(parts) == 2 else "")


def describe(rule: Rule) -> str:
    """The rule in words, as a clerk would read it out."""
    if rule.retired:
        return f"retired from {rule.effective_from.isoformat()}"
    if rule.kind == "threshold":
        each = (f"{format_share(rule.per_step_share)} of the installment" if rule.per_step_share is not None
                else format_money(from_fen(rule.per_step_fen or 0)))
        counting = {"started": "each started step", "whole": "each whole step", "proportional": "in proportion, per step"}[rule.count]
        text = f"{rule.metric} {rule.direction} {rule.threshold}: {counting} of {rule.step} withholds {each}"
    elif rule.kind == "scorecard":
        bands = "; ".join(f"below {band.below}: {format_share(band.share)}" for band in rule.bands)
        passing = f"; pass mark {rule.pass_mark}" if rule.pass_mark is not None else ""
        text = f"score out of 100 withholds a share of the installment: {bands}{passing}"
    elif rule.kind == "per_unit":
        allowance = f" beyond an allowance of {rule.allowance}" if rule.allowance else ""
        text = f"each unit of {rule.metric}{allowance} withholds {format_money(from_fen(rule.rate_fen or 0))}"
    elif rule.kind == "itemized":
        text = "the amounts the assessor lists, each with its reason"
    else:
        limits = []
        if rule.per_installment_fen is not None or rule.per_installment_share is not None:
            limits.append("per installment at most " + _amount_or_share(rule.per_installment_fen, rule.per_installment_share, "the installment"))
        if rule.per_year_fen is not None or rule.per_year_share is not None:
            limits.append("per contract year at most " + _amount_or_share(rule.per_year_fen, rule.per_year_share, "the year's fee"))
        text = "; ".join(limits)
    if rule.cap_fen is not None or rule.cap_share is not None:
        text += "; this rule at most " + _amount_or_share(rule.cap_fen, rule.cap_share, "the installment")
    return text


# -- applying rules -----------------------------------------------------------------------------

@dataclass(frozen=True)
class AssessmentInputs:
    """What an assessment gives the rules: metric values, a score, itemized findings (fen)."""

    metrics: Mapping[str, Decimal] = field(default_factory=dict)
    score: Decimal | None = None
    items: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Deduction:
    rule: str
    kind: str
    inputs: str  # what the rule was given, in words
    computed: Decimal  # what the rule alone gives
    amount: Decimal  # what is withheld after caps
    cap_applied: str  # "" or which cap cut it
    reason: str


@dataclass(frozen=True)
class DeductionResult:
    deductions: tuple[Deduction, ...]
    total_fen: int
    failed_pass_mark: bool = False


def _steps(rule: Rule, value: Decimal) -> Fraction:
    assert rule.threshold is not None and rule.step is not None
    gap = (rule.threshold - value) if rule.direction == "below" else (value - rule.threshold)
    if gap <= 0:
        return Fraction(0)
    steps = Fraction(gap) / Fraction(rule.step)
    if rule.count == "started":
        return Fraction(math.ceil(steps))
    if rule.count == "whole":
        return Fraction(math.floor(steps))
    return steps


def _raw_fen(rule: Rule, gross_fen: int, inputs: AssessmentInputs) -> tuple[int, str, str]:
    """What one rule withholds before any cap, with its inputs and reason in words."""
    if rule.kind == "threshold":
        value = inputs.metrics[rule.metric]
        steps = _steps(rule, value)
        if rule.per_step_share is not None:
            share = steps * rule.per_step_share
            amount = round_half_up_div(gross_fen * share.numerator, share.denominator)
        else:
            product = steps * (rule.per_step_fen or 0)
            amount = round_half_up_div(product.numerator, product.denominator)
        steps_text = f"{steps}" if steps.denominator == 1 else f"{float(steps):.4g}"
        return amount, f"{rule.metric}={value}", f"{steps_text} step(s) {rule.direction} {rule.threshold}"
    if rule.kind == "per_unit":
        value = inputs.metrics[rule.metric]
        units = max(Fraction(value) - Fraction(rule.allowance), Fraction(0))
        product = units * (rule.rate_fen or 0)
        amount = round_half_up_div(product.numerator, product.denominator)
        return amount, f"{rule.metric}={value}", f"{units if units.denominator == 1 else float(units)} unit(s) beyond {rule.allowance}"
    if rule.kind == "scorecard":
        score = inputs.score
        assert score is not None
        band = next((band for band in rule.bands if score < band.below), None)
        if band is None:
            return 0, f"score={score}", f"score at or above {rule.bands[-1].below}"
        return fen_times_share(gross_fen, band.share), f"score={score}", f"below {band.below}: {format_share(band.share)}"
    if rule.kind == "itemized":
        amount = sum(fen for _, fen in inputs.items)
        listed = "; ".join(f"{reason}: {format_money(from_fen(fen))}" for reason, fen in inputs.items)
        return amount, f"{len(inputs.items)} item(s)", listed or "nothing listed"
    return 0, "", ""


raw_deduction = _raw_fen  # what one rule withholds before any cap: (fen, inputs in words, reason)


def _limit(fen: int | None, share: Fraction | None, base_fen: int) -> int | None:
    limits = [value for value in (fen, None if share is None else fen_times_share(base_fen, share)) if value is not None]
    return min(limits) if limits else None


def apply_rules(
    rules: Iterable[Rule], gross_fen: int, inputs: AssessmentInputs, *, year_fee_fen: int, year_withheld_fen: int
) -> DeductionResult:
    """Apply the rules in force, in order, to one installment.

    ``year_withheld_fen`` is what earlier installments of the same contract year
    already had withheld, so that a yearly cap holds across them.
    """
    in_order = list(rules)
    caps = [rule for rule in in_order if rule.kind == "cap"]
    installment_room = min(
        (limit for rule in caps if (limit := _limit(rule.per_installment_fen, rule.per_installment_share, gross_fen)) is not None),
        default=None,
    )
    year_room = min(
        (limit for rule in caps if (limit := _limit(rule.per_year_fen, rule.per_year_share, year_fee_fen)) is not None),
        default=None,
    )
    if year_room is not None:
        year_room = max(year_room - year_withheld_fen, 0)
    total = 0
    deductions = []
    failed = False
    for rule in in_order:
        if rule.kind == "cap":
            continue
        computed, given, reason = _raw_fen(rule, gross_fen, inputs)
        amount, cut = computed, ""
        own = _limit(rule.cap_fen, rule.cap_share, gross_fen)
        for room, label in ((own, "rule cap"), (installment_room, "installment cap"), (year_room, "yearly cap"),
                            (gross_fen - total, "net cannot go below zero")):
            if room is not None and amount > room:
                amount, cut = room, label
        if installment_room is not None:
            installment_room -= amount
        if year_room is not None:
            year_room -= amount
        total += amount
        if rule.kind == "scorecard" and rule.pass_mark is not None and inputs.score is not None and inputs.score < rule.pass_mark:
            failed = True
            reason += f"; below the pass mark {rule.pass_mark}"
        deductions.append(Deduction(rule.name, rule.kind, given, from_fen(computed), from_fen(amount), cut, reason))
    return DeductionResult(tuple(deductions), total, failed)


def rule_as_raw(rule: Rule) -> dict[str, Any]:
    """A rule as the plain values ``make_rule`` reads: how it is stored and exported."""

    def share(value: Fraction | None) -> str | None:
        return None if value is None else f"{value.numerator}/{value.denominator}"

    def money(fen: int | None) -> str | None:
        return None if fen is None else format_money(from_fen(fen))

    raw: dict[str, Any] = {
        "name": rule.name, "kind": rule.kind, "effective_from": rule.effective_from.isoformat(),
        "position": rule.position, "retired": rule.retired, "metric": rule.metric,
        "threshold": None if rule.threshold is None else str(rule.threshold),
        "step": None if rule.step is None else str(rule.step), "direction": rule.direction, "count": rule.count,
        "per_step_share": share(rule.per_step_share), "per_step_amount": money(rule.per_step_fen),
        "allowance": str(rule.allowance), "rate": money(rule.rate_fen),
        "pass_mark": None if rule.pass_mark is None else str(rule.pass_mark),
        "bands": [{"below": str(band.below), "share": share(band.share)} for band in rule.bands] or None,
        "cap_amount": money(rule.cap_fen), "cap_share": share(rule.cap_share),
        "per_installment_amount": money(rule.per_installment_fen), "per_installment_share": share(rule.per_installment_share),
        "per_year_amount": money(rule.per_year_fen), "per_year_share": share(rule.per_year_share), "note": rule.note,
        "metric_min": None if rule.metric_min is None else str(rule.metric_min),
        "metric_max": None if rule.metric_max is None else str(rule.metric_max),
    }
    return {key: value for key, value in raw.items() if value not in (None, "")}
