"""Vendors (收款单位): what a payment request needs about a payee beyond the name a contract carries.

A contract names its vendor in ``ContractTerms.vendor``; a ``Vendor`` record with exactly that name gives the
unified social credit code (统一社会信用代码), the bank (开户行), the account (账号) and a contact. Every field but the
name may be left empty: a payment request then shows it as not recorded (未登记), never a made-up value.

Pure: values in, values out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from .errors import Collector, ContractsError
from .limits import text

VENDOR_FIELDS = ("name", "credit_code", "bank", "account", "contact")

# GB 32100-2015: the 31 characters a unified social credit code is written in (0-9 and the capitals without
# I, O, S, V, Z, which are too easily read as other characters), and the weights of its first 17 characters:
# 3^i mod 31, i = 0..16.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
_ACCOUNT = re.compile(r"[0-9][0-9 -]*")


@dataclass(frozen=True)
class Vendor:
    name: str
    credit_code: str = ""
    bank: str = ""
    account: str = ""
    contact: str = ""


def credit_check_character(first17: str) -> str:
    """The 18th character of a unified social credit code, from its first 17 (GB 32100-2015, 5.2):
    C18 = 31 - (sum of value(Ci) x Wi, i = 1..17) mod 31, where 31 is written 0."""
    total = sum(CREDIT_ALPHABET.index(char) * weight for char, weight in zip(first17, CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code(value: Any, field: str = "credit_code") -> str:
    """A unified social credit code as typed (capitals or not, spaces around it), checked: 18 characters of the
    GB 32100-2015 alphabet whose last is the check character of the others. Empty: not recorded."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ContractsError(field, value, "must be text")
    code = value.strip().upper()  # every character past the length check is one of the alphabet's: nothing else to refuse
    if not code:
        return ""
    if len(code) != 18:
        raise ContractsError(field, value, f"has {len(code)} characters; a unified social credit code (统一社会信用代码) has 18")
    wrong = next((char for char in code if char not in CREDIT_ALPHABET), None)
    if wrong is not None:
        raise ContractsError(field, value, f"holds {wrong!r}, which is not in the code's alphabet (0-9 and A-Y without "
                             "I, O, S, V, Z)")
    expected = credit_check_character(code[:17])
    if code[17] != expected:
        raise ContractsError(field, value, f"does not check out: its last character is {code[17]!r} but the first 17 "
                             f"give {expected!r} (GB 32100-2015); a character was mistyped")
    return code


def account_number(value: Any, field: str = "account") -> str:
    """A bank account as printed: digits, with spaces or hyphens between groups if wanted. Empty: not recorded."""
    account = text(value, "vendor", "account", shown=field)
    if account and not _ACCOUNT.fullmatch(account):
        raise ContractsError(field, value, "must be digits, spaces and hyphens only (a bank account number)")
    return account


def make_vendor(raw: Mapping[str, Any]) -> Vendor:
    """A vendor from the fields typed (a CLI, a form, a file's [[vendor]] table or a sheet's row), every one checked."""
    unknown = sorted(set(raw) - set(VENDOR_FIELDS))
    if unknown:
        raise ContractsError(unknown[0], None, f"is not a vendor field (known: {', '.join(VENDOR_FIELDS)})")
    errors = Collector()  # every bad field of the entry at once, not the first only
    checked: dict[str, str] = {}
    checks = {"name": lambda v: text(v, "vendor", "name", required=True), "credit_code": credit_code,
              "bank": lambda v: text(v, "vendor", "bank"), "account": account_number,
              "contact": lambda v: text(v, "vendor", "contact")}
    for key, check in checks.items():
        with errors.at():
            checked[key] = check(raw.get(key))
    errors.raise_any()
    return Vendor(**checked)


VENDOR_KEYS = VENDOR_FIELDS


def vendor_rows(vendors: list[Vendor]) -> list[dict]:
    """Each vendor as a row of the listing (and of the JSON), in name order."""
    return [{key: getattr(vendor, key) for key in VENDOR_KEYS} for vendor in sorted(vendors, key=lambda v: v.name)]
