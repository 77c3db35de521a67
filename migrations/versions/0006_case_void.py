"""作废 instead of delete: a case registered in error is voided with a reason and kept

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 22:00:00

- case.void_reason / voided_at, set by the workflow action `void` (status `voided`, a new code of the
  VARCHAR status column). Cases are no longer deleted: every case has history (at least its 受理 event).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('void_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('voided_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('voided_at')
        batch_op.drop_column('void_reason')
