"""History: the operating-system account beside the user, and a hash chain that shows tampering.

Revision ID: 0008
Revises: 0006

Existing rows get their account empty (it was not recorded) and their hashes computed here, in id order,
by the one hash function of the history (db/history.entry_hash), so that the chain covers them too.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None

CHUNK = 5000


def upgrade() -> None:
    from db.history import GENESIS, entry_hash

    op.add_column("history", sa.Column("account", sa.String(100), nullable=False, server_default=""))
    op.add_column("history", sa.Column("hash", sa.String(64), nullable=False, server_default=""))
    connection = op.get_bind()
    previous, last_id = GENESIS, -1
    while True:  # in chunks: a province's history is hundreds of thousands of rows
        rows = connection.execute(sa.text('SELECT id, at, "user", account, action, contract, record, before, after FROM history '
                                          "WHERE id > :last ORDER BY id LIMIT :chunk"), {"last": last_id, "chunk": CHUNK}).fetchall()
        if not rows:
            break
        updates = []
        for row in rows:
            previous = entry_hash(previous, row._mapping)
            updates.append({"id": row.id, "hash": previous})
        connection.execute(sa.text("UPDATE history SET hash = :hash WHERE id = :id"), updates)
        last_id = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("history") as batch:
        batch.drop_column("hash")
        batch.drop_column("account")
