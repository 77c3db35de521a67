"""Figures leaders act on: assignments settled when their case closes; 不参评 evaluations; 按时签收率

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 21:30:00

- assignment.closed_at / close_reason: an assignment still open when its case was closed is settled
  (status `closed`, a new code of the VARCHAR status column). Open assignments of cases already closed
  are settled here, as of the case's 办结 (or, for a declined case, its last change).
- evaluation.signed_count (已签收, the numerator of 响应率) and signed_on_time_rate (按时签收率).
- evaluation.computed_score / score / grade may be empty: a department with no assignment in the period
  is 不参评. Evaluations stored before this revision keep their old scores until `flask evaluate` recomputes
  their period.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

CASE_ACTIONS = ('receive', 'update', 'assess', 'decline', 'resolve_on_spot', 'assign', 'sign', 'reply',
                'request_extension', 'approve_extension', 'supervise', 'escalate', 'reassign', 'suspend', 'resume',
                'resolve', 'evaluate', 'summarize', 'archive', 'criticize')
GRADE = sa.Enum('excellent', 'good', 'pass', 'fail', name='grade', native_enum=False, length=32)
SCORE = sa.Numeric(precision=6, scale=2)
CLOSED_CASE = ('resolved', 'evaluated', 'summarized', 'archived', 'declined')


def upgrade():
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('close_reason', sa.Enum(*CASE_ACTIONS, name='caseaction', native_enum=False,
                                                               length=32), nullable=True))
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('signed_on_time_rate', sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.alter_column('computed_score', existing_type=SCORE, nullable=True)
        batch_op.alter_column('score', existing_type=SCORE, nullable=True)
        batch_op.alter_column('grade', existing_type=GRADE, nullable=True)
    _settle_assignments_of_closed_cases()


def _settle_assignments_of_closed_cases():
    case = sa.table('case', sa.column('id'), sa.column('status'), sa.column('resolved_at'),
                    sa.column('archived_at'), sa.column('updated_at'))
    assignment = sa.table('assignment', sa.column('case_id'), sa.column('status'), sa.column('closed_at'),
                          sa.column('close_reason'))

    def of_case(expression):
        return sa.select(expression).where(case.c.id == assignment.c.case_id).scalar_subquery()

    reason = sa.case((case.c.resolved_at.is_not(None), 'resolve'), (case.c.status == 'declined', 'decline'),
                     else_='archive')
    op.execute(assignment.update().where(
        assignment.c.status.in_(['pending', 'signed']),
        assignment.c.case_id.in_(sa.select(case.c.id).where(case.c.status.in_(CLOSED_CASE))),
    ).values(status='closed', close_reason=of_case(reason),
             closed_at=of_case(sa.func.coalesce(case.c.resolved_at, case.c.archived_at, case.c.updated_at))))


def downgrade():
    assignment = sa.table('assignment', sa.column('status'), sa.column('signed_at'))
    op.execute(assignment.update().where(assignment.c.status == 'closed').values(
        status=sa.case((assignment.c.signed_at.is_(None), 'pending'), else_='signed')))
    evaluation = sa.table('evaluation', sa.column('computed_score'), sa.column('score'), sa.column('grade'))
    op.execute(evaluation.update().where(evaluation.c.score.is_(None)).values(computed_score=0, score=0,
                                                                              grade='fail'))
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.alter_column('grade', existing_type=GRADE, nullable=False)
        batch_op.alter_column('score', existing_type=SCORE, nullable=False)
        batch_op.alter_column('computed_score', existing_type=SCORE, nullable=False)
        batch_op.drop_column('signed_on_time_rate')
        batch_op.drop_column('signed_count')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_column('close_reason')
        batch_op.drop_column('closed_at')
