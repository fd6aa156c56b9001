"""What the data-changing pages (考核, 付款, 采购, 预算, 导入, ...) share: the form's token field, a refused value
placed at the field it came from, and a rehearsal (the very write, rolled back) for a preview.

The pages never check a value themselves: they hand what was typed to the same functions the CLI calls, and a
ContractsError they raise (field, value, the CLI's words) is shown at the form field it names.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from contracts.errors import ContractsError

CSRF_FIELD = "csrf_token"  # these forms' hidden token field (the guard accepts it beside the core's "csrf")
FORM = "form"  # where a message that belongs to no one field is shown: at the top of the form


class _Rehearsal(Exception):
    """Carries a rehearsed write's answer out of its transaction, which then rolls back."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer


def rehearse(store, work: Callable[[Any], Any]) -> Any:
    """``work(session)`` inside a writing transaction of ``store``, with the row locks and every check of the real
    write, then rolled back: what the write would answer, and nothing written (a preview)."""
    try:
        with store.session(write=True) as session:
            raise _Rehearsal(work(session))
    except _Rehearsal as done:
        return done.answer


def field_of(error: ContractsError, fields: Iterable[str], aliases: Mapping[str, str] | None = None) -> str:
    """The form field a refused value belongs to: the error's field itself, its alias (the domain's name for a
    field the form names otherwise: ``paid_on`` -> ``on``), ``metric_<name>`` for a metric, else the form."""
    fields = set(fields)
    aliases = aliases or {}
    name = error.field
    if name in aliases and aliases[name] in fields:
        return aliases[name]
    if name in fields:
        return name
    head, _, rest = name.partition(" ")
    if head == "metric":  # "metric online_rate" (its value) or "metric" with the metric's name as the value
        metric = rest or (error.value if isinstance(error.value, str) else "")
        if f"metric_{metric}" in fields:
            return f"metric_{metric}"
    if head in aliases and aliases[head] in fields:
        return aliases[head]
    if head in fields:
        return head
    return FORM


def errors_at(error: ContractsError, fields: Iterable[str], aliases: Mapping[str, str] | None = None) -> dict[str, str]:
    """{form field: the CLI's one-line message} for a refused value: its very words, in English as the CLI's error
    lines are (README), since a half-translated sentence would say less than either; the page around it is Chinese."""
    return {field_of(error, fields, aliases): error.line()}


def typed(form: Mapping[str, Any], fields: Iterable[str]) -> dict[str, str]:
    """The form as typed (text fields only), to show it again."""
    return {name: str(form.get(name) or "") for name in fields}


def stripped(form: Mapping[str, Any], fields: Iterable[str]) -> dict[str, str | None]:
    """The form's text fields as the store functions take them: trimmed, an empty one as not given (None)."""
    return {name: str(form.get(name) or "").strip() or None for name in fields}


def blank(value: Any) -> Any:
    """An empty field as not given (None), else the text as typed."""
    return None if value is None or (isinstance(value, str) and not value.strip()) else value
