"""The one exception type of the project: a bad value, named by its field."""

from __future__ import annotations

import re
import reprlib

# Anything that would break the one line of an error, or drive the terminal (ESC): shown escaped.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SHOWN_CHARACTERS = 200  # of a value in a message: a long path in full, never a whole file

_repr = reprlib.Repr()
_repr.maxlevel, _repr.maxstring, _repr.maxother, _repr.maxlong = 3, 80, 80, 40
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


class ContractsErrors(ContractsError):
    """Every refused input of one file at once: an import reports them all, each with its place, then writes nothing.

    It is a ``ContractsError`` (the first one's field, value and place) so that code which reports one line still
    can; front ends that can show a list read ``errors``.
    """

    def __init__(self, errors: list[ContractsError]) -> None:
        self.errors = [error for many in errors for error in (many.errors if isinstance(many, ContractsErrors) else [many])]
        first = self.errors[0]
        super().__init__(first.field, first.value, first.problem, first.where)

    def line(self) -> str:
        first = self.errors[0].line()
        more = len(self.errors) - 1
        return first if not more else f"{first} (and {more} more error{'s' if more > 1 else ''})"

    def located(self, where: str) -> "ContractsErrors":
        return ContractsErrors([error.located(where) for error in self.errors])


class Collector:
    """Collects refused inputs instead of stopping at the first: ``with collector.at(place): ...`` records a
    ``ContractsError`` raised inside, said to come from ``place``, and carries on after the block."""

    def __init__(self) -> None:
        self.errors: list[ContractsError] = []

    def at(self, where: str = "") -> "_Catching":
        return _Catching(self, where)

    def add(self, error: ContractsError) -> None:
        self.errors.extend(error.errors if isinstance(error, ContractsErrors) else [error])

    def raise_any(self) -> None:
        if self.errors:
            raise ContractsErrors(self.errors)


class _Catching:
    def __init__(self, collector: Collector, where: str) -> None:
        self.collector, self.where = collector, where
        self.failed = False

    def __enter__(self) -> "_Catching":
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        if isinstance(error, ContractsError):
            self.collector.add(error.located(self.where) if self.where else error)
            self.failed = True
            return True  # handled: the caller goes on with the next entry
        return False
