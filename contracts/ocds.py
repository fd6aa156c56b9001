"""Open Contracting Data Standard (OCDS 1.1): tenders, awards, contracts and payments as a release package.

One contracting process (ocid) per tender attempt, failed ones with tender status ``unsuccessful``;
a contract with no tender recorded gets a process of its own. Payments are the contract's
implementation transactions; amendments its amendments. Pure: plain values in, plain values out.

What makes it valid against the official OCDS 1.1.5 release-package schema (a test checks it, formats included):
- every date is a date-time (a day becomes its midnight in China Standard Time, +08:00);
- each release has ``parties`` with ids and roles (buyer and payer; supplier and payee), and every organisation it
  names refers to one of them by id;
- a contract's status comes from the as-of day: ``pending`` before its billing starts, ``active`` while it serves,
  ``terminated`` once its service has ended; its value is the amended total where amendments changed it;
- a release's id is its process's id and a digest of its content, so two exports that differ never share one and
  two of the same facts always do;
- an award carries its value where known: the contract's total for a fixed fee, the unit price (as an item with a
  unit value) for a unit-priced contract, whose total is not known in advance;
- a payment's reference is not a URI, so it is not written as a transaction's ``source``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Iterable, Mapping, Sequence

from .amendments import Amendment, apply
from .payments import Payment, effective
from .procurement import LineFacts
from .schedule import contract_total
from .tenders import METHODS
from .terms import ContractTerms

OCDS_METHODS = {  # ours -> OCDS procurementMethod; the details are the names tenders.METHODS gives
    "public": "open", "invited": "selective", "negotiation": "limited", "consultation": "limited",
    "quotation": "selective", "single-source": "direct",
}
STATUS = {"failed": "unsuccessful", "awarded": "complete", "pending": "active", "cancelled": "cancelled"}
PREFIX = "ocds-ctrk"
CHINA = "+08:00"


def when(day: dt.date) -> str:
    """A day as an OCDS date-time: its midnight in China Standard Time."""
    return f"{day.isoformat()}T00:00:00{CHINA}"


def _value(amount) -> dict:
    # OCDS wants a JSON number: the Decimal stays a Decimal here, and the writer prints its digits as a number
    # (cli.render.json_text), so no amount ever passes through a float.
    return {"amount": amount, "currency": "CNY"}


def party_id(name: str) -> str:
    """A stable id for an organisation known only by its name (no registry identifier is stored)."""
    return f"{PREFIX}-org-{hashlib.sha256(name.strip().encode('utf-8')).hexdigest()[:12]}"


class _Parties:
    """The organisations one release names, each once, with every role it plays."""

    def __init__(self) -> None:
        self.found: dict[str, dict] = {}

    def ref(self, name: str | None, *roles: str) -> dict | None:
        if not name or not name.strip():
            return None
        key = party_id(name)
        party = self.found.setdefault(key, {"id": key, "name": name.strip(), "roles": []})
        party["roles"] += [role for role in roles if role not in party["roles"]]
        return {"id": key, "name": name.strip()}

    def listed(self) -> list[dict]:
        return list(self.found.values())


def contract_status(terms: ContractTerms, as_of: dt.date) -> str:
    if as_of < terms.billing_start:
        return "pending"
    return "active" if as_of < terms.service_end else "terminated"


def _award(terms: ContractTerms, award_id: str, parties: _Parties, total) -> dict:
    award: dict[str, Any] = {"id": award_id, "status": "active"}
    supplier = parties.ref(terms.vendor, "supplier", "payee")
    if supplier:
        award["suppliers"] = [supplier]
    if terms.is_unit_priced:
        award["items"] = [{"id": "1", "description": terms.name,
                           "unit": {"name": terms.unit or "unit", "value": _value(terms.unit_price)}}]
    elif total is not None:
        award["value"] = _value(total)
    return award


def _contract(terms: ContractTerms, award_id: str, payments: Sequence[Payment], amendments: Sequence[Amendment],
              parties: _Parties, total, as_of: dt.date) -> dict:
    current = apply(terms, amendments) if amendments else terms
    contract: dict[str, Any] = {
        "id": terms.code, "awardID": award_id, "title": terms.name, "status": contract_status(current, as_of),
        "period": {"startDate": when(terms.billing_start), "endDate": when(current.service_end)},
    }
    if total is not None and not terms.is_unit_priced:
        contract["value"] = _value(total)
    if terms.signed_on:
        contract["dateSigned"] = when(terms.signed_on)
    if amendments:
        contract["amendments"] = [{"id": f"{terms.code}-{a.effective_from}", "date": when(a.effective_from),
                                   "rationale": a.note or a.reference or "supplementary agreement (补充协议)",
                                   **({"description": f"reference {a.reference}"} if a.reference else {})}
                                  for a in sorted(amendments, key=lambda a: a.effective_from)]
    payer, payee = parties.ref(terms.buyer, "buyer", "payer"), parties.ref(terms.vendor, "supplier", "payee")
    transactions = []
    for p in effective(payments):
        transaction: dict[str, Any] = {"id": f"{terms.code}-payment-{p.id}", "date": when(p.paid_on), "value": _value(p.amount)}
        if payer:
            transaction["payer"] = payer
        if payee:
            transaction["payee"] = payee
        transactions.append(transaction)
    if transactions:
        contract["implementation"] = {"transactions": transactions}
    return contract


def _identified(release: dict) -> dict:
    """The release with its id: the process's id and a digest of everything else in it."""
    digest = hashlib.sha256(json.dumps(release, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()
    return {"ocid": release["ocid"], "id": f"{release['ocid']}-{digest[:16]}", **{k: v for k, v in release.items() if k != "ocid"}}


def release_package(lines: Iterable[LineFacts], payments: Mapping[str, Sequence[Payment]],
                    amendments: Mapping[str, Sequence[Amendment]], published: dt.date, publisher: str,
                    totals: Mapping[str, Any] | None = None) -> dict:
    """The package as of ``published`` (the as-of day). ``totals``: each amended contract's total as its ledger
    prices it (installments paid before an amendment keep their amount); others are totalled from their terms."""
    releases = []
    date = when(published)
    totals = totals or {}

    def total_of(terms: ContractTerms):
        if terms.is_unit_priced:
            return None
        return totals.get(terms.code, contract_total(terms))

    for facts in lines:
        by_code = {t.code: t for t in facts.contracts}
        tendered = set()
        for number, tender in enumerate(sorted(facts.tenders, key=lambda t: t.id), start=1):
            ocid = f"{PREFIX}-{facts.line.code}-{number}"
            parties = _Parties()
            method, details = OCDS_METHODS[tender.method], METHODS[tender.method]
            release: dict[str, Any] = {
                "ocid": ocid, "date": date, "tag": ["tender"], "initiationType": "tender",
                "tender": {"id": f"{ocid}-tender", "title": facts.line.name, "status": STATUS[tender.outcome],
                           "procurementMethod": method, "procurementMethodDetails": details,
                           **({"numberOfTenderers": tender.bidders} if tender.bidders is not None else {}),
                           **({"tenderPeriod": {"endDate": when(tender.bid_deadline)}} if tender.bid_deadline else {})},
            }
            buyer = parties.ref(facts.line.buyer or next((t.buyer for t in facts.contracts if t.buyer), ""), "buyer")
            if buyer:
                release["buyer"] = buyer
            if tender.note:
                release["tender"]["description"] = tender.note
            terms = by_code.get(tender.contract)
            if tender.outcome == "awarded" and terms is not None:
                tendered.add(terms.code)
                award_id = f"{ocid}-award"
                release["tag"] += ["award", "contract"]
                release["awards"] = [_award(terms, award_id, parties, total_of(terms))]
                release["contracts"] = [_contract(terms, award_id, payments.get(terms.code, ()), amendments.get(terms.code, ()),
                                                  parties, total_of(terms), published)]
            release["parties"] = parties.listed()
            releases.append(_identified(release))
        for terms in facts.contracts:
            if terms.code in tendered:
                continue
            ocid = f"{PREFIX}-{terms.code}"
            award_id = f"{ocid}-award"
            parties = _Parties()
            release = {"ocid": ocid, "date": date, "tag": ["award", "contract"], "initiationType": "tender"}
            buyer = parties.ref(terms.buyer, "buyer")
            if buyer:
                release["buyer"] = buyer
            release["awards"] = [_award(terms, award_id, parties, total_of(terms))]
            release["contracts"] = [_contract(terms, award_id, payments.get(terms.code, ()), amendments.get(terms.code, ()),
                                              parties, total_of(terms), published)]
            release["parties"] = parties.listed()
            releases.append(_identified(release))
    return {"uri": f"urn:contracts-tracker:{published.isoformat()}", "version": "1.1", "publishedDate": date,
            "publisher": {"name": publisher}, "releases": releases}
