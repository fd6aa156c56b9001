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
from typing import Any, Callable

from .errors import Collector, ContractsError
from .budget import FeeLine, Programme, make_fee_line, make_programme
from .deductions import Rule, make_rule
from .limits import check_depth, check_nesting, check_text
from .lines import ServiceLine, make_line
from .tenders import Tender, make_tender
from .terms import ContractTerms, make_terms
from .vendors import Vendor, make_vendor

KNOWN_SECTIONS = ("line", "contract", "amendment", "rule", "opening", "tender", "transition", "suspension", "usage", "assessment",
                  "payment", "fee_line", "programme", "budget", "fee_amount", "vendor")


@dataclass(frozen=True)
class Entry:
    """A fact from the file that can only be checked against the store (it needs the contract's schedule)."""

    where: str
    contract: str
    raw: dict[str, Any]


@dataclass
class Portfolio:
    contracts: list[ContractTerms] = field(default_factory=list)
    lines: list[tuple[str, ServiceLine]] = field(default_factory=list)  # (where, line)
    rules: list[tuple[str, Rule]] = field(default_factory=list)  # (where, rule)
    tenders: list[tuple[str, Tender]] = field(default_factory=list)
    openings: list[Entry] = field(default_factory=list)
    amendments: list[Entry] = field(default_factory=list)
    transitions: list[Entry] = field(default_factory=list)  # Entry.contract holds the line code
    suspensions: list[Entry] = field(default_factory=list)
    usage: list[Entry] = field(default_factory=list)  # Entry.contract: a contract or line code
    assessments: list[Entry] = field(default_factory=list)
    payments: list[Entry] = field(default_factory=list)
    fee_lines: list[tuple[str, FeeLine]] = field(default_factory=list)
    programmes: list[tuple[str, Programme]] = field(default_factory=list)
    budgets: list[Entry] = field(default_factory=list)  # Entry.contract holds the programme code
    fee_amounts: list[Entry] = field(default_factory=list)  # Entry.contract holds the fee line code
    vendors: list[tuple[str, Vendor]] = field(default_factory=list)  # (where, vendor): payees of payment requests
    errors: list[ContractsError] = field(default_factory=list)  # every entry refused, each with its place
    refused: set[str] = field(default_factory=set)  # codes of contracts refused: their other facts go unchecked


def parse_portfolio(text: str, source: str, progress: Callable[[int], None] | None = None, *,
                    collect: bool = False) -> Portfolio:
    """Check every entry of the file; every problem is reported, each naming the file and entry.

    ``progress(n)`` is told of every thousand contracts checked (for a progress bar). Without ``collect``,
    refused entries raise ``ContractsErrors`` at the end; with it, they are in ``Portfolio.errors``.
    """
    check_nesting(text, source, "toml")  # before the parser, which recurses into nested arrays
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ContractsError("file", source, f"is not valid TOML ({exc})") from None
    check_depth(data, source)  # dotted keys (a.b.c = 1) nest without brackets
    return parse_portfolio_data(data, source, progress, collect=collect)


def parse_portfolio_data(data: dict[str, Any], source: str, progress: Callable[[int], None] | None = None,
                         locate: Callable[[str, int], str] | None = None, *, collect: bool = False) -> Portfolio:
    """The same, from data already read (a TOML file, the sections of a JSON export, or the rows of a sheet).

    ``locate(section, n)`` says where the n-th entry of a section came from (a sheet's row) for errors;
    by default "file: section #n".
    """
    def place(section: str, index: int) -> str:
        return locate(section, index) if locate else f"{source}: {section} #{index}"

    unknown = sorted(set(data) - set(KNOWN_SECTIONS) - {"meta"})
    if unknown:
        raise ContractsError(
            "section", unknown[0], f"is not known (known: {', '.join(KNOWN_SECTIONS)})", where=source
        )
    portfolio = Portfolio()
    errors = Collector()
    for index, raw in enumerate(_entries(data, "line", source), start=1):
        with errors.at(place("line", index)):
            portfolio.lines.append((place("line", index), make_line(raw)))
    seen: set[str] = set()
    for index, raw in enumerate(_entries(data, "contract", source), start=1):
        named = raw.get("code") if isinstance(raw.get("code"), str) else None
        where = place("contract", index) + (f" ({named})" if named and not locate else "")
        with errors.at(where) as entry:
            terms = make_terms(raw)
            if terms.code.casefold() in seen:  # codes are unique without regard to case
                raise ContractsError("code", terms.code, "appears twice in the file (codes are unique without regard to case)")
            seen.add(terms.code.casefold())
            portfolio.contracts.append(terms)
        if entry.failed and named:
            portfolio.refused.add(named.strip())
        if progress and index % 1000 == 0:
            progress(1000)
    for index, raw in enumerate(_entries(data, "rule", source), start=1):
        with errors.at(place("rule", index)):
            portfolio.rules.append((place("rule", index), make_rule(raw)))
    for index, raw in enumerate(_entries(data, "tender", source), start=1):
        where = place("tender", index)
        with errors.at(where):
            line = raw.get("line")
            if not isinstance(line, str) or not line.strip():
                raise ContractsError("line", line, "is required: the service line the tender is for")
            portfolio.tenders.append((where, make_tender({k: v for k, v in raw.items() if k != "line"}, line.strip())))
    for section, maker, target in (("fee_line", make_fee_line, portfolio.fee_lines),
                                   ("programme", make_programme, portfolio.programmes)):
        for index, raw in enumerate(_entries(data, section, source), start=1):
            with errors.at(place(section, index)):
                target.append((place(section, index), maker(raw)))
    named: set[str] = set()
    for index, raw in enumerate(_entries(data, "vendor", source), start=1):
        where = place("vendor", index)
        with errors.at(where):
            vendor = make_vendor(raw)
            if vendor.name in named:
                raise ContractsError("name", vendor.name, "appears twice in the file (a vendor has one record)")
            named.add(vendor.name)
            portfolio.vendors.append((where, vendor))
    sections = (("budget", "programme", portfolio.budgets), ("fee_amount", "fee_line", portfolio.fee_amounts),
                ("opening", "contract", portfolio.openings), ("amendment", "contract", portfolio.amendments), ("transition", "line", portfolio.transitions),
                ("suspension", "line", portfolio.suspensions), ("usage", None, portfolio.usage),
                ("assessment", "contract", portfolio.assessments), ("payment", "contract", portfolio.payments))
    for section, key, target in sections:
        for index, raw in enumerate(_entries(data, section, source), start=1):
            where = place(section, index)
            with errors.at(where):
                owner_key = key or ("contract" if "contract" in raw else "line")
                code = raw.get(owner_key)
                if not isinstance(code, str) or not code.strip():
                    raise ContractsError(owner_key, code, f"is required: the code of the {owner_key} it belongs to")
                # A code as its own record keeps it (a NUL, a control character, a broken one or too long is no stored
                # code): refused here, before the store is asked for it (PostgreSQL refuses a NUL in a query itself).
                check_text(code.strip(), owner_key, "code", shown=owner_key)
                fields = {k: v for k, v in raw.items() if k != owner_key}
                target.append(Entry(where, code.strip(), fields))
    portfolio.errors = errors.errors
    if not collect:
        errors.raise_any()
    return portfolio


def _entries(data: dict[str, Any], section: str, source: str) -> list[dict[str, Any]]:
    entries = data.get(section, [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ContractsError("section", section, f"must be written as [[{section}]] tables", where=source)
    return entries
