"""The history: every change, who made it, when, and the values before and after."""

import json

from .conftest import EXAMPLE


def test_every_change_is_logged_with_who_and_what(cli):
    cli("--user", "clerk-li", "import", str(EXAMPLE))
    cli("--user", "clerk-wang", "pay", "ENTRY", "--amount", "55350", "--on", "2023-06-20", "--seq", "1", "--ref", "v1")
    cli("rule", "add", "TW2", "--name", "online", "--kind", "threshold", "--effective-from", "2022-02-24", "--metric",
        "online_rate", "--threshold", "95", "--step", "1", "--per-step-share", "1/45")
    cli("--user", "li", "assess", "TW2", "--seq", "7", "--metric", "online_rate=93.4", "--on", "2023-12-01")
    cli("--user", "wang", "assess", "TW2", "--seq", "7", "--metric", "online_rate=96", "--on", "2023-12-02", "--replace")
    rows = cli.json("history")
    actions = [row["action"] for row in rows]
    assert actions.count("add contract") == 7 and actions.count("pay") == 3  # two payments come with the file
    assert all(row["user"] == "clerk-li" for row in rows if row["action"] == "add contract")
    pay = next(row for row in rows if row["action"] == "pay" and row["contract"] == "ENTRY")
    assert pay["user"] == "clerk-wang" and pay["contract"] == "ENTRY"
    assert json.loads(pay["after"])["amount"] == "55350.00" and pay["before"] is None
    tw2 = cli.json("history", "TW2")
    correction = tw2[-1]
    assert (correction["action"], correction["user"]) == ("correct assessment", "wang")
    assert json.loads(correction["before"])["metrics"] == [["online_rate", "93.4"]]
    assert json.loads(correction["after"])["metrics"] == [["online_rate", "96"]]
    assert all(row["contract"] == "TW2" for row in tw2)


def test_a_refused_change_leaves_no_history(cli):
    cli("import", str(EXAMPLE))
    before = cli.json("history")
    cli("pay", "ENTRY", "--amount", "99999999", "--on", "2023-06-20", ok=False)
    assert cli.json("history") == before
