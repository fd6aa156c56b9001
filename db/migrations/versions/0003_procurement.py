"""Service lines, tenders, transitions, suspensions, unit-priced contracts and their usage.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contract") as batch:
        batch.add_column(sa.Column("line", sa.String(32), nullable=False, server_default=""))
        batch.add_column(sa.Column("pricing", sa.String(16), nullable=False, server_default="fixed"))
        batch.add_column(sa.Column("unit_price_fen", sa.BigInteger, nullable=True))
        batch.add_column(sa.Column("unit", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("annual_cap_fen", sa.BigInteger, nullable=True))
        # A unit-priced contract has no annual fee: the fee check now depends on the pricing.
        batch.drop_constraint("ck_contract_fee_positive", type_="check")
        batch.create_check_constraint(
            "ck_contract_fee_by_pricing",
            "(pricing = 'fixed' AND annual_fee_fen > 0) OR (pricing = 'unit' AND annual_fee_fen = 0 AND unit_price_fen > 0)",
        )
        batch.create_index("ix_contract_line", ["line"])
    op.create_table(
        "service_line",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("buyer", sa.String(500), nullable=False, server_default=""),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "tender",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("line", sa.String(32), nullable=False, index=True),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        *(sa.Column(name, sa.Date, nullable=True) for name in ("approved", "announced", "bid_deadline", "opened", "awarded", "signed")),
        sa.Column("ground", sa.String(30), nullable=False, server_default=""),
        sa.Column("bidders", sa.Integer, nullable=True),
        sa.Column("method_approval", sa.String(500), nullable=False, server_default=""),
        sa.Column("contract", sa.String(32), nullable=False, server_default=""),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "transition",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("line", sa.String(32), nullable=False, index=True),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date, nullable=True),
        sa.Column("approved_by", sa.String(500), nullable=False),
        sa.Column("basis", sa.Text, nullable=False, server_default=""),
        sa.Column("reference", sa.String(500), nullable=False, server_default=""),
        sa.Column("unit_price_fen", sa.BigInteger, nullable=True),
    )
    op.create_table(
        "suspension",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("line", sa.String(32), nullable=False, index=True),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date, nullable=True),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("reference", sa.String(500), nullable=False, server_default=""),
    )
    op.create_table(
        "usage",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contract_id", sa.Integer, sa.ForeignKey("contract.id"), nullable=True, index=True),
        sa.Column("line", sa.String(32), nullable=False, index=True),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=True),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.CheckConstraint("quantity >= 0", name="ck_usage_quantity"),
    )


def downgrade() -> None:
    for table in ("usage", "suspension", "transition", "tender", "service_line"):
        op.drop_table(table)
    with op.batch_alter_table("contract") as batch:
        batch.drop_index("ix_contract_line")
        batch.drop_constraint("ck_contract_fee_by_pricing", type_="check")
        batch.create_check_constraint("ck_contract_fee_positive", "annual_fee_fen > 0")
        for column in ("annual_cap_fen", "unit", "unit_price_fen", "pricing", "line"):
            batch.drop_column(column)
