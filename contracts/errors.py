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
