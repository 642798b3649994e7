"""bilingual columns: *_id (which reads as a foreign key) becomes *_ind (Indonesian), beside *_en

Revision ID: c9d20261203c
Revises: b9d20261203b
Create Date: 2026-12-03 08:15:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c9d20261203c'
down_revision = 'b9d20261203b'
branch_labels = None
depends_on = None

RENAMES = {
    'festival_call': ('name', 'description'),
    'festival_call_question': ('label', 'help'),
    'festival_rubric_criterion': ('name', 'guidance'),
}


def _rename(old_suffix: str, new_suffix: str) -> None:
    for table, stems in RENAMES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for stem in stems:
                batch_op.alter_column(f'{stem}{old_suffix}', new_column_name=f'{stem}{new_suffix}')


def upgrade():
    _rename('_id', '_ind')


def downgrade():
    _rename('_ind', '_id')
