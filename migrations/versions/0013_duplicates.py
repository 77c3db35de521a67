"""重复件: a duplicate merged into its main case, and the possible duplicate found at registration

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 02:30:00

- case.duplicate_of_id: the main case a duplicate was merged into (workflow action `merge`, status `merged`, a
  new code of the VARCHAR status column). Figures leave merged cases out, so the matter counts once.
- case.suspected_duplicate_of_id: the earlier case a new one looked like when it was registered (the same phone
  or ID number, or a very similar title, within 30 days); the case list flags it 「疑似重复」.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('suspected_duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_case_duplicate_of_id', ['duplicate_of_id'], unique=False)
        batch_op.create_index('ix_case_suspected_duplicate_of_id', ['suspected_duplicate_of_id'], unique=False)
        batch_op.create_foreign_key('fk_case_duplicate_of_id_case', 'case', ['duplicate_of_id'], ['id'])
        batch_op.create_foreign_key('fk_case_suspected_duplicate_of_id_case', 'case',
                                    ['suspected_duplicate_of_id'], ['id'])


def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_constraint('fk_case_suspected_duplicate_of_id_case', type_='foreignkey')
        batch_op.drop_constraint('fk_case_duplicate_of_id_case', type_='foreignkey')
        batch_op.drop_index('ix_case_suspected_duplicate_of_id')
        batch_op.drop_index('ix_case_duplicate_of_id')
        batch_op.drop_column('suspected_duplicate_of_id')
        batch_op.drop_column('duplicate_of_id')
