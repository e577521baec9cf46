"""acting officials: the warrants register (Plh., Plt.) with scans, and marked absences

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Three new tables, empty at first; no existing row is touched. A warrant is registered by an
admin with its scan (``warrant_scans``), and revoked rather than deleted; an absence is marked
by the holder of a position and cancelled rather than deleted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('warrants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issuer_name', sa.String(length=200), nullable=False),
    sa.Column('issuer_title', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('covered_user_id', sa.Integer(), nullable=True),
    sa.Column('acting_user_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['acting_user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['covered_user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['revoked_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_warrants_acting_user', 'warrants', ['acting_user_id', 'valid_from'],
                    unique=False)
    op.create_index('ix_warrants_role_window', 'warrants', ['role', 'valid_until'],
                    unique=False)
    op.create_table('warrant_scans',
    sa.Column('warrant_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['warrant_id'], ['warrants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('warrant_id')
    )
    op.create_table('absences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cancelled_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_absences_window', 'absences', ['ends_on', 'starts_on'], unique=False)


def downgrade() -> None:
    # The register and the absences go with their tables; the acts done under a warrant stay
    # in the audit log, which names the warrant's number and capacity.
    op.drop_index('ix_absences_window', table_name='absences')
    op.drop_table('absences')
    op.drop_table('warrant_scans')
    op.drop_index('ix_warrants_role_window', table_name='warrants')
    op.drop_index('ix_warrants_acting_user', table_name='warrants')
    op.drop_table('warrants')
