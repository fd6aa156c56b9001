"""Tables that fit the terminal, and colour for the states people must not miss.

A table wider than the terminal (or than COLUMNS, when the output is piped) first lets its long text columns wrap,
then leaves out its least needed columns, in a fixed order, and says which; ``--format csv`` or ``json`` (or a
wider window) gives them all. Colour marks overdue, expired, late and error rows' states; Rich leaves colour out
when the output is not a terminal, and whenever NO_COLOR is set.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any, Mapping, Sequence

WRAP_MIN = 14  # a wrapping column (a name, an explanation) keeps at least this many characters a line
# Columns to leave out first when a table does not fit, most dispensable first.
DROP_ORDER = (
    "credit", "not_yet_assessed", "notes", "source", "vendor", "buyer", "settled_by", "assessed_on", "failed_pass_mark", "signed_on", "completed_on",
    "stated_end", "payment_lag_days", "alignment", "timing", "period_start", "period_end", "method_name", "frequency",
    "billing_start", "annual_fee", "service_months", "billing_months", "reverses", "reversed_by", "allocated", "reference",
    "note", "successor", "in_transition_since", "transition_months", "transition_spending", "suspended_from", "contracts",
    "current", "field", "stated", "computed", "record", "announced", "bidders", "ground", "paid", "gross",
    "total_deduction", "deductions", "billing_end", "name",
)
STATE_STYLES = {
    "expired": "red", "late": "bold red", "lapsed": "red", "error": "bold red", "warning": "yellow",
    "uncovered": "bold red", "start now": "yellow", "awaiting assessment": "yellow", "awaiting usage": "yellow",
    "partly paid": "yellow", "over 365": "bold red", "181-365": "red", "91-180": "yellow", "failed": "red",
    "suspended": "yellow", "in transition": "yellow",
}
STATE_KEYS = {"state", "status", "severity", "bucket", "outcome"}
KEEP = STATE_KEYS | {"total", "owed", "net", "amount", "days_left", "days_overdue", "explanation", "due", "service_end",
                     "latest_start", "slack_days"}  # what a table is for: left out only when nothing else can go


def console_width_piped() -> int | None:
    """COLUMNS when the output is piped and it is set; else None (as wide as the table needs)."""
    try:
        width = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return None
    return width if width > 20 else None


def fit(columns: Sequence[str], widest: Mapping[str, int], wrapping: set[str], limit: int) -> tuple[list[str], list[str]]:
    """The columns to show within ``limit`` characters (Rich's borders and padding counted), and those left out."""

    def width(keys: Sequence[str]) -> int:
        return sum(min(widest[k], WRAP_MIN) if k in wrapping else widest[k] for k in keys) + 3 * len(keys) + 1

    kept = list(columns)
    dropped: list[str] = []
    for key in DROP_ORDER:
        if width(kept) <= limit:
            break
        if key in kept and kept.index(key) > 0:
            kept.remove(key)
            dropped.append(key)
    while width(kept) > limit and len(kept) > 2:  # still too wide: from the right, keeping the first column
        removable = [k for k in reversed(kept[1:]) if k not in KEEP] or list(reversed(kept[1:]))
        kept.remove(removable[0])
        dropped.append(removable[0])
    return kept, dropped


def style_for(key: str, value: Any) -> str | None:
    """The colour of a cell: a state that needs attention, or a count of days past."""
    if key in STATE_KEYS and isinstance(value, str):
        return STATE_STYLES.get(value)
    if key == "days_left" and isinstance(value, int) and value < 0:
        return "red"
    if key == "days_overdue" and isinstance(value, int) and value > 90:
        return "red"
    if key == "slack_days" and isinstance(value, (int, Decimal)) and value < 0:
        return "bold red"
    return None
