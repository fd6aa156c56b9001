"""Signed session cookies: who is signed in, since when they were last seen, and the form token (CSRF).

The cookie holds no secret and nothing from the store: the user's name, the user's ``session_epoch`` when they signed
in (it goes up when the password changes or the account is disabled, which ends the session), the last time a
request was seen (idle expiry) and the token forms carry. It is signed with itsdangerous, so it cannot be altered
or forged without the key (web/config.py), HttpOnly, SameSite=Lax, and Secure when served over HTTPS.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass, replace

COOKIE = "contracts_session"
SALT = "contracts-session-v1"
CSRF_FIELD = "csrf"  # the hidden field of every form that changes data
MAX_COOKIE_AGE = 30 * 24 * 3600  # the browser's lifetime of the cookie; the idle expiry is checked on the server


@dataclass(frozen=True)
class Session:
    csrf: str
    user: str = ""  # "" before signing in
    epoch: int = 0
    last_seen: float = 0.0  # POSIX seconds

    def seen(self, now: dt.datetime) -> "Session":
        return replace(self, last_seen=now.timestamp())


def fresh() -> Session:
    return Session(csrf=secrets.token_urlsafe(32))


def signed_in(name: str, epoch: int, now: dt.datetime) -> Session:
    """A new session for a user who just signed in: a new token too (none from before signing in stays valid)."""
    return Session(csrf=secrets.token_urlsafe(32), user=name, epoch=epoch, last_seen=now.timestamp())


def _serializer(key: str):
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(key, salt=SALT)


def dump(session: Session, key: str) -> str:
    return _serializer(key).dumps({"c": session.csrf, "u": session.user, "e": session.epoch, "t": session.last_seen})


def load(cookie: str | None, key: str) -> Session | None:
    """The session a cookie carries, or None when there is none or it was not signed with our key."""
    if not cookie:
        return None
    from itsdangerous import BadSignature

    try:
        data = _serializer(key).loads(cookie)
        return Session(csrf=str(data["c"]), user=str(data.get("u") or ""), epoch=int(data.get("e") or 0),
                       last_seen=float(data.get("t") or 0))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def token_matches(session: Session | None, given: str | None) -> bool:
    return bool(session and given and hmac.compare_digest(session.csrf.encode(), given.encode()))
