"""One set of limits for every value the program stores, checked before any database sees it.

SQLite takes a text of any length and a NUL byte; PostgreSQL refuses a ``VARCHAR(200)`` of 201
characters and any NUL. So that a store made on one restores on the other, and so that a refusal
names the field rather than the database, every parser reads its text and numbers through here:

* ``TEXT``: the longest text of each field, and whether it is one line (no control character at all)
  or free text (tabs and line breaks allowed, nothing else). No text holds a NUL or a lone surrogate.
* whole numbers and measured values: ASCII digits only (``１２`` and ``١٢`` are refused, though
  Python's ``int`` and ``Decimal`` would read them), within a range named by the field.
* files: a size, and a depth of nesting, checked before a parser sees them (a TOML or JSON parser
  recurses into nested arrays and would fail with a RecursionError).

Pure: no IO, no clock. The limits of the database columns (db/tables.py) are at least these.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import ContractsError

# -- text ----------------------------------------------------------------------------------------

LINE, FREE = "line", "free"  # one line of text; free text (may hold tabs and line breaks)

CODE = (32, LINE)
TITLE = (500, LINE)
REFERENCE = (500, LINE)
NOTE = (2000, FREE)
NOTES = (10000, FREE)

# record -> field -> (most characters, LINE or FREE). One table: every parser looks its fields up here.
TEXT: dict[str, dict[str, tuple[int, str]]] = {
    "contract": {"code": CODE, "name": TITLE, "vendor": TITLE, "buyer": TITLE, "stated_end": (100, LINE),
                 "notes": NOTES, "source": NOTE, "line": CODE, "unit": (100, LINE)},
    "amendment": {"reference": REFERENCE, "note": NOTE},
    "rule": {"contract": CODE, "name": (100, LINE), "metric": (100, LINE), "note": NOTE},
    "assessment": {"metric": (100, LINE), "item": (500, LINE), "assessed_by": (200, LINE), "document": REFERENCE},
    "payment": {"reference": (200, LINE), "note": NOTE},
    "opening": {"source": NOTE},
    "line": {"code": CODE, "name": TITLE, "buyer": TITLE, "notes": NOTES},
    "tender": {"line": CODE, "method_approval": REFERENCE, "contract": CODE, "note": NOTE},
    "transition": {"line": CODE, "approved_by": TITLE, "basis": NOTE, "reference": REFERENCE},
    "suspension": {"line": CODE, "reason": NOTE, "reference": REFERENCE},
    "usage": {"note": NOTE},
    "programme": {"code": CODE, "name": TITLE, "department": TITLE, "notes": NOTES},
    "budget": {"source": NOTE, "purpose": NOTE},
    "fee_line": {"code": CODE, "name": TITLE, "notes": NOTES, "unit": (100, LINE), "sub_unit": (100, LINE)},
    "fee_amount": {"note": NOTE, "source": NOTE, "quantity_unit": (100, LINE), "months": (200, LINE)},
    "vendor": {"name": TITLE, "credit_code": (18, LINE), "bank": (200, LINE), "account": (64, LINE), "contact": (200, LINE)},
    "history": {"at": (32, LINE), "user": (100, LINE), "account": (100, LINE), "action": (40, LINE), "contract": CODE,
                "record": (300, LINE), "hash": (64, LINE)},
}

# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators, which break a line
# as surely as a newline does; free text may hold tabs and line breaks (\t \n \r) and nothing else of these.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_FREE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def limit_of(record: str, field: str) -> tuple[int, str]:
    return TEXT[record][field]


def text(value: Any, record: str, field: str, *, required: bool = False, shown: str | None = None) -> str:
    """A text field, stripped, within its limit, with no character that does not belong in it.

    ``shown`` names the field in the error when it differs from its name in the table (e.g. "metric online_rate").
    """
    name = shown or field
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ContractsError(name, value, "must be text")
    value = value.strip()
    if required and not value:
        raise ContractsError(name, None, "is required")
    check_text(value, record, field, shown=name)
    return value


def check_text(value: str, record: str, field: str, *, shown: str | None = None) -> None:
    """Refuse a text that is too long or holds a character its field cannot keep."""
    name = shown or field
    limit, kind = TEXT[record][field]
    if len(value) > limit:
        raise ContractsError(name, value, f"is {len(value):,} characters long; at most {limit:,} are kept")
    if "\x00" in value:
        raise ContractsError(name, value, "holds a NUL character (\\x00), which no database keeps")
    if _SURROGATE.search(value):
        raise ContractsError(name, value, "holds a broken character (a lone UTF-16 surrogate), not text")
    bad = (_CONTROL if kind == LINE else _FREE_CONTROL).search(value)
    if bad:
        what = "a line break" if bad.group() in "\n\r\u2028\u2029" else f"a control character ({bad.group()!r})"
        raise ContractsError(name, value, f"holds {what}; it must be one line of text" if kind == LINE
                             else f"holds {what}; only tabs and line breaks are kept in free text")


# -- whole numbers and measured values ------------------------------------------------------------

_WHOLE = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")

QUANTITY_MAX = 10**9  # units delivered in one period: a billion seal sets is a typo, and it fits a 32-bit column
METRIC_MAX = Decimal(10**9)  # a measured value (hours, counts) when the rule declares no range of its own
DECIMAL_PLACES = 6  # a measured value, threshold or step is kept to the millionth
SHARE_DENOMINATOR_MAX = 10**6  # 1/45 is a share; 1/10^4000 is not
POSITION_MAX = 10**6
BIDDERS_MAX = 10**4
ID_MAX = 2**31 - 1  # ids are 32-bit integers on PostgreSQL

# Numeric command-line options, by field: the largest value that still means something.
OPTION_MAX = {
    "within": 36500, "horizon": 36500, "grace_days": 36500,  # days: a century
    "prep_days": 3650, "award_days": 3650, "signing_days": 3650,
    "transition_limit": 1200,  # months
    "seq": 100000, "reverse": ID_MAX, "years": 50, "year": 2200, "from": 2200,
}
OPTION_MAX_DEFAULT = 10**6


def non_ascii_digit(value: str) -> str | None:
    """The first digit that is not one of 0-9 (full-width, Arabic-Indic...), if any."""
    return next((ch for ch in value if ch.isdigit() and not "0" <= ch <= "9"), None)


def _digits_hint(value: str) -> str:
    ch = non_ascii_digit(value)
    return f" (it holds {unicodedata.name(ch, 'a non-ASCII digit').lower()} {ch!r}: type the digits 0-9)" if ch else ""


def whole(value: Any, field: str, *, minimum: int | None = 0, maximum: int | None = None, default: int | None = None,
          what: str = "a whole number") -> int:
    """A whole number (int, an integral Decimal, or ASCII digits with an optional sign) within a range."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is None:
            raise ContractsError(field, None, "is required")
        return default
    if isinstance(value, bool):
        raise ContractsError(field, value, f"must be {what}")
    if isinstance(value, str):
        stripped = value.strip()
        if not _WHOLE.fullmatch(stripped):
            raise ContractsError(field, value, f"must be {what}{_digits_hint(stripped)}")
        if len(stripped) > 30:
            raise ContractsError(field, value, f"is far too large{_range(minimum, maximum)}")
        number = int(stripped)
    elif isinstance(value, int):
        number = value
    elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value() and abs(value) < 10**30:
        number = int(value)
    else:
        raise ContractsError(field, value, f"must be {what}")
    if minimum is not None and number < minimum:
        raise ContractsError(field, number, "must not be negative" if minimum == 0 else f"must be{_range(minimum, None)}")
    if maximum is not None and number > maximum:
        raise ContractsError(field, number, f"must be{_range(None, maximum)}")
    return number


def _range(minimum, maximum) -> str:
    def shown(number) -> str:
        return f"{number:,}" if abs(number) >= 10000 else f"{number}"

    if minimum is not None and maximum is not None:
        return f" between {shown(minimum)} and {shown(maximum)}"
    if minimum is not None:
        return f" {shown(minimum)} or more"
    if maximum is not None:
        return f" at most {shown(maximum)}"
    return ""


def option_whole(value: str, field: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """A numeric command-line option: ASCII digits, within the range that option can mean."""
    return whole(value, field, minimum=minimum, maximum=maximum if maximum is not None else OPTION_MAX.get(field, OPTION_MAX_DEFAULT))


def number(value: Any, field: str, *, minimum: Decimal | None = None, maximum: Decimal | None = None,
           places: int = DECIMAL_PLACES) -> Decimal:
    """A measured value (a rate, a score, hours), exact: ASCII digits, a sign, a decimal point, within a range.

    A ``Decimal`` (a TOML float, read exactly) is taken as it is; text must be plain digits: no exponent,
    no infinity or NaN, no full-width digits.
    """
    if isinstance(value, (bool, float)):
        raise ContractsError(field, value, "give the number as text (e.g. 93.4), not floating point")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    else:
        text_value = str(value).strip()
        if not _NUMBER.fullmatch(text_value) or len(text_value) > 40:
            raise ContractsError(field, value, f"is not a number (e.g. 93.4){_digits_hint(text_value)}")
        result = Decimal(text_value)
    if not result.is_finite():
        raise ContractsError(field, value, "is not a number (e.g. 93.4)")
    if (minimum is not None and result < minimum) or (maximum is not None and result > maximum):
        raise ContractsError(field, value, f"must be{_range(minimum, maximum)}")
    if result.as_tuple().exponent < -places:  # type: ignore[operator]
        try:
            exact = result.quantize(Decimal(1).scaleb(-places))
        except InvalidOperation:
            exact = None
        if exact != result:
            raise ContractsError(field, value, f"has more than {places} decimals")
        result = exact
    return result + 0 if result == 0 else result  # -0 is 0


# -- files ---------------------------------------------------------------------------------------

MAX_FILE_BYTES = 512 * 1024 * 1024  # a province's portfolio with its history is a few hundred MB at most
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024  # what an XLSX (a zip) may unpack to
MAX_DEPTH = 32  # our files nest four or five levels deep

_TOML_TOKENS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]')
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def check_size(size: int, source: str, *, limit: int = MAX_FILE_BYTES) -> None:
    if size > limit:
        raise ContractsError("file", source, f"is {size / 2**20:,.0f} MB; files of at most {limit / 2**20:,.0f} MB are read")


def check_nesting(text_value: str, source: str, syntax: str) -> None:
    """Refuse a TOML or JSON text nested deeper than MAX_DEPTH, before a (recursive) parser sees it.

    Brackets inside strings and comments do not count. A text with fewer brackets than the limit
    cannot be too deep, which spares the scan for most files.
    """
    if text_value.count("[") + text_value.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for match in (_TOML_TOKENS if syntax == "toml" else _JSON_TOKENS).finditer(text_value):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ContractsError("file", source, f"nests more than {MAX_DEPTH} levels deep; it is not a portfolio file")
        elif token in "]}":
            depth = max(depth - 1, 0)


def check_depth(data: Any, source: str) -> None:
    """Refuse data nested deeper than MAX_DEPTH (TOML's dotted keys nest without brackets), without recursion."""
    stack = [(data, 1)] if isinstance(data, (dict, list)) else []
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ContractsError("file", source, f"nests more than {MAX_DEPTH} levels deep; it is not a portfolio file")
        for value in item.values() if isinstance(item, dict) else item:
            if isinstance(value, (dict, list)):  # only containers nest; the scalars (most of a file) are passed over
                stack.append((value, depth + 1))
