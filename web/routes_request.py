"""The payment request (付款审批单) of one installment, as `contracts voucher CODE SEQ -o request.html` writes it
(web/voucher.py), but with its print stylesheet linked from /static rather than inlined: the app's
Content-Security-Policy allows the app's own stylesheets only, never an inline style."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from . import pages
from .pages import get

STYLESHEET = "/static/print.css"


def payment_request(request: Request) -> Response:
    from cli import i18n
    from contracts.limits import option_whole

    from .voucher import voucher_html

    seq = option_whole(request.path_params["seq"], "seq", minimum=1)
    html = voucher_html(pages.store(request), request.path_params["code"], seq, as_of=pages.as_of(request),
                        language=i18n.language(), stylesheet=STYLESHEET)
    return HTMLResponse(html)


routes = [
    get("/contracts/{code}/installments/{seq}/request", payment_request, name="payment_request"),
]
