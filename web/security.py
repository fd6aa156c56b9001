"""Headers on every response, pages and stylesheets alike: only the app's own styles and scripts may run (no
inline script or style, nothing from elsewhere: the intranet has no internet anyway), no framing, no guessing of
content types, no full addresses sent to other sites, and signed-in pages never kept in a shared cache."""

from __future__ import annotations

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Pure ASGI middleware (no buffering of the body)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                given = message.get("headers", [])
                # A page that states its own policy keeps it (the HTML report: its one <style> allowed by hash,
                # web/routes_report.py); every other header is the app's, whatever a handler set.
                own = [(k, v) for k, v in given if k.lower() == b"content-security-policy"][:1]
                headers = [(k, v) for k, v in given if k.lower() not in dict(HEADERS)]
                headers += own + [(k, v) for k, v in HEADERS if not (own and k == b"content-security-policy")]
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
