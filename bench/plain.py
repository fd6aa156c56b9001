"""The plain implementation of what the commands answer: ``python -m bench.plain WHAT URL [options]``.

The obvious way to write it, and nothing shared with the code it checks: the store read with the driver
(bench/storeread.py), each contract's schedule from bench/reference.py (``dateutil``, ``Decimal``, one contract at
a time), its ledger worked out here from the rules, assessments and payments, and the answer printed as CSV with
the same columns as the command's ``--format csv``, rows in the same order (sorted by their key). The bench times it
as a process of its own (the ratio targets) and compares every figure of the command's output with it.

It models what bench/generate.py stores: fixed-fee contracts, ``threshold`` deduction rules with a share per step,
assessments, and payments placed on an installment; anything else stops it (bench/storeread.Unsupported).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import json
import math
import sys
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Iterator

from dateutil.relativedelta import relativedelta

from bench import storeread
from bench.reference import schedule

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
BUCKETS = ((30, "0-30"), (90, "31-90"), (180, "91-180"), (365, "181-365"))
OVER = "over 365"
BUCKET_NAMES = tuple(name for _, name in BUCKETS) + (OVER,)


def money(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)


def raw_terms(record: dict) -> dict:
    """The stored row in the shape bench/reference.py takes (the generator's raw terms)."""
    return {"code": record["code"], "billing_start": record["billing_start"], "billing_months": record["billing_months"],
            "annual_fee": str(money(record["annual_fee_fen"])), "frequency": record["frequency"],
            "alignment": record["alignment"], "timing": record["timing"], "payment_lag_days": record["payment_lag_days"]}


def ends(record: dict) -> tuple[dt.date, dt.date]:
    start = record["billing_start"]
    return start + relativedelta(months=record["billing_months"]), start + relativedelta(months=record["service_months"])


# -- one contract's ledger -------------------------------------------------------------------------------------

def _rules_in_force(rules: list[dict], period_start: dt.date) -> list[dict]:
    latest: dict[str, dict] = {}
    for rule in rules:
        if rule["effective_from"] <= period_start and (rule["name"] not in latest
                                                       or rule["effective_from"] > latest[rule["name"]]["effective_from"]):
            latest[rule["name"]] = rule
    return [rule for rule in latest.values() if not json.loads(rule["params"]).get("retired")]


def _deduction(rule: dict, gross: Decimal, metrics: dict) -> Decimal:
    params = json.loads(rule["params"])
    if rule["kind"] != "threshold" or not params.get("per_step_share") or params.get("direction", "below") != "below" \
            or params.get("count", "started") != "started" or params.get("cap_amount") or params.get("cap_share"):
        raise storeread.Unsupported(f"the rule {rule['name']} ({rule['kind']}, {params})")
    gap = Decimal(params["threshold"]) - Decimal(metrics[params["metric"]])
    if gap <= 0:
        return ZERO
    steps = math.ceil(gap / Decimal(params["step"]))  # each started step counts (不足一档按一档计)
    share = Fraction(params["per_step_share"]) * steps
    return (gross * share.numerator / share.denominator).quantize(CENT, rounding=ROUND_HALF_UP)


def ledger(record: dict, rules: list[dict], assessments: list[dict], payments: list[dict],
           as_of: dt.date | None) -> list[dict]:
    """Each installment: seq, due, gross, net (None while awaiting assessment), paid, owed (None likewise)."""
    known = {}
    for item in assessments:
        if as_of is not None and item["assessed_on"] > as_of:
            continue  # not known on that day
        if item["seq"] not in known or item["version"] > known[item["seq"]]["version"]:
            known[item["seq"]] = item
    paid: dict[int, Decimal] = {}
    for payment in payments:
        if as_of is None or payment["paid_on"] <= as_of:
            paid[payment["seq"]] = paid.get(payment["seq"], ZERO) + money(payment["amount_fen"])
    items = []
    for seq, start, end, due, gross in schedule(raw_terms(record)):
        in_force = _rules_in_force(rules, start)
        assessment = known.get(seq)
        if in_force and assessment is None:
            if seq in paid:
                raise storeread.Unsupported(f"a payment on {record['code']} #{seq} before its assessment")
            items.append({"seq": seq, "start": start, "end": end, "due": due, "gross": gross, "net": None,
                          "deduction": None, "paid": ZERO, "owed": None})
            continue
        metrics = json.loads(assessment["metrics"]) if assessment else {}
        deduction = sum((_deduction(rule, gross, metrics) for rule in in_force), ZERO)
        net = max(gross - deduction, ZERO)
        settled = paid.get(seq, ZERO)
        if settled > net:
            raise storeread.Unsupported(f"an overpayment of {record['code']} #{seq}")
        items.append({"seq": seq, "start": start, "end": end, "due": due, "gross": gross, "net": net,
                      "deduction": gross - net, "paid": settled, "owed": net - settled})
    return items


class Portfolio:
    """The store read once: contracts one at a time, their few facts held by contract id."""

    def __init__(self, url: str) -> None:
        self.connection = storeread.connect(url)
        storeread.refuse_unmodelled(self.connection)
        self.rules, self.assessments, self.payments = storeread.facts(self.connection)

    def contracts(self, code: str | None = None) -> Iterator[dict]:
        return storeread.contracts(self.connection, code)

    def ledger(self, record: dict, as_of: dt.date | None) -> list[dict]:
        key = record["id"]
        return ledger(record, self.rules.get(key, []), self.assessments.get(key, []), self.payments.get(key, []), as_of)


# -- the answers, one per command -------------------------------------------------------------------------------

def forecast(portfolio: Portfolio, first: int, years: int, as_of: dt.date) -> Iterator[dict]:
    """`forecast --from FIRST --years N --as-of DAY`: gross and expected net per contract, year and quarter, by due date."""
    window_start, window_end = dt.date(first, 1, 1), dt.date(first + years, 1, 1)
    for record in portfolio.contracts():
        cells: dict[tuple[int, int], list[Decimal]] = {}
        for item in portfolio.ledger(record, as_of):
            if window_start <= item["due"] < window_end:
                cell = cells.setdefault((item["due"].year, (item["due"].month - 1) // 3 + 1), [ZERO, ZERO])
                cell[0] += item["gross"]
                cell[1] += item["net"] if item["net"] is not None else item["gross"]
        service_end = ends(record)[1]
        for (year, quarter), (gross, net) in sorted(cells.items()):
            yield {"contract": record["code"], "year": year, "quarter": quarter, "gross": gross, "expected_net": net,
                   "ends_in_window": window_start <= service_end < window_end}


def report_fy(portfolio: Portfolio, year: int) -> Iterator[dict]:
    """`report fy YEAR`: per contract started by the year's end, obligations, paid, unpaid and earlier arrears; then TOTAL."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    total = {"obligations": ZERO, "paid": ZERO, "unpaid_of_year": ZERO, "earlier_arrears": ZERO}
    for record in portfolio.contracts():
        if record["billing_start"] > last:
            continue
        obligations = unpaid = earlier = ZERO
        for item in portfolio.ledger(record, last):
            owed = item["owed"] if item["owed"] is not None else item["gross"]
            if first <= item["due"] <= last:
                obligations += item["net"] if item["net"] is not None else item["gross"]
                unpaid += owed
            elif item["due"] < first:
                earlier += owed
        paid = sum((money(p["amount_fen"]) for p in portfolio.payments.get(record["id"], []) if p["paid_on"].year == year), ZERO)
        row = {"obligations": obligations, "paid": paid, "unpaid_of_year": unpaid, "earlier_arrears": earlier}
        for key, value in row.items():
            total[key] += value
        yield {"programme": "(none)", "item": record["code"], "kind": "contract", **row}
    yield {"programme": "(none)", "item": "TOTAL", "kind": "programme", **total}


def bucket(days: int) -> str:
    return next((name for limit, name in BUCKETS if days <= limit), OVER)


def arrears(portfolio: Portfolio, as_of: dt.date) -> Iterator[dict]:
    """`arrears`: every installment due by the day and not fully paid (awaiting assessment: at gross, apart)."""
    for record in portfolio.contracts():
        for item in portfolio.ledger(record, as_of):
            if item["due"] > as_of:
                continue
            days = (as_of - item["due"]).days
            if item["net"] is None:
                yield {"contract": record["code"], "seq": item["seq"], "due": item["due"], "net": None, "paid": item["paid"],
                       "owed": item["gross"], "days_overdue": days, "bucket": "not yet assessed"}
            elif item["owed"] > 0:
                yield {"contract": record["code"], "seq": item["seq"], "due": item["due"], "net": item["net"],
                       "paid": item["paid"], "owed": item["owed"], "days_overdue": days, "bucket": bucket(days)}


def arrears_summary(portfolio: Portfolio, as_of: dt.date) -> Iterator[dict]:
    """`arrears --summary`: per contract, owed by bucket, the total and what awaits assessment; then TOTAL."""
    keys = BUCKET_NAMES + ("total", "not_yet_assessed", "credit")
    grand = dict.fromkeys(keys, ZERO)
    current, row = None, None
    for item in itertools.chain(arrears(portfolio, as_of), [None]):  # streamed: a province has millions
        if item is None or item["contract"] != current:
            if row is not None:
                yield row
                for key in keys:
                    grand[key] += row[key]
            if item is None:
                break
            current, row = item["contract"], {"contract": item["contract"], **dict.fromkeys(keys, ZERO)}
        if item["bucket"] == "not yet assessed":
            row["not_yet_assessed"] += item["owed"]
        else:
            row[item["bucket"]] += item["owed"]
            row["total"] += item["owed"]
    yield {"contract": "TOTAL", **grand}


def expiring(portfolio: Portfolio, within: int, as_of: dt.date) -> Iterator[dict]:
    """`expiring --within DAYS`: contracts whose service ends in [as-of, as-of + DAYS], soonest first."""
    rows = []
    for record in portfolio.contracts():
        billing_end, service_end = ends(record)
        if as_of <= service_end <= as_of + dt.timedelta(days=within):
            rows.append({"contract": record["code"], "billing_end": billing_end, "service_end": service_end,
                         "days_left": (service_end - as_of).days})
    yield from sorted(rows, key=lambda row: (row["service_end"], row["contract"]))


def schedule_of(portfolio: Portfolio, code: str) -> Iterator[dict]:
    """`schedule CODE`: every installment."""
    for record in portfolio.contracts(code):
        for seq, start, end, due, amount in schedule(raw_terms(record)):
            yield {"contract": code, "seq": seq, "period_start": start, "period_end": end, "due": due, "amount": amount}


def payable(portfolio: Portfolio, code: str, seq: int, as_of: dt.date) -> Iterator[dict]:
    """`payable CODE --seq N`: gross, what is withheld, net, paid and owed."""
    for record in portfolio.contracts(code):
        for item in portfolio.ledger(record, as_of):
            if item["seq"] == seq:
                yield {"contract": code, "seq": seq, "period_start": item["start"], "period_end": item["end"], "due": item["due"],
                       "gross": item["gross"], "total_deduction": item["deduction"], "net": item["net"],
                       "paid": item["paid"], "owed": item["owed"]}


def show(portfolio: Portfolio, code: str, as_of: dt.date) -> Iterator[dict]:
    """`show CODE`: the dates and what the schedule adds up to."""
    for record in portfolio.contracts(code):
        items = schedule(raw_terms(record))
        billing_end, service_end = ends(record)
        yield {"code": code, "billing_end": billing_end, "service_end": service_end, "days_left": (service_end - as_of).days,
               "total": sum((item[4] for item in items), ZERO), "installments": len(items)}


# -- the command line ---------------------------------------------------------------------------------------------

def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, Decimal, int)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return str(value)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.plain", description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["forecast", "fy", "arrears", "arrears-summary", "expiring", "schedule", "payable", "show"])
    parser.add_argument("url")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--from", dest="first", type=int)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--year", type=int)
    parser.add_argument("--within", type=int, default=180)
    parser.add_argument("--code")
    parser.add_argument("--seq", type=int)
    args = parser.parse_args(argv)
    portfolio = Portfolio(args.url)
    as_of = args.as_of or dt.date.today()
    rows = {
        "forecast": lambda: forecast(portfolio, args.first or as_of.year + 1, args.years, as_of),
        "fy": lambda: report_fy(portfolio, args.year),
        "arrears": lambda: arrears(portfolio, as_of),
        "arrears-summary": lambda: arrears_summary(portfolio, as_of),
        "expiring": lambda: expiring(portfolio, args.within, as_of),
        "schedule": lambda: schedule_of(portfolio, args.code),
        "payable": lambda: payable(portfolio, args.code, args.seq, as_of),
        "show": lambda: show(portfolio, args.code, as_of),
    }[args.what]()
    out, keys = csv.writer(sys.stdout, lineterminator="\n"), None
    for row in rows:
        if keys is None:
            keys = list(row)
            out.writerow(keys)
        out.writerow([text(row[key]) for key in keys])


if __name__ == "__main__":
    main()
