"""The one exception type of the project: a bad value, named by its field."""

from __future__ import annotations


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
        shown = "" if self.value is None else f" {self.value!r}" if isinstance(self.value, str) else f" {self.value}"
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}{self.field}{shown}: {self.problem}"

    def located(self, where: str) -> "ContractsError":
        """The same error, said to come from ``where`` (prepended to any place it had)."""
        place = f"{where}: {self.where}" if self.where else where
        return ContractsError(self.field, self.value, self.problem, place)
