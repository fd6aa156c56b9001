"""The help people read: commands grouped by the job they serve, and options shown with what they take.

Typer lists every command in one panel and shows each option's Python type (``--as-of <str>``, ``--all <bool>``).
Here each command is put in the panel of its job (Typer's rich_help_panel) and each option shows a word for what it
takes (``--as-of DATE``, ``--amount AMOUNT``); a flag shows nothing.
"""

from __future__ import annotations

import typer

PANELS = {
    "Contracts": ("init", "import", "add", "list", "show", "schedule", "expiring", "amend", "amendments", "check",
                  "history", "demo"),
    "Payments": ("rules", "rule", "assess", "payable", "pay", "payments", "opening", "arrears", "voucher", "vendor", "usage"),
    "Procurement": ("lines", "line", "tender", "tenders", "rebid", "transition", "suspend"),
    "Budgets": ("programme", "programmes", "budget", "fee-line", "forecast"),
    "Outputs": ("report", "calendar", "export", "template"),
    "Web": ("serve", "user"),
}
PANEL_OF = {name: panel for panel, names in PANELS.items() for name in names}

# What an option takes, by its name; others show VALUE.
METAVARS = {
    "as_of": "DATE", "from_": "DATE", "to": "DATE", "on": "DATE", "billing_start": "DATE", "signed_on": "DATE",
    "completed_on": "DATE", "effective_from": "DATE", "settled_through": "DATE", "start": "DATE", "end": "DATE",
    "approved": "DATE", "announced": "DATE", "bid_deadline": "DATE", "opened": "DATE", "awarded": "DATE", "signed": "DATE",
    "output": "FILE", "file": "FILE", "db": "URL", "format": "FORMAT", "lang": "en|zh", "unit": "yuan|wan",
    "amount": "AMOUNT", "annual_fee": "AMOUNT", "owed": "AMOUNT", "unit_price": "AMOUNT", "annual_cap": "AMOUNT",
    "original": "AMOUNT", "adjusted": "AMOUNT", "spent": "AMOUNT", "budgeted": "AMOUNT", "paid": "AMOUNT",
    "cap_amount": "AMOUNT", "per_step_amount": "AMOUNT", "rate": "AMOUNT", "per_installment_amount": "AMOUNT",
    "per_year_amount": "AMOUNT", "within": "DAYS", "horizon": "DAYS", "grace_days": "DAYS", "prep_days": "DAYS",
    "award_days": "DAYS", "signing_days": "DAYS", "payment_lag_days": "DAYS", "billing_months": "MONTHS",
    "service_months": "MONTHS", "transition_limit": "MONTHS", "seq": "N", "settled_through_seq": "N", "position": "N",
    "bidders": "N", "years": "N", "year": "YEAR", "quarter": "QUARTER", "period": "PERIOD", "code": "CODE",
    "contract": "CODE", "line": "CODE", "fee_line": "CODE", "programme": "CODE", "reverse": "ID", "kind": "KIND",
    "method": "METHOD", "by": "NAME", "user": "NAME", "approved_by": "NAME", "name": "TEXT", "notes": "TEXT",
    "note": "TEXT", "source": "TEXT", "vendor": "TEXT", "buyer": "TEXT", "reason": "TEXT", "basis": "TEXT",
    "reference": "TEXT", "ref": "TEXT", "doc": "TEXT", "department": "TEXT", "stated_end": "TEXT", "metric": "NAME=VALUE",
    "item": "REASON=AMOUNT", "score": "SCORE", "quantity": "N", "deduction_rate": "SHARE", "per_step_share": "SHARE",
    "cap_share": "SHARE", "per_installment_share": "SHARE", "per_year_share": "SHARE", "frequency": "FREQUENCY",
    "alignment": "anniversary|calendar", "timing": "arrears|advance", "pricing": "fixed|unit", "outcome": "OUTCOME",
    "ground": "GROUND", "direction": "below|above", "count": "HOW", "threshold": "NUMBER", "step": "NUMBER",
    "allowance": "NUMBER", "pass_mark": "NUMBER", "bands": "BANDS", "by_": "BY", "credit_code": "CODE", "bank": "TEXT", "contact": "TEXT", "account": "ACCOUNT", "attachments": "N",
}


def command_name(info) -> str:
    """The name a registered command or group (Typer's CommandInfo, TyperInfo) is typed as: its own, else its function's
    as Typer derives it."""
    return info.name or (info.callback.__name__.lower().replace("_", "-") if getattr(info, "callback", None) else "")


def group_by_job(app: typer.Typer) -> None:
    """Put each registered command and group in the help panel of its job (contracts, payments, procurement,
    budgets, outputs); a command this table does not know stays in Typer's own panel."""
    order = list(PANELS)
    for info in list(app.registered_commands) + list(app.registered_groups):
        panel = PANEL_OF.get(command_name(info))
        if panel and not getattr(info, "rich_help_panel", None):
            info.rich_help_panel = panel

    def rank(info) -> int:  # the panels in the order of the jobs; commands in a panel in the order above
        panel = info.rich_help_panel
        return (order.index(panel) * 100 + PANELS[panel].index(command_name(info))) if panel in PANELS else 10_000

    app.registered_commands.sort(key=rank)
    app.registered_groups.sort(key=rank)


def readable_types() -> None:
    """Show what an option takes in words, not as a Python type: Typer asks each parameter for its type's display."""
    from typer.core import TyperArgument, TyperOption

    def option_type(self, ctx) -> str | None:
        if getattr(self, "is_flag", False) or getattr(self, "is_bool_flag", False) or self.name == "help":
            return None
        return self.metavar or METAVARS.get(self.name or "", "VALUE")

    def argument_type(self, ctx) -> str | None:
        return None  # the argument's name (CODE, FILE) already says it

    TyperOption.display_type_rich = option_type
    TyperArgument.display_type_rich = argument_type
    if hasattr(TyperOption, "make_metavar") and not hasattr(TyperOption, "_readable_metavar"):
        _typer_028_types(TyperOption, TyperArgument, option_type)


def _typer_028_types(TyperOption, TyperArgument, option_type) -> None:
    """The same words with Typer 0.28 (pyproject keeps it below 0.29, which imports pydantic for every command): its
    help shows an option's metavar, and an argument's type unless the type names none."""
    from typer._click import types

    own_metavar, own_type_metavar = TyperOption.make_metavar, types.ParamType.get_metavar

    def option_metavar(self, ctx=None, **kwargs) -> str:
        if self.metavar is None and getattr(self, "is_flag", False):
            return own_metavar(self, ctx=ctx, **kwargs)
        return option_type(self, ctx) or own_metavar(self, ctx=ctx, **kwargs)

    def type_metavar(self, param, ctx=None):
        if isinstance(param, TyperArgument):
            return ""  # the argument's name (CODE, FILE) already says it
        return own_type_metavar(self, param, ctx)

    TyperOption.make_metavar = option_metavar
    TyperOption._readable_metavar = True
    types.ParamType.get_metavar = type_metavar
