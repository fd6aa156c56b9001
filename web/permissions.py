"""Who may send each form that changes data: one table, checked on the server for every POST (web/guard.py).

Each data-changing route (its path as declared, e.g. "/admin/users/{name}/disable") maps to the role that owns
what it changes (contracts/access.py ROLES):

- admin: users, contracts, rules, amendments, imports
- finance: programmes, budgets, fee lines, payments and reversals
- logistics: assessments, payment requests
- procurement: lines, tenders, transitions, suspensions, usage
- viewer: nothing

Two more owners: SIGN_IN (the sign-in form, before anyone is signed in) and OWN (what every signed-in user changes
of their own: signing out, their language and money unit, their password). A POST route missing from this table is refused with 403
(and tests/test_web_permissions.py fails), so a new form cannot slip through unguarded: add its line here.
"""

from __future__ import annotations

SIGN_IN = "sign-in"
OWN = "own settings"

PERMISSIONS: dict[str, str] = {
    "/signin": SIGN_IN,
    "/signout": OWN,
    "/settings": OWN,
    "/settings/password": OWN,
    "/admin/users": "admin",
    "/admin/users/{name}/disable": "admin",
    "/admin/users/{name}/password": "admin",
    # the data-changing pages of #14 point 4 (branch webforms)
    "/contracts/{code}/installments/{seq}/assessment": "logistics",  # preview and save alike
    "/contracts/{code}/payments": "finance",
    "/contracts/{code}/payments/{id}/reverse": "finance",
    "/procurement/tenders": "procurement",
    "/procurement/lines/{code}/transitions": "procurement",
    "/procurement/lines/{code}/suspensions": "procurement",
    "/contracts/{code}/usage": "procurement",
    "/budget/programmes": "finance",
    "/budget/budgets": "finance",
    "/budget/fee-lines": "finance",
    "/budget/fee-lines/{code}/amounts": "finance",
    "/calendar/revoke": OWN,  # one's own feed address
    # an import: admin (everything) or finance (a file of payments, programmes, budgets, fee lines and their amounts
    # only: web/routes_import.py refuses a finance user's file that holds anything else, nothing written)
    "/import": ("admin", "finance"),
}


def owner(path: str) -> str | tuple[str, ...] | None:
    """The role (or SIGN_IN, OWN) that owns a POST route, None when the table does not name it (refused); a tuple
    where several roles may send the form (the handler then checks what each may change, e.g. an import)."""
    return PERMISSIONS.get(path)


def owners(path: str) -> tuple[str, ...]:
    """The roles that may send a POST route's form (empty when the table does not name it)."""
    found = PERMISSIONS.get(path)
    return () if found is None else found if isinstance(found, tuple) else (found,)
