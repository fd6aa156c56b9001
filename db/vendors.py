"""Reading and recording vendors (the payees of payment requests), one row per name (table ``vendor``, migration 0010)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from contracts.errors import ContractsError
from contracts.vendors import VENDOR_FIELDS, Vendor

from . import history
from .tables import VendorRow

_COLUMNS = ", ".join(VENDOR_FIELDS)


def _vendor(row) -> Vendor:
    return Vendor(**{key: getattr(row, key) or "" for key in VENDOR_FIELDS})


def load_vendors(connection: Connection) -> list[Vendor]:
    """Every vendor, in name order (a Core query: a reader starts no ORM)."""
    return [_vendor(row) for row in connection.execute(text(f"SELECT {_COLUMNS} FROM vendor ORDER BY name"))]


def vendor_named(connection: Connection, name: str) -> Vendor | None:
    """The vendor with exactly this name (as a contract writes it), or None when none is recorded."""
    row = connection.execute(text(f"SELECT {_COLUMNS} FROM vendor WHERE name = :name"), {"name": name}).first()
    return None if row is None else _vendor(row)


def add_vendor(session: Session, vendor: Vendor, *, update: bool = False) -> str:
    """Add a vendor, leave an identical one alone ("unchanged"), or with ``update`` replace the details of one of the
    same name; each change is in the history with the values before and after."""
    row = session.exec(select(VendorRow).where(VendorRow.name == vendor.name)).first()
    if row is None:
        session.add(VendorRow(**{key: getattr(vendor, key) for key in VENDOR_FIELDS}))
        history.log(session, "add vendor", f"vendor {vendor.name}", after=vendor)
        return "added"
    before = _vendor(row)
    if before == vendor:
        return "unchanged"
    if not update:
        raise ContractsError("name", vendor.name, "is a vendor already with other details; use --update to replace them")
    for key in VENDOR_FIELDS:
        setattr(row, key, getattr(vendor, key))
    history.log(session, "update vendor", f"vendor {vendor.name}", before=before, after=vendor)
    return "updated"
