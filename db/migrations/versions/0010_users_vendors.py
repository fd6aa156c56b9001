"""The web app's people and the payees of payment requests (#14): app_user and vendor.

Revision ID: 0010
Revises: 0009

Both tables are new; no existing row changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("roles", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("failed_signins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.String(32), nullable=False, server_default=""),
        sa.Column("session_epoch", sa.Integer, nullable=False, server_default="0"),
        sa.Column("language", sa.String(8), nullable=False, server_default="zh"),
        sa.Column("money_unit", sa.String(8), nullable=False, server_default="wan"),
        sa.Column("calendar_token", sa.String(64), nullable=True, unique=True),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "vendor",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(500), nullable=False, unique=True),
        sa.Column("credit_code", sa.String(18), nullable=False, server_default=""),
        sa.Column("bank", sa.String(200), nullable=False, server_default=""),
        sa.Column("account", sa.String(64), nullable=False, server_default=""),
        sa.Column("contact", sa.String(200), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("vendor")
    op.drop_table("app_user")
