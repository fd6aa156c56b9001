"""The people who sign in to ``contracts serve`` (table app_user): add, list, change, disable, sign in.

Passwords are kept only as argon2id hashes (argon2-cffi). Every change to a user, every sign-in and every lock is
written to the history in the same transaction, under the name of whoever made it (``store.user``). The rules
(roles, password length, lock-out) are pure functions in contracts/access.py; the clock is passed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from contracts import access
from contracts.errors import ContractsError

from . import history

if TYPE_CHECKING:
    from .store import Store

LANGUAGES = ("zh", "en")
MONEY_UNITS = ("wan", "yuan")


@dataclass(frozen=True)
class User:
    name: str
    roles: tuple[str, ...]
    disabled: bool
    failed_signins: int
    locked_until: dt.datetime | None
    session_epoch: int
    language: str
    money_unit: str
    created_at: str

    def may_change(self, owner: str) -> bool:
        return not self.disabled and access.may_change(self.roles, owner)


@dataclass(frozen=True)
class SignIn:
    user: User | None  # who signed in, or None
    outcome: str  # "signed in", "wrong name or password", "locked", "disabled"
    locked_until: dt.datetime | None = None


HASH_PROFILE = None  # None: argon2-cffi's defaults (argon2id, RFC 9106's low-memory recommendation); tests set a cheap one


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher() if HASH_PROFILE is None else PasswordHasher.from_parameters(HASH_PROFILE)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _verify(stored_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return _hasher().verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_DUMMY_HASH: list[str] = []


def _waste_time(password: str) -> None:
    """Hash anyway for an unknown name, so that the time taken does not tell which names exist."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("not a password of anyone"))
    _verify(_DUMMY_HASH[0], password)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def _moment(text: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _user(row) -> User:
    return User(row.name, access.parse_roles(row.roles), bool(row.disabled), row.failed_signins or 0,
                _moment(row.locked_until), row.session_epoch or 0, row.language or "zh", row.money_unit or "wan",
                row.created_at)


def _public(row) -> dict:
    """What the history keeps of a user: never the hash."""
    return {"name": row.name, "roles": row.roles, "disabled": bool(row.disabled), "language": row.language,
            "money_unit": row.money_unit}


def _row(session, name: str, *, lock: bool = False):
    from sqlmodel import select

    from .tables import UserRow

    query = select(UserRow).where(UserRow.name == name)
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def _required(session, name: str, *, lock: bool = True):
    row = _row(session, name, lock=lock)
    if row is None:
        raise ContractsError("user", name, "is not a user; 'contracts user list' shows who is")
    return row


# -- reading ---------------------------------------------------------------------------------------

def count(store: "Store") -> int:
    from sqlalchemy import text

    with store.reading() as connection:
        return connection.execute(text("SELECT COUNT(*) FROM app_user")).scalar() or 0


def users(store: "Store") -> list[User]:
    from sqlalchemy import text

    with store.reading() as connection:
        return [_user(row) for row in connection.execute(text("SELECT * FROM app_user ORDER BY name"))]


def find(store: "Store", name: str) -> User | None:
    from sqlalchemy import text

    with store.reading() as connection:
        row = connection.execute(text("SELECT * FROM app_user WHERE name = :name"), {"name": name}).first()
    return None if row is None else _user(row)


# -- writing ---------------------------------------------------------------------------------------

def add(store: "Store", name: str, roles: Iterable[str], password: str, *, now: dt.datetime) -> User:
    from .tables import UserRow

    name, chosen = access.check_name(name), access.check_roles(roles)
    access.check_password(password)
    hashed = hash_password(password)  # before the transaction: hashing takes a moment and needs no lock
    with store.session(write=True) as session:
        if _row(session, name) is not None:
            raise ContractsError("user", name, "exists already; 'contracts user passwd' changes the password")
        row = UserRow(name=name, roles=access.roles_text(chosen), password_hash=hashed, created_at=_stamp(now))
        session.add(row)
        session.flush()
        history.log(session, "add user", f"user {name}", after=_public(row))
        return _user(row)


def set_password(store: "Store", name: str, password: str) -> User:
    """A new password; every session of the user ends (session_epoch goes up) and any lock is lifted."""
    access.check_password(password)
    hashed = hash_password(password)
    with store.session(write=True) as session:
        row = _required(session, name)
        row.password_hash, row.failed_signins, row.locked_until = hashed, 0, ""
        row.session_epoch = (row.session_epoch or 0) + 1
        session.add(row)
        history.log(session, "change password", f"user {name}", after={"password": "changed", "sessions": "ended"})
        return _user(row)


def disable(store: "Store", name: str) -> User:
    """The user can no longer sign in, and every open session of theirs stops working."""
    with store.session(write=True) as session:
        row = _required(session, name)
        if row.disabled:
            raise ContractsError("user", name, "is disabled already")
        before = _public(row)
        row.disabled, row.session_epoch = True, (row.session_epoch or 0) + 1
        session.add(row)
        history.log(session, "disable user", f"user {name}", before=before, after=_public(row))
        return _user(row)


def set_preferences(store: "Store", name: str, *, language: str | None = None, money_unit: str | None = None) -> User:
    """The user's own display settings (what they read, not what is stored): not recorded in the history."""
    if language is not None and language not in LANGUAGES:
        raise ContractsError("language", language, f"must be one of: {', '.join(LANGUAGES)}")
    if money_unit is not None and money_unit not in MONEY_UNITS:
        raise ContractsError("money_unit", money_unit, f"must be one of: {', '.join(MONEY_UNITS)}")
    with store.session(write=True) as session:
        row = _required(session, name)
        row.language = language or row.language
        row.money_unit = money_unit or row.money_unit
        session.add(row)
        return _user(row)


def sign_in(store: "Store", name: str, password: str, *, now: dt.datetime) -> SignIn:
    """Check a name and password at ``now``; count a failure, lock after too many, record each attempt on a
    known user in the history (as done by that user). An unknown name is hashed against anyway and not recorded."""
    existing = find(store, name) if name and len(name) <= 64 else None
    if existing is None:
        _waste_time(password)
        return SignIn(None, "wrong name or password")
    if access.locked(existing.locked_until, now) or existing.disabled:
        _waste_time(password)  # the same time as a check; no look at the password
        refused = SignIn(None, "disabled" if existing.disabled else "locked", existing.locked_until)
        _log_attempt(store, name, now, "sign-in refused", {"reason": refused.outcome})
        return refused
    with store.reading() as connection:
        from sqlalchemy import text

        stored_hash = connection.execute(text("SELECT password_hash FROM app_user WHERE name = :name"), {"name": name}).scalar()
    good = _verify(stored_hash or "", password)
    with _as(store, name).session(write=True) as session:
        session.info["now"] = _stamp(now)
        row = _required(session, name)
        if good:
            row.failed_signins, row.locked_until = 0, ""
            session.add(row)
            history.log(session, "sign in", f"user {name}")
            return SignIn(_user(row), "signed in")
        failed, until = access.after_failure(row.failed_signins or 0, _moment(row.locked_until), now)
        row.failed_signins, row.locked_until = failed, _stamp(until) if until else ""
        session.add(row)
        history.log(session, "sign-in failed", f"user {name}", after={"failed_in_a_row": failed})
        if until is not None:
            history.log(session, "lock user", f"user {name}",
                        after={"failed_in_a_row": failed, "locked_until": _stamp(until)})
            return SignIn(None, "locked", until)
        return SignIn(None, "wrong name or password")


def sign_out(store: "Store", name: str, *, now: dt.datetime) -> None:
    """End every session of the user (a copy of the cookie kept elsewhere stops working too), and record it."""
    with _as(store, name).session(write=True) as session:
        session.info["now"] = _stamp(now)
        row = _required(session, name)
        row.session_epoch = (row.session_epoch or 0) + 1
        session.add(row)
        history.log(session, "sign out", f"user {name}")


def change_own_password(store: "Store", name: str, current: str, new: str, again: str, *, now: dt.datetime) -> User:
    """A user's own new password, given the current one (a wrong one counts as a failed sign-in)."""
    access.check_password(new, again)
    checked = sign_in(store, name, current, now=now)
    if checked.user is None:
        raise ContractsError("current_password", None, "is not your password; nothing was changed"
                             if checked.outcome != "locked" else "too many wrong passwords: the account is locked")
    return set_password(_as(store, name), name, new)


def _log_attempt(store: "Store", name: str, now: dt.datetime, action: str, after) -> None:
    with _as(store, name).session(write=True) as session:
        session.info["now"] = _stamp(now)
        history.log(session, action, f"user {name}", after=after)


def _as(store: "Store", name: str) -> "Store":
    """The same store, writing in ``name``'s name (their own sign-in), without changing ``store`` itself."""
    import copy

    acting = copy.copy(store)
    acting.user = name
    return acting
