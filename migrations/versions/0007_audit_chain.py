"""The audit log as a hash chain: prev_id / prev_hash / row_hash on every row, the chain's head, verifications

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:00:00

- audit_log.prev_id, prev_hash, row_hash: each row's link to the one before and its SHA-256
  (access/audit_chain.py `row_digest`). The rows already there are chained here, in id order.
- audit_chain: one row (id 1), the chain's head (last row, its hash) and the anchor a purge leaves.
- audit_verification: each run of `flask audit-verify` (or the button on the audit screen) and its result.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))
    op.create_table('audit_chain',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('head_id', sa.Integer(), nullable=True),
    sa.Column('head_hash', sa.String(length=64), nullable=True),
    sa.Column('anchor_id', sa.Integer(), nullable=True),
    sa.Column('anchor_hash', sa.String(length=64), nullable=True),
    sa.Column('anchored_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain'))
    )
    op.create_table('audit_verification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('username', sa.String(length=128), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=True),
    sa.Column('checked', sa.Integer(), nullable=False),
    sa.Column('head_id', sa.Integer(), nullable=True),
    sa.Column('head_hash', sa.String(length=64), nullable=True),
    sa.Column('broken_id', sa.Integer(), nullable=True),
    sa.Column('problem', sa.Enum('altered', 'removed', 'inserted', 'no_head', name='chainproblem',
                                 native_enum=False, length=32), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_verification'))
    )
    with op.batch_alter_table('audit_verification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_verification_at'), ['at'], unique=False)
    _chain_existing_rows()


def _chain_existing_rows():
    """Seal the rows written before the chain existed, oldest first, and make the last one the head."""
    from access.audit_chain import HASHED, chain_rows

    conn = op.get_bind()
    columns = ", ".join(c for c in HASHED if c not in ("prev_id", "prev_hash"))
    link = sa.text("UPDATE audit_log SET prev_id = :prev_id, prev_hash = :prev_hash, row_hash = :row_hash "
                   "WHERE id = :id")
    last, head = 0, (None, None)
    while True:
        rows = conn.execute(sa.text(f"SELECT {columns} FROM audit_log WHERE id > :last ORDER BY id LIMIT {BATCH}"),
                            {"last": last}).mappings().all()
        if not rows:
            break
        links = list(chain_rows(rows, head))
        conn.execute(link, links)
        last, head = links[-1]["id"], (links[-1]["id"], links[-1]["row_hash"])
    conn.execute(sa.text("INSERT INTO audit_chain (id, head_id, head_hash) VALUES (1, :id, :hash)"),
                 {"id": head[0], "hash": head[1]})


def downgrade():
    with op.batch_alter_table('audit_verification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_verification_at'))
    op.drop_table('audit_verification')
    op.drop_table('audit_chain')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('row_hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('prev_id')
