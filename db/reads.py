"""Reads without the ORM's start-up cost: raw queries (db/sql.py) whose dates and flags come back typed on every
backend, through SQLAlchemy Core or the SQLite driver (the mapping functions read rows by attribute, which both
rows allow), the expiry query, the budgets and a page of the contract list."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from contracts.budget import Budget, Budgets, FeeAmount, FeeLine, Programme, parse_months
from contracts.money import from_fen
from contracts.stated import Stated

from . import sql as light

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def rows(connection: Connection, sql: str, params: dict | None = None) -> list:
    """Every row of a raw query, its dates and flags typed, through SQLAlchemy or the driver (db/sql.py)."""
    return light.run(connection, light.query(sql), params).all()


def expiring(connection: Connection, first: dt.date, last: dt.date) -> list[tuple]:
    """(code, name, billing start, billing end, service end) of the contracts whose service ends in
    ``[first, last]``: an indexed range query reading only what the answer needs."""
    query = light.query("SELECT code, name, billing_start, billing_end, service_end FROM contract "
                        "WHERE service_end >= :first AND service_end <= :last ORDER BY service_end, code",
                        ("billing_start", "billing_end", "service_end"))
    return [tuple(row) for row in light.run(connection, query, {"first": first, "last": last})]


def _stated(fen: int | None, shown: str | None, unit: str) -> Stated | None:
    return None if fen is None else Stated(from_fen(fen), shown or "", unit)


def load_budgets(connection: Connection) -> Budgets:
    """Programmes, budgets, fee lines and fee amounts, through Core queries (a reader starts no ORM)."""
    def query(sql: str) -> list:
        return light.run(connection, light.query(sql, ())).all()

    programme_rows = query("SELECT id, code, name, department, notes FROM programme ORDER BY code")
    codes = {row.id: row.code for row in programme_rows}
    members: dict[int, dict[str, list[str]]] = {}
    for row in query("SELECT programme_id, kind, code FROM funding ORDER BY code"):
        members.setdefault(row.programme_id, {"contract": [], "fee_line": []})[row.kind].append(row.code)
    programmes = []
    for row in programme_rows:
        funded = members.get(row.id, {"contract": [], "fee_line": []})
        programmes.append(Programme(row.code, row.name, row.department, row.notes, tuple(funded["contract"]),
                                    tuple(funded["fee_line"])))
    budgets = tuple(Budget(codes[row.programme_id], row.year, _stated(row.original_fen, row.original_text, row.unit),
                           _stated(row.adjusted_fen, row.adjusted_text, row.unit), _stated(row.spent_fen, row.spent_text, row.unit),
                           row.source, row.purpose, tuple(code for code in row.purpose_contracts.split(",") if code))
                    for row in query("SELECT * FROM budget ORDER BY year, id"))
    line_rows = query("SELECT * FROM fee_line ORDER BY code")
    line_codes = {row.id: row.code for row in line_rows}
    amounts = tuple(FeeAmount(line_codes[row.fee_line_id], row.year, row.kind, _stated(row.amount_fen, row.text, row.unit),
                              row.note, row.source, parse_months(row.months), row.quantity, row.quantity_unit)
                    for row in query("SELECT * FROM fee_amount ORDER BY year, id"))
    lines = tuple(FeeLine(row.code, row.name, row.notes, None if row.unit_price_fen is None else from_fen(row.unit_price_fen),
                          row.unit, row.sub_unit, row.sub_units) for row in line_rows)
    return Budgets(tuple(programmes), budgets, lines, amounts)


# -- one page of the contract list (the web app's 合同 page) ---------------------------------------------

LIST_SORTS = {"code": "code", "name": "name", "vendor": "vendor", "line": "line", "billing_end": "billing_end",
              "service_end": "service_end", "annual_fee": "annual_fee_fen"}
LIST_STATUSES = ("not started", "active", "billing ended, serving", "expired")  # contracts.lifecycle.Status values


COUNTED_UP_TO = 10_000  # matches of a filtered list counted exactly up to this; past it the page says "more than"


def contract_page(connection: Connection, *, as_of: dt.date, search: str = "", status: str = "", line: str = "",
                  programme: str = "", sort: str = "code", descending: bool = False, limit: int = 50,
                  offset: int = 0) -> tuple[int, list]:
    """(how many contracts match, the rows of one page): code, name, vendor, line, billing start and end, service
    end, annual fee (fen) and pricing. Filtered, sorted and paged by the database (indexed columns), so that a page
    of a 100,000-contract store reads 50 rows, not 100,000. ``status`` as contracts.lifecycle.status_on decides it
    from the same stored dates. With a filter the count stops at COUNTED_UP_TO + 1 (the page then says "more than
    10,000"): counting every match of a broad search would read the whole table for one number."""
    where, params = [], {"as_of": as_of}
    if search:
        # Case-insensitive for Latin letters on both (Chinese has no case): SQLite's LIKE already is, and is twice as
        # fast as LIKE over LOWER(). A search reads every row (a substring has no index): about 30 ms at 100,000
        # contracts on SQLite, 60 ms on PostgreSQL, once for the page and, when the page is full, once for the count.
        if connection.dialect.name == "postgresql":
            # One LIKE over the three fields lowered together (a line feed between them, which a search box cannot
            # send): three ILIKEs took 170 ms a scan at 100,000 contracts, this 63 ms.
            search = search.lower()
            matching = "LOWER(code || chr(10) || name || chr(10) || vendor) LIKE :search ESCAPE '\\'"
        else:
            matching = "(code LIKE :search ESCAPE '\\' OR name LIKE :search ESCAPE '\\' OR vendor LIKE :search ESCAPE '\\')"
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["search"] = f"%{escaped}%"
        where.append(matching)
    if status:
        where.append({"not started": "billing_start > :as_of",
                      "active": "billing_start <= :as_of AND billing_end > :as_of",
                      "billing ended, serving": "billing_end <= :as_of AND service_end > :as_of",
                      "expired": "service_end <= :as_of"}[status])
    if line:
        where.append("line = :line")
        params["line"] = line
    if programme:
        where.append("code IN (SELECT funding.code FROM funding JOIN programme ON programme.id = funding.programme_id "
                     "WHERE funding.kind = 'contract' AND programme.code = :programme)")
        params["programme"] = programme
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    column = LIST_SORTS.get(sort, "code")
    # Ties in the same direction as the column, so that a descending page walks its (column, code) index backwards.
    direction = "DESC" if descending else "ASC"
    order = f"{column} {direction}" + (f", code {direction}" if column != "code" else "")
    query = light.query("SELECT code, name, vendor, line, billing_start, billing_end, service_end, annual_fee_fen, pricing "
                        f"FROM contract{clause} ORDER BY {order} LIMIT :limit OFFSET :offset",
                        ("billing_start", "billing_end", "service_end"))
    rows = light.run(connection, query, {**params, "limit": limit, "offset": offset}).all()
    if 0 < len(rows) < limit or (offset == 0 and not rows):
        # The last page: the page itself says how many match, and a search for something rare (a code) reads the
        # table once, not twice (on PostgreSQL each scan of 100,000 rows with ILIKE takes about 0.12 s).
        return offset + len(rows), rows
    counting = (f"SELECT COUNT(*) FROM (SELECT 1 FROM contract{clause} LIMIT {COUNTED_UP_TO + 1}) AS matching" if where
                else "SELECT COUNT(*) FROM contract")
    return light.run(connection, light.query(counting, ()), params).scalar() or 0, rows


def line_and_programme_codes(connection: Connection) -> tuple[list[str], list[tuple[str, str]]]:
    """The service lines' codes and the programmes' (code, name), for the list's filters."""
    lines = [row[0] for row in light.run(connection, light.query("SELECT code FROM service_line ORDER BY code", ()))]
    programmes = [(row[0], row[1]) for row in light.run(connection, light.query("SELECT code, name FROM programme ORDER BY code", ()))]
    return lines, programmes
