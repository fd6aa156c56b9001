"""供应商: the vendors (the payees a payment request prints: name, unified social credit code, bank, account,
contact), as ``contracts vendor list``; admins add one or correct one (``contracts vendor add [--update]``: with
``update``, a field left empty keeps what is stored, as the CLI's options not given do)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from contracts.errors import ContractsError

from . import pages
from .forms import errors_at, stripped, typed
from .pages import get, post, render, table

FIELDS = ("name", "credit_code", "bank", "account", "contact")


def vendors_page(request: Request, *, status: int = 200, form=None, errors=None) -> Response:
    from cli.vendor_commands import HEADINGS_ZH
    from contracts.vendors import VENDOR_KEYS, vendor_rows
    from cli import i18n

    user = pages.current_user(request)
    done = request.query_params.get("done", "")
    return render(request, "vendors.html", status=status, title=pages.t("Vendors"),
                  vendors=table(vendor_rows(pages.store(request).vendors()), VENDOR_KEYS,
                                headers=HEADINGS_ZH if i18n.language() == "zh" else {}, empty="no vendors yet"),
                  admin=user.may_change("admin") and not request.app.state.settings.demo,
                  form=typed(form, FIELDS + ("update",)) if form is not None else {}, errors=errors or {},
                  headings=HEADINGS_ZH if i18n.language() == "zh" else {},
                  message=pages.t("Saved vendor {name}.", name=done) if done else "")


def vendors(request: Request) -> Response:
    return vendors_page(request)


def save_vendor(request: Request) -> Response:
    """``contracts vendor add NAME [--update]`` with the form's fields."""
    from urllib.parse import urlencode

    from contracts.vendors import make_vendor

    form = pages.form(request)
    store = pages.store(request)
    update = bool(form.get("update"))
    given = stripped(form, [key for key in FIELDS if key != "name"])
    try:
        vendor = make_vendor({"name": str(form.get("name") or ""), **given})
        stored = store.vendor(vendor.name) if update else None
        if stored is not None:  # an update changes what is given and keeps the rest
            vendor = make_vendor({"name": vendor.name, **{key: getattr(stored, key) if value is None else value
                                                          for key, value in given.items()}})
        store.add_vendor(vendor, update=update)
    except ContractsError as error:
        return vendors_page(request, status=422, form=form, errors=errors_at(error, FIELDS))
    return pages.RedirectResponse("/vendors?" + urlencode({"done": vendor.name}), status_code=303)


routes = [
    get("/vendors", vendors, name="vendors"),
    post("/vendors", save_vendor, name="vendors_save"),
]
