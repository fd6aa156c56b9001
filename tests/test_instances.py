"""contracts.instances.maker: a value made from every field at once is the value the dataclass's __init__ makes, field
for field (equal, the same repr and hash, the same attributes in the same order), for every class it is used on."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.budget import FyRow
from contracts.contract import Contract
from contracts.instances import maker
from contracts.lines import Segment, ServiceLine
from contracts.procurement import LineFacts, LineStatus

texts = st.text(max_size=6)
days = st.dates(dt.date(1990, 1, 1), dt.date(2070, 12, 31))
amounts = st.none() | st.decimals(min_value=-10**6, max_value=10**6, places=2, allow_nan=False)

VALUES = {
    FyRow: st.tuples(texts, texts, st.sampled_from(["contract", "fee line", "programme"]), amounts, amounts, amounts,
                     amounts, amounts, amounts, amounts, amounts, amounts, amounts, texts),
    Segment: st.tuples(st.sampled_from(["contract", "gap", "transition"]), days, days, st.tuples(texts), st.booleans()),
    ServiceLine: st.tuples(texts, texts, texts, texts),
    LineStatus: st.tuples(texts, texts, st.tuples(texts), texts, texts, st.none() | days, texts, st.just(()), st.just(()),
                          st.none() | days, st.none() | st.integers(0, 40), amounts.filter(lambda a: a is not None),
                          amounts, st.none() | days, st.tuples(texts), st.none() | days),
}


@settings(max_examples=60, deadline=None)
@given(data=st.data(), cls=st.sampled_from(sorted(VALUES, key=lambda c: c.__name__)))
def test_made_at_once_is_made_by_init(data, cls):
    values = data.draw(VALUES[cls])
    made, plain = maker(cls)(*values), cls(*values)
    assert made == plain and repr(made) == repr(plain) and hash(made) == hash(plain)
    assert list(vars(made)) == list(vars(plain))


def test_line_facts_made_at_once_are_made_by_init():
    line = ServiceLine("L-1", "a line")
    made, plain = maker(LineFacts)(line, False, [], {}, [], [], [], []), LineFacts(line, explicit=False)
    assert made == plain and repr(made) == repr(plain) and list(vars(made)) == list(vars(plain))
    made.contracts.append("x")  # its own lists, not shared with another's
    assert maker(LineFacts)(line, False, [], {}, [], [], [], []).contracts == []


def test_only_plain_dataclasses_and_every_field():
    with pytest.raises(TypeError, match="__post_init__"):
        maker(Contract)  # its __post_init__ would be skipped
    with pytest.raises(ValueError):
        maker(Segment)("gap", dt.date(2024, 1, 1), dt.date(2024, 2, 1))  # a field left out is an error, not a default
    assert maker(Segment)("gap", dt.date(2024, 1, 1), dt.date(2024, 2, 1), (), False).refs == ()
