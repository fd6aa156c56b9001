"""Deduction rules, assessments, payments and opening balances.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deduction_rule",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contract_id", sa.Integer, sa.ForeignKey("contract.id"), nullable=False, index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.UniqueConstraint("contract_id", "name", "effective_from", name="uq_rule_version"),
    )
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contract_id", sa.Integer, sa.ForeignKey("contract.id"), nullable=False, index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("metrics", sa.Text, nullable=False),
        sa.Column("score", sa.String(20), nullable=True),
        sa.Column("items", sa.Text, nullable=False),
        sa.Column("assessed_by", sa.String(200), nullable=False, server_default=""),
        sa.Column("document", sa.String(500), nullable=False, server_default=""),
        sa.UniqueConstraint("contract_id", "seq", "version", name="uq_assessment_version"),
    )
    op.create_table(
        "payment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contract_id", sa.Integer, sa.ForeignKey("contract.id"), nullable=False, index=True),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("seq", sa.Integer, nullable=True),
        sa.Column("reference", sa.String(200), nullable=False, server_default=""),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("reverses_id", sa.Integer, sa.ForeignKey("payment.id"), nullable=True, unique=True),
        sa.Column("allow_credit", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.CheckConstraint("amount_fen <> 0", name="ck_payment_nonzero"),
    )
    op.create_table(
        "opening_balance",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contract_id", sa.Integer, sa.ForeignKey("contract.id"), nullable=False, unique=True),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("settled_through_seq", sa.Integer, nullable=False),
        sa.Column("owed_fen", sa.BigInteger, nullable=False),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.CheckConstraint("owed_fen >= 0", name="ck_opening_owed"),
    )


def downgrade() -> None:
    op.drop_table("opening_balance")
    op.drop_table("payment")
    op.drop_table("assessment")
    op.drop_table("deduction_rule")
