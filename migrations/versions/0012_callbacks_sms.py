"""回访 attempts, text messages (templates and outbox), opting out of them

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 01:40:00

- callback_attempt: each attempt to reach the applicant after 办结 (time, channel, caller, reached, words,
  verdict). case.unreachable: not reached in three attempts (the case leaves 待回访 without a verdict).
- case.sms_opt_out: 不接收短信.
- sms_template: one text per event, seeded here with the default Chinese texts; sms_message: the outbox,
  unique per (event_key, phone, event) so an event never queues a second message.
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

SMS_EVENT = sa.Enum('received', 'resolved', 'callback', 'assigned', 'supervised', 'due_soon', name='smsevent',
                    native_enum=False, length=32)
DEFAULT_TEXTS = {
    'received': '【清城区政务服务中心】您反映的事项已受理，编号{编号}，我们将尽快办理。查询进度请凭编号及手机尾号。',
    'resolved': '【清城区政务服务中心】您反映的事项{编号}已办结，近日我们将回访听取您的评价。',
    'callback': '【清城区政务服务中心】我们就事项{编号}回访未能联系到您，如有意见请致电{咨询电话}。',
    'assigned': '【办成事】事项{编号}“{标题}”已交办{部门}，请于{时限}前办结。',
    'supervised': '【办成事】事项{编号}已对{部门}督办，请于{时限}前反馈。',
    'due_soon': '【办成事】{部门}承办的事项{编号}将于{时限}到期，请抓紧办理。',
}


def upgrade():
    op.create_table('callback_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.Enum('phone', 'sms', 'visit', 'other', name='callbackchannel', native_enum=False,
                                 length=32), nullable=False),
    sa.Column('caller_id', sa.Integer(), nullable=False),
    sa.Column('reached', sa.Boolean(), nullable=False),
    sa.Column('words', sa.Text(), nullable=True),
    sa.Column('satisfaction', sa.Enum('very_satisfied', 'satisfied', 'basically_satisfied', 'unsatisfied',
                                      'very_unsatisfied', name='satisfactionlevel', native_enum=False, length=32),
              nullable=True),
    sa.ForeignKeyConstraint(['caller_id'], ['ab_user.id'], name=op.f('fk_callback_attempt_caller_id_ab_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_callback_attempt_case_id_case'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_attempt'))
    )
    with op.batch_alter_table('callback_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_callback_attempt_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_callback_attempt_at'), ['at'], unique=False)
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unreachable', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('sms_opt_out', sa.Boolean(), nullable=False, server_default=sa.false()))
    template = op.create_table('sms_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event', SMS_EVENT, nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_template')),
    sa.UniqueConstraint('event', name=op.f('uq_sms_template_event'))
    )
    op.create_table('sms_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event', SMS_EVENT, nullable=False),
    sa.Column('event_key', sa.String(length=80), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('state', sa.Enum('queued', 'sending', 'sent', 'outbox', 'failed', name='smsstate', native_enum=False,
                               length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('next_try_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_sms_message_case_id_case'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_message')),
    sa.UniqueConstraint('event_key', 'phone', 'event', name=op.f('uq_sms_message_event_key_phone_event'))
    )
    with op.batch_alter_table('sms_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_message_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_message_state'), ['state'], unique=False)
        batch_op.create_index('ix_sms_message_state_next_try', ['state', 'next_try_at'], unique=False)
    op.bulk_insert(template, [{'event': event, 'text': text, 'is_active': True,
                               'updated_at': dt.datetime(2026, 12, 1)} for event, text in DEFAULT_TEXTS.items()])


def downgrade():
    with op.batch_alter_table('sms_message', schema=None) as batch_op:
        batch_op.drop_index('ix_sms_message_state_next_try')
        batch_op.drop_index(batch_op.f('ix_sms_message_state'))
        batch_op.drop_index(batch_op.f('ix_sms_message_case_id'))
    op.drop_table('sms_message')
    op.drop_table('sms_template')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('sms_opt_out')
        batch_op.drop_column('unreachable')
    with op.batch_alter_table('callback_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_callback_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_callback_attempt_case_id'))
    op.drop_table('callback_attempt')
