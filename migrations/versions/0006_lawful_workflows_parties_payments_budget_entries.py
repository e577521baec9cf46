"""lawful workflows: parties, payments per termin, the pagu's history of DPA entries

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

Every row is carried over; the applicant JSON, documents and audit entries are not touched.

- Parties: each case gets one. A media case's party is a company named by the applicant's
  ``company_name``; a grant case's (and any other's) an organisation named by its
  ``organisation`` (both falling back on ``applicant_name``). One party per distinct (kind,
  name), so the checks across years, which now match by party, keep finding the old cases of
  the same name. NPWP and NIB stay empty until an officer records them.
- Payments: a case with an SP2D number, a payment date or a paid amount becomes one final
  payment (the old cases were paid in one go); then ``cases.sp2d_number`` and
  ``cases.paid_at`` go. ``cases.paid_amount`` stays (the sum of the payments' gross).
- Budget entries: every pagu becomes its first entry.
- New, empty for old rows: ``documents.value`` (what a BAST accepted) and
  ``cases.refund_date`` (when a grant's unspent money went back to the Kas Daerah).

``cases`` is altered in place, also on SQLite (ADD/DROP COLUMN, SQLite 3.35 or later): a batch
rebuild would drop the table that documents, audit entries and deadlines point at, which SQLite
refuses while foreign keys are on (and the engine turns them on, inside the migration's
transaction, where they cannot be turned off). Altering in place also leaves every trigger and
index of the other tables as it was.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

NOT_RECORDED = "(tidak dicatat)"
MOVED_NOTE = "dipindahkan dari pagu sebelum riwayat DPA"
BATCH = 5000
LINK_BATCH = 500  # case ids per UPDATE, well under either database's limit of parameters

_cases = sa.table(
    'cases',
    sa.column('id', sa.Integer()),
    sa.column('workflow', sa.String()),
    sa.column('applicant', sa.JSON()),
    sa.column('applicant_name', sa.String()),
    sa.column('approved_amount', sa.BigInteger()),
    sa.column('paid_amount', sa.BigInteger()),
    sa.column('sp2d_number', sa.String()),
    sa.column('paid_at', sa.Date()),
    sa.column('party_id', sa.Integer()),
    sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('updated_at', sa.DateTime(timezone=True)),
)
_parties = sa.table(
    'parties',
    sa.column('id', sa.Integer()),
    sa.column('kind', sa.String()),
    sa.column('name', sa.String()),
    sa.column('npwp', sa.String()),
    sa.column('nib', sa.String()),
    sa.column('address', sa.String()),
    sa.column('is_pkp', sa.Boolean()),
    sa.column('version', sa.Integer()),
    sa.column('created_by', sa.Integer()),
    sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('updated_at', sa.DateTime(timezone=True)),
)
_payments = sa.table(
    'payments',
    sa.column('case_id', sa.Integer()),
    sa.column('seq', sa.Integer()),
    sa.column('final', sa.Boolean()),
    sa.column('spm_number', sa.String()),
    sa.column('spm_date', sa.Date()),
    sa.column('sp2d_number', sa.String()),
    sa.column('sp2d_date', sa.Date()),
    sa.column('gross', sa.BigInteger()),
    sa.column('pph23', sa.BigInteger()),
    sa.column('ppn', sa.BigInteger()),
    sa.column('net', sa.BigInteger()),
    sa.column('bast_document_id', sa.Integer()),
    sa.column('bast_date', sa.Date()),
    sa.column('publication_document_id', sa.Integer()),
    sa.column('recorded_by', sa.Integer()),
    sa.column('recorded_at', sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and (bind.dialect.server_version_info or ()) < (3, 35):
        raise RuntimeError("revision 0006 needs SQLite 3.35 or later (ALTER TABLE DROP COLUMN)")

    op.create_table('parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('npwp', sa.String(length=16), nullable=True),
    sa.Column('nib', sa.String(length=13), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('is_pkp', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('npwp')
    )
    op.create_index(op.f('ix_parties_name'), 'parties', ['name'], unique=False)

    op.create_table('budget_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workflow', sa.String(length=64), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('dpa_number', sa.String(length=100), nullable=False),
    sa.Column('dpa_date', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('entered_by', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entered_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_budget_entries_year', 'budget_entries',
                    ['workflow', 'fiscal_year', 'id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.Column('spm_number', sa.String(length=100), nullable=True),
    sa.Column('spm_date', sa.Date(), nullable=True),
    sa.Column('sp2d_number', sa.String(length=100), nullable=False),
    sa.Column('sp2d_date', sa.Date(), nullable=False),
    sa.Column('gross', sa.BigInteger(), nullable=False),
    sa.Column('pph23', sa.BigInteger(), nullable=False),
    sa.Column('ppn', sa.BigInteger(), nullable=False),
    sa.Column('net', sa.BigInteger(), nullable=False),
    sa.Column('bast_document_id', sa.Integer(), nullable=True),
    sa.Column('bast_date', sa.Date(), nullable=True),
    sa.Column('publication_document_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bast_document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['publication_document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('bast_document_id', name='uq_payment_bast'),
    sa.UniqueConstraint('case_id', 'seq', name='uq_payment_case_seq'),
    sa.UniqueConstraint('publication_document_id', name='uq_payment_publication')
    )
    op.create_index(op.f('ix_payments_case_id'), 'payments', ['case_id'], unique=False)

    # The value a BAST states as accepted (recorded when it is checked MS), which bounds the
    # termin it pays; and the day a grant's unspent money went back to the Kas Daerah.
    op.add_column('documents', sa.Column('value', sa.BigInteger(), nullable=True))
    op.add_column('cases', sa.Column('refund_date', sa.Date(), nullable=True))
    # Inline REFERENCES: the one form of a new foreign key both databases take in place.
    op.execute("ALTER TABLE cases ADD COLUMN party_id INTEGER REFERENCES parties (id)")
    _carry_parties(bind)
    op.create_index(op.f('ix_cases_party_id'), 'cases', ['party_id'], unique=False)
    _carry_payments(bind)
    op.execute(sa.text(
        "INSERT INTO budget_entries (workflow, fiscal_year, amount, dpa_number, dpa_date, note,"
        " entered_by, entered_at)"
        " SELECT workflow, fiscal_year, amount, '', NULL, :note, updated_by, updated_at"
        " FROM budgets ORDER BY id"
    ).bindparams(note=MOVED_NOTE))

    op.drop_column('cases', 'paid_at')
    op.drop_column('cases', 'sp2d_number')


def _utc(value: datetime) -> datetime:
    """A stored timestamp as aware UTC (SQLite gives it back naive, or as it was written)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _party_of(workflow: str, applicant: Any, applicant_name: str) -> tuple[str, str, str]:
    """(kind, name, address) of a case's applicant, read as the old forms wrote it."""
    if isinstance(applicant, str):
        try:
            applicant = json.loads(applicant)
        except ValueError:
            applicant = {}
    if not isinstance(applicant, dict):
        applicant = {}
    kind, field = ("company", "company_name") if workflow == "media_verification" else (
        "organisation", "organisation" if workflow == "grant" else "")
    name = (_text(applicant.get(field)) if field else "") or _text(applicant_name)
    return kind, name[:200], _text(applicant.get("address"))[:300]


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start:start + BATCH]


def _carry_parties(bind: sa.Connection) -> None:
    """One party per distinct (kind, name), created when its earliest case was, with the
    newest address given; every case linked to it."""
    parties: dict[tuple[str, str], dict[str, Any]] = {}
    members: dict[tuple[str, str], list[int]] = {}
    query = sa.select(_cases.c.id, _cases.c.workflow, _cases.c.applicant,
                      _cases.c.applicant_name, _cases.c.created_at).order_by(_cases.c.id)
    for case_id, workflow, applicant, applicant_name, created_at in bind.execute(query):
        kind, name, address = _party_of(workflow, applicant, applicant_name)
        created = _utc(created_at)
        party = parties.setdefault((kind, name), {
            "kind": kind, "name": name, "address": "", "created_at": created, "newest": None})
        party["created_at"] = min(party["created_at"], created)
        if address and (party["newest"] is None or created >= party["newest"]):
            party["address"], party["newest"] = address, created
        members.setdefault((kind, name), []).append(case_id)
    link = sa.update(_cases).where(
        _cases.c.id.in_(sa.bindparam("b_ids", expanding=True))).values(
        party_id=sa.bindparam("b_party"))
    rows = [{"kind": p["kind"], "name": p["name"], "npwp": None, "nib": None,
             "address": p["address"], "is_pkp": False, "version": 1, "created_by": None,
             "created_at": p["created_at"], "updated_at": p["created_at"]}
            for p in parties.values()]
    for chunk in _chunks(rows):
        bind.execute(sa.insert(_parties), chunk)
    ids = {(kind, name): party_id for party_id, kind, name in bind.execute(
        sa.select(_parties.c.id, _parties.c.kind, _parties.c.name))}
    for key, case_ids in members.items():
        for start in range(0, len(case_ids), LINK_BATCH):
            bind.execute(link, {"b_party": ids[key],
                                "b_ids": case_ids[start:start + LINK_BATCH]})


def _carry_payments(bind: sa.Connection) -> None:
    """One final payment per case paid the old way. A payment with no date takes the date
    (in the deployment's time zone) the case was last changed on."""
    zone = ZoneInfo(os.environ.get("BERKAS_TIMEZONE") or "Asia/Makassar")
    query = sa.select(
        _cases.c.id, _cases.c.sp2d_number, _cases.c.paid_at, _cases.c.paid_amount,
        _cases.c.approved_amount, _cases.c.updated_at,
    ).where(sa.or_(_cases.c.sp2d_number.is_not(None), _cases.c.paid_at.is_not(None),
                   _cases.c.paid_amount.is_not(None))).order_by(_cases.c.id)
    rows = []
    for case_id, sp2d_number, paid_at, paid_amount, approved_amount, updated_at in bind.execute(
            query):
        recorded_at = _utc(updated_at)
        sp2d_date: date = paid_at or recorded_at.astimezone(zone).date()
        gross = paid_amount if paid_amount is not None else (approved_amount or 0)
        rows.append({
            "case_id": case_id, "seq": 1, "final": True, "spm_number": None, "spm_date": None,
            "sp2d_number": sp2d_number or NOT_RECORDED, "sp2d_date": sp2d_date,
            "gross": gross, "pph23": 0, "ppn": 0, "net": gross, "bast_document_id": None,
            "bast_date": None, "publication_document_id": None, "recorded_by": None,
            "recorded_at": recorded_at,
        })
    for chunk in _chunks(rows):
        bind.execute(sa.insert(_payments), chunk)


def downgrade() -> None:
    # The SP2D number and date of each case's last payment go back onto the case; earlier
    # termins, tax withheld, SPM, parties and the pagu's history are lost with their tables.
    op.add_column('cases', sa.Column('sp2d_number', sa.String(length=100), nullable=True))
    op.add_column('cases', sa.Column('paid_at', sa.Date(), nullable=True))
    op.execute(sa.text(
        "UPDATE cases SET"
        " sp2d_number = NULLIF((SELECT p.sp2d_number FROM payments p WHERE p.case_id = cases.id"
        "  ORDER BY p.seq DESC LIMIT 1), :not_recorded),"
        " paid_at = (SELECT p.sp2d_date FROM payments p WHERE p.case_id = cases.id"
        "  ORDER BY p.seq DESC LIMIT 1)"
        " WHERE EXISTS (SELECT 1 FROM payments p WHERE p.case_id = cases.id)"
    ).bindparams(not_recorded=NOT_RECORDED))
    op.drop_column('cases', 'refund_date')
    op.drop_column('documents', 'value')
    op.drop_index(op.f('ix_cases_party_id'), table_name='cases')
    # Drops the inline foreign key with it, on both databases.
    op.drop_column('cases', 'party_id')
    op.drop_index(op.f('ix_payments_case_id'), table_name='payments')
    op.drop_table('payments')
    op.drop_index('ix_budget_entries_year', table_name='budget_entries')
    op.drop_table('budget_entries')
    op.drop_index(op.f('ix_parties_name'), table_name='parties')
    op.drop_table('parties')
