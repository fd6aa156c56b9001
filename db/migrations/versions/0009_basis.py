"""What figures rest on (#15): how an opening balance is given, a budget's stated purpose, the months a fee-line
payment was for, quantities delivered, and a fee line's unit price.

Revision ID: 0009
Revises: 0008

Every new column has a default that says nothing new about existing rows: an opening's basis is "" (not said),
no purpose, no months (the amount's own year), no quantity, no unit price.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("opening_balance") as table:
        table.add_column(sa.Column("basis", sa.String(16), nullable=False, server_default=""))
    with op.batch_alter_table("budget") as table:
        table.add_column(sa.Column("purpose", sa.Text, nullable=False, server_default=""))
        table.add_column(sa.Column("purpose_contracts", sa.Text, nullable=False, server_default=""))
    with op.batch_alter_table("fee_line") as table:
        table.add_column(sa.Column("unit_price_fen", sa.BigInteger, nullable=True))
        table.add_column(sa.Column("unit", sa.String(100), nullable=False, server_default=""))
        table.add_column(sa.Column("sub_unit", sa.String(100), nullable=False, server_default=""))
        table.add_column(sa.Column("sub_units", sa.Integer, nullable=True))
    with op.batch_alter_table("fee_amount") as table:
        table.add_column(sa.Column("months", sa.String(200), nullable=False, server_default=""))
        table.add_column(sa.Column("quantity", sa.BigInteger, nullable=True))
        table.add_column(sa.Column("quantity_unit", sa.String(100), nullable=False, server_default=""))
        table.alter_column("amount_fen", existing_type=sa.BigInteger, nullable=True)
        table.alter_column("text", existing_type=sa.String(40), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("fee_amount") as table:
        for name in ("quantity_unit", "quantity", "months"):
            table.drop_column(name)
    with op.batch_alter_table("fee_line") as table:
        for name in ("sub_units", "sub_unit", "unit", "unit_price_fen"):
            table.drop_column(name)
    with op.batch_alter_table("budget") as table:
        table.drop_column("purpose_contracts")
        table.drop_column("purpose")
    with op.batch_alter_table("opening_balance") as table:
        table.drop_column("basis")
