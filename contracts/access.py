"""Who may do what, and the rules of signing in: pure functions, the clock passed in (``now``).

The web app (``contracts serve``) and the ``contracts user`` commands share these rules. Roles own parts of the
data; everyone signed in reads everything. A user may hold several roles.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterable

from .errors import ContractsError

# Each role and the part of the data it owns (what its holders may change), in the words of issue #14.
ROLES: dict[str, tuple[str, ...]] = {
    "admin": ("users", "contracts", "rules", "amendments", "imports"),
    "finance": ("programmes", "budgets", "fee lines", "payments and reversals"),
    "logistics": ("assessments", "payment requests"),
    "procurement": ("lines", "tenders", "transitions", "suspensions", "usage"),
    "viewer": (),
}
ROLE_NAMES_ZH = {"admin": "管理员", "finance": "财务", "logistics": "后勤（考核）", "procurement": "采购", "viewer": "只读"}

PASSWORD_MIN = 10  # characters
PASSWORD_MAX = 1024  # a longer "password" is an attempt to make the server hash megabytes
FAILURES_BEFORE_LOCK = 5  # failed sign-ins in a row
LOCK_MINUTES = 15
NAME = re.compile(r"^[\w.@-]{1,64}$")  # letters (any script), digits, _ . @ -: fits in a URL and a history line


def check_name(name: str) -> str:
    """A user's name as typed, trimmed; refused when empty, too long or holding spaces or symbols."""
    name = (name or "").strip()
    if not NAME.match(name):
        raise ContractsError("name", name, "must be 1 to 64 letters, digits or _ . @ - (no spaces)")
    return name


def check_roles(values: Iterable[str]) -> tuple[str, ...]:
    """The roles given (each once, in the order of ROLES); at least one, each a known role."""
    given = [value.strip().lower() for value in values if value is not None]
    if not [value for value in given if value]:
        raise ContractsError("role", None, f"give at least one: {', '.join(ROLES)}")
    for value in given:
        if value not in ROLES:
            raise ContractsError("role", value, f"must be one of: {', '.join(ROLES)}")
    return tuple(role for role in ROLES if role in given)


def roles_text(roles: Iterable[str]) -> str:
    return ",".join(roles)


def parse_roles(stored: str) -> tuple[str, ...]:
    """The roles of a stored comma-separated set (unknown ones, from a later version, ignored)."""
    return tuple(role for role in (part.strip() for part in stored.split(",")) if role in ROLES)


def check_password(password: str, again: str | None = None) -> str:
    """At least PASSWORD_MIN characters; the same twice when asked twice. The value is never shown."""
    if again is not None and password != again:
        raise ContractsError("password", None, "the two entries differ; nothing was changed")
    if len(password) < PASSWORD_MIN:
        raise ContractsError("password", None, f"is {len(password)} characters long: at least {PASSWORD_MIN} are needed")
    if len(password) > PASSWORD_MAX:
        raise ContractsError("password", None, f"is longer than {PASSWORD_MAX} characters")
    if password != password.strip() or "\n" in password or "\x00" in password:
        raise ContractsError("password", None, "begins or ends with a space, or holds a line break or NUL")
    return password


def may_change(roles: Iterable[str], owner: str) -> bool:
    """Whether a holder of ``roles`` may change what ``owner`` (a role) owns: only that role's holders may."""
    return owner in ROLES and owner != "viewer" and owner in set(roles)


# -- signing in ------------------------------------------------------------------------------------

def locked(locked_until: dt.datetime | None, now: dt.datetime) -> bool:
    return locked_until is not None and now < locked_until


def after_failure(failed_before: int, locked_until: dt.datetime | None, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """The failed count and lock after one more wrong password at ``now``. A lock that has run out starts the
    count afresh; the FAILURES_BEFORE_LOCK-th failure in a row locks the account for LOCK_MINUTES."""
    failed = (0 if locked_until is not None and now >= locked_until else failed_before) + 1
    if failed >= FAILURES_BEFORE_LOCK:
        return failed, now + dt.timedelta(minutes=LOCK_MINUTES)
    return failed, None


def idle_expired(last_seen: dt.datetime, now: dt.datetime, idle: dt.timedelta) -> bool:
    """Whether a session last used at ``last_seen`` has been idle too long at ``now``."""
    return now - last_seen > idle
