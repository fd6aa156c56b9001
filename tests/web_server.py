"""`contracts serve` as a real process on a free local port, and its users made by `contracts user add`.

The HTTP tests drive the app in-process (Starlette's test client); the browser test, the concurrency test and the
bench need what a user starts: uvicorn listening on 127.0.0.1, with its own worker processes when asked. This module
starts it exactly as the README says (``contracts --db URL serve --port N``), waits until it answers, and stops it.

Users are added as IT adds them, ``contracts user add NAME --role ROLE --password-file FILE``: the real argon2id
hashes, nothing monkeypatched (the server is another process anyway).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"  # 21 characters: the app asks for at least 10


def free_port() -> int:
    """A port nobody listens on now (the OS picks it; it is released before the server binds it, which is racy only
    against another program grabbing the very same port in that instant)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def contracts_command() -> list[str]:
    """The `contracts` command of this Python (``python -m cli.main``: the same program as the console script,
    without depending on the venv's bin folder being on PATH)."""
    return [sys.executable, "-m", "cli.main"]


def environment(**extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    env.pop("CONTRACTS_DATABASE_URL", None)  # every command here is given its store
    env.setdefault("PYTHONUNBUFFERED", "1")  # the start-up line reaches the log at once
    return env


def add_user(db_url: str, name: str, roles: list[str] | tuple[str, ...], password: str = PASSWORD) -> None:
    """``contracts user add NAME --role R ... --password-file F``, as IT runs it."""
    with tempfile.TemporaryDirectory(prefix="contracts-pw-") as folder:
        secret = Path(folder) / "password"
        secret.write_text(password + "\n", encoding="utf-8")
        secret.chmod(0o600)
        roles_args = [arg for role in roles for arg in ("--role", role)]
        done = subprocess.run([*contracts_command(), "--db", db_url, "user", "add", name, *roles_args,
                               "--password-file", str(secret)],
                              capture_output=True, text=True, cwd=ROOT, env=environment(), timeout=120)
    assert done.returncode == 0, f"contracts user add {name} failed ({done.returncode}): {done.stdout}{done.stderr}"


def contracts(db_url: str, *args: str) -> str:
    """Any other `contracts` command on the store (an import, a rule): its standard output."""
    done = subprocess.run([*contracts_command(), "--db", db_url, *args], capture_output=True, text=True, cwd=ROOT,
                          env=environment(), timeout=600)
    assert done.returncode == 0, f"contracts {' '.join(args)} failed ({done.returncode}): {done.stdout}{done.stderr}"
    return done.stdout


@dataclass
class Server:
    url: str  # http://127.0.0.1:PORT
    process: subprocess.Popen
    log: Path  # what the server printed (stdout and stderr)

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/signin", timeout=2) as response:  # the one page that needs no sign-in
            return response.status == 200
    except urllib.error.HTTPError:
        return True  # it answered (whatever it said): it is up
    except (OSError, urllib.error.URLError):
        return False


def start(db_url: str, *, workers: int = 1, folder: Path | None = None, timeout: float = 90.0,
          extra_env: dict[str, str] | None = None) -> Server:
    """``contracts --db URL serve --port N [--workers W]``, returned once it answers on 127.0.0.1:N.

    The session key goes to a file in ``folder`` (CONTRACTS_WEB_KEY_FILE), not the user's data folder: a PostgreSQL
    store's key would otherwise be left behind in ~/.local/share after the test's database is dropped."""
    folder = Path(folder or tempfile.mkdtemp(prefix="contracts-serve-"))
    port = free_port()
    log = folder / f"serve-{port}.log"
    env = environment(CONTRACTS_WEB_KEY_FILE=str(folder / "web-key"), **(extra_env or {}))
    handle = open(log, "wb")
    try:
        # A session of its own: stopping it reaches uvicorn's worker processes too (see stop()).
        process = subprocess.Popen([*contracts_command(), "--db", db_url, "serve", "--host", "127.0.0.1",
                                    "--port", str(port), "--workers", str(workers)],
                                   stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT, env=env,
                                   start_new_session=True)
    finally:
        handle.close()
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"contracts serve exited ({process.returncode}) before answering:\n{server.output()}")
        if _answers(server.url):
            return server
        time.sleep(0.1)
    stop(server)
    raise AssertionError(f"contracts serve did not answer within {timeout:.0f} s:\n{server.output()}")


def stop(server: Server, timeout: float = 20.0) -> None:
    """Ctrl+C, as a user stops it (uvicorn then stops its workers); if it hangs, the process group is killed."""
    process = server.process
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


@contextlib.contextmanager
def serving(db_url: str, **options):
    """A running server for the ``with`` block; stopped after it, whatever happened."""
    server = start(db_url, **options)
    try:
        yield server
    finally:
        stop(server)


TOKEN = r'name="(?:csrf|csrf_token)" value="([^"]+)"'  # the hidden field of every form that changes data


def form_token(html: str) -> str:
    import re

    found = re.search(TOKEN, html)
    assert found, "no form token on the page"
    return found.group(1)


def signed_in(url: str, name: str, password: str = PASSWORD, **client_options):
    """An httpx client (its own cookies, one kept-alive connection) signed in as ``name``, as a browser does it:
    the sign-in page for its token, then the form."""
    import httpx

    client = httpx.Client(base_url=url, follow_redirects=False, timeout=client_options.pop("timeout", 60), **client_options)
    page = client.get("/signin")
    answer = client.post("/signin", data={"csrf": form_token(page.text), "csrf_token": form_token(page.text),
                                          "name": name, "password": password, "next": "/"})
    assert answer.status_code == 303, f"signing in as {name}: {answer.status_code} {answer.text[:500]}"
    return client
