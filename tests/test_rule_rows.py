"""A stored rule is read once per distinct text (db/mapping.rule_from_row): each contract's rule must be the rule
make_rule gives for it, with its own code, for every rule shape the tool knows (examples/demo-om.toml has them all)."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest

from contracts.deductions import make_rule
from contracts.errors import ContractsError
from db.mapping import rule_from_row, rule_to_row


def test_every_stored_rule_shape_reads_back_as_make_rule_reads_it(loaded):
    from db.store import open_store

    loaded("import", str(loaded_demo()))
    store = open_store(loaded.url, create=False).store
    try:
        contracts = store.load()
    finally:
        store.close()
    rules = [rule for contract in contracts for rule in contract.rules]
    assert len({rule.kind for rule in rules}) >= 5  # threshold, scorecard, per-unit, itemized, cap
    for rule in rules:
        params = rule_to_row(rule, 1).params
        # the same text on other days (each contract's copy takes effect on its own), and with a note that looks like
        # a day (a note's quotes are escaped in the text, so only the rule's own day is read as one)
        raw = json.loads(params)
        others = [json.dumps({**raw, "effective_from": day}, ensure_ascii=False, sort_keys=True)
                  for day in ("1999-12-31", "2024-02-29", raw["effective_from"])]
        others.append(json.dumps({**raw, "note": 'moved "effective_from": "2031-05-06"'}, ensure_ascii=False, sort_keys=True))
        for text in [params] + others:
            for code in (rule.contract, "OTHER-1"):
                made = make_rule(json.loads(text), code)
                read = rule_from_row(SimpleNamespace(params=text), code)
                assert read == made and repr(read) == repr(made) and read.contract == code
                assert read.effective_from == dt.date.fromisoformat(json.loads(text)["effective_from"])


def test_a_stored_day_out_of_range_is_refused_as_make_rule_refuses_it():
    rule = make_rule({"name": "online", "kind": "threshold", "effective_from": "2023-01-01", "metric": "online_rate",
                      "threshold": "95", "step": "1", "per_step_share": "1/45"}, "C-1")
    text = rule_to_row(rule, 1).params.replace("2023-01-01", "1066-10-14")
    with pytest.raises(ContractsError) as made:
        make_rule(json.loads(text), "C-1")
    with pytest.raises(ContractsError) as read:
        rule_from_row(SimpleNamespace(params=text), "C-1")
    assert str(read.value) == str(made.value) and "effective_from" in str(read.value)


def loaded_demo():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "examples" / "demo-om.toml"
