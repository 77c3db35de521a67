"""The dashboard's summary: counters of the counted cases per day of receipt

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 04:00:00

- case_summary: per day of receipt, dimension and value, how many counted cases there are and how many of them
  responded, finished, were evaluated, satisfied … (models/case_summary.py). The 工作台's KPIs and charts read it
  instead of counting every case. Filled here from the existing cases; afterwards every commit recounts the days
  of the cases it changed (kpi/summary.py), and `flask summary-rebuild` counts it all again.
- ix_case_suspended_status_due_date: the running cases (open, not suspended) by deadline, and the suspended ones,
  counted from the index alone (the 工作台's tiles); ix_case_status_unreachable likewise for 待回访.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

COUNTERS = ('cases', 'responded', 'responded_on_time', 'resolved', 'resolved_on_time', 'evaluated', 'satisfied',
            'reopened', 'supervised', 'criticized')


def upgrade():
    op.create_table(
        'case_summary',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('dimension', sa.String(length=30), nullable=False),
        sa.Column('value', sa.String(length=40), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('marked_on', sa.Date(), nullable=True),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTERS),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_summary')),
    )
    op.create_index('ix_case_summary_dimension_day', 'case_summary',
                    ['dimension', 'department_id', 'received_on', 'value', 'cases'], unique=False)
    op.create_index('ix_case_summary_day', 'case_summary', ['received_on'], unique=False)
    # the 工作台's 已超期, 即将超期 and 挂起中 count the running cases off this index alone
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index('ix_case_suspended_status_due_date', ['suspended', 'status', 'due_date'], unique=False)
        batch_op.create_index('ix_case_status_unreachable', ['status', 'unreachable'], unique=False)
    from kpi.summary import rebuild

    rebuild(op.get_bind())


def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_status_unreachable')
        batch_op.drop_index('ix_case_suspended_status_due_date')
    op.drop_index('ix_case_summary_day', table_name='case_summary')
    op.drop_index('ix_case_summary_dimension_day', table_name='case_summary')
    op.drop_table('case_summary')
