"""the staff list's index: (call_id, status) grows submitted_at, so one call's applications in one status are read
newest first straight from the index (50 rows, not a scan of the call), and counted from it

Revision ID: d9d20261203d
Revises: c9d20261203c
Create Date: 2026-12-03 09:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd9d20261203d'
down_revision = 'c9d20261203c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('festival_application', schema=None) as batch_op:
        batch_op.create_index('ix_festival_application_call_status_submitted', ['call_id', 'status', 'submitted_at'],
                              unique=False)
        batch_op.drop_index('ix_festival_application_call_status')


def downgrade():
    with op.batch_alter_table('festival_application', schema=None) as batch_op:
        batch_op.create_index('ix_festival_application_call_status', ['call_id', 'status'], unique=False)
        batch_op.drop_index('ix_festival_application_call_status_submitted')
