"""What a figure rests on: stated by the source, computed, assumed, an upper bound, or unknown.

A finance officer who signs on a figure must be able to tell which it is. Every answer the tool gives
carries its basis: as a field in JSON and CSV (``basis``), as a mark beside it in a table (with a legend
underneath), as a note in the HTML report. An unknown figure is never printed as 0.00: it is left empty,
marked "?", and a sum that leaves it out says so.
"""

from __future__ import annotations

from functools import lru_cache

from enum import StrEnum
from typing import Iterable


class Basis(StrEnum):
    COMPUTED = "computed"  # worked out by this tool's rules from stated facts (terms, payments, assessments)
    STATED = "stated"  # as the source states it (a budget, an amount paid on a fee line)
    ASSUMED = "assumed"  # rests on an assumption the data says (an opening balance inferred, a split by months)
    UPPER_BOUND = "upper bound"  # computed, but the source says deductions are made whose rules are not recorded
    UNKNOWN = "unknown"  # not known (a unit-priced period with no usage, a payment made before tracking began)


MARKS = {Basis.COMPUTED: "", Basis.STATED: "s", Basis.ASSUMED: "a", Basis.UPPER_BOUND: "≤", Basis.UNKNOWN: "?"}
LEGEND = {
    Basis.STATED: "as the source states it",
    Basis.ASSUMED: "rests on an assumption (the note says which)",
    Basis.UPPER_BOUND: "an upper bound: deducted per assessment, the rules not recorded",
    Basis.UNKNOWN: "unknown, not counted in any total",
}
ORDER = (Basis.UNKNOWN, Basis.UPPER_BOUND, Basis.ASSUMED, Basis.STATED, Basis.COMPUTED)  # the weakest first


def weakest(bases: Iterable[Basis]) -> Basis:
    """The basis of a figure made of others: as weak as the weakest of them."""
    found = set(bases)
    return next((basis for basis in ORDER if basis in found), Basis.COMPUTED)


def described(basis: Basis, notes: Iterable[str] = ()) -> str:
    """The basis as one field: "computed", or "upper bound: deducted per assessment, ...; ..." with its notes."""
    notes = [note for note in dict.fromkeys(notes) if note]
    return basis.value + (": " + "; ".join(notes) if notes else "")


@lru_cache(maxsize=4096)
def kind_of(text: str) -> Basis:
    """The basis a ``described`` field begins with (remembered: a province's report asks it of the same few texts
    hundreds of thousands of times)."""
    head = (text or "computed").split(":", 1)[0].strip()
    return Basis(head) if head in Basis._value2member_map_ else Basis.COMPUTED


def mark(text: str) -> str:
    """The table mark of a ``described`` basis."""
    return MARKS[kind_of(text)]


def legend(texts: Iterable[str]) -> list[str]:
    """Legend lines for the marks that appear among these bases, weakest first."""
    present = {kind_of(text) for text in texts}
    return [f"{MARKS[basis]} {LEGEND[basis]}" for basis in ORDER if basis in present and MARKS[basis]]


def notes_of(text: str) -> list[str]:
    """The notes of a ``described`` basis."""
    return [note.strip() for note in text.split(":", 1)[1].split("; ")] if ":" in (text or "") else []


def adding(text: str, basis: Basis, note: str) -> str:
    """A ``described`` basis with one more part: as weak as the weaker of the two, the note added."""
    return described(weakest([kind_of(text), basis]), notes_of(text) + [note])


def combined(texts: Iterable[str]) -> str:
    """The basis of a sum of figures: as weak as its weakest part, with the notes of the weakest parts."""
    texts = list(dict.fromkeys(texts))  # the same notes, in the same order (described keeps each note once)
    worst = weakest(kind_of(text) for text in texts)
    return described(worst, [note for text in texts if kind_of(text) == worst for note in notes_of(text)])
