"""help articles: articles, their published versions, what people did with them, and
searches that found nothing (issue 18).
The full-text index of published articles is the shared search table's job.

Revision ID: i18_help
Revises: i16_case_clock
Create Date: 2026-11-30 04:53:09.365009

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i18_help'
down_revision = 'i16_case_clock'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('help_search_miss',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('query', sa.String(length=100), nullable=False),
    sa.Column('searched_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_search_miss'))
    )
    with op.batch_alter_table('help_search_miss', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_search_miss_query'), ['query'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_search_miss_searched_at'), ['searched_at'], unique=False)

    op.create_table('help_article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('topics', sa.String(length=300), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('review_by', sa.Date(), nullable=True),
    sa.Column('published_number', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("audience IN ('everyone', 'members', 'applicants', 'employers', 'centres')", name=op.f('ck_help_article_audience')),
    sa.CheckConstraint("status IN ('draft', 'published', 'archived')", name=op.f('ck_help_article_status')),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_help_article_owner_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_help_article_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_article')),
    sa.UniqueConstraint('slug', name=op.f('uq_help_article_slug'))
    )
    with op.batch_alter_table('help_article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_article_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_article_review_by'), ['review_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_article_status'), ['status'], unique=False)

    op.create_table('help_article_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('topics', sa.String(length=300), nullable=False),
    sa.Column('review_by', sa.Date(), nullable=True),
    sa.Column('changes', sa.String(length=300), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['help_article.id'], name=op.f('fk_help_article_version_article_id_help_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'], name=op.f('fk_help_article_version_published_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_article_version')),
    sa.UniqueConstraint('article_id', 'number', name=op.f('uq_help_article_version_article_id_number'))
    )
    with op.batch_alter_table('help_article_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_article_version_article_id'), ['article_id'], unique=False)

    op.create_table('help_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('form', sa.String(length=30), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('happened_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('answered', 'asked-anyway')", name=op.f('ck_help_event_kind')),
    sa.ForeignKeyConstraint(['article_id'], ['help_article.id'], name=op.f('fk_help_event_article_id_help_article'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], name=op.f('fk_help_event_request_id_service_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_event')),
    sa.UniqueConstraint('request_id', 'article_id', name=op.f('uq_help_event_request_id_article_id'))
    )
    with op.batch_alter_table('help_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_event_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_event_happened_at'), ['happened_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_event_kind'), ['kind'], unique=False)



def downgrade():
    with op.batch_alter_table('help_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_event_kind'))
        batch_op.drop_index(batch_op.f('ix_help_event_happened_at'))
        batch_op.drop_index(batch_op.f('ix_help_event_article_id'))

    op.drop_table('help_event')
    with op.batch_alter_table('help_article_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_article_version_article_id'))

    op.drop_table('help_article_version')
    with op.batch_alter_table('help_article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_article_status'))
        batch_op.drop_index(batch_op.f('ix_help_article_review_by'))
        batch_op.drop_index(batch_op.f('ix_help_article_owner_id'))

    op.drop_table('help_article')
    with op.batch_alter_table('help_search_miss', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_search_miss_searched_at'))
        batch_op.drop_index(batch_op.f('ix_help_search_miss_query'))

    op.drop_table('help_search_miss')
