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
from bisect import bisect_right
from dataclasses import dataclass, field, fields
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any, ClassVar, Iterable, Mapping, Sequence

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

COUNTS = ("started", "whole", "proportional")
DIRECTIONS = ("below", "above")
SCORE = "score"


@dataclass(frozen=True)
class Band:
    below: Decimal  # applies when the score is below this
    share: Fraction


@dataclass(frozen=True)
class AssessmentInputs:
    """What an assessment gives the rules: metric values, a score, itemized findings (fen)."""

    metrics: Mapping[str, Decimal] = field(default_factory=dict)
    score: Decimal | None = None
    items: tuple[tuple[str, int], ...] = ()


# -- reading raw values -------------------------------------------------------------------------

def _opt(raw: Mapping[str, Any], key: str) -> Any:
    value = raw.get(key)
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _money_fen(raw: Mapping[str, Any], key: str) -> int | None:
    value = _opt(raw, key)
    return None if value is None else to_fen(parse_money(value, key))


def _share(raw: Mapping[str, Any], key: str) -> Fraction | None:
    value = _opt(raw, key)
    return None if value is None else parse_share(value, key)


def _number(raw: Mapping[str, Any], key: str) -> Decimal | None:
    value = _opt(raw, key)
    return None if value is None else parse_decimal(value, key, minimum=-METRIC_MAX, maximum=METRIC_MAX)


def _text(raw: Mapping[str, Any], key: str) -> str:
    return limits.text(raw.get(key), "rule", key)  # its limit, no stray control character


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


# -- the range of a metric ------------------------------------------------------------------------

RATE = (Decimal(0), Decimal(100))  # a rate (online rate, 在线率) is a percentage
MEASURE = (Decimal(0), METRIC_MAX)  # hours, counts, points: not negative, and not astronomical


def is_rate(metric: str) -> bool:
    """A metric named as a rate (online_rate, availability rate, 在线率, ..._pct) is a percentage, 0 to 100."""
    name = metric.strip().lower()
    return name.endswith("rate") or name.endswith(("pct", "percent", "percentage")) or "率" in name


def metric_range(rule: "Rule") -> tuple[Decimal, Decimal]:
    """The values a rule's metric may take: as the rule declares (metric_min, metric_max), else 0-100 for a rate,
    else 0 to a billion."""
    low, high = RATE if is_rate(getattr(rule, "metric", "")) else MEASURE
    declared_low, declared_high = getattr(rule, "metric_min", None), getattr(rule, "metric_max", None)
    return (low if declared_low is None else declared_low, high if declared_high is None else declared_high)


def _range_params(raw: Mapping[str, Any]) -> dict[str, Any]:
    return dict(metric_min=_number(raw, "metric_min"), metric_max=_number(raw, "metric_max"))


def _check_range(rule: "Rule", values: dict[str, Decimal | None]) -> None:
    """The declared range is a range, and the rule's own figures (threshold, allowance) lie within it."""
    low, high = metric_range(rule)
    rule.need(low < high, "metric_max", f"must be more than metric_min ({low})")
    for key, value in values.items():
        if value is not None and not low <= value <= high:
            raise ContractsError(key, str(value), f"is outside the range of {rule.metric or 'the metric'} ({low} to {high}); "
                                 "declare the metric's range with metric_min and metric_max if it is wider")


def _range_raw(rule: "Rule") -> dict[str, Any]:
    return {"metric_min": None if rule.metric_min is None else str(rule.metric_min),
            "metric_max": None if rule.metric_max is None else str(rule.metric_max)}


def _as_share(value: Fraction | None) -> str | None:
    return None if value is None else f"{value.numerator}/{value.denominator}"


def _as_money(fen: int | None) -> str | None:
    return None if fen is None else format_money(from_fen(fen))


def _amount_or_share(fen: int | None, share: Fraction | None, of: str) -> str:
    parts = []
    if share is not None:
        parts.append(f"{format_share(share)} of {of}")
    if fen is not None:
        parts.append(format_money(from_fen(fen)))
    return " or ".join(parts) + (" (whichever is less)" if len(parts) == 2 else "")


def _limit(fen: int | None, share: Fraction | None, base_fen: int) -> int | None:
    limits = [value for value in (fen, None if share is None else fen_times_share(base_fen, share)) if value is not None]
    return min(limits) if limits else None


# -- the rules: one class per kind ------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class Rule:
    """One version of one deduction rule of one contract. Each kind is a subclass with its own parameters,
    its own check (``check``), its own words (``own_words``) and what it withholds (``withholds``)."""

    kind: ClassVar[str] = ""
    contract: str
    name: str
    effective_from: dt.date
    position: int = 0
    retired: bool = False  # this version ends the rule from its date
    cap_fen: int | None = None  # this rule withholds at most this amount ...
    cap_share: Fraction | None = None  # ... or this share of the installment
    note: str = ""

    @property
    def needs_assessment(self) -> bool:
        return not self.retired

    @property
    def metrics(self) -> set[str]:
        return set()

    @classmethod
    def own_params(cls, raw: Mapping[str, Any]) -> dict[str, Any]:
        """This kind's parameters read from raw values (the common ones are read by ``make_rule``)."""
        return {}

    def check(self) -> None:
        """Refuse a rule that lacks what its kind needs (a retired version needs nothing)."""

    def need(self, ok: bool, field_name: str, problem: str) -> None:
        if not ok:
            raise ContractsError(field_name, None, f"{problem} (rule {self.name!r}, kind {self.kind})")

    def own_words(self) -> str:
        return ""

    def withholds(self, gross_fen: int, inputs: AssessmentInputs) -> tuple[int, str, str]:
        """What this rule withholds from an installment before any cap: (fen, its inputs in words, the reason)."""
        return 0, "", ""

    def raw_params(self) -> dict[str, Any]:
        """This kind's parameters as the plain values ``make_rule`` reads."""
        return {}


@dataclass(frozen=True, kw_only=True)
class ThresholdRule(Rule):
    """A metric below (or above) a threshold; each step past it withholds a share or a fixed amount."""

    kind: ClassVar[str] = "threshold"
    metric: str = ""
    threshold: Decimal | None = None
    step: Decimal | None = None
    direction: str = "below"
    count: str = "started"  # 不足一档按一档计 by default
    per_step_share: Fraction | None = None
    per_step_fen: int | None = None
    metric_min: Decimal | None = None  # the range the metric's values may take (None: see metric_range)
    metric_max: Decimal | None = None

    @property
    def metrics(self) -> set[str]:
        return set() if self.retired else {self.metric}

    @classmethod
    def own_params(cls, raw):
        return dict(metric=_text(raw, "metric"), threshold=_number(raw, "threshold"), step=_number(raw, "step"),
                    direction=_choice(raw, "direction", DIRECTIONS, "below"), count=_choice(raw, "count", COUNTS, "started"),
                    per_step_share=_share(raw, "per_step_share"), per_step_fen=_money_fen(raw, "per_step_amount"),
                    **_range_params(raw))

    def check(self):
        _check_range(self, {"threshold": self.threshold})
        self.need(bool(self.metric), "metric", "is required")
        self.need(self.metric != SCORE, "metric", "'score' is given with --score; use a scorecard rule")
        self.need(self.threshold is not None, "threshold", "is required")
        self.need(self.step is not None and self.step > 0, "step", "is required and must be more than zero")
        self.need((self.per_step_share is None) != (self.per_step_fen is None), "per_step_share",
                  "give exactly one of per_step_share and per_step_amount")

    def steps(self, value: Decimal) -> Fraction:
        return _steps(self.threshold, self.step, self.direction, self.count, value)

    def own_words(self):
        each = (f"{format_share(self.per_step_share)} of the installment" if self.per_step_share is not None
                else format_money(from_fen(self.per_step_fen or 0)))
        counting = {"started": "each started step", "whole": "each whole step", "proportional": "in proportion, per step"}[self.count]
        return f"{self.metric} {self.direction} {self.threshold}: {counting} of {self.step} withholds {each}"

    def withholds(self, gross_fen, inputs):
        value = inputs.metrics[self.metric]
        steps_text, share = _steps_and_share(self.threshold, self.step, self.direction, self.count, self.per_step_share, value)
        if share is not None:
            amount = round_half_up_div(gross_fen * share.numerator, share.denominator)
        else:
            product = self.steps(value) * (self.per_step_fen or 0)
            amount = round_half_up_div(product.numerator, product.denominator)
        return amount, f"{self.metric}={value}", f"{steps_text} step(s) {self.direction} {self.threshold}"

    def raw_params(self):
        return {"metric": self.metric, "threshold": None if self.threshold is None else str(self.threshold),
                "step": None if self.step is None else str(self.step), "direction": self.direction, "count": self.count,
                "per_step_share": _as_share(self.per_step_share), "per_step_amount": _as_money(self.per_step_fen),
                **_range_raw(self)}


# A province's assessments repeat a few measured values against a few thresholds, and an exact Fraction made from a
# Decimal costs tens of microseconds: the steps (and the share they withhold) are worked out once per distinct case.
@lru_cache(maxsize=4096)
def _steps(threshold: Decimal, step: Decimal, direction: str, count: str, value: Decimal) -> Fraction:
    gap = (threshold - value) if direction == "below" else (value - threshold)
    if gap <= 0:
        return Fraction(0)
    steps = Fraction(gap) / Fraction(step)
    if count == "started":
        return Fraction(math.ceil(steps))
    if count == "whole":
        return Fraction(math.floor(steps))
    return steps


@lru_cache(maxsize=4096)
def _steps_and_share(threshold: Decimal, step: Decimal, direction: str, count: str, per_step_share: Fraction | None,
                     value: Decimal) -> tuple[str, Fraction | None]:
    """(the steps as the reason says them, the share of the installment they withhold or None)."""
    steps = _steps(threshold, step, direction, count, value)
    steps_text = f"{steps}" if steps.denominator == 1 else f"{float(steps):.4g}"
    return steps_text, None if per_step_share is None else steps * per_step_share


@dataclass(frozen=True, kw_only=True)
class ScorecardRule(Rule):
    """A score out of 100 against bands: the band below which it falls gives the share withheld; a pass mark."""

    kind: ClassVar[str] = "scorecard"
    pass_mark: Decimal | None = None
    bands: tuple[Band, ...] = ()

    @classmethod
    def own_params(cls, raw):
        return dict(pass_mark=_number(raw, "pass_mark"), bands=_bands(_opt(raw, "bands")))

    def check(self):
        self.need(bool(self.bands), "bands", "are required")
        self.need(self.pass_mark is None or 0 <= self.pass_mark <= 100, "pass_mark", "must be between 0 and 100")

    def own_words(self):
        bands = "; ".join(f"below {band.below}: {format_share(band.share)}" for band in self.bands)
        passing = f"; pass mark {self.pass_mark}" if self.pass_mark is not None else ""
        return f"score out of 100 withholds a share of the installment: {bands}{passing}"

    def withholds(self, gross_fen, inputs):
        score = inputs.score
        band = next((band for band in self.bands if score < band.below), None)
        if band is None:
            return 0, f"score={score}", f"score at or above {self.bands[-1].below}"
        return fen_times_share(gross_fen, band.share), f"score={score}", f"below {band.below}: {format_share(band.share)}"

    def fails(self, inputs: AssessmentInputs) -> bool:
        return self.pass_mark is not None and inputs.score is not None and inputs.score < self.pass_mark

    def raw_params(self):
        return {"pass_mark": None if self.pass_mark is None else str(self.pass_mark),
                "bands": [{"below": str(band.below), "share": _as_share(band.share)} for band in self.bands] or None}


@dataclass(frozen=True, kw_only=True)
class PerUnitRule(Rule):
    """A count (fault hours, camera-days offline) beyond an allowance, times a rate."""

    kind: ClassVar[str] = "per_unit"
    metric: str = ""
    allowance: Decimal = Decimal(0)
    rate_fen: int | None = None
    metric_min: Decimal | None = None  # the range the metric's values may take (None: see metric_range)
    metric_max: Decimal | None = None

    @property
    def metrics(self) -> set[str]:
        return set() if self.retired else {self.metric}

    @classmethod
    def own_params(cls, raw):
        return dict(metric=_text(raw, "metric"), allowance=_number(raw, "allowance") or Decimal(0),
                    rate_fen=_money_fen(raw, "rate"), **_range_params(raw))

    def check(self):
        _check_range(self, {"allowance": self.allowance or None})
        self.need(bool(self.metric), "metric", "is required")
        self.need(self.rate_fen is not None, "rate", "is required")
        self.need(self.allowance >= 0, "allowance", "must not be negative")

    def own_words(self):
        allowance = f" beyond an allowance of {self.allowance}" if self.allowance else ""
        return f"each unit of {self.metric}{allowance} withholds {format_money(from_fen(self.rate_fen or 0))}"

    def withholds(self, gross_fen, inputs):
        value = inputs.metrics[self.metric]
        units = max(Fraction(value) - Fraction(self.allowance), Fraction(0))
        product = units * (self.rate_fen or 0)
        amount = round_half_up_div(product.numerator, product.denominator)
        return amount, f"{self.metric}={value}", f"{units if units.denominator == 1 else float(units)} unit(s) beyond {self.allowance}"

    def raw_params(self):
        return {"metric": self.metric, "allowance": str(self.allowance), "rate": _as_money(self.rate_fen), **_range_raw(self)}


@dataclass(frozen=True, kw_only=True)
class ItemizedRule(Rule):
    """The amounts the assessor lists, each with its reason."""

    kind: ClassVar[str] = "itemized"

    def own_words(self):
        return "the amounts the assessor lists, each with its reason"

    def withholds(self, gross_fen, inputs):
        amount = sum(fen for _, fen in inputs.items)
        listed = "; ".join(f"{reason}: {format_money(from_fen(fen))}" for reason, fen in inputs.items)
        return amount, f"{len(inputs.items)} item(s)", listed or "nothing listed"


@dataclass(frozen=True, kw_only=True)
class CapRule(Rule):
    """Limits on the total withheld: per installment and per contract year (a share of the year's fee)."""

    kind: ClassVar[str] = "cap"
    per_installment_fen: int | None = None
    per_installment_share: Fraction | None = None
    per_year_fen: int | None = None
    per_year_share: Fraction | None = None  # of the contract year's fee

    @property
    def needs_assessment(self) -> bool:
        return False

    @classmethod
    def own_params(cls, raw):
        return dict(per_installment_fen=_money_fen(raw, "per_installment_amount"),
                    per_installment_share=_share(raw, "per_installment_share"),
                    per_year_fen=_money_fen(raw, "per_year_amount"), per_year_share=_share(raw, "per_year_share"))

    def check(self):
        self.need(any(v is not None for v in (self.per_installment_fen, self.per_installment_share, self.per_year_fen,
                                              self.per_year_share)), "per_installment_share",
                  "a cap rule needs per_installment_amount/share or per_year_amount/share")

    def installment_limit(self, gross_fen: int) -> int | None:
        return _limit(self.per_installment_fen, self.per_installment_share, gross_fen)

    def year_limit(self, year_fee_fen: int) -> int | None:
        return _limit(self.per_year_fen, self.per_year_share, year_fee_fen)

    def own_words(self):
        limits = []
        if self.per_installment_fen is not None or self.per_installment_share is not None:
            limits.append("per installment at most " + _amount_or_share(self.per_installment_fen, self.per_installment_share, "the installment"))
        if self.per_year_fen is not None or self.per_year_share is not None:
            limits.append("per contract year at most " + _amount_or_share(self.per_year_fen, self.per_year_share, "the year's fee"))
        return "; ".join(limits)

    def raw_params(self):
        return {"per_installment_amount": _as_money(self.per_installment_fen),
                "per_installment_share": _as_share(self.per_installment_share),
                "per_year_amount": _as_money(self.per_year_fen), "per_year_share": _as_share(self.per_year_share)}


@dataclass(frozen=True, kw_only=True)
class UnrecordedRule(Rule):
    """The source says each payment is made after the assessment's deductions, but gives no rules (the Emeishan
    police contracts: 每季度的费用支付均相据考核情况扣除应扣款项予以支付). Nothing can be worked out, so installments
    stay payable at gross, marked as an upper bound; a payment short of the gross by up to ``up_to_share`` (10% when
    not given) is, for ``check``, possibly such a deduction rather than plain arrears."""

    kind: ClassVar[str] = "unrecorded"
    up_to_share: Fraction | None = None

    @property
    def needs_assessment(self) -> bool:
        return False  # the assessment's outcome is not recorded either: waiting for it would stop every payment

    @classmethod
    def own_params(cls, raw):
        return dict(up_to_share=_share(raw, "up_to_share"))

    def own_words(self):
        plausible = f"; a shortfall up to {format_share(self.up_to_share)} of an installment may be a deduction" \
            if self.up_to_share is not None else ""
        return ("deducted per assessment, the rules not recorded: what falls due and what is owed are upper bounds"
                + plausible)

    def raw_params(self):
        return {"up_to_share": _as_share(self.up_to_share)}


KIND_CLASSES: dict[str, type[Rule]] = {cls.kind: cls for cls in (ThresholdRule, ScorecardRule, PerUnitRule, ItemizedRule, CapRule,
                                                                 UnrecordedRule)}
KINDS = tuple(KIND_CLASSES)
COMMON_FIELDS = ("contract", "name", "kind", "effective_from", "position", "retired", "cap_amount", "cap_share", "note")
RULE_FIELDS = (
    "contract", "name", "kind", "effective_from", "position", "retired", "metric", "threshold", "step", "direction",
    "count", "per_step_share", "per_step_amount", "allowance", "rate", "pass_mark", "bands", "cap_amount",
    "cap_share", "per_installment_amount", "per_installment_share", "per_year_amount", "per_year_share", "note",
    "metric_min", "metric_max", "up_to_share",
)


# -- reading rules ------------------------------------------------------------------------------

def make_rule(raw: Mapping[str, Any], contract: str | None = None) -> Rule:
    """Check a rule's raw values (from a file, the command line or the store) and build it as its kind's class."""
    unknown = sorted(set(raw) - set(RULE_FIELDS))
    if unknown:
        raise ContractsError(unknown[0], None, f"is not a rule field (known: {', '.join(RULE_FIELDS)})")
    code = limits.text(contract if contract is not None else raw.get("contract"), "rule", "contract")
    if not code:
        raise ContractsError("contract", None, "is required")
    name = _text(raw, "name")
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
    cls = KIND_CLASSES[kind]
    rule = cls(contract=code, name=name, effective_from=effective_from, position=position, retired=bool(retired),
               cap_fen=_money_fen(raw, "cap_amount"), cap_share=_share(raw, "cap_share"), note=_text(raw, "note"),
               **cls.own_params(raw))
    if not rule.retired:
        rule.check()
    return rule


def rules_in_force(rules: Iterable[Rule], day: dt.date) -> list[Rule]:
    """For each rule name, the latest version effective on ``day``; retired ones dropped; in order."""
    latest: dict[str, Rule] = {}
    for rule in rules:
        if rule.effective_from <= day and (rule.name not in latest or rule.effective_from >= latest[rule.name].effective_from):
            latest[rule.name] = rule
    in_force = [rule for rule in latest.values() if not rule.retired]
    if any(not isinstance(rule, UnrecordedRule) for rule in in_force):
        # Rules recorded now say what is deducted: "deducted, the rules not recorded" no longer describes the contract.
        in_force = [rule for rule in in_force if not isinstance(rule, UnrecordedRule)]
    return sorted(in_force, key=lambda rule: (rule.position, rule.name))


# -- describing rules ---------------------------------------------------------------------------

class RulesByDay:
    """The rules in force on a day (``rules_in_force``), whether any of them needs an assessment and whether any is
    unrecorded: worked out once per change of rules, for they change only on the days versions take effect (a
    contract's installments ask for every period's start)."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._rules = rules
        self._changes = sorted({rule.effective_from for rule in rules})
        self._known: dict[int, tuple[list[Rule], bool, bool]] = {}

    def on(self, day: dt.date) -> tuple[list[Rule], bool, bool]:
        """(the rules in force, needs an assessment, deducted but not recorded) on ``day``."""
        change = bisect_right(self._changes, day)
        known = self._known.get(change)
        if known is None:
            in_force = rules_in_force(self._rules, day)
            known = self._known[change] = (in_force, any(rule.needs_assessment for rule in in_force),
                                           any(isinstance(rule, UnrecordedRule) for rule in in_force))
        return known


def describe(rule: Rule) -> str:
    """The rule in words, as a clerk would read it out."""
    if rule.retired:
        return f"retired from {rule.effective_from.isoformat()}"
    text = rule.own_words()
    if rule.cap_fen is not None or rule.cap_share is not None:
        text += "; this rule at most " + _amount_or_share(rule.cap_fen, rule.cap_share, "the installment")
    return text


RULE_KEYS = ("contract", "name", "kind", "effective_from", "position", "in_force", "description")


def rule_rows(rules: Iterable[Rule], code: str, as_of: dt.date, *, all_versions: bool = False) -> list[dict]:
    """The rules in force on ``as_of`` in the order they apply (or every version ever recorded), in words."""
    rules = list(rules)
    in_force = rules_in_force(rules, as_of)
    shown = sorted(rules, key=lambda r: (r.position, r.name, r.effective_from)) if all_versions else in_force
    return [{"contract": code, "name": r.name, "kind": r.kind, "effective_from": r.effective_from, "position": r.position,
             "in_force": r in in_force, "description": describe(r)} for r in shown]


# -- applying rules -----------------------------------------------------------------------------

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


def apply_rules(
    rules: Iterable[Rule], gross_fen: int, inputs: AssessmentInputs, *, year_fee_fen: int, year_withheld_fen: int
) -> DeductionResult:
    """Apply the rules in force, in order, to one installment.

    ``year_withheld_fen`` is what earlier installments of the same contract year
    already had withheld, so that a yearly cap holds across them.
    """
    in_order = list(rules)
    caps = [rule for rule in in_order if isinstance(rule, CapRule)]
    installment_room = year_room = None
    if caps:
        installment_room = min((limit for rule in caps if (limit := rule.installment_limit(gross_fen)) is not None), default=None)
        year_room = min((limit for rule in caps if (limit := rule.year_limit(year_fee_fen)) is not None), default=None)
    if year_room is not None:
        year_room = max(year_room - year_withheld_fen, 0)
    total = 0
    deductions = []
    failed = False
    for rule in in_order:
        if isinstance(rule, (CapRule, UnrecordedRule)):  # limits, or deductions made but not recorded: no line of their own
            continue
        computed, given, reason = rule.withholds(gross_fen, inputs)
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
        if isinstance(rule, ScorecardRule) and rule.fails(inputs):
            failed = True
            reason += f"; below the pass mark {rule.pass_mark}"
        deductions.append(Deduction(rule.name, rule.kind, given, from_fen(computed), from_fen(amount), cut, reason))
    return DeductionResult(tuple(deductions), total, failed)


def rule_as_raw(rule: Rule) -> dict[str, Any]:
    """A rule as the plain values ``make_rule`` reads: how it is stored and exported."""
    raw: dict[str, Any] = {
        "name": rule.name, "kind": rule.kind, "effective_from": rule.effective_from.isoformat(),
        "position": rule.position, "retired": rule.retired, **rule.raw_params(),
        "cap_amount": _as_money(rule.cap_fen), "cap_share": _as_share(rule.cap_share), "note": rule.note,
    }
    return {key: value for key, value in raw.items() if value not in (None, "")}
