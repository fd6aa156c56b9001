"""Each user's calendar feed address (``/calendar/<token>.ics``): a random token in ``app_user.calendar_token``,
made when the user first opens the 日历 page and revoked on request (the old address then stops working at once).

The token is the only thing that lets a calendar program (Outlook, WPS, a phone) read the feed without signing in,
so it is as long as a session key (256 bits) and never written to the history: the history says that a feed was
made or revoked, by whom, not its address.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from . import history

if TYPE_CHECKING:
    from .store import Store
    from .users import User

TOKEN_BYTES = 32  # 43 characters of URL-safe base64


def token_of(store: "Store", name: str) -> str | None:
    from sqlalchemy import text

    with store.reading() as connection:
        return connection.execute(text("SELECT calendar_token FROM app_user WHERE name = :name"), {"name": name}).scalar()


def issue(store: "Store", name: str) -> str:
    """The user's token, made now if they have none (their row locked, so two tabs make one token)."""
    from .users import _required

    with store.session(write=True) as session:
        row = _required(session, name)
        if row.calendar_token:
            return row.calendar_token
        row.calendar_token = secrets.token_urlsafe(TOKEN_BYTES)
        history.log(session, "make calendar feed", f"user {name}", after={"calendar feed": "made"})
        return row.calendar_token


def revoke(store: "Store", name: str) -> bool:
    """End the user's feed address; False when there was none."""
    from .users import _required

    with store.session(write=True) as session:
        row = _required(session, name)
        if not row.calendar_token:
            return False
        row.calendar_token = None
        history.log(session, "revoke calendar feed", f"user {name}", after={"calendar feed": "revoked"})
        return True


def user_of(store: "Store", token: str) -> "User | None":
    """The enabled user whose feed this token opens, or None (unknown, revoked, or the user disabled)."""
    from sqlalchemy import text

    from .users import _user

    if not token or len(token) > 100:
        return None
    with store.reading() as connection:
        row = connection.execute(text("SELECT * FROM app_user WHERE calendar_token = :token"), {"token": token}).first()
    if row is None:
        return None
    user = _user(row)
    return None if user.disabled else user
