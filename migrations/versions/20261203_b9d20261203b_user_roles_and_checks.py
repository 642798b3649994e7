"""user roles as a set (user_role), CHECK constraints on enum columns, one PDF per question

Revision ID: b9d20261203b
Revises: a9d20261203a
Create Date: 2026-12-03 08:00:00

Every account keeps its role: the rows are copied into user_role before user_account.role is dropped.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b9d20261203b'
down_revision = 'a9d20261203a'
branch_labels = None
depends_on = None

ROLES = ['applicant', 'staff', 'mentor', 'reviewer']
STATUSES = ['draft', 'submitted', 'under_review', 'accepted', 'waitlisted', 'rejected', 'withdrawn']

# table → column → the values its enum allows (frozen here: a later change of an enum gets its own migration)
ENUM_CHECKS = {
    'festival_edition': {'status': ['draft', 'published', 'archived']},
    'outbox_message': {'status': ['pending', 'sent', 'failed']},
    'festival_call': {'kind': ['bazaar', 'pitching', 'showcase']},
    'invitation': {'role': ROLES},
    'festival_application': {
        'status': STATUSES,
        'district': ['denpasar_barat', 'denpasar_selatan', 'denpasar_timur', 'denpasar_utara', 'study_or_work'],
        'subsector': ['app_development', 'game_development', 'architecture', 'interior_design',
                      'visual_communication_design', 'product_design', 'fashion', 'film_animation_video',
                      'photography', 'crafts', 'culinary', 'music', 'publishing', 'advertising', 'performing_arts',
                      'fine_arts', 'television_and_radio'],
        'stage': ['idea', 'started', 'growing'],
    },
    'festival_call_question': {'kind': ['short_text', 'long_text', 'number', 'url', 'pdf']},
    'festival_application_event': {'from_status': STATUSES, 'to_status': STATUSES},
    'festival_application_file': {'kind': ['photo', 'pdf']},
    'festival_review_assignment': {'status': ['assigned', 'submitted', 'conflict']},
}


def _in_list(column, values):
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade():
    op.create_table('user_role',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum(*ROLES, name='role', native_enum=False, length=16), nullable=False),
    sa.CheckConstraint(_in_list('role', ROLES), name=op.f('ck_user_role_role_enum')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_role_user_id_user_account'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_role'))
    )
    with op.batch_alter_table('user_role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_role_role'), ['role'], unique=False)

    # Every account keeps the role it had.
    op.execute("INSERT INTO user_role (user_id, role) SELECT id, role FROM user_account")

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_role'))
        batch_op.drop_column('role')

    for table, columns in ENUM_CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, values in columns.items():
                batch_op.create_check_constraint(op.f(f'ck_{table}_{column}_enum'), _in_list(column, values))

    # After the batches above: SQLite rebuilds a table in batch mode, and the partial index is made last.
    op.create_index('uq_festival_application_file_pdf_question', 'festival_application_file',
                    ['application_id', 'question_key'], unique=True,
                    sqlite_where=sa.text("kind = 'pdf'"), postgresql_where=sa.text("kind = 'pdf'"))


def downgrade():
    op.drop_index('uq_festival_application_file_pdf_question', table_name='festival_application_file',
                  sqlite_where=sa.text("kind = 'pdf'"), postgresql_where=sa.text("kind = 'pdf'"))
    for table, columns in reversed(list(ENUM_CHECKS.items())):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_constraint(op.f(f'ck_{table}_{column}_enum'), type_='check')

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.Enum(*ROLES, name='role', native_enum=False, length=16),
                                      nullable=False, server_default='applicant'))
    # One role per account again: the strongest one it holds.
    op.execute("""
        UPDATE user_account SET role = COALESCE((
            SELECT user_role.role FROM user_role WHERE user_role.user_id = user_account.id
            ORDER BY CASE user_role.role WHEN 'staff' THEN 0 WHEN 'reviewer' THEN 1 WHEN 'mentor' THEN 2 ELSE 3 END
            LIMIT 1), 'applicant')
    """)
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('role', server_default=None)
        batch_op.create_index(batch_op.f('ix_user_account_role'), ['role'], unique=False)

    with op.batch_alter_table('user_role', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_role_role'))
    op.drop_table('user_role')
