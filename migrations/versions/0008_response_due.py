"""The response deadline kept on the case, for the 响应率 of the 工作台

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 23:00:00

- case.response_due: the day 研判 is due (1 working day after 受理), set at registration. 研判 replaces the
  case's due_date with its handling deadline, so the response deadline needs its own column. Existing cases
  take it from their 受理 event, which has always recorded it.
- ix_criticism_case_case_id: the KPIs ask, per case, whether it was named in a 通报批评.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response_due', sa.Date(), nullable=True))
    case = sa.table('case', sa.column('id'), sa.column('response_due'))
    event = sa.table('case_event', sa.column('case_id'), sa.column('action'), sa.column('deadline'))
    recorded = sa.select(sa.func.min(event.c.deadline)).where(
        event.c.case_id == case.c.id, event.c.action == 'receive').scalar_subquery()
    op.execute(case.update().values(response_due=recorded))
    with op.batch_alter_table('criticism_case', schema=None) as batch_op:
        batch_op.create_index('ix_criticism_case_case_id', ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('criticism_case', schema=None) as batch_op:
        batch_op.drop_index('ix_criticism_case_case_id')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('response_due')
