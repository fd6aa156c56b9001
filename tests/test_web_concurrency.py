"""Many people at once (#14 point 7), over HTTP against `contracts serve` on PostgreSQL: eight finance clerks send a
payment on the same installment at the same instant, and the store never takes more than the installment owes.

Each clerk is a thread with an httpx client of its own (its own session cookie and form token), signed in before
the race; a barrier releases the eight forms together. The server runs with one worker (the app's threads) and with
four (uvicorn's processes: the contract's row lock in PostgreSQL is then all that stands between them).

Skipped unless CONTRACTS_TEST_DATABASE_URL names a PostgreSQL server (`.ci/run` sets it); each
test gets a database of its own (tests/conftest.py's ``db_url``), dropped afterwards.
"""

from __future__ import annotations

import json
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from tests import web_server
from tests.conftest import EXAMPLE, PG_ENV

pytestmark = [
    pytest.mark.slow,  # servers started, argon2 sign-ins, eight threads: about a minute
    pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"needs PostgreSQL: set {PG_ENV} (postgresql://...)"),
    pytest.mark.parametrize("db_url", ["postgresql"], indirect=True),
]

CLERKS = 8
FINANCE = ("wang", "zhao")  # two finance users, four browsers each
# TW2's 2023 installments are owed in full in the Emeishan example: 1,232,438.34 each (4,929,753.36 a year / 4; its
# rule is "unrecorded", so nothing is deducted and the net is the gross). A third of it is 410,812.78
# (3 x 410,812.78 = 1,232,438.34 exactly): of eight such payments exactly three fit.
NET = Decimal("1232438.34")
THIRD = Decimal("410812.78")
PAID_ON = "2023-12-31"


def _installment(url: str, seq: int) -> dict:
    rows = json.loads(web_server.contracts(url, "payable", "TW2", "--seq", str(seq), "--as-of", "2024-03-31",
                                           "--format", "json"))
    return rows[0]


def _payments(url: str, seq: int) -> list[dict]:
    return [row for row in json.loads(web_server.contracts(url, "payments", "TW2", "--format", "json"))
            if str(row.get("seq")) == str(seq)]


@pytest.fixture
def office(db_url, tmp_path):
    web_server.contracts(db_url, "import", str(EXAMPLE))
    for name in FINANCE:
        web_server.add_user(db_url, name, ["finance"])
    return db_url


def _race(server, forms: list[dict]) -> list[tuple[int, str]]:
    """Each form sent by its own clerk (signed in and holding the payments page, hence its token, beforehand), all
    released at once; (status, page text) of each."""
    clients = [web_server.signed_in(server.url, FINANCE[i % len(FINANCE)]) for i in range(len(forms))]
    pages = [client.get("/contracts/TW2/payments") for client in clients]
    assert all(page.status_code == 200 for page in pages), [page.status_code for page in pages]
    start = threading.Barrier(len(forms))

    def send(i: int) -> tuple[int, str]:
        form = {"csrf_token": web_server.form_token(pages[i].text), **forms[i]}
        start.wait()
        answer = clients[i].post("/contracts/TW2/payments", data=form)
        return answer.status_code, answer.text

    try:
        with ThreadPoolExecutor(len(forms)) as pool:
            return list(pool.map(send, range(len(forms))))
    finally:
        for client in clients:
            client.close()


@pytest.mark.parametrize("workers", [1, 4])
def test_eight_clerks_pay_one_installment_at_once_and_only_what_fits_is_taken(office, tmp_path, workers):
    url = office
    seq = 4  # due 2023-02-24, nothing paid on it
    assert (Decimal(_installment(url, seq)["owed"]), Decimal(_installment(url, seq)["net"])) == (NET, NET)
    with web_server.serving(url, workers=workers, folder=tmp_path) as server:
        # Forms made elsewhere (no owed_seen): only the overpayment check and the row lock decide.
        forms = [{"paid_on": PAID_ON, "amount": str(THIRD), "seq": str(seq), "reference": f"race {i + 1}", "owed_seen": ""}
                 for i in range(CLERKS)]
        answers = _race(server, forms)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [303] * 3 + [422] * 5, statuses
    for status, text in answers:
        if status == 422:  # refused as the CLI refuses it: with what is owed (0.00, once three were placed)
            assert "0.00" in text and re.search(r"owe|欠", text), text[:2000]
    stored = _installment(url, seq)
    assert (Decimal(stored["paid"]), Decimal(stored["owed"]), stored["state"]) == (NET, Decimal("0.00"), "paid"), stored
    placed = _payments(url, seq)
    assert len(placed) == 3 and sum(Decimal(row["amount"]) for row in placed) == NET, placed


def test_eight_clerks_sending_the_same_shown_form_pay_once(office, tmp_path, workers=4):
    """The forms were all shown while 1,232,438.34 was owed (owed_seen): the first one through pays; the other seven
    are stale (409), though a third of the installment would still fit, and nothing of theirs is written."""
    url = office
    seq = 5
    with web_server.serving(url, workers=workers, folder=tmp_path) as server:
        forms = [{"paid_on": PAID_ON, "amount": str(THIRD), "seq": str(seq), "reference": f"same form {i + 1}",
                  "owed_seen": str(NET)} for i in range(CLERKS)]
        answers = _race(server, forms)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [303] + [409] * 7, statuses
    stored = _installment(url, seq)
    # 1,232,438.34 - 410,812.78 = 821,625.56 still owed
    assert (Decimal(stored["paid"]), Decimal(stored["owed"])) == (THIRD, Decimal("821625.56")), stored
    assert len(_payments(url, seq)) == 1


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (uvicorn's workers), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return found


def test_four_workers_serve_many_readers_at_once(office, tmp_path):
    """`contracts serve --workers 4` on PostgreSQL: four worker processes; eight clients read pages at once, their
    sessions (signed with the key every worker shares) good on whichever worker answers, and a change made through
    one worker (wang's amounts in yuan) shown by all of them."""
    url = office
    with web_server.serving(url, workers=4, folder=tmp_path) as server:
        assert len(_children(server.pid)) >= 4, server.output()  # the workers (and multiprocessing's helper, if any)
        clients = [web_server.signed_in(server.url, FINANCE[i % len(FINANCE)]) for i in range(CLERKS)]
        try:
            page = clients[0].get("/settings")
            token = web_server.form_token(page.text)
            saved = clients[0].post("/settings", data={"csrf_token": token, "csrf": token, "language": "zh",
                                                       "money_unit": "yuan"})
            assert saved.status_code == 303, saved.text[:500]
            start = threading.Barrier(CLERKS)

            def read(i: int) -> list[tuple[int, str, int, bool]]:
                # TW2's installment: 1,232,438.34 yuan for wang (yuan), 123.24 for zhao (万元, rounded to 0.01)
                owed = "1,232,438.34" if FINANCE[i % len(FINANCE)] == "wang" else "123.24"
                start.wait()
                seen = []
                for _ in range(3):
                    for path, expected in (("/", "首页"), ("/contracts?q=TW", "TW2"), ("/contracts/TW2", "天网二期"),
                                           ("/history", "TW2"), ("/contracts/TW2/payments", owed)):
                        answer = clients[i].get(path)
                        seen.append((i, path, answer.status_code, expected in answer.text))
                return seen

            with ThreadPoolExecutor(CLERKS) as pool:
                results = [row for rows in pool.map(read, range(CLERKS)) for row in rows]
        finally:
            for client in clients:
                client.close()
    failed = [row for row in results if row[2] != 200 or not row[3]]
    assert not failed, failed[:10]
