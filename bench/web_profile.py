"""Where a web page's time goes: ``python -m bench.web_profile PATH [--size 100k] [--warm]``.

The page is asked of the app in this process (Starlette's test client, the same app ``contracts serve`` runs), signed
in as the bench's user, with cProfile around the page's own handler only (not the client, not the event loop: the
handler runs in a worker thread, where a profiler started outside would not see it). ``--warm`` asks once before the
profiled request (what the app keeps, it keeps). Prints the handler's time by function, the project's own first.
Profiling slows code down: read the shares, not the seconds; bench/web_pages.py has the real times.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import sys
import tempfile
import warnings
from pathlib import Path

from bench import stores

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def handler_for(path: str):
    """(module, index in its ``routes``) of the GET route that serves ``path``."""
    from starlette.routing import Match

    from web.app import ROUTE_MODULES

    import importlib

    scope = {"type": "http", "path": path.split("?", 1)[0], "method": "GET"}
    for name in ROUTE_MODULES:
        module = importlib.import_module(name)
        for index, route in enumerate(module.routes):
            if "GET" in (route.methods or ()) and route.matches(scope)[0] == Match.FULL:
                return module, index
    raise SystemExit(f"bench: no page of the app answers {path}")


def profile(url: str, path: str, *, warm: bool, top: int = 25) -> str:
    from bench.web_pages import USER, ensure_user
    from tests import web_server

    ensure_user(url)
    module, index = handler_for(path)
    route = module.routes[index]
    inner, profiler, on = route.endpoint, cProfile.Profile(), {"now": False}

    def profiled(request):
        if not on["now"]:
            return inner(request)
        profiler.enable()
        try:
            return inner(request)
        finally:
            profiler.disable()

    route.endpoint = profiled  # before the app wraps its routes (web/app.py create_app)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from starlette.testclient import TestClient
    from web.app import create_app
    from web.config import Settings

    with tempfile.TemporaryDirectory(prefix="contracts-web-profile-") as folder:
        client = TestClient(create_app(Settings(database_url=url, key_file=str(Path(folder) / "key"))),
                            base_url="http://testserver", follow_redirects=False)
        page = client.get("/signin")
        token = web_server.form_token(page.text)
        signed = client.post("/signin", data={"csrf": token, "csrf_token": token, "name": USER,
                                              "password": web_server.PASSWORD, "next": "/"})
        assert signed.status_code == 303, signed.text[:300]
        if warm:
            client.get(path)
        on["now"] = True
        answer = client.get(path)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    total = stats.total_tt
    rows = []
    for func, (_, calls, own, cumulative, _) in stats.stats.items():
        filename, line, name = func
        short = re.sub(r".*?(site-packages|lib/python3\.\d+)/", "", filename).replace(str(ROOT) + "/", "")
        rows.append((cumulative, own, calls, f"{name} ({short}:{line})", any(short.startswith(p) for p in ("contracts/", "db/", "web/", "cli/"))))
    lines = [f"{path}: {answer.status_code}, {len(answer.content):,} bytes; {total:.2f} s of function time in the handler "
             "(profiled: read the shares)", "", f"{'cum s':>8} {'cum %':>6} {'own s':>8} {'calls':>10}  function (the project's own)"]
    for cumulative, own, calls, name, ours in sorted(rows, reverse=True):
        if ours:
            lines.append(f"{cumulative:8.2f} {cumulative / total:6.1%} {own:8.2f} {calls:>10,}  {name}")
            if len(lines) >= top + 3:
                break
    lines += ["", f"{'own s':>8} {'own %':>6} {'calls':>10}  function (by own time, any)"]
    for cumulative, own, calls, name, _ in sorted(rows, key=lambda row: row[1], reverse=True)[:12]:
        lines.append(f"{own:8.2f} {own / total:6.1%} {calls:>10,}  {name}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    from bench.run import size_value

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(prog="python -m bench.web_profile", description=__doc__.splitlines()[0])
    parser.add_argument("path", help="the page, e.g. '/?as_of=2024-06-01'")
    parser.add_argument("--size", type=size_value, default=100_000, help="contracts in the store (default 100k)")
    parser.add_argument("--warm", action="store_true", help="ask once before the profiled request")
    parser.add_argument("--data", type=Path, default=HERE / "data", help="where the stores are kept (default: bench/data)")
    args = parser.parse_args(argv)
    store = stores.obtain(args.size, args.data, None)
    print(profile(store.url, args.path, warm=args.warm))


if __name__ == "__main__":
    main()
