"""Paid money is never re-priced silently.

A change to the facts of a contract with payments (new terms by ``import --update``, a corrected
assessment, a new rule version, an amendment) may lower what an installment is worth below what was
already paid on it: the excess would quietly become a "credit to the vendor". Such a change is refused
with the amounts unless the person asks for it (``--allow-credit``).

``import --update`` goes further: it replaces the terms from the start, so an installment that money was
paid on would be re-priced after the fact. It is refused with the advice to record an amendment instead
(``contracts amend``), which keeps the amounts of installments already paid; ``--allow-credit`` lets a
correction through all the same (a fee typed wrong from the start), the excess kept as a credit.
"""

from __future__ import annotations

from .errors import ContractsError
from .money import format_money_grouped as money
from .payables import Ledger


def refuse_repricing(before: Ledger, after: Ledger, *, allow_credit: bool, change: str, advice: str = "",
                     keep_paid_amounts: bool = False) -> None:
    """Refuse ``change`` if it lowers a net below what was paid (or, with ``keep_paid_amounts``, changes the amount
    of any installment with money paid on it), unless ``allow_credit``."""
    if allow_credit:
        return
    code = before.terms.code
    tail = f"; {advice}" if advice else ""
    now = {item.seq: item for item in after.payables}
    for old in before.payables:
        if not old.seq or not old.paid:
            continue
        new = now.get(old.seq)
        if keep_paid_amounts and (new is None or (new.gross, new.due) != (old.gross, old.due)):
            shown = "drop it from the schedule" if new is None else (
                f"re-price it from {money(old.gross)} to {money(new.gross)}" if new.gross != old.gross
                else f"move its due day from {old.due.isoformat()} to {new.due.isoformat()}")
            raise ContractsError("code", code, f"has {money(old.paid)} paid on seq {old.seq}; {change} would {shown}. Record an "
                                 f"amendment instead (contracts amend {code} --from DATE ...), which keeps what was paid, or "
                                 "give --allow-credit to re-price it anyway (any excess kept as a credit to the vendor)")
        if new is not None and new.net is not None and new.net < old.paid:
            raise ContractsError("seq", old.seq, f"of {code} has {money(old.paid)} paid on it; {change} would lower its net from "
                                 f"{money(old.net)} to {money(new.net)}, leaving {money(old.paid - new.net)} as a credit to the "
                                 f"vendor. Give --allow-credit if that is meant{tail}")
    if after.credit > before.credit:
        raise ContractsError("code", code, f"{change} would leave {money(after.credit - before.credit)} of the payments on {code} "
                             f"with nothing to settle (a credit to the vendor). Give --allow-credit if that is meant{tail}")
