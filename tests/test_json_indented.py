"""db/json_indented.py writes what json.dumps(..., ensure_ascii=False, indent=1) writes, for any JSON value."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from db.json_indented import dumps_indent1

from .strategies import contract_terms

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text()
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4), max_leaves=30)


@settings(max_examples=600, deadline=None)
@given(values, st.sampled_from(["\n", "\n ", "\n  "]))
def test_the_same_text_as_json(value, newline):
    assert dumps_indent1(value, newline) == json.dumps(value, ensure_ascii=False, indent=1).replace("\n", newline)


def test_text_with_quotes_newlines_and_chinese():
    value = {"name": '峨眉山 "视频" \n\t\u2028', "list": [1, True, None, {}], "empty": []}
    assert dumps_indent1(value) == json.dumps(value, ensure_ascii=False, indent=1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.builds(lambda terms, note: (terms, {"note": note, "fee": terms.annual_fee}),
                          contract_terms(), st.text(max_size=5)),
                max_size=3))
def test_plain_values_are_what_the_history_encoder_writes(items):
    """db.history.plain (an export's terms: a dataclass met before takes a shorter way) gives what the history's
    encoder makes of the same values: dates, Decimals, enums and dataclasses all the way down."""
    from db.history import _default, plain

    for _ in range(2):  # the first time a dataclass is met, and after
        assert plain(items) == json.loads(json.dumps(items, default=_default, ensure_ascii=False))
