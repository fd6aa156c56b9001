"""Forecast.totals and year_totals (kept in fen and worked out once since #17) against the code they replaced,
kept here as the reference, on random cells: with unknown quarters, upper bounds and every grouping."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.basis import Basis, described
from contracts.forecast import ZERO, Forecast, _left_out
from contracts.money import from_fen

BOUND = described(Basis.UPPER_BOUND, ["schedule, deducted per assessment, the rules not recorded"])


# -- the reference: the pre-#17 methods, verbatim ------------------------------------------------------------------

def old_totals(self, by: str) -> list[dict]:
    """Sums per (contract|line|programme|all, year): per quarter, gross and expected net, and what they leave out."""
    column = {"contract": None, "line": 0, "programme": 1, "all": "all"}[by]

    def group(code: str) -> str:
        return code if column is None else "all" if column == "all" else self.meta[code][column] or "(none)"

    grouped: dict[tuple[str, int], list[int]] = {}
    known: dict[tuple[str, int], set[int]] = {}  # the quarters with a known amount
    bounded: dict[tuple[str, int], set[str]] = {}  # contracts whose amounts are upper bounds
    for (code, year, quarter), (gross, net, bases) in self.cells.items():
        key = (group(code), year)
        sums = grouped.get(key)
        if sums is None:
            sums = grouped[key] = [0, 0, 0, 0, 0, 0]
        sums[quarter - 1] += gross
        sums[4] += gross
        sums[5] += net
        known.setdefault(key, set()).add(quarter)
        if any(basis.startswith(Basis.UPPER_BOUND) for basis in ([bases] if isinstance(bases, str) else bases)):
            bounded.setdefault(key, set()).add(code)
    left_out: dict[tuple[str, int], dict[str, int]] = {}
    unknown_quarters: dict[tuple[str, int], set[int]] = {}
    for (code, year, quarter), count in self.unknown.items():
        key = (group(code), year)
        grouped.setdefault(key, [0, 0, 0, 0, 0, 0])
        per_contract = left_out.setdefault(key, {})
        per_contract[code] = per_contract.get(code, 0) + count
        unknown_quarters.setdefault(key, set()).add(quarter)

    def amount(key, quarter: int | None, fen: int) -> Decimal | None:
        # An amount no one knows is left empty, never 0.00: a quarter (or a row) with nothing known but unknowns.
        seen = known.get(key, set())
        if (quarter is None and not seen) or (quarter is not None and quarter not in seen
                                              and quarter in unknown_quarters.get(key, set())):
            return None
        return from_fen(fen)

    return [{by: name, "year": year, **{f"Q{q}": amount((name, year), q, s[q - 1]) for q in (1, 2, 3, 4)},
             "gross": amount((name, year), None, s[4]), "expected_net": amount((name, year), None, s[5]),
             "basis": _left_out(left_out.get((name, year)), bounded.get((name, year)), named=by != "contract")}
            for (name, year), s in sorted(grouped.items())]

def ending(self) -> list[str]:
    """Contracts whose service ends inside the window: a successor must be budgeted."""
    return sorted(code for code, (_, _, ends) in self.meta.items() if ends)

def old_year_totals(self, by: str) -> list[dict]:
    """The grand total of each year, quarter by quarter (exactly: the sums of ``totals(by)``'s rows), as the plain
    code before #17 wrote it, with #15's rule that a sum of nothing known is None."""
    totals: dict[int, dict] = {}
    left_out: dict[int, dict[str, int]] = {}
    for (code, year, _), count in self.unknown.items():
        left_out.setdefault(year, {})[code] = left_out.get(year, {}).get(code, 0) + count
    bounded: dict[int, set[str]] = {}
    for (code, year, _), (_, _, bases) in self.cells.items():
        if any(basis.startswith(Basis.UPPER_BOUND) for basis in ([bases] if isinstance(bases, str) else bases)):
            bounded.setdefault(year, set()).add(code)
    for row in old_totals(self, by):
        total = totals.setdefault(row["year"], {by: "TOTAL", "year": row["year"]})
        for key in ("Q1", "Q2", "Q3", "Q4", "gross", "expected_net"):
            # #15: a sum of nothing known stays unknown (None), never 0.00
            if row[key] is not None:
                total[key] = (total.get(key) or ZERO) + row[key]
            else:
                total.setdefault(key, None)
    for year, total in totals.items():
        total["basis"] = _left_out(left_out.get(year), bounded.get(year))
    return [totals[year] for year in sorted(totals)]


# -- random forecasts ------------------------------------------------------------------------------------------------

codes = st.sampled_from(["A", "B", "C", "D", "E"])
cell_keys = st.tuples(codes, st.integers(2024, 2026), st.integers(1, 4))
bases = st.one_of(st.sampled_from(["schedule", "assessed", BOUND]),
                  st.sets(st.sampled_from(["schedule", "expected rate", BOUND]), min_size=1))
fen = st.integers(0, 10**12)


@st.composite
def forecasts(draw):
    cells = {key: [draw(fen), draw(fen), draw(bases)] for key in draw(st.sets(cell_keys, max_size=25))}
    unknown = {key: draw(st.integers(1, 3)) for key in draw(st.sets(cell_keys, max_size=6))}
    meta = {code: (draw(st.sampled_from(["L1", "L2", ""])), draw(st.sampled_from(["P1", "P2", ""])), draw(st.booleans()))
            for code in "ABCDE"}
    return Forecast(cells, meta, unknown)


@settings(max_examples=400, deadline=None)
@given(forecast=forecasts(), by=st.sampled_from(["contract", "line", "programme", "all"]))
def test_totals_and_year_totals_are_the_old_ones(forecast, by):
    assert forecast.year_totals(by) == old_year_totals(forecast, by)  # first: before totals(by) is cached
    assert forecast.totals(by) == old_totals(forecast, by)
    assert all(type(row["year"]) is int for row in forecast.totals(by) + forecast.year_totals(by))  # never NumPy's
    assert forecast.year_totals(by) == old_year_totals(forecast, by)
    # exactly equal, down to the Decimal's exponent (a figure prints as it did)
    assert [str(v) for row in forecast.totals(by) for v in row.values()] == [str(v) for row in old_totals(forecast, by) for v in row.values()]
    assert [str(v) for row in forecast.year_totals(by) for v in row.values()] == [str(v) for row in old_year_totals(forecast, by) for v in row.values()]


@settings(max_examples=300, deadline=None)
@given(forecast=forecasts(), by=st.sampled_from(["contract", "line", "programme", "all"]), count=st.integers(0, 8))
def test_largest_are_the_first_of_the_totals_sorted_by_gross(forecast, by, count):
    rows = old_totals(forecast, by)
    # the CLI sorted by -gross (stable: ties in the rows' order); a gross no one knows goes last
    expected = sorted(rows, key=lambda row: (row["gross"] is None, -(row["gross"] or 0)))[:count]
    assert forecast.largest(by, count) == expected
    assert forecast.count(by) == len(rows)
