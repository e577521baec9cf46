"""Database tables (SQLModel). State and document codes are plain VARCHARs, never native enums:
adding a state must not need ``ALTER TYPE``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from infra.types import UTCDateTime


def _money(nullable: bool = True) -> Any:
    return Field(default=None if nullable else 0, sa_type=BigInteger, nullable=nullable)


def _when(nullable: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


def _user_fk(nullable: bool = True) -> Any:
    return Field(
        default=None,
        sa_column_args=[ForeignKey("users.id")],
        sa_type=Integer,
        nullable=nullable,
    )


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_type=String(64), unique=True, index=True)
    full_name: str = Field(sa_type=String(200))
    email: str = Field(sa_type=String(254))
    roles: list[str] = Field(default_factory=list, sa_type=JSON)
    password_hash: str = Field(sa_type=String(255))
    is_active: bool = True
    created_at: datetime = _when()
    # Every token carries the version it was issued under; logout, a password change or
    # reset, deactivation and a role change raise it, which ends every older token at once.
    token_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # How the user's signature block prints them on a document Berkas issues (issue 15):
    # pangkat/golongan ("Pembina (IV/a)") and the 18-digit NIP; empty until recorded.
    rank: str = Field(default="", sa_type=String(100), sa_column_kwargs={"server_default": ""})
    nip: str = Field(default="", sa_type=String(18), sa_column_kwargs={"server_default": ""})


class Case(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_workflow_state_id", "workflow", "state", "id"),
        Index("ix_cases_state_id", "state", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(sa_type=String(32), unique=True)
    workflow: str = Field(sa_type=String(64))
    state: str = Field(sa_type=String(32))
    fiscal_year: int = Field(index=True)
    title: str = Field(sa_type=String(300))
    applicant: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    applicant_name: str = Field(sa_type=String(200), index=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    amount: int = _money(nullable=False)
    recommended_amount: int | None = _money()
    approved_amount: int | None = _money()
    paid_amount: int | None = _money()
    spent_amount: int | None = _money()
    refunded_amount: int | None = _money()
    # When the unspent money went back to the Kas Daerah (STS): a refund dated within the
    # fiscal year is credited back to that year's pagu.
    refund_date: date | None = None
    # The media category (A, B, C), derived from the Dewan Pers status at review.
    tier: str | None = Field(default=None, sa_type=String(4))
    nphd_number: str | None = Field(default=None, sa_type=String(100))
    nphd_date: date | None = None
    # The press company or organisation applying (``Party``); eligibility across years
    # matches by it. NULL only on cases registered before parties existed and not yet linked.
    party_id: int | None = Field(default=None, sa_column_args=[ForeignKey("parties.id")],
                                 sa_type=Integer, nullable=True, index=True)
    registered_by: int | None = _user_fk()
    reviewed_by: int | None = _user_fk()
    approved_by: int | None = _user_fk()
    assignee_id: int | None = _user_fk()
    version: int = 1
    created_at: datetime = _when()
    updated_at: datetime = _when()
    # The head of the case's audit chain, written with every entry in the same transaction;
    # the seal is an HMAC of (case, seq, hash) under a key that is not in the database, so a
    # missing tail, a missing chain or a re-hashed chain shows (``cases.audit_verify``).
    audit_seq: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    audit_hash: str = Field(default="0" * 64, sa_type=String(64),
                            sa_column_kwargs={"server_default": "0" * 64})
    audit_seal: str = Field(default="", sa_type=String(64),
                            sa_column_kwargs={"server_default": ""})


class Party(SQLModel, table=True):
    """A press company or an organisation, registered once and chosen for each of its cases
    (docs/domain.md, Parties). Identified by NPWP (typed with 15 or 16 digits, stored as the
    16 digits: a 15-digit NPWP gets the "0" the 2024 scheme puts before it);
    a company also by NIB (13 digits). ``npwp`` is NULL only for parties carried over from
    cases registered before parties existed, until an officer records it."""

    __tablename__ = "parties"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String(16))  # "company" or "organisation"
    name: str = Field(sa_type=String(200), index=True)
    npwp: str | None = Field(default=None, sa_type=String(16), unique=True)
    nib: str | None = Field(default=None, sa_type=String(13))
    address: str = Field(default="", sa_type=String(300))
    is_pkp: bool = False
    version: int = 1
    created_by: int | None = _user_fk()
    created_at: datetime = _when()
    updated_at: datetime = _when()


class Payment(SQLModel, table=True):
    """One payment of a case: a termin of a media contract, or a grant's disbursement.

    SPM and SP2D per Permendagri 77/2020; ``gross`` less ``pph23`` and ``ppn`` withheld is
    ``net``. A BAST or proof of publication pays at most one termin: the unique constraints
    hold that even against two treasurers at once. Rows are never updated or deleted.
    """

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("case_id", "seq", name="uq_payment_case_seq"),
        UniqueConstraint("bast_document_id", name="uq_payment_bast"),
        UniqueConstraint("publication_document_id", name="uq_payment_publication"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    seq: int  # the termin's number, from 1
    final: bool = False
    spm_number: str | None = Field(default=None, sa_type=String(100))
    spm_date: date | None = None
    sp2d_number: str = Field(sa_type=String(100))
    sp2d_date: date
    gross: int = Field(sa_type=BigInteger)
    pph23: int = Field(default=0, sa_type=BigInteger)
    ppn: int = Field(default=0, sa_type=BigInteger)
    net: int = Field(sa_type=BigInteger)
    bast_document_id: int | None = Field(default=None, sa_column_args=[
        ForeignKey("documents.id")], sa_type=Integer, nullable=True)
    bast_date: date | None = None
    publication_document_id: int | None = Field(default=None, sa_column_args=[
        ForeignKey("documents.id")], sa_type=Integer, nullable=True)
    recorded_by: int | None = _user_fk()
    recorded_at: datetime = _when()


class Document(SQLModel, table=True):
    __tablename__ = "documents"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    kind: str = Field(sa_type=String(64))
    filename: str = Field(sa_type=String(255))
    content_type: str = Field(sa_type=String(64))
    size: int = Field(sa_type=BigInteger)
    sha256: str = Field(sa_type=String(64))
    status: str = Field(default="unchecked", sa_type=String(16))
    note: str = Field(default="", sa_type=String(2000))
    # The value the document states, recorded by whoever checks it (a BAST's accepted value,
    # ``DocumentKind.valued``): a termin paid against it may not exceed it.
    value: int | None = Field(default=None, sa_type=BigInteger, nullable=True)
    uploaded_by: int | None = _user_fk()
    uploaded_at: datetime = _when()
    checked_by: int | None = _user_fk()
    checked_at: datetime | None = _when(nullable=True)


class DocumentBlob(SQLModel, table=True):
    """The bytes, apart from the metadata so that listing documents never loads them."""

    __tablename__ = "document_blobs"

    document_id: int = Field(
        sa_column=Column(Integer, ForeignKey("documents.id"), primary_key=True)
    )
    content: bytes = Field(sa_type=LargeBinary)


class Comment(SQLModel, table=True):
    __tablename__ = "comments"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    author_id: int = Field(foreign_key="users.id")
    body: str = Field(sa_type=String(4000))
    created_at: datetime = _when()


class AuditEntry(SQLModel, table=True):
    """One event in a case's life. Append-only: database triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_entries"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_audit_case_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    seq: int
    at: datetime = _when()
    actor_id: int | None = _user_fk()
    actor_name: str = Field(sa_type=String(200))
    action: str = Field(sa_type=String(64))
    from_state: str | None = Field(default=None, sa_type=String(32))
    to_state: str | None = Field(default=None, sa_type=String(32))
    comment: str = Field(default="", sa_type=String(4000))
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    prev_hash: str = Field(sa_type=String(64))
    hash: str = Field(sa_type=String(64))


class Budget(SQLModel, table=True):
    """The current ceiling (pagu) of one workflow in one fiscal year: the latest of its
    :class:`BudgetEntry` rows, kept here as the row approvals lock."""

    __tablename__ = "budgets"
    __table_args__ = (UniqueConstraint("workflow", "fiscal_year", name="uq_budget_year"),)

    id: int | None = Field(default=None, primary_key=True)
    workflow: str = Field(sa_type=String(64))
    fiscal_year: int
    amount: int = Field(sa_type=BigInteger)
    updated_at: datetime = _when()
    updated_by: int | None = _user_fk()


class BudgetEntry(SQLModel, table=True):
    """One entry of a pagu by finance (PPK-SKPD) from the DPA: the first, or a revision after
    the APBD-P. Never updated: the history of a year's pagu is its entries in order."""

    __tablename__ = "budget_entries"
    __table_args__ = (Index("ix_budget_entries_year", "workflow", "fiscal_year", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    workflow: str = Field(sa_type=String(64))
    fiscal_year: int
    amount: int = Field(sa_type=BigInteger)
    dpa_number: str = Field(default="", sa_type=String(100))
    dpa_date: date | None = None
    note: str = Field(default="", sa_type=String(500))
    entered_by: int | None = _user_fk()
    entered_at: datetime = _when()


class CaseCounter(SQLModel, table=True):
    """Last number handed out per reference prefix and year (``MV-2026-0001``)."""

    __tablename__ = "case_counters"

    prefix: str = Field(sa_type=String(8), primary_key=True)
    fiscal_year: int = Field(primary_key=True)
    last: int = 0


class Deadline(SQLModel, table=True):
    """Who must move a case out of its state, and by when (docs/domain.md, Deadlines).

    Opened by the transition that enters the state and closed by the one that leaves it, in
    the same transaction. ``next_check_at`` is when the reminder sweep must next look at it
    (local midnight of that day, in UTC); it is NULL once closed, so an idle sweep reads one
    index range and nothing else.
    """

    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_next_check", "next_check_at"),
        Index("ix_deadlines_case_closed", "case_id", "closed_at"),
        # Open deadlines in due order, with their case: worklists, sort by due, overdue.
        Index("ix_deadlines_closed_due_case", "closed_at", "due_at", "case_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    state: str = Field(sa_type=String(32))
    role: str = Field(sa_type=String(16))
    opened_at: datetime = _when()
    due_date: date
    due_at: datetime = _when()
    next_check_at: datetime | None = _when(nullable=True)
    escalated_at: datetime | None = _when(nullable=True)
    closed_at: datetime | None = _when(nullable=True)
    closed_by: str | None = Field(default=None, sa_type=String(64))


class SystemAuditEntry(SQLModel, table=True):
    """One administrative act (users, roles, passwords, pagu, audit checks) in the system's
    own chain. Append-only like :class:`AuditEntry`; its head lives in :class:`AuditHead`."""

    __tablename__ = "system_audit_entries"
    __table_args__ = (UniqueConstraint("seq", name="uq_system_audit_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    seq: int
    at: datetime = _when()
    actor_id: int | None = _user_fk()
    actor_name: str = Field(sa_type=String(200))
    action: str = Field(sa_type=String(64))
    target: str = Field(default="", sa_type=String(200))
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    prev_hash: str = Field(sa_type=String(64))
    hash: str = Field(sa_type=String(64))


class AuditHead(SQLModel, table=True):
    """The sealed head of a chain that has no case row to carry it (the system chain)."""

    __tablename__ = "audit_heads"

    name: str = Field(sa_type=String(32), primary_key=True)
    seq: int = 0
    hash: str = Field(default="0" * 64, sa_type=String(64))
    seal: str = Field(default="", sa_type=String(64))


class LoginThrottle(SQLModel, table=True):
    """Login attempts in the current window per key (``addr:<ip>`` or ``user:<name>``),
    counted by one atomic upsert so that concurrent tries on any instance see each other."""

    __tablename__ = "login_throttle"

    key: str = Field(sa_type=String(200), primary_key=True)
    count: int = 0
    window_start: datetime = _when()


class LoginKnownAddress(SQLModel, table=True):
    """An address from which an account has logged in successfully: the right password from
    it passes the account's throttle, so a stranger cannot lock an official out."""

    __tablename__ = "login_known_addresses"

    username: str = Field(sa_type=String(64), primary_key=True)
    address: str = Field(sa_type=String(64), primary_key=True)
    last_at: datetime = _when()


class AuditVerifyRun(SQLModel, table=True):
    """A full audit verification started from the API or the pages, run in the background,
    one at a time; its progress and result are read back from here."""

    __tablename__ = "audit_verify_runs"

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="running", sa_type=String(16))
    started_by: int | None = _user_fk()
    started_at: datetime = _when()
    heartbeat_at: datetime = _when()
    finished_at: datetime | None = _when(nullable=True)
    done: int = 0
    total: int = 0
    result: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class StateCount(SQLModel, table=True):
    """How many cases each (workflow, state) holds, kept by the use cases that move cases, in
    their transaction: the dashboard reads a dozen rows instead of counting a million."""

    __tablename__ = "state_counts"

    workflow: str = Field(sa_type=String(64), primary_key=True)
    state: str = Field(sa_type=String(32), primary_key=True)
    count: int = Field(default=0, sa_type=BigInteger)


class Warrant(SQLModel, table=True):
    """A written warrant (surat perintah) appointing an acting official: Plh. while the
    holder is away, Plt. while the position is vacant. Its window is dates in WITA, both
    inclusive. Never deleted or edited: an error is corrected by revoking it (with a reason)
    and registering another; the scan lives in :class:`WarrantScan`."""

    __tablename__ = "warrants"
    __table_args__ = (Index("ix_warrants_acting_user", "acting_user_id", "valid_from"),
                      Index("ix_warrants_role_window", "role", "valid_until"))

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String(8))  # "plh" or "plt"
    number: str = Field(sa_type=String(100))
    issued_on: date
    issuer_name: str = Field(sa_type=String(200))
    issuer_title: str = Field(sa_type=String(200))
    role: str = Field(sa_type=String(16))  # the position covered, by the role that holds it
    covered_user_id: int | None = _user_fk()  # its holder, for a Plh.
    acting_user_id: int = _user_fk(nullable=False)
    valid_from: date
    valid_until: date
    note: str = Field(default="", sa_type=String(2000))
    filename: str = Field(sa_type=String(255))
    content_type: str = Field(sa_type=String(64))
    size: int = Field(sa_type=BigInteger)
    sha256: str = Field(sa_type=String(64))
    created_by: int | None = _user_fk()
    created_at: datetime = _when()
    revoked_at: datetime | None = _when(nullable=True)
    revoked_by: int | None = _user_fk()
    revoke_reason: str = Field(default="", sa_type=String(2000))


class WarrantScan(SQLModel, table=True):
    """The scanned warrant's bytes, written with its row."""

    __tablename__ = "warrant_scans"

    warrant_id: int = Field(
        sa_column=Column(Integer, ForeignKey("warrants.id", ondelete="CASCADE"),
                         primary_key=True))
    content: bytes = Field(sa_type=LargeBinary)


class Absence(SQLModel, table=True):
    """A holder of a position marked away (leave, duty travel) without a warrant, dates in
    WITA inclusive: escalations skip them and go to whoever acts. Cancelled, never deleted."""

    __tablename__ = "absences"
    __table_args__ = (Index("ix_absences_window", "ends_on", "starts_on"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = _user_fk(nullable=False)
    starts_on: date
    ends_on: date
    note: str = Field(default="", sa_type=String(500))
    created_by: int | None = _user_fk()
    created_at: datetime = _when()
    cancelled_at: datetime | None = _when(nullable=True)
    cancelled_by: int | None = _user_fk()


class IssuedLetter(SQLModel, table=True):
    """A document Berkas issued on a case (a Berita Acara, a letter, a draft NPHD): its
    number (a gap-free sequence per workflow, kind and year, :class:`LetterSequence`), the
    signature block as printed, the warrant it was signed under, and the PDF's digest; the
    bytes are in :class:`LetterBlob`. Never edited or deleted (database triggers refuse it):
    a wrong one is revoked, with a reason, and stays verifiable as revoked by its ``token``,
    the unguessable key of its public verification page."""

    __tablename__ = "issued_letters"
    __table_args__ = (
        UniqueConstraint("workflow", "kind", "year", "seq", name="uq_letter_seq"),
        UniqueConstraint("token", name="uq_letter_token"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    workflow: str = Field(sa_type=String(64))
    kind: str = Field(sa_type=String(64))
    kind_label: str = Field(sa_type=String(200))
    number: str = Field(sa_type=String(100))
    seq: int
    year: int
    issued_on: date  # the document's date, in the regency's time zone
    issued_by: int = _user_fk(nullable=False)
    issued_at: datetime = _when()
    issuing_unit: str = Field(sa_type=String(200))
    signer_name: str = Field(sa_type=String(200))
    signer_rank: str = Field(default="", sa_type=String(100))
    signer_nip: str = Field(default="", sa_type=String(18))
    signer_title: str = Field(sa_type=String(200))
    warrant_id: int | None = Field(default=None, sa_column_args=[ForeignKey("warrants.id")],
                                   sa_type=Integer, nullable=True)
    warrant_number: str = Field(default="", sa_type=String(100))
    filename: str = Field(sa_type=String(255))
    content_type: str = Field(default="application/pdf", sa_type=String(64))
    size: int = Field(sa_type=BigInteger)
    sha256: str = Field(sa_type=String(64))
    token: str = Field(sa_type=String(64))
    revoked_at: datetime | None = _when(nullable=True)
    revoked_by: int | None = _user_fk()
    revoke_reason: str = Field(default="", sa_type=String(2000))


class LetterBlob(SQLModel, table=True):
    """An issued document's PDF, written with its row and never changed."""

    __tablename__ = "letter_blobs"

    letter_id: int = Field(
        sa_column=Column(Integer, ForeignKey("issued_letters.id"), primary_key=True)
    )
    content: bytes = Field(sa_type=LargeBinary)


class LetterSequence(SQLModel, table=True):
    """The last number handed out per workflow, kind of document and year, moved in the
    transaction that issues the document: one rolled back takes no number, and two at once
    wait on this row, so the sequence has no gap and no double."""

    __tablename__ = "letter_sequences"

    workflow: str = Field(sa_type=String(64), primary_key=True)
    kind: str = Field(sa_type=String(64), primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0
