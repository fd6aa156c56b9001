"""The people of the web app and the web server: ``contracts user add|list|passwd|disable`` and ``contracts serve``.

The web stack (Starlette, Jinja2, uvicorn, argon2) is imported inside these commands only, so that the rest of the
CLI starts as light as before.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from contracts.errors import ContractsError

from .options import DbOption
from .session import store_for

user_app = typer.Typer(help="The people who sign in to 'contracts serve', and their roles.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    user_app.command("add")(user_add)
    user_app.command("list")(user_list)
    user_app.command("passwd")(user_passwd)
    user_app.command("disable")(user_disable)
    app.command("serve")(serve)


def _now():
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc)


def _password(password_file: str | None, *, prompt: str = "Password") -> str:
    """From the file (its first line), or asked twice at a terminal with the typing hidden; never an option's value
    (it would stay in the shell's history and the process list)."""
    from contracts.access import check_password

    if password_file is not None:
        path = Path(password_file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ContractsError("password_file", password_file, f"cannot be read: {exc.__class__.__name__}") from None
        lines = text.splitlines()
        return check_password(lines[0] if lines else "")
    if not sys.stdin.isatty():
        raise ContractsError("password", None, "is asked at a terminal; without one give --password-file FILE")
    import getpass

    first = getpass.getpass(f"{prompt} (at least 10 characters): ")
    return check_password(first, getpass.getpass(f"{prompt} again: "))


def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The name they sign in with, e.g. chen.")],
    role: Annotated[list[str], typer.Option("--role", help="admin, finance, logistics, procurement or viewer (repeatable).")],
    password_file: Annotated[Optional[str], typer.Option("--password-file", help="Read the password from this file's first line instead of asking.")] = None,
    db: DbOption = None,
) -> None:
    """Add a person who signs in to the web app, with one or more roles; the password is asked twice."""
    from contracts.access import check_name, check_roles
    from db import users

    name, roles = check_name(name), check_roles(role)  # before asking for a password that would be thrown away
    password = _password(password_file)
    with store_for(ctx, db, create=True) as store:
        user = users.add(store, name, roles, password, now=_now())
    print(f"added user {user.name} ({', '.join(user.roles)})")


def user_list(ctx: typer.Context, db: DbOption = None) -> None:
    """Every user: roles, whether disabled or locked, language and money unit."""
    from db import users

    now = _now()
    with store_for(ctx, db) as store:
        everyone = users.users(store)
    if not everyone:
        print("no users yet: contracts user add NAME --role ROLE")
        return
    for user in everyone:
        state = ("disabled" if user.disabled else
                 f"locked until {user.locked_until.isoformat(timespec='minutes')}" if user.locked_until and user.locked_until > now
                 else "active")
        print(f"{user.name}\t{','.join(user.roles)}\t{state}\t{user.language}\t{user.money_unit}")


def user_passwd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The user.")],
    password_file: Annotated[Optional[str], typer.Option("--password-file", help="Read the new password from this file's first line.")] = None,
    db: DbOption = None,
) -> None:
    """Set a new password (asked twice); the user's open sessions end and any lock is lifted."""
    from db import users

    with store_for(ctx, db) as store:
        if users.find(store, name) is None:
            raise ContractsError("user", name, "is not a user; 'contracts user list' shows who is")
        users.set_password(store, name, _password(password_file, prompt="New password"))
    print(f"changed the password of {name}; their open sessions have ended")


def user_disable(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The user.")],
    db: DbOption = None,
) -> None:
    """Stop a user from signing in; their open sessions stop working at once (their history stays)."""
    from db import users

    with store_for(ctx, db) as store:
        users.disable(store, name)
    print(f"disabled {name}; their open sessions have ended")


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="The address to listen on (127.0.0.1: this machine only).")] = "127.0.0.1",
    port: Annotated[str, typer.Option("--port", help="The port to listen on.")] = "8000",
    workers: Annotated[str, typer.Option("--workers", help="Worker processes (more than 1: use PostgreSQL).")] = "1",
    idle_hours: Annotated[str, typer.Option("--idle-hours", help="Hours without a request before a session ends.")] = "8",
    demo: Annotated[bool, typer.Option("--demo", help="Serve the bundled examples from a throw-away store, read-only, no sign-in.")] = False,
    db: DbOption = None,
) -> None:
    """Serve the web app (sign-in, dashboard, contracts, history) over the store."""
    from .options import db_url, whole_number

    number = whole_number(port, "port", minimum=1, maximum=65535)
    count = whole_number(workers, "workers", minimum=1, maximum=64)
    idle = whole_number(idle_hours, "idle_hours", minimum=1, maximum=24 * 30)
    from web import config as web_config

    if demo:
        url, folder = web_config.demo_store()
        shown = f"a throw-away store of the bundled examples ({url}), read-only"
    else:
        folder = None
        with store_for(ctx, db) as store:  # opens (upgrading with consent) the store, as every command does
            from db import users

            if users.count(store) == 0:
                raise ContractsError("db", store.url, "has no user yet; add one first: contracts user add NAME --role admin")
            url, shown = store.engine.url.render_as_string(hide_password=False), store.url
        given = db_url(ctx, db)
        if given and "://" not in given:
            url = given  # keep the file path as given (the engine's URL says the same)
    settings = web_config.Settings(database_url=url, demo=demo, idle_hours=idle)
    web_config.prepare(settings)  # the session key, shared by every worker
    print(f"serving {shown} at http://{host}:{number}/ ({count} worker{'s' if count > 1 else ''}); Ctrl+C stops")
    import uvicorn

    settings.to_environment(os.environ)  # each worker reads the same settings (uvicorn starts them by import string)
    try:
        uvicorn.run("web.app:from_environment", factory=True, host=host, port=number, workers=count,
                    log_level="warning", server_header=False)  # X-Forwarded-Proto trusted from 127.0.0.1 (a local HTTPS proxy)
    finally:
        if folder is not None:
            folder.cleanup()
