"""The one exception type of the project: a bad value, named by its field."""

from __future__ import annotations

import re
import reprlib

# Anything that would break the one line of an error, or drive the terminal (ESC): shown escaped.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SHOWN_CHARACTERS = 80  # of a value in a message: enough to recognise it, never a whole file

_repr = reprlib.Repr()
_repr.maxlevel, _repr.maxstring, _repr.maxother, _repr.maxlong = 3, _SHOWN_CHARACTERS, _SHOWN_CHARACTERS, 40
_repr.maxdict = _repr.maxlist = _repr.maxtuple = _repr.maxset = 6


def _escape(match: re.Match) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def escaped(text: str) -> str:
    """``text`` with every control character written as an escape (\\n, \\x1b), so it stays one harmless line."""
    return _UNPRINTABLE.sub(_escape, text)


def shown_value(value: object) -> str:
    """A value as a message shows it: text quoted and cut short, anything else briefly, never a traceback."""
    if isinstance(value, str):
        cut = value if len(value) <= _SHOWN_CHARACTERS else value[:_SHOWN_CHARACTERS] + "..."
        return repr(cut)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return str(value) if value.bit_length() < 128 else f"(a whole number of about {int(value.bit_length() * 0.30103)} digits)"
    if isinstance(value, (dict, list, tuple, set)):
        return _repr.repr(value)
    text = str(value)
    return text if len(text) <= _SHOWN_CHARACTERS else text[:_SHOWN_CHARACTERS] + "..."


class ContractsError(Exception):
    """A refused input or an impossible request.

    ``field`` and ``value`` name what was wrong so that the CLI can print one
    clear line; ``where`` (optional) says where the value came from, e.g. a
    file and the contract it belongs to.
    """

    def __init__(self, field: str, value: object, problem: str, where: str = "") -> None:
        self.field = field
        self.value = value
        self.problem = problem
        self.where = where
        super().__init__(self.line())

    def line(self) -> str:
        """One line, whatever the value holds: control characters escaped, long values cut short."""
        shown = "" if self.value is None else f" {shown_value(self.value)}"
        prefix = f"{self.where}: " if self.where else ""
        return escaped(f"{prefix}{self.field}{shown}: {self.problem}")

    def located(self, where: str) -> "ContractsError":
        """The same error, said to come from ``where`` (prepended to any place it had)."""
        place = f"{where}: {self.where}" if self.where else where
        return ContractsError(self.field, self.value, self.problem, place)
