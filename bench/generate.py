"""Synthetic portfolios with the reference case's mix, deterministic for a given size and seed.

The mix follows Emeishan's contracts: billing periods of 36 to 72 months (some
serving longer than they bill, like TW2), annual fees from 0.2 to 5 million yuan
to the fen, mostly quarterly and anniversary-aligned, with some monthly,
semiannual and annual contracts and some cut at calendar quarters.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Iterator

# Bump when anything below changes what is generated: the bench keys its stores by it and rebuilds them.
GENERATOR_VERSION = 1

FREQUENCIES = [("quarterly", 80), ("monthly", 10), ("semiannual", 5), ("annual", 5)]
MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([name for name, _ in weighted], [weight for _, weight in weighted])[0]


def contract_raw(index: int, rng: random.Random) -> dict:
    frequency = _pick(rng, FREQUENCIES)
    alignment = "calendar" if rng.random() < 0.1 else "anniversary"
    step = MONTHS[frequency]
    billing = rng.choice([12, 24, 36, 36, 48, 60, 60, 72])
    if alignment == "anniversary":
        billing = max(step, billing // step * step)
    else:
        billing += rng.choice([0, 0, 1, 5, 7])  # calendar contracts may end mid-quarter
    service = billing + rng.choice([0, 0, 0, 0, 24])  # some serve longer than they bill
    start = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 13))
    if rng.random() < 0.05:
        start = start.replace(day=28) + dt.timedelta(days=3)  # month ends: the 31st or 1st
        start = start - dt.timedelta(days=start.day) if start.day < 5 else start
    fee = Decimal(rng.randrange(20_000_000, 500_000_000)) / 100
    return {
        "code": f"C{index:06d}",
        "name": f"synthetic service {index}",
        "vendor": f"vendor {index % 97}",
        "buyer": f"county {index % 183}",
        "billing_start": start,
        "billing_months": billing,
        "service_months": service,
        "annual_fee": str(fee),
        "frequency": frequency,
        "alignment": alignment,
        "payment_lag_days": rng.choice([0, 0, 0, 15, 30]),
    }


def contracts(size: int, seed: int = 2023) -> Iterator[dict]:
    """Raw contract terms, one at a time (the portfolio is never held in memory at once)."""
    rng = random.Random(seed)
    for index in range(size):
        yield contract_raw(index, rng)


def toml_value(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_toml(path, size: int, seed: int = 2023, *, with_facts: bool = True) -> None:
    """A portfolio file for ``contracts import``; with facts: a rule, assessments and payments on 1 contract in 20."""
    write_toml_parts([path], size, seed, with_facts=with_facts)


def write_toml_parts(paths: list, size: int, seed: int = 2023, *, with_facts: bool = True) -> list[int]:
    """The same portfolio cut into len(paths) files of consecutive contracts, each with the facts of its own
    contracts (so that each imports alone); one path gives exactly ``write_toml``'s file. Returns the contracts per file."""
    from dateutil.relativedelta import relativedelta

    rng = random.Random(seed + 1)
    per_file = -(-size // len(paths)) if size else 1
    counts = [0] * len(paths)
    extra: list[tuple[int, dict]] = []
    outs = [open(path, "w", encoding="utf-8") for path in paths]
    try:
        for index, raw in enumerate(contracts(size, seed)):
            part = index // per_file
            out = outs[part]
            counts[part] += 1
            out.write("[[contract]]\n")
            for key, value in raw.items():
                out.write(f"{key} = {toml_value(value)}\n")
            out.write("\n")
            if with_facts and rng.random() < 0.05 and raw["alignment"] == "anniversary":
                extra.append((part, raw))
        for part, raw in extra:  # after every contract, in the order a single file has them (the same random draws)
            out = outs[part]
            code = raw["code"]
            out.write(f'[[rule]]\ncontract = "{code}"\nname = "online"\nkind = "threshold"\n'
                      f'effective_from = {raw["billing_start"].isoformat()}\nmetric = "online_rate"\nthreshold = "95"\n'
                      f'step = "1"\nper_step_share = "1/45"\n\n')
            step = MONTHS[raw["frequency"]]
            for seq in range(1, min(4, raw["billing_months"] // step) + 1):
                period_end = raw["billing_start"] + relativedelta(months=seq * step)
                out.write(f'[[assessment]]\ncontract = "{code}"\nseq = {seq}\nassessed_on = {period_end.isoformat()}\n'
                          f'metrics = {{ online_rate = "{rng.choice(["96.5", "94.2", "91.0"])}" }}\n\n')
            paid_on = raw["billing_start"] + relativedelta(months=step, days=40)  # after seq 1 falls due
            out.write(f'[[payment]]\ncontract = "{code}"\nseq = 1\npaid_on = {paid_on.isoformat()}\n'
                      f'amount = "1000.00"\nreference = "bench"\n\n')
    finally:
        for out in outs:
            out.close()
    return counts
