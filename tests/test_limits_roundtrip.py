"""#18 point 3, the property: any store SQLite accepts exports and restores on PostgreSQL, and back, identically.

Hypothesis writes portfolios whose every text field is hostile (NUL, ESC, line breaks, lone surrogates, Chinese,
lengths either side of each limit) and whose amounts are typed as people type them. Each is imported into SQLite;
whatever SQLite's store accepts is exported, restored on PostgreSQL, exported again (the same document), restored
on SQLite and exported once more (the same again). PostgreSQL must also accept or refuse the import exactly as
SQLite did, with the same line. Without CONTRACTS_TEST_DATABASE_URL the PostgreSQL half is skipped and the round
trip is SQLite to SQLite.

Each example runs in a transaction that is rolled back, so one database per backend serves them all.
"""

from __future__ import annotations

import os
import uuid

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from contracts.errors import ContractsError
from contracts.portfolio_file import parse_portfolio_data

from .conftest import PG_ENV, _pg_admin_url

pytestmark = pytest.mark.slow


class Rollback(Exception):
    """Raised at the end of an example's transaction: nothing it wrote stays."""


def _open(url: str):
    from db.store import open_store

    return open_store(url, create=True).store


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    folder = tmp_path_factory.mktemp("roundtrip")
    opened = {"sqlite": _open(f"sqlite:///{folder / 'a.db'}"), "sqlite-again": _open(f"sqlite:///{folder / 'b.db'}")}
    created = None
    if os.environ.get(PG_ENV):
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
        created = f"contracts_roundtrip_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{created}"'))
        opened["postgresql"] = _open(make_url(_pg_admin_url()).set(database=created).render_as_string(hide_password=False))
    yield opened
    for store in opened.values():
        store.close()
    if created:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)'))
        admin.dispose()


def in_rolled_back_transaction(store, work):
    """``work(session)`` in a write transaction that is then rolled back; returns what it returned, or the refusal's line."""
    outcome = {}
    try:
        with store.session(write=True) as session:
            session.info["user"], session.info["account"] = "clerk 李", "fuzz"
            session.info["now"] = "2024-01-31T08:00:00+00:00"  # the same moment on every backend
            try:
                outcome["value"] = work(session)
            except ContractsError as exc:
                outcome["refused"] = exc.line()
            raise Rollback
    except Rollback:
        pass
    return outcome


def import_then_export(portfolio_data):
    def work(session):
        from db.export import export_all
        from db.importer import import_portfolio
        from db.store import ImportResult

        import_portfolio(session, parse_portfolio_data(portfolio_data, "fuzz"), ImportResult())
        session.flush()
        return export_all(session)
    return work


def restore_then_export(document):
    def work(session):
        from db.export import export_all, restore

        restore(session, document, "export")
        session.flush()
        return export_all(session)
    return work


NASTY = "\x00\x01\x07\t\n\r\x1b\x7f\x85\u2028\ud800"
GENTLE = "表格'\";,=+-@ \\<>&%"
piece = st.text(st.one_of(st.sampled_from(NASTY + GENTLE), st.characters(max_codepoint=0x2FFF)), max_size=5)
safe_piece = st.text(st.one_of(st.sampled_from(GENTLE), st.characters(max_codepoint=0x9FFF, exclude_categories=("Cc", "Cs", "Zl", "Zp"))),
                     max_size=8)
LENGTHS = [0, 1, 31, 32, 33, 99, 100, 101, 199, 200, 201, 499, 500, 501, 1999, 2000, 2001, 9999, 10000, 10001]
hostile = st.builds(lambda head, length: (head + "x" * length)[: max(length, len(head))], piece, st.sampled_from(LENGTHS))
safe = st.builds(lambda head, length: (head + "y" * length)[:100], safe_piece, st.sampled_from([0, 1, 5, 31, 90]))
weird_amounts = st.sampled_from(["1,50", "-0", "0", "１２", "1e5", "NaN", "99999999999999.99", "100000000000000", "1.001"])
fees = st.one_of(st.decimals(min_value=1000, max_value=10**9, places=2).map(str),
                 st.decimals(min_value=1000, max_value=10**9, places=2).map(lambda d: f"{d:,}"))
small = st.decimals(min_value=1, max_value=200, places=2).map(str)


@st.composite
def portfolios(draw):
    """A portfolio file's data, every text gentle (quotes, Chinese, formula signs, up to 100 characters) but, in a third
    of the examples, one field hostile (control characters, NUL, surrogates, lengths either side of a limit), one amount
    typed oddly, or a code no store takes."""
    t = lambda: draw(safe)  # noqa: E731
    code = draw(st.sampled_from(["C1", "c1", "C-1", "C" * 32]))
    data = {
        "line": [{"code": "L1", "name": t() or "line", "buyer": t(), "notes": t()}],
        "contract": [{"code": code, "name": t() or "name", "vendor": t(), "buyer": t(), "billing_start": "2023-01-01",
                      "billing_months": 12, "annual_fee": draw(fees), "stated_end": t(), "notes": t(), "source": t(),
                      "unit": t(), "line": "L1"}],
        "rule": [{"contract": code, "name": t() or "r", "kind": "itemized", "effective_from": "2023-01-01", "note": t()}],
        "tender": [{"line": "L1", "method": "public", "outcome": "failed", "announced": "2023-05-01", "method_approval": t(),
                    "note": t()}],
        "transition": [{"line": "L1", "start": "2024-01-01", "approved_by": t() or "city", "basis": t(), "reference": t()}],
        "suspension": [{"line": "L1", "start": "2024-06-01", "reason": t(), "reference": t()}],
        "opening": [{"contract": code, "as_of": "2023-01-01", "owed": draw(st.sampled_from(["0", "-0", "1,000.00"])),
                     "source": t() or "s"}],
        "amendment": [{"contract": code, "effective_from": "2023-07-01", "annual_fee": draw(fees), "reference": t(), "note": t()}],
        "assessment": [{"contract": code, "seq": 1, "assessed_on": "2023-04-02", "items": [{"reason": t() or "why", "amount": "10.00"}],
                        "assessed_by": t(), "document": t()}],
        "payment": [{"contract": code, "paid_on": "2023-04-20", "amount": draw(small), "seq": 1, "reference": t(), "note": t()}],
        "fee_line": [{"code": "F1", "name": t() or "fee", "notes": t()}],
        "fee_amount": [{"fee_line": "F1", "year": 2023, "paid": draw(fees), "note": t(), "source": t()}],
        "programme": [{"code": "P1", "name": t() or "prog", "department": t(), "notes": t(), "contracts": [code], "fee_lines": ["F1"]}],
        "budget": [{"programme": "P1", "year": 2023, "original": draw(fees), "unit": "yuan", "source": t()}],
    }
    oddity = draw(st.sampled_from(["none", "none", "text", "amount"]))
    if oddity == "text":  # one field made hostile
        fields = [(section, key) for section, entries in data.items() for key, value in entries[0].items()
                  if isinstance(value, str) and key not in ("billing_start", "effective_from", "announced", "start", "as_of",
                                                            "assessed_on", "paid_on", "method", "outcome", "kind", "unit")]
        section, key = draw(st.sampled_from(fields))
        data[section][0][key] = draw(hostile)
    elif oddity == "amount":  # one amount typed oddly
        section, key = draw(st.sampled_from([("contract", "annual_fee"), ("amendment", "annual_fee"), ("payment", "amount"),
                                             ("fee_amount", "paid"), ("budget", "original"), ("opening", "owed")]))
        data[section][0][key] = draw(weird_amounts)
    return data


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                                 HealthCheck.data_too_large])
@given(data=portfolios())
def test_what_sqlite_accepts_round_trips_through_postgresql(stores, data):
    on_sqlite = in_rolled_back_transaction(stores["sqlite"], import_then_export(data))
    if "postgresql" in stores:  # the same limits: PostgreSQL accepts or refuses alike, in the same words
        on_postgresql = in_rolled_back_transaction(stores["postgresql"], import_then_export(data))
        assert on_postgresql.get("refused") == on_sqlite.get("refused")
        if "value" in on_sqlite:  # the facts alike; the history's records name row ids, which PostgreSQL's sequences
            # do not give back on a rollback
            facts = lambda document: {k: v for k, v in document.items() if not k.startswith("history")}  # noqa: E731
            assert facts(on_postgresql["value"]) == facts(on_sqlite["value"])
    event(("refused: " + on_sqlite["refused"].split(":")[2][:40]) if "refused" in on_sqlite else "accepted and round-tripped")
    if "refused" in on_sqlite:
        return
    exported = on_sqlite["value"]
    there = stores.get("postgresql", stores["sqlite-again"])
    restored = in_rolled_back_transaction(there, restore_then_export(exported))
    assert restored.get("refused") is None, restored
    assert restored["value"] == exported
    back = in_rolled_back_transaction(stores["sqlite-again" if "postgresql" in stores else "sqlite"], restore_then_export(restored["value"]))
    assert back.get("refused") is None, back
    assert back["value"] == exported


def test_the_property_accepts_some_and_refuses_some(stores):
    """The strategy is not vacuous: a plain portfolio round-trips, a NUL is refused alike."""
    plain = {"contract": [{"code": "C1", "name": "合同", "billing_start": "2023-01-01", "billing_months": 12, "annual_fee": "1,200.00",
                           "notes": "两行\n说明"}],
             "payment": [{"contract": "C1", "paid_on": "2023-04-20", "amount": "300.00", "seq": 1, "reference": "v1"}]}
    accepted = in_rolled_back_transaction(stores["sqlite"], import_then_export(plain))
    assert accepted["value"]["contract"][0]["notes"] == "两行\n说明"
    plain["payment"][0]["reference"] = "v\x001"
    refused = in_rolled_back_transaction(stores["sqlite"], import_then_export(plain))
    assert refused["refused"].startswith("fuzz: payment #1: reference 'v\\x001': holds a NUL character")


@pytest.mark.parametrize("section, key", [("opening", "contract"), ("amendment", "contract"), ("assessment", "contract"),
                                          ("payment", "contract"), ("fee_amount", "fee_line"), ("budget", "programme"),
                                          ("transition", "line"), ("suspension", "line")])
def test_a_nul_in_the_code_an_entry_belongs_to_is_refused_alike(stores, section, key):
    """Found by the property above on PostgreSQL: an entry naming its contract (fee line, programme) by a code holding a
    NUL was looked up in the store, which PostgreSQL refuses outright ("cannot be used: PostgreSQL text fields cannot
    contain NUL"), the whole import with it, where SQLite said "is not a contract". A code is refused as text first."""
    entry = {"opening": {"as_of": "2023-01-01", "owed": "0", "source": "s"},
             "amendment": {"effective_from": "2023-07-01", "annual_fee": "1200.00"},
             "assessment": {"seq": 1, "assessed_on": "2023-04-02"},
             "payment": {"paid_on": "2023-04-20", "amount": "10.00", "seq": 1},
             "fee_amount": {"year": 2023, "paid": "1000.00"},
             "budget": {"year": 2023, "original": "1000.00", "unit": "yuan"},
             "transition": {"start": "2024-01-01", "approved_by": "city"},
             "suspension": {"start": "2024-06-01", "reason": "r"}}[section]
    data = {"contract": [{"code": "C1", "name": "合同", "billing_start": "2023-01-01", "billing_months": 12, "annual_fee": "1,200.00"}],
            section: [{key: "C\x001", **entry}]}
    for backend in ("sqlite", "postgresql"):
        if backend in stores:
            refused = in_rolled_back_transaction(stores[backend], import_then_export(data))["refused"]
            assert refused == f"fuzz: {section} #1: {key} 'C\\x001': holds a NUL character (\\x00), which no database keeps", (backend, refused)

