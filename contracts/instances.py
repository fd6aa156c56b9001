"""Making many dataclass values quickly, for the few places that make one per contract of a province.

A dataclass's generated ``__init__`` takes keywords, fills defaults and, when frozen, sets each field through
``object.__setattr__``: four microseconds for a value of fifteen fields, a third of a second per 100,000 contracts,
paid again for each kind of value a whole-portfolio answer makes (a line per contract, its status, its segments, a
row per year). ``maker(cls)`` gives a function that makes the same value from every field in order, setting them all
at once: what ``__init__`` leaves behind, for a class with no ``__post_init__`` and no slots (checked here).
tests/test_instances.py holds each value made so equal to the one its ``__init__`` makes, field by field.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, TypeVar

T = TypeVar("T")


def maker(cls: type[T]) -> Callable[..., T]:
    """``make(*values)``: ``cls(*values)`` with every field given, in the order the class declares them."""
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
        raise TypeError(f"{cls.__name__}: only a dataclass with no __post_init__ and no slots can be made this way")
    names = tuple(field.name for field in dataclasses.fields(cls))
    new = object.__new__

    def make(*values: Any) -> T:
        instance = new(cls)
        instance.__dict__.update(zip(names, values, strict=True))
        return instance

    make.__name__ = f"make_{cls.__name__}"
    return make
