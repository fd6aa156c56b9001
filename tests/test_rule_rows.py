"""A stored rule is read once per distinct text (db/mapping.rule_from_row): each contract's rule must be the rule
make_rule gives for it, with its own code, for every rule shape the tool knows (examples/demo-om.toml has them all)."""

from __future__ import annotations

import json
from types import SimpleNamespace

from contracts.deductions import make_rule
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
        for code in (rule.contract, "OTHER-1"):
            made = make_rule(json.loads(params), code)
            read = rule_from_row(SimpleNamespace(params=params), code)
            assert read == made and repr(read) == repr(made) and read.contract == code


def loaded_demo():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "examples" / "demo-om.toml"
