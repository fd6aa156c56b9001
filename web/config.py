"""The web app's settings, how a worker process gets them, the session key, and the demo's throw-away store.

Settings travel to uvicorn's workers as environment variables (``--workers N`` starts each worker by import string,
``web.app:from_environment``), so every worker serves the same store with the same key and session lifetime.

The session key (which signs the session cookies) is kept in a file beside the store, not in the store:
- every worker and every restart on that machine reads the same key, so sessions survive both;
- a copy, export or backup of the store does not carry the key (a stolen backup cannot forge sessions);
- no schema change is needed.
An SQLite store at ``x.db`` keeps it at ``x.db.web-key``; a PostgreSQL store in the user's data folder, one file per
database (host, port and name). CONTRACTS_WEB_KEY_FILE names another file (several machines sharing one). The file is
made on first use, readable by its owner only; deleting it signs everyone out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, MutableMapping

ENV_URL = "CONTRACTS_WEB_DATABASE_URL"
ENV_DEMO = "CONTRACTS_WEB_DEMO"
ENV_IDLE = "CONTRACTS_WEB_IDLE_HOURS"
ENV_KEY_FILE = "CONTRACTS_WEB_KEY_FILE"
DEMO_USER = "demo"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class Settings:
    database_url: str
    demo: bool = False
    idle_hours: float = 8.0
    key_file: str | None = None  # default: beside the store (see above)
    # How long a whole-portfolio page waits for fresh figures at most (web/portfolio.kept): a second, so that a page
    # answers within its 300 ms (issue #17) whenever its figures take longer than that to make (100,000 contracts:
    # 2-5 s), and a small store's figures come fresh
    wait_seconds: float = 1.0
    clock: Callable[[], dt.datetime] = field(default=utc_now, repr=False)  # tests pass their own: no sleeping
    today: Callable[[], dt.date] | None = field(default=None, repr=False)  # the as-of day of the pages (default: the clock's, in China)

    @property
    def idle(self) -> dt.timedelta:
        return dt.timedelta(hours=self.idle_hours)

    def as_of(self) -> dt.date:
        """The day the pages answer for: today in China (UTC+8), where the office is."""
        if self.today is not None:
            return self.today()
        return (self.clock().astimezone(dt.timezone(dt.timedelta(hours=8)))).date()

    def to_environment(self, environ: MutableMapping[str, str]) -> None:
        environ[ENV_URL] = self.database_url
        environ[ENV_DEMO] = "1" if self.demo else ""
        environ[ENV_IDLE] = str(self.idle_hours)
        if self.key_file:
            environ[ENV_KEY_FILE] = self.key_file

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> "Settings":
        url = environ.get(ENV_URL)
        if not url:
            raise RuntimeError(f"{ENV_URL} is not set: start the app with 'contracts serve'")
        return cls(database_url=url, demo=bool(environ.get(ENV_DEMO)), idle_hours=float(environ.get(ENV_IDLE) or 8),
                   key_file=environ.get(ENV_KEY_FILE) or None)


def key_path(settings: Settings) -> Path:
    from db.engine import resolve_url, sqlite_path

    if settings.key_file or os.environ.get(ENV_KEY_FILE):
        return Path(settings.key_file or os.environ[ENV_KEY_FILE]).expanduser()
    url = resolve_url(settings.database_url)
    path = sqlite_path(url)
    if path is not None:
        return path.with_name(path.name + ".web-key")
    from platformdirs import user_data_dir
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    place = f"{parsed.get_backend_name()}://{parsed.host or ''}:{parsed.port or ''}/{parsed.database or ''}"
    return Path(user_data_dir("contracts")) / f"web-key-{hashlib.sha256(place.encode()).hexdigest()[:16]}"


def session_key(settings: Settings) -> str:
    """The key that signs session cookies: read from its file, made there first if there is none (atomically, so
    that two workers starting at once agree)."""
    path = key_path(settings)
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it a moment ago
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def prepare(settings: Settings) -> None:
    """What must exist before the workers start: the session key."""
    session_key(settings)


def demo_store():
    """A throw-away SQLite store with the bundled examples and the demo's one (read-only) user; returns its URL and
    the temporary folder holding it (clean it up when done)."""
    import tempfile

    from cli.contract_commands import DEMO_FILES  # the same examples as `contracts demo`
    from cli.examples import example_path
    from contracts.portfolio_file import parse_portfolio
    from db import users
    from db.store import open_store

    folder = tempfile.TemporaryDirectory(prefix="contracts-serve-demo-")
    url = f"sqlite:///{Path(folder.name) / 'demo.db'}"
    opened = open_store(url, create=True)
    try:
        opened.store.user = "demo"
        for path in map(example_path, DEMO_FILES):
            opened.store.import_portfolio(parse_portfolio(path.read_text(encoding="utf-8"), path.name))
        users.add(opened.store, DEMO_USER, ["viewer"], secrets.token_urlsafe(24), now=utc_now())
    finally:
        opened.store.close()
    return url, folder
