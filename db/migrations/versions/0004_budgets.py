"""Programmes, their budgets per fiscal year, and other fee lines.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programme",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("department", sa.String(500), nullable=False, server_default=""),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "funding",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("programme_id", sa.Integer, sa.ForeignKey("programme.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.UniqueConstraint("kind", "code", name="uq_funding_one_programme"),
    )
    op.create_table(
        "budget",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("programme_id", sa.Integer, sa.ForeignKey("programme.id"), nullable=False, index=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("unit", sa.String(8), nullable=False),
        sa.Column("original_text", sa.String(40), nullable=False),
        sa.Column("adjusted_text", sa.String(40), nullable=True),
        sa.Column("spent_text", sa.String(40), nullable=True),
        sa.Column("original_fen", sa.BigInteger, nullable=False),
        sa.Column("adjusted_fen", sa.BigInteger, nullable=True),
        sa.Column("spent_fen", sa.BigInteger, nullable=True),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("programme_id", "year", name="uq_budget_year"),
        sa.CheckConstraint("year BETWEEN 1990 AND 2100", name="ck_budget_year"),
        sa.CheckConstraint("original_fen >= 0 AND (adjusted_fen IS NULL OR adjusted_fen >= 0)", name="ck_budget_amounts"),
    )
    op.create_table(
        "fee_line",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "fee_amount",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("fee_line_id", sa.Integer, sa.ForeignKey("fee_line.id"), nullable=False, index=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("unit", sa.String(8), nullable=False),
        sa.Column("text", sa.String(40), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
    )


def downgrade() -> None:
    for table in ("fee_amount", "fee_line", "budget", "funding", "programme"):
        op.drop_table(table)
