"""A plain reference implementation of the schedule rules, for comparison only.

One contract at a time, month arithmetic with ``dateutil.relativedelta``, money
as ``Decimal`` throughout: the obvious way to write it. It follows the rules the
README states (contract years; equal parts rounded half up with the remainder to
the year's last installment; calendar stubs sharing the year's leftover by days)
so that the benchmark can check the fast path against it installment by installment.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

CENT = Decimal("0.01")
STEP = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


def _split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    if len(weights) == 1:
        return [total]
    whole = sum(weights)
    for rounding in (ROUND_HALF_UP, ROUND_DOWN):
        parts = [(total * w / whole).quantize(CENT, rounding=rounding) for w in weights[:-1]]
        rest = total - sum(parts)
        if rest >= 0:
            return parts + [rest]
    raise AssertionError("unreachable")


def _calendar_start(day: dt.date, step: int) -> dt.date:
    return dt.date(day.year, (day.month - 1) // step * step + 1, 1)


def schedule(raw: dict) -> list[tuple[int, dt.date, dt.date, dt.date, Decimal]]:
    """(seq, period start, period end, due, amount) for one contract given as raw terms."""
    start, months = raw["billing_start"], raw["billing_months"]
    fee = Decimal(raw["annual_fee"])
    step = STEP[raw["frequency"]]
    end = start + relativedelta(months=months)
    if raw["alignment"] == "anniversary":
        periods = [(start + relativedelta(months=k), start + relativedelta(months=min(k + step, months)))
                   for k in range(0, months, step)]
    else:
        periods, cursor = [], start
        while cursor < end:
            boundary = _calendar_start(cursor, step) + relativedelta(months=step)
            periods.append((cursor, min(boundary, end)))
            cursor = periods[-1][1]
    amounts = [Decimal("0.00")] * len(periods)
    for first in range(0, months, 12):
        last = min(first + 12, months)
        year_start, year_end = start + relativedelta(months=first), start + relativedelta(months=last)
        year_fee = fee if last - first == 12 else (fee * (last - first) / 12).quantize(CENT, rounding=ROUND_HALF_UP)
        slots = [(i, max(a, year_start), min(b, year_end)) for i, (a, b) in enumerate(periods) if a < year_end and b > year_start]
        if raw["alignment"] == "anniversary":
            parts = _split(year_fee, [Decimal(1)] * len(slots))
        else:
            whole = [(a, b) == (_calendar_start(a, step), _calendar_start(a, step) + relativedelta(months=step)) for _, a, b in slots]
            if all(whole):
                parts = _split(year_fee, [Decimal(1)] * len(slots))
            else:
                period_fee = (fee / (12 // step)).quantize(CENT, rounding=ROUND_HALF_UP)
                leftover = year_fee - period_fee * sum(whole)
                if leftover < 0:
                    parts = _split(year_fee, [Decimal((b - a).days) / Decimal(((_calendar_start(a, step) + relativedelta(months=step)) - _calendar_start(a, step)).days)
                                              for _, a, b in slots])
                else:
                    stubs = iter(_split(leftover, [Decimal((b - a).days) for (_, a, b), w in zip(slots, whole) if not w]))
                    parts = [period_fee if w else next(stubs) for w in whole]
        for (index, _, _), part in zip(slots, parts):
            amounts[index] += part
    lag = dt.timedelta(days=raw.get("payment_lag_days", 0))
    timing = raw.get("timing", "arrears")
    return [(seq, a, b, (b if timing == "arrears" else a) + lag, amount)
            for seq, ((a, b), amount) in enumerate(zip(periods, amounts), start=1)]
