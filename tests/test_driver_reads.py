"""The light reads (db/sql.py): the loader's and the expiry's queries run straight through Python's sqlite3 (or psycopg
on PostgreSQL) give what they give through SQLAlchemy, for every kind of contract and fact; a plain SQLite or
PostgreSQL URL is read as SQLAlchemy reads it."""

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db import loader, reads
from db.engine import make_engine, plain_postgres_url, plain_sqlite_file, shown_url, sqlite_path
from db.sql import DriverReader, PgReader, query, run
from tests.test_cli_payables import TW2_RULES


def _file(url: str) -> str:
    if not url.startswith("sqlite:///"):
        pytest.skip("the driver reads SQLite files only; PostgreSQL is read through SQLAlchemy")
    return url[len("sqlite:///"):]


@pytest.fixture
def both(more):
    """(the store read through the driver, the same through SQLAlchemy Core) on the store with every kind: an SQLite
    file through sqlite3, a PostgreSQL database through psycopg."""
    # Every kind of fact the loader reads, beside the rules, payments and openings the example has.
    for args in TW2_RULES:
        more(*args)
    more("assess", "TW2", "--seq", "7", "--metric", "online_rate=96", "--on", "2023-12-01")
    more("amend", "ENTRY", "--from", "2023-06-17", "--annual-fee", "200000", "--ref", "补充协议 1")
    more("usage", "SEAL-2021", "--period", "2023-01", "--quantity", "3")
    engine = make_engine(more.url)
    reader = PgReader(plain_postgres_url(more.url)) if more.url.startswith("postgresql") else DriverReader(_file(more.url))
    with engine.connect() as connection:
        yield reader, connection
    reader.close()
    engine.dispose()


def test_every_contract_loads_the_same_through_either(both):
    light, core = both
    through_driver, through_core = loader.load(light), loader.load(core)
    assert len(through_core) > 15  # the example, MIXED and MORE: rules, assessments, payments, openings, usage, amendments
    assert through_driver == through_core
    kinds = {name: sum(bool(getattr(each.contract, name)) for each in through_core)
             for name in ("rules", "assessments", "payments", "opening", "usage", "amendments")}
    assert all(kinds.values()), kinds  # every kind of fact was compared, not only terms
    first = through_driver[0].contract.terms
    assert type(first.billing_start) is dt.date and type(first.signed_on) in (dt.date, type(None))


def test_chosen_contracts_and_windows_load_the_same(both):
    light, core = both
    codes = [each.contract.terms.code for each in loader.load(core)]
    for wanted in (codes[:1], codes[::3], list(reversed(codes[-4:])), ["TW2", "TW2"]):
        assert loader.load(light, wanted) == loader.load(core, wanted), wanted
    for first, last in ((dt.date(2024, 4, 1), dt.date(2024, 7, 1)), (dt.date(2019, 1, 1), None), (None, dt.date(2021, 1, 1))):
        assert loader.load(light, active_from=first, active_before=last) == \
            loader.load(core, active_from=first, active_before=last), (first, last)
    with pytest.raises(Exception, match="NOPE"):
        loader.load(light, ["TW2", "NOPE"])


def test_an_empty_list_of_codes_matches_nothing(both):
    light, core = both
    assert run(light, query("SELECT code FROM contract WHERE code IN :codes", expanding=("codes",)), {"codes": []}).all() == []
    assert run(core, query("SELECT code FROM contract WHERE code IN :codes", expanding=("codes",)), {"codes": []}).all() == []


def test_expiring_is_the_same_through_either(both):
    light, core = both
    for first, last in ((dt.date(2024, 1, 1), dt.date(2025, 12, 31)), (dt.date(2000, 1, 1), dt.date(2099, 1, 1)),
                        (dt.date(2023, 6, 30), dt.date(2023, 6, 30))):
        found = reads.expiring(light, first, last)
        assert found == reads.expiring(core, first, last)
    assert found == [] or all(type(value) is dt.date for value in found[0][2:])
    assert len(reads.expiring(light, dt.date(2000, 1, 1), dt.date(2099, 1, 1))) == len(loader.load(core))


def test_the_driver_reader_never_writes(more):
    path = _file(more.url)
    reader = DriverReader(path)
    try:
        with pytest.raises(sqlite3.OperationalError):
            run(reader, query("DELETE FROM payment"))
    finally:
        reader.close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM payment").fetchone()[0] > 0


def test_the_driver_reader_makes_no_file(tmp_path):
    with pytest.raises(sqlite3.OperationalError):
        DriverReader(str(tmp_path / "missing.db"))
    assert not (tmp_path / "missing.db").exists()


# -- plain SQLite URLs, read without SQLAlchemy ------------------------------------------------------------------

URL_CHARACTERS = st.sampled_from("abcXYZ019/._ ~-+%@#:?=&合;\\")


@settings(max_examples=400, deadline=None)
@given(st.text(URL_CHARACTERS, min_size=1, max_size=20), st.sampled_from(["sqlite:///", "sqlite://", "sqlite:////",
                                                                          "postgresql:///", "sqlite+pysqlite:///", ""]))
def test_a_plain_sqlite_url_reads_as_sqlalchemy_reads_it(rest, scheme):
    from sqlalchemy.engine import make_url

    url = scheme + rest
    plain = plain_sqlite_file(url)
    if plain is None:
        return  # read by SQLAlchemy itself
    parsed = make_url(url)
    assert parsed.get_backend_name() == "sqlite" and not parsed.query
    assert plain == parsed.database
    assert sqlite_path(url) == Path(parsed.database)
    assert shown_url(url) == parsed.render_as_string(hide_password=True)


def test_plain_urls_are_the_common_ones():
    assert plain_sqlite_file("sqlite:////home/li/contracts.db") == "/home/li/contracts.db"
    assert plain_sqlite_file("sqlite:///data/my store.db") == "data/my store.db"
    for other in ("sqlite://", "sqlite:///:memory:", "sqlite:///x.db?mode=ro", "sqlite:///a%20b.db",
                  "postgresql://u:secret@host/db", "sqlite:///合同.db"):
        assert plain_sqlite_file(other) is None, other
    assert shown_url("postgresql://u:secret@host/db") == "postgresql://u:***@host/db"


PG_CHARACTERS = st.sampled_from("abcXYZ019._~-+%@#:?=&/合;\\ ")


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["postgresql://", "postgresql+psycopg://", "postgresql+psycopg2://", "postgres://", "sqlite:///"]),
       st.text(PG_CHARACTERS, min_size=1, max_size=8), st.one_of(st.none(), st.text(PG_CHARACTERS, max_size=6)),
       st.text(PG_CHARACTERS, min_size=1, max_size=8), st.one_of(st.none(), st.integers(0, 99999)),
       st.text(PG_CHARACTERS, min_size=1, max_size=8))
def test_a_plain_postgresql_url_reads_as_sqlalchemy_reads_it(scheme, user, password, host, port, database):
    # what psycopg is handed (db.engine.plain_postgres_url) must be the server, user, password and database
    # SQLAlchemy's engine would connect to, and the URL shown the same as SQLAlchemy shows it
    from sqlalchemy.engine import make_url

    url = (scheme + user + (f":{password}" if password is not None else "") + "@" + host
           + (f":{port}" if port is not None else "") + "/" + database)
    conninfo = plain_postgres_url(url)
    if conninfo is None:
        return  # read by SQLAlchemy itself
    parsed, given = make_url(url), make_url(conninfo)
    assert parsed.get_backend_name() == "postgresql" and not parsed.query
    assert (given.username, given.password, given.host, given.port, given.database) == \
        (parsed.username, parsed.password, parsed.host, parsed.port, parsed.database)
    assert shown_url(url) == parsed.render_as_string(hide_password=True)
    assert sqlite_path(url) is None


def test_plain_postgresql_urls_are_the_common_ones():
    assert plain_postgres_url("postgresql://postgres@127.0.0.1:5432/test") == "postgresql://postgres@127.0.0.1:5432/test"
    assert plain_postgres_url("postgresql+psycopg://u:secret@db.example/contracts") == "postgresql://u:secret@db.example/contracts"
    for other in ("postgresql://u@host/db?sslmode=require", "postgresql:///db", "postgresql://u:p%40ss@host/db",
                  "postgresql+psycopg2://u@host/db", "sqlite:///x.db", "postgresql://u@[::1]/db"):
        assert plain_postgres_url(other) is None, other


def _pg(url: str) -> str:
    if not url.startswith("postgresql"):
        pytest.skip("the PostgreSQL driver's own refusals")
    return plain_postgres_url(url)


def test_the_postgresql_reader_never_writes(more):
    import psycopg

    reader = PgReader(_pg(more.url))
    try:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            run(reader, query("DELETE FROM payment"))
    finally:
        reader.close()
    with psycopg.connect(_pg(more.url)) as connection:
        assert connection.execute("SELECT COUNT(*) FROM payment").fetchone()[0] > 0


def test_a_store_on_postgresql_is_read_without_sqlalchemy_and_refuses_in_one_line(more):
    # #17: a reading command on PostgreSQL opens the store and reads it through psycopg; bad input is one line
    from tests.test_startup import READER, _run

    url = _pg(more.url) and more.url
    done = _run(READER.format(url=url, args=["show", "SEAL-2021"]))
    assert done.returncode == 0, done.stderr
    assert "SEAL-2021" in done.stdout and done.stdout.split("\n")[-2] == "[] False False"
    import subprocess
    import sys

    refused = subprocess.run([sys.executable, "-m", "cli.main", "--db", url, "show", "NOPE"], capture_output=True,
                             text=True, timeout=60, cwd=Path(__file__).resolve().parent.parent)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [refused.stderr.strip()] and "NOPE" in refused.stderr, refused.stderr


def test_a_servers_store_keeps_sqlalchemys_pool_on_postgresql(more, monkeypatch):
    # a command opens one connection of psycopg's for its reads; the web server, which reads on every request for
    # months, keeps SQLAlchemy's pool (open_store(pooled=True), as web.app.create_app opens it)
    from db.store import open_store

    url = _pg(more.url) and more.url
    for pooled, driver in ((False, True), (True, False)):
        store = open_store(url, create=False, pooled=pooled).store
        try:
            with store.light_reading() as connection:
                assert isinstance(connection, PgReader) is driver
                assert run(connection, query("SELECT COUNT(*) FROM contract", ())).scalar() > 15
        finally:
            store.close()
    import db.store
    from web.app import create_app
    from web.config import Settings

    asked = {}
    real = db.store.open_store
    monkeypatch.setattr(db.store, "open_store", lambda *args, **kwargs: asked.update(kwargs) or real(*args, **kwargs))
    app = create_app(Settings(database_url=url))
    assert asked["pooled"] is True
    app.state.store.close()
