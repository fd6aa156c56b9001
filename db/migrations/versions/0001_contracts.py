"""The first schema: contract terms.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contract",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("vendor", sa.String(500), nullable=False, server_default=""),
        sa.Column("buyer", sa.String(500), nullable=False, server_default=""),
        sa.Column("signed_on", sa.Date, nullable=True),
        sa.Column("billing_start", sa.Date, nullable=False),
        sa.Column("billing_months", sa.Integer, nullable=False),
        sa.Column("service_months", sa.Integer, nullable=False),
        sa.Column("annual_fee_fen", sa.BigInteger, nullable=False),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("alignment", sa.String(16), nullable=False),
        sa.Column("timing", sa.String(16), nullable=False),
        sa.Column("payment_lag_days", sa.Integer, nullable=False, server_default="0"),
        sa.Column("stated_end", sa.String(100), nullable=False, server_default=""),
        sa.Column("completed_on", sa.Date, nullable=True),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("billing_end", sa.Date, nullable=False),
        sa.Column("service_end", sa.Date, nullable=False),
        sa.CheckConstraint("annual_fee_fen > 0", name="ck_contract_fee_positive"),
        sa.CheckConstraint("billing_months > 0 AND service_months >= billing_months", name="ck_contract_months"),
    )
    op.create_index("ix_contract_billing_end", "contract", ["billing_end"])
    op.create_index("ix_contract_service_end", "contract", ["service_end"])


def downgrade() -> None:
    op.drop_table("contract")
