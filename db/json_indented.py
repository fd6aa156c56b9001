"""``json.dumps(value, ensure_ascii=False, indent=1)`` written faster, the very same text.

With ``indent`` set, the json module encodes in pure Python (its C encoder only writes compact text): an export of a
province spent half its time there (issue #17). Here the containers are walked in Python and every scalar is written
by the C functions the json module itself uses (strings by ``encode_basestring``, integers by ``int.__repr__``);
anything else (a float, a str or int subclass, a key that is not a string) is handed to ``json.dumps`` itself.
``tests/test_json_indented.py`` holds the two equal for any JSON value.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _string  # the C function where there is one
from typing import Any

_int = int.__repr__


def dumps_indent1(value: Any, newline: str = "\n") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=1).replace("\\n", newline)``."""
    kind = type(value)
    if kind is str:
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return _int(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = newline + " "
        parts = []
        for key, item in value.items():
            if type(key) is not str:
                return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", newline)
            kind = type(item)  # the commonest scalars written here, without a call each (an export has millions)
            if kind is str:
                parts.append(_string(key) + ": " + _string(item))
            elif item is None:
                parts.append(_string(key) + ": null")
            elif kind is int:
                parts.append(_string(key) + ": " + _int(item))
            else:
                parts.append(_string(key) + ": " + dumps_indent1(item, inner))
        return "{" + inner + ("," + inner).join(parts) + newline + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = newline + " "
        return "[" + inner + ("," + inner).join([dumps_indent1(item, inner) for item in value]) + newline + "]"
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", newline)
