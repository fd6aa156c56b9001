"""Amendments: effective-dated changes to a contract's terms.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "amendment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contract_id", sa.Integer, sa.ForeignKey("contract.id"), nullable=False, index=True),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("annual_fee_fen", sa.BigInteger, nullable=True),
        sa.Column("billing_months", sa.Integer, nullable=True),
        sa.Column("service_months", sa.Integer, nullable=True),
        sa.Column("reference", sa.String(500), nullable=False, server_default=""),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("contract_id", "effective_from", name="uq_amendment_date"),
    )


def downgrade() -> None:
    op.drop_table("amendment")
