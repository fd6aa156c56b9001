"""The stored facts, as SQLModel tables. Money is integer fen (exact on every backend).

Only facts live here. ``billing_end`` and ``service_end`` are kept beside the
terms they follow from so that "what expires soon" is an indexed query rather
than a scan of every contract; they are always written from the terms.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, Index, String, Text
from sqlmodel import Field, SQLModel


class ContractRow(SQLModel, table=True):
    __tablename__ = "contract"
    # The contract list's sorts, each with the code for ties, and its status filter's dates (migration 0011); the
    # service end's holds what `expiring` reads too (migration 0012: INCLUDEd on PostgreSQL, trailing columns on SQLite).
    __table_args__ = (*(Index(f"ix_contract_{column}_code", column, "code") for column in
                        ("billing_end", "line", "name", "vendor", "annual_fee_fen")),
                      Index("ix_contract_service_end_code", "service_end", "code",
                            postgresql_include=["name", "billing_start", "billing_end"]),
                      Index("ix_contract_dates", "billing_start", "billing_end", "service_end"))

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(32), unique=True, nullable=False))
    name: str = Field(sa_column=Column(String(500), nullable=False))
    vendor: str = Field(default="", sa_column=Column(String(500), nullable=False, default=""))
    buyer: str = Field(default="", sa_column=Column(String(500), nullable=False, default=""))
    signed_on: dt.date | None = None
    billing_start: dt.date
    billing_months: int
    service_months: int
    annual_fee_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    frequency: str = Field(sa_column=Column(String(16), nullable=False))
    alignment: str = Field(sa_column=Column(String(16), nullable=False))
    timing: str = Field(sa_column=Column(String(16), nullable=False))
    payment_lag_days: int = 0
    stated_end: str = Field(default="", sa_column=Column(String(100), nullable=False, default=""))
    completed_on: dt.date | None = None
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    source: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    billing_end: dt.date
    service_end: dt.date
    line: str = Field(default="", sa_column=Column(String(32), nullable=False, default=""))
    pricing: str = Field(default="fixed", sa_column=Column(String(16), nullable=False, default="fixed"))
    unit_price_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    unit: str = Field(default="", sa_column=Column(String(100), nullable=False, default=""))
    annual_cap_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class RuleRow(SQLModel, table=True):
    """One version of a deduction rule; its parameters as exact text (JSON)."""

    __tablename__ = "deduction_rule"

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    name: str = Field(sa_column=Column(String(100), nullable=False))
    effective_from: dt.date
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    params: str = Field(sa_column=Column(Text, nullable=False))


class AssessmentRow(SQLModel, table=True):
    """One version of the assessment of one installment; a correction adds a version."""

    __tablename__ = "assessment"

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    seq: int
    version: int
    assessed_on: dt.date
    metrics: str = Field(sa_column=Column(Text, nullable=False))  # JSON {name: "93.4"}
    score: str | None = Field(default=None, sa_column=Column(String(20), nullable=True))
    items: str = Field(sa_column=Column(Text, nullable=False))  # JSON [[reason, "1500.00"]]
    assessed_by: str = Field(default="", sa_column=Column(String(200), nullable=False, default=""))
    document: str = Field(default="", sa_column=Column(String(500), nullable=False, default=""))


class PaymentRow(SQLModel, table=True):
    """A payment as made: never edited; a reversal is a new row pointing at it."""

    __tablename__ = "payment"

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    paid_on: dt.date
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    seq: int | None = None
    reference: str = Field(default="", sa_column=Column(String(200), nullable=False, default=""))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    reverses_id: int | None = Field(default=None, foreign_key="payment.id", unique=True)
    allow_credit: bool = False


class OpeningRow(SQLModel, table=True):
    """The state of a contract when tracking began (one per contract)."""

    __tablename__ = "opening_balance"

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", unique=True)
    as_of: dt.date
    settled_through_seq: int
    owed_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    source: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    basis: str = Field(default="", sa_column=Column(String(16), nullable=False, default=""))


class LineRow(SQLModel, table=True):
    __tablename__ = "service_line"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(32), unique=True, nullable=False))
    name: str = Field(sa_column=Column(String(500), nullable=False))
    buyer: str = Field(default="", sa_column=Column(String(500), nullable=False, default=""))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class TenderRow(SQLModel, table=True):
    """A tender attempt; the line is the contract code for a contract that forms its own line."""

    __tablename__ = "tender"

    id: int | None = Field(default=None, primary_key=True)
    line: str = Field(sa_column=Column(String(32), nullable=False, index=True))
    method: str = Field(sa_column=Column(String(20), nullable=False))
    outcome: str = Field(sa_column=Column(String(20), nullable=False))
    approved: dt.date | None = None
    announced: dt.date | None = None
    bid_deadline: dt.date | None = None
    opened: dt.date | None = None
    awarded: dt.date | None = None
    signed: dt.date | None = None
    ground: str = Field(default="", sa_column=Column(String(30), nullable=False, default=""))
    bidders: int | None = None
    method_approval: str = Field(default="", sa_column=Column(String(500), nullable=False, default=""))
    contract: str = Field(default="", sa_column=Column(String(32), nullable=False, default=""))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class TransitionRow(SQLModel, table=True):
    __tablename__ = "transition"

    id: int | None = Field(default=None, primary_key=True)
    line: str = Field(sa_column=Column(String(32), nullable=False, index=True))
    start: dt.date
    end: dt.date | None = None
    approved_by: str = Field(sa_column=Column(String(500), nullable=False))
    basis: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    reference: str = Field(default="", sa_column=Column(String(500), nullable=False, default=""))
    unit_price_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class SuspensionRow(SQLModel, table=True):
    __tablename__ = "suspension"

    id: int | None = Field(default=None, primary_key=True)
    line: str = Field(sa_column=Column(String(32), nullable=False, index=True))
    start: dt.date
    end: dt.date | None = None
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    reference: str = Field(default="", sa_column=Column(String(500), nullable=False, default=""))


class UsageRow(SQLModel, table=True):
    """Units delivered in a period, under a contract or (contract_id null) a line's transition."""

    __tablename__ = "usage"

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int | None = Field(default=None, foreign_key="contract.id", index=True)
    line: str = Field(sa_column=Column(String(32), nullable=False, index=True))
    period_start: dt.date
    period_end: dt.date
    quantity: int
    amount_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class ProgrammeRow(SQLModel, table=True):
    __tablename__ = "programme"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(32), unique=True, nullable=False))
    name: str = Field(sa_column=Column(String(500), nullable=False))
    department: str = Field(default="", sa_column=Column(String(500), nullable=False, default=""))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class FundingRow(SQLModel, table=True):
    """A contract or fee line funded by a programme (each by one programme at most)."""

    __tablename__ = "funding"

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    kind: str = Field(sa_column=Column(String(16), nullable=False))  # "contract" or "fee_line"
    code: str = Field(sa_column=Column(String(32), nullable=False))


class BudgetRow(SQLModel, table=True):
    """A programme's budget for a fiscal year, each amount as stated (text and unit) and in fen."""

    __tablename__ = "budget"

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    year: int
    unit: str = Field(sa_column=Column(String(8), nullable=False))
    original_text: str = Field(sa_column=Column(String(40), nullable=False))
    adjusted_text: str | None = Field(default=None, sa_column=Column(String(40), nullable=True))
    spent_text: str | None = Field(default=None, sa_column=Column(String(40), nullable=True))
    original_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    adjusted_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    spent_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    source: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    purpose: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    purpose_contracts: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # codes, comma separated


class FeeLineRow(SQLModel, table=True):
    __tablename__ = "fee_line"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(32), unique=True, nullable=False))
    name: str = Field(sa_column=Column(String(500), nullable=False))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    unit_price_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    unit: str = Field(default="", sa_column=Column(String(100), nullable=False, default=""))
    sub_unit: str = Field(default="", sa_column=Column(String(100), nullable=False, default=""))
    sub_units: int | None = None


class FeeAmountRow(SQLModel, table=True):
    __tablename__ = "fee_amount"

    id: int | None = Field(default=None, primary_key=True)
    fee_line_id: int = Field(foreign_key="fee_line.id", index=True)
    year: int
    kind: str = Field(sa_column=Column(String(10), nullable=False))  # "budgeted", "paid" or "delivered"
    unit: str = Field(sa_column=Column(String(8), nullable=False))
    text: str | None = Field(default=None, sa_column=Column(String(40), nullable=True))  # None for a quantity delivered
    amount_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    source: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    months: str = Field(default="", sa_column=Column(String(200), nullable=False, default=""))  # "2022-03..2022-05, 2023-02"
    quantity: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    quantity_unit: str = Field(default="", sa_column=Column(String(100), nullable=False, default=""))


class HistoryRow(SQLModel, table=True):
    """The append-only log of every change to stored facts: who, when, what, before and after."""

    __tablename__ = "history"

    id: int | None = Field(default=None, primary_key=True)
    at: str = Field(sa_column=Column(String(32), nullable=False))  # ISO timestamp, UTC
    user: str = Field(sa_column=Column(String(100), nullable=False))
    action: str = Field(sa_column=Column(String(40), nullable=False))
    contract: str = Field(default="", sa_column=Column(String(32), nullable=False, default="", index=True))
    record: str = Field(sa_column=Column(String(300), nullable=False))
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # 0008: the operating-system account that ran the command (``user`` is on whose behalf), and the hash that
    # chains the entry to the one before it (db/history.py)
    account: str = Field(default="", sa_column=Column(String(100), nullable=False, default=""))
    hash: str = Field(default="", sa_column=Column(String(64), nullable=False, default=""))


class AmendmentRow(SQLModel, table=True):
    """An amendment (补充协议): a change to a contract's terms from a date, beside the original terms."""

    __tablename__ = "amendment"

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    effective_from: dt.date
    annual_fee_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    billing_months: int | None = None
    service_months: int | None = None
    reference: str = Field(default="", sa_column=Column(String(500), nullable=False, default=""))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class UserRow(SQLModel, table=True):
    """A person who signs in to ``contracts serve`` (#14). Only an argon2id hash of the password is kept.

    ``roles`` is a comma-separated set (admin, finance, logistics, procurement, viewer). ``session_epoch`` goes up
    when the password changes or the account is disabled, which ends every session signed before it.
    """

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    roles: str = Field(sa_column=Column(String(200), nullable=False))
    password_hash: str = Field(sa_column=Column(String(200), nullable=False))
    disabled: bool = False
    failed_signins: int = 0
    locked_until: str = Field(default="", sa_column=Column(String(32), nullable=False, default=""))  # ISO, UTC
    session_epoch: int = 0
    language: str = Field(default="zh", sa_column=Column(String(8), nullable=False, default="zh"))
    money_unit: str = Field(default="wan", sa_column=Column(String(8), nullable=False, default="wan"))
    calendar_token: str | None = Field(default=None, sa_column=Column(String(64), unique=True, nullable=True))
    created_at: str = Field(sa_column=Column(String(32), nullable=False))


class VendorRow(SQLModel, table=True):
    """A payee (收款单位): what a payment request needs beyond the name a contract carries (#14).

    Contracts point to a vendor by name (``contract.vendor`` = ``vendor.name``): the name is what the source states.
    """

    __tablename__ = "vendor"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(500), unique=True, nullable=False))
    credit_code: str = Field(default="", sa_column=Column(String(18), nullable=False, default=""))  # 统一社会信用代码
    bank: str = Field(default="", sa_column=Column(String(200), nullable=False, default=""))  # 开户行
    account: str = Field(default="", sa_column=Column(String(64), nullable=False, default=""))  # 账号
    contact: str = Field(default="", sa_column=Column(String(200), nullable=False, default=""))
