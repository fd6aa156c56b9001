"""Who may send each form that changes data: one table, checked on the server for every POST (web/guard.py).

Each data-changing route (its path as declared, e.g. "/admin/users/{name}/disable") maps to the role that owns
what it changes (contracts/access.py ROLES):

- admin: users, contracts, rules, amendments, imports
- finance: programmes, budgets, fee lines, payments and reversals
- logistics: assessments, payment requests
- procurement: lines, tenders, transitions, suspensions, usage
- viewer: nothing

Two more owners: SIGN_IN (the sign-in form, before anyone is signed in) and OWN (what every signed-in user changes
of their own: signing out, their language and money unit). A POST route missing from this table is refused with 403
(and tests/test_web_permissions.py fails), so a new form cannot slip through unguarded: add its line here.
"""

from __future__ import annotations

SIGN_IN = "sign-in"
OWN = "own settings"

PERMISSIONS: dict[str, str] = {
    "/signin": SIGN_IN,
    "/signout": OWN,
    "/settings": OWN,
    "/admin/users": "admin",
    "/admin/users/{name}/disable": "admin",
    "/admin/users/{name}/password": "admin",
    # the data-changing pages of #14 point 4 (branch webforms)
    "/contracts/{code}/installments/{seq}/assessment": "logistics",  # preview and save alike
    "/contracts/{code}/payments": "finance",
    "/contracts/{code}/payments/{id}/reverse": "finance",
}


def owner(path: str) -> str | None:
    """The role (or SIGN_IN, OWN) that owns a POST route, None when the table does not name it (refused)."""
    return PERMISSIONS.get(path)
