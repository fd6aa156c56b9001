"""Reading a portfolio file (TOML) into checked domain objects. Pure: text in, values out.

The file holds tables of arrays, one per kind of fact::

    [[contract]]
    code = "TW1"
    billing_start = 2018-03-30
    annual_fee = "1716000.00"

TOML floats are read as ``Decimal`` so that 3379113.6 stays exact; amounts
are best written as strings all the same.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .errors import ContractsError
from .deductions import Rule, make_rule
from .terms import ContractTerms, make_terms

KNOWN_SECTIONS = ("contract", "rule", "opening", "assessment", "payment")


@dataclass(frozen=True)
class Entry:
    """A fact from the file that can only be checked against the store (it needs the contract's schedule)."""

    where: str
    contract: str
    raw: dict[str, Any]


@dataclass
class Portfolio:
    contracts: list[ContractTerms] = field(default_factory=list)
    rules: list[tuple[str, Rule]] = field(default_factory=list)  # (where, rule)
    openings: list[Entry] = field(default_factory=list)
    assessments: list[Entry] = field(default_factory=list)
    payments: list[Entry] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.contracts) + len(self.rules) + len(self.openings) + len(self.assessments) + len(self.payments)


def parse_portfolio(text: str, source: str) -> Portfolio:
    """Check every entry of the file; the first problem raises, naming the file and entry."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ContractsError("file", source, f"is not valid TOML ({exc})") from None
    unknown = sorted(set(data) - set(KNOWN_SECTIONS) - {"meta"})
    if unknown:
        raise ContractsError(
            "section", unknown[0], f"is not known (known: {', '.join(KNOWN_SECTIONS)})", where=source
        )
    portfolio = Portfolio()
    seen: set[str] = set()
    for index, raw in enumerate(_entries(data, "contract", source), start=1):
        where = f"{source}: contract #{index}" + (f" ({raw['code']})" if isinstance(raw.get("code"), str) else "")
        try:
            terms = make_terms(raw)
        except ContractsError as exc:
            raise exc.located(where) from None
        if terms.code in seen:
            raise ContractsError("code", terms.code, "appears twice in the file", where=where)
        seen.add(terms.code)
        portfolio.contracts.append(terms)
    for index, raw in enumerate(_entries(data, "rule", source), start=1):
        where = f"{source}: rule #{index}"
        try:
            portfolio.rules.append((where, make_rule(raw)))
        except ContractsError as exc:
            raise exc.located(where) from None
    for section, target in (("opening", portfolio.openings), ("assessment", portfolio.assessments),
                            ("payment", portfolio.payments)):
        for index, raw in enumerate(_entries(data, section, source), start=1):
            where = f"{source}: {section} #{index}"
            code = raw.get("contract")
            if not isinstance(code, str) or not code.strip():
                raise ContractsError("contract", code, "is required: the code of the contract it belongs to", where=where)
            fields = {key: value for key, value in raw.items() if key != "contract"}
            target.append(Entry(where, code.strip(), fields))
    return portfolio


def _entries(data: dict[str, Any], section: str, source: str) -> list[dict[str, Any]]:
    entries = data.get(section, [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ContractsError("section", section, f"must be written as [[{section}]] tables", where=source)
    return entries
