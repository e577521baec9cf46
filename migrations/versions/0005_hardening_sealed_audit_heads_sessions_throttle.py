"""hardening: sealed audit chain heads, the system audit chain, token versions, login
throttle by address and account, background audit checks

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

Existing chains keep every entry; their heads are copied onto the case rows here, and sealed
by ``berkas migrate`` right after (the seal key is not in the database, so SQL cannot).
Failed logins of the old throttle are transient and are not carried over. Pending emails get
their attempts back (see the end of ``upgrade``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from migrations.triggers import create_audit_triggers, create_replace_guard, drop_audit_triggers

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audit_seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('audit_hash', sa.String(length=64), server_default=GENESIS, nullable=False))
        batch_op.add_column(sa.Column('audit_seal', sa.String(length=64), server_default='', nullable=False))
    # Each case's head is its newest entry.
    op.execute(
        "UPDATE cases SET audit_seq = head.seq, audit_hash = head.hash FROM ("
        " SELECT e.case_id, e.seq, e.hash FROM audit_entries e JOIN ("
        "  SELECT case_id, max(seq) AS seq FROM audit_entries GROUP BY case_id"
        " ) newest ON newest.case_id = e.case_id AND newest.seq = e.seq"
        ") AS head WHERE head.case_id = cases.id"
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_version', sa.Integer(), server_default='0', nullable=False))

    op.create_table('system_audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('seq', name='uq_system_audit_seq')
    )
    op.create_table('audit_heads',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('seal', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.execute(f"INSERT INTO audit_heads (name, seq, hash, seal) VALUES ('system', 0, '{GENESIS}', '')")
    op.create_table('login_throttle',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('login_known_addresses',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('username', 'address')
    )
    op.create_table('audit_verify_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_by', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['started_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_user_at')
    op.drop_table('login_failures')
    create_replace_guard('audit_entries')
    create_audit_triggers('system_audit_entries', replace_guard=True)
    # Before this release one message that could not be composed was claimed first on every
    # run, spending the attempts of the whole batch behind it without sending anything: give
    # every message still pending its attempts back, so that each is tried on its own now.
    op.execute("UPDATE outbox_emails SET attempts = 0 WHERE status = 'pending'")


def downgrade() -> None:
    drop_audit_triggers('system_audit_entries')
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_replace")
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_user_at', ['username', 'at'], unique=False)
    op.drop_table('audit_verify_runs')
    op.drop_table('login_known_addresses')
    op.drop_table('login_throttle')
    op.drop_table('audit_heads')
    op.drop_table('system_audit_entries')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('token_version')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('audit_seal')
        batch_op.drop_column('audit_hash')
        batch_op.drop_column('audit_seq')
