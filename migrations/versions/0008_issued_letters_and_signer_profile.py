"""issued letters: numbered, signed, verifiable documents, and the signer's rank and NIP

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-20

Three new tables, empty at first: ``issued_letters`` (a document Berkas issued on a case,
with its number, signature block and digest), ``letter_blobs`` (its PDF) and
``letter_sequences`` (the last number per workflow, kind and year). ``users`` gains ``rank``
and ``nip``, empty for every existing user (altered in place, also on SQLite: ADD COLUMN).

An issued document is immutable: triggers refuse to delete it or its PDF, to change its PDF,
and to change anything of it but its revocation, which happens once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

IMMUTABLE = "issued letters are immutable"
# Everything of an issued letter but its revocation (SQLite names them in its trigger).
FIXED_COLUMNS = ("id", "case_id", "workflow", "kind", "kind_label", "number", "seq", "year",
                 "issued_on", "issued_by", "issued_at", "issuing_unit", "signer_name",
                 "signer_rank", "signer_nip", "signer_title", "warrant_id", "warrant_number",
                 "filename", "content_type", "size", "sha256", "token")


def upgrade() -> None:
    op.add_column('users', sa.Column('rank', sa.String(length=100), server_default='',
                                     nullable=False))
    op.add_column('users', sa.Column('nip', sa.String(length=18), server_default='',
                                     nullable=False))
    op.create_table('issued_letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('workflow', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('kind_label', sa.String(length=200), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_by', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issuing_unit', sa.String(length=200), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('signer_rank', sa.String(length=100), nullable=False),
    sa.Column('signer_nip', sa.String(length=18), nullable=False),
    sa.Column('signer_title', sa.String(length=200), nullable=False),
    sa.Column('warrant_id', sa.Integer(), nullable=True),
    sa.Column('warrant_number', sa.String(length=100), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['issued_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['revoked_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['warrant_id'], ['warrants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token', name='uq_letter_token'),
    sa.UniqueConstraint('workflow', 'kind', 'year', 'seq', name='uq_letter_seq')
    )
    op.create_index('ix_issued_letters_case_id', 'issued_letters', ['case_id'], unique=False)
    op.create_table('letter_blobs',
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['issued_letters.id'], ),
    sa.PrimaryKeyConstraint('letter_id')
    )
    op.create_table('letter_sequences',
    sa.Column('workflow', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('workflow', 'kind', 'year')
    )
    for statement in (_postgres() if op.get_bind().dialect.name == "postgresql"
                      else _sqlite()):
        op.execute(statement)


def _sqlite() -> list[str]:
    refuse = f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END"
    return [
        f"CREATE TRIGGER letter_blobs_no_update BEFORE UPDATE ON letter_blobs {refuse}",
        f"CREATE TRIGGER letter_blobs_no_delete BEFORE DELETE ON letter_blobs {refuse}",
        f"CREATE TRIGGER issued_letters_no_delete BEFORE DELETE ON issued_letters {refuse}",
        f"CREATE TRIGGER issued_letters_fixed BEFORE UPDATE OF {', '.join(FIXED_COLUMNS)}"
        f" ON issued_letters {refuse}",
        "CREATE TRIGGER issued_letters_revoked_once BEFORE UPDATE ON issued_letters"
        f" WHEN OLD.revoked_at IS NOT NULL {refuse}",
        # SQLite's REPLACE deletes the old row without its delete trigger: refuse an insert
        # that would replace a document (by id, token or number slot) or its PDF.
        "CREATE TRIGGER issued_letters_no_replace BEFORE INSERT ON issued_letters WHEN EXISTS"
        " (SELECT 1 FROM issued_letters WHERE id = NEW.id OR token = NEW.token OR"
        " (workflow = NEW.workflow AND kind = NEW.kind AND year = NEW.year AND seq = NEW.seq))"
        f" {refuse}",
        "CREATE TRIGGER letter_blobs_no_replace BEFORE INSERT ON letter_blobs WHEN EXISTS"
        f" (SELECT 1 FROM letter_blobs WHERE letter_id = NEW.letter_id) {refuse}",
    ]


def _postgres() -> list[str]:
    revocation = "- 'revoked_at' - 'revoked_by' - 'revoke_reason'"
    return [
        f"""CREATE OR REPLACE FUNCTION letters_refuse() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{IMMUTABLE}'; END; $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION issued_letters_guard() RETURNS trigger AS $$
            BEGIN
              IF TG_OP = 'DELETE' OR OLD.revoked_at IS NOT NULL
                 OR (to_jsonb(OLD) {revocation}) IS DISTINCT FROM (to_jsonb(NEW) {revocation})
              THEN RAISE EXCEPTION '{IMMUTABLE}';
              END IF;
              RETURN NEW;
            END; $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER issued_letters_no_change BEFORE UPDATE OR DELETE ON issued_letters
            FOR EACH ROW EXECUTE FUNCTION issued_letters_guard()""",
        """CREATE TRIGGER issued_letters_no_truncate BEFORE TRUNCATE ON issued_letters
            FOR EACH STATEMENT EXECUTE FUNCTION letters_refuse()""",
        """CREATE TRIGGER letter_blobs_no_change BEFORE UPDATE OR DELETE ON letter_blobs
            FOR EACH ROW EXECUTE FUNCTION letters_refuse()""",
        """CREATE TRIGGER letter_blobs_no_truncate BEFORE TRUNCATE ON letter_blobs
            FOR EACH STATEMENT EXECUTE FUNCTION letters_refuse()""",
    ]


def downgrade() -> None:
    # The issued documents go with their tables (their triggers with them); each issue and
    # revocation stays in its case's audit trail, with the document's number and digest.
    op.drop_table('letter_sequences')
    op.drop_table('letter_blobs')
    op.drop_index('ix_issued_letters_case_id', table_name='issued_letters')
    op.drop_table('issued_letters')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS issued_letters_guard()")
        op.execute("DROP FUNCTION IF EXISTS letters_refuse()")
    op.drop_column('users', 'nip')
    op.drop_column('users', 'rank')
