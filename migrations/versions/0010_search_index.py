"""Stamps of per-process caches; the n-gram search index of cases

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 01:00:00

- cache_stamp: one row per kind of data console processes keep in memory (role permissions, the holiday
  calendar); a change writes a new token in its own transaction and every process reloads (models/cache_stamp.py).
- case_search: the n-gram tokens of each case's title, request, applicant and enterprise (console/ngrams.py,
  models/case_search.py): an FTS5 table on SQLite, tsvector columns with a GIN index each on PostgreSQL; filled here
  from the existing cases, kept by the app in the same transaction as the case afterwards.
- ix_case_list_order: the case list's default order (newest first) with the status it filters on, so the ids of
  any page, however deep, are read off the index alone.
"""
import uuid

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


FIELDS = ('title', 'description', 'applicant_name', 'enterprise_name')


def _create_search_index(dialect):
    if dialect == 'sqlite':
        op.execute("CREATE VIRTUAL TABLE case_search USING fts5("
                   + ", ".join(FIELDS) + ", tokenize='ascii', detail='column')")
        return
    op.create_table(
        'case_search',
        sa.Column('case_id', sa.Integer(), nullable=False),
        *(sa.Column(name, postgresql.TSVECTOR(), nullable=True) for name in FIELDS),
        sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_search_case_id_case'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_search')),
    )
    for name in FIELDS:
        op.create_index(f'ix_case_search_{name}', 'case_search', [name], unique=False, postgresql_using='gin')


def _fill_search_index(dialect):
    from console.ngrams import text_tokens

    conn = op.get_bind()
    case = sa.table('case', sa.column('id'), *(sa.column(name) for name in FIELDS))
    key = 'rowid' if dialect == 'sqlite' else 'case_id'
    target = sa.table('case_search', sa.column(key), *(sa.column(name) for name in FIELDS))
    last = 0
    while True:
        rows = conn.execute(sa.select(case).where(case.c.id > last).order_by(case.c.id).limit(2000)).all()
        if not rows:
            return
        conn.execute(target.insert(), [{key: row.id, **{name: text_tokens(getattr(row, name)) for name in FIELDS}}
                                       for row in rows])
        last = rows[-1].id


def upgrade():
    stamps = op.create_table(
        'cache_stamp',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_cache_stamp')),
    )
    op.bulk_insert(stamps, [{'name': name, 'token': uuid.uuid4().hex} for name in ('permissions', 'holidays')])
    dialect = op.get_bind().dialect.name
    _create_search_index(dialect)
    _fill_search_index(dialect)
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index('ix_case_list_order', ['received_at', 'id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_list_order')
    op.drop_table('case_search')
    op.drop_table('cache_stamp')
