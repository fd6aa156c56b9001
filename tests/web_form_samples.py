"""A valid form for each data-changing route of the forms' pages (web/routes_assessment, _payments, _procurement,
_budget, _calendar, _import), over the Emeishan example as of 2024-03-31: {path: (path parameters, fields, files)}.

The core's role x route matrix (tests/test_web_permissions.py) takes its sample forms from a table of its own; it
can take these too (``SAMPLE_FORMS |= {path: (params, fields) for path, (params, fields, _) in SAMPLES.items()}``)
and ask web.permissions.owners(path) which roles may send each (an import: admin or finance).
"""

from __future__ import annotations

PAYMENTS_CSV = "\ufeffcontract,paid_on,amount,seq,reference,note,allow_credit\r\nTW2,2024-03-20,100.00,5,matrix,,\r\n"

SAMPLES: dict[str, tuple[dict, dict, dict]] = {
    "/contracts/{code}/installments/{seq}/assessment": (
        {"code": "TW2", "seq": "8"}, {"assessed_on": "2024-03-05", "assessed_by": "陈", "action": "save"}, {}),
    "/contracts/{code}/payments": ({"code": "TW2"}, {"paid_on": "2024-03-20", "amount": "100.00", "seq": "4"}, {}),
    "/contracts/{code}/payments/{id}/reverse": ({"code": "TW1", "id": "1"}, {"on": "2024-03-31", "reference": "matrix"}, {}),
    "/procurement/tenders": ({}, {"line": "SEAL", "method": "public", "outcome": "pending"}, {}),
    "/procurement/lines/{code}/transitions": ({"code": "TW1"}, {"start": "2024-03-30", "approved_by": "峨眉山市人民政府"}, {}),
    "/procurement/lines/{code}/suspensions": ({"code": "ROAD-INC"}, {"start": "2024-03-31", "while_covered": "1"}, {}),
    "/contracts/{code}/usage": ({"code": "SEAL"}, {"line": "SEAL", "period": "2023Q3", "quantity": "212"}, {}),
    "/budget/programmes": ({}, {"code": "P9", "name": "matrix"}, {}),
    "/budget/budgets": ({}, {"programme": "POLICE-IT", "year": "2025", "original": "1"}, {}),
    "/budget/fee-lines": ({}, {"code": "F9", "name": "matrix"}, {}),
    "/budget/fee-lines/{code}/amounts": ({"code": "MOBILE"}, {"year": "2024", "paid": "1"}, {}),
    "/calendar/revoke": ({}, {}, {}),
    "/import": ({}, {"kind": "payments"}, {"file": ("matrix.csv", PAYMENTS_CSV.encode("utf-8"), "text/csv")}),
}
