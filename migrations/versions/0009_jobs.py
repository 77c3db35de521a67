"""Background jobs (后台任务)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 01:00:00

- job: one row per background job (export, report, evaluation, reminders): who asked, from which page,
  its parameters, state, progress (done of total), a Chinese message, the produced file, and when it
  expires (a day after it was asked for). Every console process and worker reads the same row.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('export', 'report', 'evaluation', 'reminders', name='jobkind',
                                  native_enum=False, length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('origin', sa.String(length=200), nullable=True),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='jobstate',
                                   native_enum=False, length=32), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('message', sa.String(length=300), nullable=True),
        sa.Column('result_path', sa.String(length=500), nullable=True),
        sa.Column('result_name', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], name=op.f('fk_job_user_id_ab_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job')),
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index('ix_job_user_origin', ['user_id', 'origin'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_expires_at'))
        batch_op.drop_index('ix_job_user_origin')
    op.drop_table('job')
