"""附件: files on cases, events, 督办单 and 通报批评 (the bytes are kept outside the database)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 01:40:00

- attachment: one row per uploaded file — its owner (a case, optionally one of its events or 督办单; or a
  通报批评 alone), original name, storage key, sniffed content type, size, SHA-256, uploader, time, note.
  The check constraint `owner` keeps every file tied to a case or a criticism.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('event_id', sa.Integer(), nullable=True),
        sa.Column('supervision_id', sa.Integer(), nullable=True),
        sa.Column('criticism_id', sa.Integer(), nullable=True),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('storage_key', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.CheckConstraint('case_id IS NOT NULL OR criticism_id IS NOT NULL', name=op.f('ck_attachment_owner')),
        sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_attachment_case_id_case'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['event_id'], ['case_event.id'], name=op.f('fk_attachment_event_id_case_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['supervision_id'], ['supervision.id'],
                                name=op.f('fk_attachment_supervision_id_supervision'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['criticism_id'], ['criticism.id'],
                                name=op.f('fk_attachment_criticism_id_criticism'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['ab_user.id'], name=op.f('fk_attachment_uploaded_by_id_ab_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
        sa.UniqueConstraint('storage_key', name=op.f('uq_attachment_storage_key')),
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        for column in ('case_id', 'event_id', 'supervision_id', 'criticism_id', 'uploaded_by_id'):
            batch_op.create_index(batch_op.f(f'ix_attachment_{column}'), [column], unique=False)


def downgrade():
    op.drop_table('attachment')
