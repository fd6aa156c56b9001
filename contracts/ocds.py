"""Open Contracting Data Standard (OCDS 1.1): tenders, awards, contracts and payments as a release package.

One contracting process (ocid) per tender attempt, failed ones with tender status ``unsuccessful``;
a contract with no tender recorded gets a process of its own. Payments are the contract's
implementation transactions; amendments its amendments. Pure: plain values in, plain values out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping, Sequence

from .amendments import Amendment
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


def _value(amount) -> dict:
    # OCDS wants a JSON number: the Decimal stays a Decimal here, and the writer prints its digits as a number
    # (cli.render.json_text), so no amount ever passes through a float.
    return {"amount": amount, "currency": "CNY"} if amount is not None else {}


def _contract(terms: ContractTerms, award_id: str, payments: Sequence[Payment], amendments: Sequence[Amendment]) -> dict:
    contract: dict[str, Any] = {
        "id": terms.code, "awardID": award_id, "title": terms.name, "status": "active",
        "period": {"startDate": terms.billing_start.isoformat(), "endDate": terms.service_end.isoformat()},
        "value": _value(contract_total(terms) if not terms.is_unit_priced else None),
    }
    if terms.signed_on:
        contract["dateSigned"] = terms.signed_on.isoformat()
    if amendments:
        contract["amendments"] = [{"id": f"{terms.code}-{a.effective_from}", "date": a.effective_from.isoformat(),
                                   "rationale": a.note or a.reference or "supplementary agreement (补充协议)"} for a in amendments]
    transactions = [{"id": f"{terms.code}-payment-{p.id}", "source": p.reference, "date": p.paid_on.isoformat(),
                     "value": _value(p.amount), "payee": {"name": terms.vendor}, "payer": {"name": terms.buyer}}
                    for p in effective(payments)]
    if transactions:
        contract["implementation"] = {"transactions": transactions}
    return contract


def release_package(lines: Iterable[LineFacts], payments: Mapping[str, Sequence[Payment]],
                    amendments: Mapping[str, Sequence[Amendment]], published: dt.date, publisher: str) -> dict:
    releases = []
    date = f"{published.isoformat()}T00:00:00Z"
    for facts in lines:
        by_code = {t.code: t for t in facts.contracts}
        tendered = set()
        for number, tender in enumerate(sorted(facts.tenders, key=lambda t: t.id), start=1):
            ocid = f"{PREFIX}-{facts.line.code}-{number}"
            method, details = OCDS_METHODS[tender.method], METHODS[tender.method]
            release: dict[str, Any] = {
                "ocid": ocid, "id": f"{ocid}-{published.isoformat()}", "date": date, "tag": ["tender"],
                "initiationType": "tender", "buyer": {"name": facts.line.buyer or facts.line.name},
                "tender": {"id": f"{ocid}-tender", "title": facts.line.name, "status": STATUS[tender.outcome],
                           "procurementMethod": method, "procurementMethodDetails": details,
                           **({"numberOfTenderers": tender.bidders} if tender.bidders is not None else {}),
                           **({"tenderPeriod": {"endDate": tender.bid_deadline.isoformat()}} if tender.bid_deadline else {})},
            }
            if tender.note:
                release["tender"]["description"] = tender.note
            terms = by_code.get(tender.contract)
            if tender.outcome == "awarded" and terms is not None:
                tendered.add(terms.code)
                award_id = f"{ocid}-award"
                release["tag"] += ["award", "contract"]
                release["awards"] = [{"id": award_id, "status": "active", "suppliers": [{"name": terms.vendor}],
                                      "value": _value(contract_total(terms) if not terms.is_unit_priced else None)}]
                release["contracts"] = [_contract(terms, award_id, payments.get(terms.code, ()), amendments.get(terms.code, ()))]
            releases.append(release)
        for terms in facts.contracts:
            if terms.code in tendered:
                continue
            ocid = f"{PREFIX}-{terms.code}"
            award_id = f"{ocid}-award"
            releases.append({
                "ocid": ocid, "id": f"{ocid}-{published.isoformat()}", "date": date, "tag": ["award", "contract"],
                "initiationType": "tender", "buyer": {"name": terms.buyer},
                "awards": [{"id": award_id, "status": "active", "suppliers": [{"name": terms.vendor}]}],
                "contracts": [_contract(terms, award_id, payments.get(terms.code, ()), amendments.get(terms.code, ()))],
            })
    return {"uri": f"urn:contracts-tracker:{published.isoformat()}", "version": "1.1", "publishedDate": date,
            "publisher": {"name": publisher}, "releases": releases}
