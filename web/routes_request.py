"""The payment request (付款审批单) of one installment: the page lives in web/voucher.py (its own module, added
separately); until it is installed this route answers 404 saying so."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from . import pages
from .pages import get, problem
from .text import t


def payment_request(request: Request) -> Response:
    import importlib

    try:  # web/voucher.py: voucher_html(store, code, seq, *, as_of, language) -> str
        voucher = importlib.import_module("web.voucher")
    except ModuleNotFoundError as missing:
        if missing.name not in ("web.voucher",):
            raise
        return problem(request, 404, t("The payment request page is not installed in this version."))
    from cli import i18n
    from contracts.limits import option_whole

    seq = option_whole(request.path_params["seq"], "seq", minimum=1)
    html = voucher.voucher_html(pages.store(request), request.path_params["code"], seq, as_of=pages.as_of(request),
                                language=i18n.language())
    return HTMLResponse(html)


routes = [
    get("/contracts/{code}/installments/{seq}/request", payment_request, name="payment_request"),
]
