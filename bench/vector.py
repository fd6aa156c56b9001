"""The vectorised limit: ``python -m bench.vector forecast|fy URL [options]`` (needs NumPy: ``pip install '.[bench]'``).

What the whole-portfolio answers cost when nothing is done per contract in Python: the stored terms are read as
columns, every installment of every contract is made by NumPy array arithmetic in integer fen (contracts/bulk.py, the
array engine the commands use for their terms-only contracts: anniversary and calendar schedules alike), the few assessed installments get their deductions by a join on
(contract, seq), and the answer is a grouped sum. This is the floor a command could reach in Python, the "limit" of
issue #17. Its answers are checked equal to the plain implementation's too (``--rows FILE`` writes them), so the
limit is the same computation and not a cheaper one.

Anything outside what bench/generate.py stores (bench/storeread.py refuses it), or the rare schedule case it does not
vectorise (a calendar year whose stubs would get a negative leftover: only tiny fees), stops it with a message.
Contracts are processed in chunks so that a million of them stay within a few hundred MB.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import sys
from decimal import Decimal
from fractions import Fraction

import numpy as np

from bench import storeread
from contracts import bulk

CHUNK = 50_000  # contracts at a time: ~850,000 installments, some 100 MB of arrays
STEPS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


class NotVectorised(SystemExit):
    def __init__(self, what: str) -> None:
        super().__init__(f"bench.vector: not vectorised: {what}")


# -- dates as integer days since 1970-01-01, months as integer months since 1970-01 (contracts/bulk.py) ---------------

EPOCH, month_of, month_start, add_months, isum = bulk.EPOCH, bulk.month_of, bulk.month_start, bulk.add_months, bulk.isum


def fen_str(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole}.{cents:02d}"


def day_str(days: int) -> str:
    return (EPOCH + dt.timedelta(days=int(days))).isoformat()


# -- reading the terms as columns ------------------------------------------------------------------------------------

def read_terms(connection, sqlite: bool, codes: bool = False) -> dict[str, np.ndarray]:
    """The terms as columns of integers (the texts turned into numbers by the query); codes only when asked."""
    days = "CAST(julianday(billing_start) - 2440587.5 AS INTEGER)" if sqlite else "(billing_start - DATE '1970-01-01')"
    step = "CASE frequency " + " ".join(f"WHEN '{name}' THEN {months}" for name, months in STEPS.items()) + " END"
    cursor = connection.cursor()
    cursor.execute(f"SELECT id, {days}, billing_months, service_months, annual_fee_fen, {step}, "
                   "CASE alignment WHEN 'anniversary' THEN 1 ELSE 0 END, CASE timing WHEN 'arrears' THEN 1 ELSE 0 END, "
                   "payment_lag_days FROM contract ORDER BY code")
    table = np.array(cursor.fetchall(), np.int64).reshape(-1, 9)
    start = table[:, 1].copy()
    start_month = month_of(start)
    terms = {
        "id": table[:, 0].copy(), "start": start, "start_month": start_month, "start_day": start - month_start(start_month) + 1,
        "months": table[:, 2].copy(), "service_months": table[:, 3].copy(), "fee": table[:, 4].copy(), "step": table[:, 5].copy(),
        "anniversary": table[:, 6] == 1, "arrears": table[:, 7] == 1, "lag": table[:, 8].copy(),
    }
    if codes:
        cursor.execute("SELECT code FROM contract ORDER BY code")
        terms["code"] = np.array([row[0] for row in cursor.fetchall()], object)
    return terms


def take(terms: dict, index) -> dict:
    return {key: value[index] for key, value in terms.items()}


# -- schedules: contracts/bulk.py, the array engine the commands use for their terms-only contracts ------------------

def installments(t: dict) -> dict[str, np.ndarray]:
    """Every installment of the contracts in ``t``: owner (position in t), seq, start, end, due (days), amount (fen)."""
    columns = bulk.TermsColumns(start=t["start"], months=t["months"], service_months=t["service_months"], fee=t["fee"],
                                step=t["step"], anniversary=t["anniversary"], arrears=t["arrears"], lag=t["lag"])
    items = bulk.installments(columns)
    if items.uncovered.any():
        raise NotVectorised("a calendar year whose stubs would share a negative leftover, or dates beyond 1900-2399")
    return {"owner": items.owner, "seq": items.seq, "start": items.start, "end": items.end, "amount": items.amount,
            "due": items.due}


# -- the facts: deductions of the assessed installments, payments ---------------------------------------------------

class Facts:
    """Deductions per (contract id, seq) known by a day, and payments, from the few contracts that have them."""

    def __init__(self, connection) -> None:
        self.rules, self.assessments, self.payments = storeread.facts(connection)
        for contract_id, rules in self.rules.items():
            for rule in rules:
                params = json.loads(rule["params"])
                if rule["kind"] != "threshold" or not params.get("per_step_share") or params.get("direction", "below") != "below" \
                        or params.get("count", "started") != "started" or len(rules) != 1 or params.get("retired"):
                    raise NotVectorised(f"the rule {rule['name']} of contract {contract_id}")
                rule["parsed"] = params

    def steps(self, as_of: dt.date | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(contract id * 100000 + seq) sorted, with the share withheld as numerator/denominator, and the rule's start."""
        keys, numerators, denominators, effective = [], [], [], []
        shares: dict[tuple, Fraction] = {}  # the few distinct (rule, metric value) pairs, worked out once each
        for contract_id, items in self.assessments.items():
            rule = self.rules.get(contract_id, [None])[0]
            latest = {}
            for item in items:
                if (as_of is None or item["assessed_on"] <= as_of) and item["version"] >= latest.get(item["seq"], {"version": -1})["version"]:
                    latest[item["seq"]] = item
            for seq, item in latest.items():
                share = Fraction(0)
                if rule is not None:
                    params = rule["parsed"]
                    value = json.loads(item["metrics"])[params["metric"]]
                    known = (params["threshold"], params["step"], params["per_step_share"], value)
                    share = shares.get(known)
                    if share is None:
                        gap = Decimal(params["threshold"]) - Decimal(value)
                        steps = math.ceil(gap / Decimal(params["step"])) if gap > 0 else 0
                        share = shares[known] = steps * Fraction(params["per_step_share"])
                keys.append(contract_id * 100_000 + seq)
                numerators.append(share.numerator)
                denominators.append(share.denominator)
                effective.append((rule["effective_from"] - EPOCH).days if rule else 0)
        order = np.argsort(np.array(keys, np.int64), kind="stable")
        return tuple(np.array(x, np.int64)[order] for x in (keys, numerators, denominators, effective))

    def ruled(self) -> tuple[np.ndarray, np.ndarray]:
        ids = sorted(self.rules)
        return np.array(ids, np.int64), np.array([(self.rules[i][0]["effective_from"] - EPOCH).days for i in ids], np.int64)


def net_and_waiting(t: dict, items: dict, facts: Facts, as_of: dt.date | None) -> tuple[np.ndarray, np.ndarray]:
    """Each installment's net (gross less what its assessment withholds) and whether it still awaits assessment."""
    ids = t["id"][items["owner"]]
    gross = items["amount"]
    keys, numerators, denominators, _ = facts.steps(as_of)
    wanted = ids * 100_000 + items["seq"]
    at = np.searchsorted(keys, wanted)
    at = np.minimum(at, max(keys.size - 1, 0))
    assessed = (keys.size > 0) & (keys[at] == wanted) if keys.size else np.zeros(wanted.size, bool)
    withheld = np.where(assessed, (2 * gross * numerators[at] + denominators[at]) // (2 * denominators[at]) if keys.size else 0, 0)
    ruled_ids, ruled_from = facts.ruled()
    where = np.minimum(np.searchsorted(ruled_ids, ids), max(ruled_ids.size - 1, 0))
    has_rule = (ruled_ids[where] == ids) & (ruled_from[where] <= items["start"]) if ruled_ids.size else np.zeros(ids.size, bool)
    waiting = has_rule & ~assessed
    return np.maximum(gross - withheld, 0), waiting


def paid_fen(t: dict, items: dict, facts: Facts, as_of: dt.date) -> np.ndarray:
    """What was paid on each installment by the day (payments placed on an installment, as the generator stores)."""
    paid = {}
    for contract_id, payments in facts.payments.items():
        for payment in payments:
            if payment["paid_on"] <= as_of:
                key = contract_id * 100_000 + payment["seq"]
                paid[key] = paid.get(key, 0) + payment["amount_fen"]
    if not paid:
        return np.zeros(items["amount"].size, np.int64)
    keys = np.array(sorted(paid), np.int64)
    values = np.array([paid[k] for k in sorted(paid)], np.int64)
    wanted = t["id"][items["owner"]] * 100_000 + items["seq"]
    at = np.minimum(np.searchsorted(keys, wanted), keys.size - 1)
    return np.where(keys[at] == wanted, values[at], 0)


# -- the answers ------------------------------------------------------------------------------------------------------

def chunks(terms: dict):
    size = terms["id"].size
    for begin in range(0, size, CHUNK):
        yield take(terms, slice(begin, begin + CHUNK))


def forecast(terms: dict, facts: Facts, first: int, years: int, as_of: dt.date, rows_out=None) -> dict:
    window_start = (dt.date(first, 1, 1) - EPOCH).days
    window_end = (dt.date(first + years, 1, 1) - EPOCH).days
    totals = np.zeros((2, years * 4), np.int64)
    count = 0
    writer = csv.writer(rows_out, lineterminator="\n") if rows_out else None
    if writer:
        writer.writerow(["contract", "year", "quarter", "gross", "expected_net", "ends_in_window"])
    for t in chunks(terms):
        items = installments(t)
        inside = (items["due"] >= window_start) & (items["due"] < window_end)
        items = {key: value[inside] for key, value in items.items()}
        net, waiting = net_and_waiting(t, items, facts, as_of)
        net = np.where(waiting, items["amount"], net)
        due_month = month_of(items["due"])
        cell = (due_month // 12 + 1970 - first) * 4 + (due_month % 12) // 3
        totals[0] += isum(cell, items["amount"], years * 4)
        totals[1] += isum(cell, net, years * 4)
        key = items["owner"] * (years * 4) + cell
        unique, inverse = np.unique(key, return_inverse=True)
        count += unique.size
        if writer:
            gross_sum = isum(inverse, items["amount"], unique.size)
            net_sum = isum(inverse, net, unique.size)
            service_end = add_months(t["start_month"], t["start_day"], t["service_months"])
            ends = (service_end >= window_start) & (service_end < window_end)
            for k, g, n in zip(unique.tolist(), gross_sum.tolist(), net_sum.tolist()):
                owner, c = divmod(k, years * 4)
                writer.writerow([t["code"][owner], first + c // 4, c % 4 + 1, fen_str(g), fen_str(n), "true" if ends[owner] else "false"])
    return {"rows": count, "quarters": [{"year": first + c // 4, "quarter": c % 4 + 1, "gross": fen_str(totals[0][c]),
                                         "expected_net": fen_str(totals[1][c])} for c in range(years * 4)]}


def report_fy(terms: dict, facts: Facts, year: int, rows_out=None) -> dict:
    first, last = (dt.date(year, 1, 1) - EPOCH).days, (dt.date(year, 12, 31) - EPOCH).days
    writer = csv.writer(rows_out, lineterminator="\n") if rows_out else None
    if writer:
        writer.writerow(["programme", "item", "kind", "obligations", "paid", "unpaid_of_year", "earlier_arrears"])
    paid_in_year: dict[int, int] = {}
    for contract_id, payments in facts.payments.items():
        paid_in_year[contract_id] = sum(p["amount_fen"] for p in payments if p["paid_on"].year == year)
    grand = np.zeros(4, np.int64)
    for t in chunks(terms):
        keep = np.flatnonzero(t["start"] <= last)
        t = take(t, keep)
        items = installments(t)
        items = {key: value[items["due"] <= last] for key, value in items.items()}
        net, waiting = net_and_waiting(t, items, facts, dt.date(year, 12, 31))
        paid = paid_fen(t, items, facts, dt.date(year, 12, 31))
        amount = np.where(waiting, items["amount"], net)
        owed = np.where(waiting, items["amount"], net - paid)
        of_year = items["due"] >= first
        size = t["id"].size
        obligations = isum(items["owner"], np.where(of_year, amount, 0), size)
        unpaid = isum(items["owner"], np.where(of_year, owed, 0), size)
        earlier = isum(items["owner"], np.where(of_year, 0, owed), size)
        paid_year = np.array([paid_in_year.get(i, 0) for i in t["id"].tolist()], np.int64) if paid_in_year else np.zeros(size, np.int64)
        grand += [obligations.sum(), paid_year.sum(), unpaid.sum(), earlier.sum()]
        if writer:
            for code, o, p, u, e in zip(t["code"], obligations.tolist(), paid_year.tolist(), unpaid.tolist(), earlier.tolist()):
                writer.writerow(["(none)", code, "contract", fen_str(o), fen_str(p), fen_str(u), fen_str(e)])
    if writer:
        writer.writerow(["(none)", "TOTAL", "programme", *(fen_str(x) for x in grand)])
    return {"obligations": fen_str(grand[0]), "paid": fen_str(grand[1]), "unpaid_of_year": fen_str(grand[2]),
            "earlier_arrears": fen_str(grand[3])}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.vector", description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["forecast", "fy"])
    parser.add_argument("url")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--from", dest="first", type=int)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--year", type=int)
    parser.add_argument("--rows", help="also write every row, as the command's CSV has them, to this file (for the check)")
    args = parser.parse_args(argv)
    connection = storeread.connect(args.url)
    storeread.refuse_unmodelled(connection)
    terms = read_terms(connection, storeread.is_sqlite(args.url), codes=bool(args.rows))
    facts = Facts(connection)
    as_of = args.as_of or dt.date.today()
    rows_out = open(args.rows, "w", newline="", encoding="utf-8") if args.rows else None
    try:
        if args.what == "forecast":
            result = forecast(terms, facts, args.first or as_of.year + 1, args.years, as_of, rows_out)
        else:
            result = report_fy(terms, facts, args.year, rows_out)
    finally:
        if rows_out:
            rows_out.close()
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
