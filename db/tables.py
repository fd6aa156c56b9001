"""The stored facts, as SQLModel tables. Money is integer fen (exact on every backend).

Only facts live here. ``billing_end`` and ``service_end`` are kept beside the
terms they follow from so that "what expires soon" is an indexed query rather
than a scan of every contract; they are always written from the terms.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, String, Text
from sqlmodel import Field, SQLModel


class ContractRow(SQLModel, table=True):
    __tablename__ = "contract"

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
    billing_end: dt.date = Field(index=True)
    service_end: dt.date = Field(index=True)
