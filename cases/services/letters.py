"""Documents Berkas issues (issue 15): issue, list, download, revoke, verify in public.
The rank and NIP a signature block prints are the user's, recorded by the administrator
(``cases.services.users.set_signer_profile``).

An issue is one unit of work: under the case's lock, the number's sequence row is moved
(insert-if-missing, then ``UPDATE … SET last = last + 1 RETURNING last``), the PDF is laid
out with that number, and the row, its bytes and the ``letter_issued`` entry of the case's
audit chain are written; all commit together or not at all. A rolled-back issue thus takes
no number, and two issues at once wait on the sequence row (a row lock on PostgreSQL, the
writer lock on SQLite), so the numbers of a kind in a year run 1, 2, 3… with no gap and no
double. An issued document is never changed (database triggers hold that): it is revoked,
with a reason, and its public page says so.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from cases import audit
from cases.errors import BadInput, Conflict, Forbidden, NotFound
from cases.letters import Facts, Office, Signer, letter_context, render_pdf
from cases.limits import checked_texts
from cases.models import (
    AuditEntry,
    Case,
    Document,
    IssuedLetter,
    LetterBlob,
    LetterSequence,
    Party,
    Payment,
    User,
)
from cases.permissions import require
from cases.services.acting import check_in_force
from cases.services.documents import safe_filename
from cases.unit_of_work import unit_of_work
from infra.context import Ctx
from infra.db import dialect_insert, table_of
from workflows import (
    Actor,
    InvalidInput,
    LetterKind,
    Role,
    WorkflowDefinition,
    get_definition,
    parse_fields,
)
from workflows.acting import ActingWarrant
from workflows.letters import may_revoke, period_reasons, refusals, signer_title

log = structlog.get_logger(__name__)

TOKEN_BYTES = 32  # secrets.token_urlsafe: 43 characters, 256 bits: never guessed
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
NUMBER_MAX = 100  # issued_letters.number


# --- issuing ---------------------------------------------------------------------------------

def issue_letter(ctx: Ctx, office: Office, case_id: int, kind_code: str,
                 data: dict[str, object] | None = None) -> IssuedLetter:
    """Issue a document of ``kind_code`` on the case, signed by the caller, numbered from
    ``office``'s pattern. Refused: an unknown kind (404), a role that may not issue it
    (403), a state it is not issued in (409), bad input (422), a layout that fails (422,
    ``letter_render_failed``); none of them takes a number."""
    with unit_of_work(ctx) as uow:
        case = uow.cases.lock(case_id)
        definition = get_definition(case.workflow)
        kind = _kind(definition, kind_code)
        _check_may_issue(definition, kind, case, ctx.actor)
        given = _parsed(kind, data or {})
        warrant = ctx.actor.warrant_for(kind.roles)
        day = ctx.calendar.local_date(ctx.now)
        if warrant is not None:  # re-read under the lock: revoked or ended since, it lends nothing
            check_in_force(uow.session, warrant, day)
        signer = _signer(uow.session, ctx.actor, kind, warrant)
        seq = _next_seq(uow.session, case.workflow, kind.code, day.year)
        number = office.number(kind.classification, seq, day.year)
        if len(number) > NUMBER_MAX:
            raise BadInput(f"Nomor {number} melebihi {NUMBER_MAX} karakter: periksa pola nomor "
                           "surat di pengaturan", "letter_number_too_long")
        token = secrets.token_urlsafe(TOKEN_BYTES)
        content = render_pdf(
            kind.template, letter_context(definition, _facts(uow.session, case), signer, day,
                                          given),
            office=office, number=number, title=kind.label,
            verify_url=office.verify_url(token), issued_at=ctx.now)
        letter = _stored(uow.session, case, kind, number, seq, day, token, signer, warrant,
                         content, office, ctx)
        audit.append(uow.session, case, actor=ctx.actor, action="letter_issued", at=ctx.now,
                     payload={"letter_id": letter.id, "kind": kind.code, "number": number,
                              "sha256": letter.sha256, "size": letter.size}, warrant=warrant)
    log.info("letter.issued", case_id=case_id, kind=kind.code, number=number,
             letter_id=letter.id, actor=ctx.actor.username)
    return letter


def _kind(definition: WorkflowDefinition, code: str) -> LetterKind:
    kind = definition.letter(code)
    if kind is None:
        known = ", ".join(k.code for k in definition.letters) or "tidak ada"
        raise NotFound(f"Jenis dokumen terbitan {code!r} tidak dikenal pada alur "
                       f"{definition.label} (yang sah: {known})", "unknown_letter_kind")
    return kind


def _check_may_issue(definition: WorkflowDefinition, kind: LetterKind, case: Case,
                     actor: Actor) -> None:
    """Refuse with every reason at once: 403 when one is about who issues, else 409."""
    labels = {s.code.value: s.label for s in definition.states}
    reasons = refusals(kind, case.state, actor, labels)
    if any(r.forbids for r in reasons):
        raise Forbidden(f"Peran Anda tidak boleh menerbitkan {kind.label}", "role_not_permitted",
                        reasons)
    if reasons:
        raise Conflict(f"{kind.label} tidak dapat diterbitkan pada status "
                       f"{labels.get(case.state, case.state)}", "letter_not_in_state", reasons)


def _parsed(kind: LetterKind, data: dict[str, object]) -> dict[str, Any]:
    try:
        given = parse_fields(kind.fields, data, where="letter", enforce_required=True)
    except InvalidInput as exc:
        raise BadInput(exc.message, "invalid_input", exc.reasons) from None
    problems = period_reasons(kind, given)
    if problems:
        raise BadInput("Isian tidak valid", "invalid_input", problems)
    return dict(given)


def _signer(session: Session, actor: Actor, kind: LetterKind,
            warrant: ActingWarrant | None) -> Signer:
    user = session.get(User, actor.user_id)
    assert user is not None, "the actor of a use case is a user"
    return Signer(name=(user.full_name or user.username)[:200], rank=user.rank, nip=user.nip,
                  title=signer_title(kind, actor)[:200],
                  warrant_number=warrant.number if warrant else "")


def _next_seq(session: Session, workflow: str, kind: str, year: int) -> int:
    """The next number of ``kind`` in ``year``, moved in the caller's transaction: the row
    stays locked until it commits (or rolls back, and the number is not used)."""
    session.execute(dialect_insert(session, LetterSequence)
                    .values(workflow=workflow, kind=kind, year=year, last=0)
                    .on_conflict_do_nothing())
    return int(session.execute(
        update(LetterSequence)
        .where(col(LetterSequence.workflow) == workflow, col(LetterSequence.kind) == kind,
               col(LetterSequence.year) == year)
        .values(last=col(LetterSequence.last) + 1)
        .returning(col(LetterSequence.last))
    ).scalar_one())


def _facts(session: Session, case: Case) -> Facts:
    """What the document reads of the case: its party, documents, payments, and the
    comment of the latest entry of its trail that has one (a return's reason)."""
    assert case.id is not None
    party = session.get(Party, case.party_id) if case.party_id is not None else None
    documents = list(session.exec(select(Document).where(Document.case_id == case.id)
                                  .order_by(col(Document.id))))
    payments = list(session.exec(select(Payment).where(Payment.case_id == case.id)
                                 .order_by(col(Payment.seq))))
    comment = session.exec(select(AuditEntry.comment)
                           .where(AuditEntry.case_id == case.id,
                                  col(AuditEntry.action) == "transition",
                                  col(AuditEntry.comment) != "")
                           .order_by(col(AuditEntry.seq).desc())).first()
    return Facts(case, party, documents, payments, comment or "")


def _stored(session: Session, case: Case, kind: LetterKind, number: str, seq: int, day: date,
            token: str, signer: Signer, warrant: ActingWarrant | None, content: bytes,
            office: Office, ctx: Ctx) -> IssuedLetter:
    """The row and its bytes, written."""
    assert case.id is not None
    letter = IssuedLetter(
        case_id=case.id, workflow=case.workflow, kind=kind.code, kind_label=kind.label[:200],
        number=number, seq=seq, year=day.year, issued_on=day, issued_by=ctx.actor.user_id,
        issued_at=ctx.now, issuing_unit=office.unit[:200], signer_name=signer.name,
        signer_rank=signer.rank, signer_nip=signer.nip, signer_title=signer.title,
        warrant_id=warrant.id if warrant else None, warrant_number=signer.warrant_number,
        filename=safe_filename(f"{kind.code}-{number}".replace("/", "-"), ".pdf"),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), token=token)
    session.add(letter)
    session.flush()
    assert letter.id is not None
    session.add(LetterBlob(letter_id=letter.id, content=content))
    session.flush()
    return letter


# --- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LetterView:
    """An issued document as lists show it: who issued it, who revoked it."""

    letter: IssuedLetter
    issuer_name: str
    revoked_by_name: str

    @property
    def revoked(self) -> bool:
        return self.letter.revoked_at is not None


_ISSUER = aliased(User, name="u_issuer")
_REVOKER = aliased(User, name="u_revoker")


def list_letters(ctx: Ctx, case_id: int) -> list[LetterView]:
    """The documents issued on a case, oldest first (404 for an unknown case)."""
    require(ctx.actor, "read_letters")
    if ctx.session.get(Case, case_id) is None:
        raise NotFound(f"Berkas {case_id} tidak ditemukan", "case_not_found")
    rows = ctx.session.execute(
        select(IssuedLetter, _ISSUER.full_name, _REVOKER.full_name)
        .join(_ISSUER, col(_ISSUER.id) == col(IssuedLetter.issued_by))
        .outerjoin(_REVOKER, col(_REVOKER.id) == col(IssuedLetter.revoked_by))
        .where(col(IssuedLetter.case_id) == case_id).order_by(col(IssuedLetter.id)))
    return [LetterView(row[0], row[1] or "", row[2] or "") for row in rows]


def get_letter(ctx: Ctx, letter_id: int) -> IssuedLetter:
    require(ctx.actor, "read_letters")
    return _letter(ctx.session, letter_id)


def read_letter(ctx: Ctx, letter_id: int) -> tuple[IssuedLetter, bytes]:
    """The document and its PDF, as issued."""
    letter = get_letter(ctx, letter_id)
    blob = ctx.session.get(LetterBlob, letter_id)
    assert blob is not None, "every issued letter is written with its PDF"
    return letter, blob.content


def _letter(session: Session, letter_id: int) -> IssuedLetter:
    letter = session.get(IssuedLetter, letter_id)
    if letter is None:
        raise NotFound(f"Dokumen terbitan {letter_id} tidak ditemukan", "letter_not_found")
    return letter


def revocable(actor: Actor, letter: IssuedLetter) -> bool:
    """May ``actor`` revoke ``letter`` (not yet revoked): whoever may issue its kind, or the
    administrator."""
    kind = get_definition(letter.workflow).letter(letter.kind)
    return letter.revoked_at is None and may_revoke(kind, actor)


# --- revoking --------------------------------------------------------------------------------

_LETTERS = table_of(IssuedLetter)


def revoke_letter(ctx: Ctx, letter_id: int, reason: str) -> IssuedLetter:
    """Revoke an issued document, with a reason, in its case's audit trail: it stays
    stored and verifiable, as revoked. Refused: no reason (422), a role that may neither
    issue its kind nor administer (403), a document already revoked (409)."""
    reason = checked_texts({"reason": ("revoke_reason", reason)})["reason"]
    if not reason:
        raise BadInput("Alasan pencabutan wajib diisi", "missing_reason")
    case_id = _letter(ctx.session, letter_id).case_id
    with unit_of_work(ctx) as uow:
        case = uow.cases.lock(case_id)
        letter = _letter(uow.session, letter_id)
        uow.session.refresh(letter)
        kind = get_definition(letter.workflow).letter(letter.kind)
        if not may_revoke(kind, ctx.actor):
            raise Forbidden("Peran Anda tidak boleh mencabut dokumen ini", "role_not_permitted")
        if letter.revoked_at is not None:
            raise Conflict(f"Dokumen {letter.number} sudah dicabut", "letter_already_revoked")
        warrant = _revoking_warrant(ctx.actor, kind)
        if warrant is not None:
            check_in_force(uow.session, warrant, ctx.calendar.local_date(ctx.now))
        uow.session.connection().execute(
            update(_LETTERS).where(_LETTERS.c.id == letter_id)
            .values(revoked_at=ctx.now, revoked_by=ctx.actor.user_id, revoke_reason=reason))
        audit.append(uow.session, case, actor=ctx.actor, action="letter_revoked", at=ctx.now,
                     comment=reason, payload={"letter_id": letter_id, "kind": letter.kind,
                                              "number": letter.number}, warrant=warrant)
        uow.session.refresh(letter)
    log.info("letter.revoked", letter_id=letter_id, number=letter.number,
             actor=ctx.actor.username)
    return letter


def _revoking_warrant(actor: Actor, kind: LetterKind | None) -> ActingWarrant | None:
    """The warrant a revocation is done under: none for the administrator, or when the
    revoker may issue the kind in their own right."""
    if kind is None or Role.ADMIN in actor.own_roles:
        return None
    return actor.warrant_for(kind.roles)


# --- the public verification page ------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PublicLetter:
    """What anyone holding the document's address may learn of it, and nothing more: no
    names, no amounts."""

    number: str
    kind_label: str
    issued_on: date
    issuing_unit: str
    case_reference: str
    sha256: str
    revoked_on: date | None


def verify(session: Session, token: str, tz: ZoneInfo) -> PublicLetter | None:
    """The document whose verification token is ``token``, or None (whether the token is
    malformed or unknown, the answer is the same)."""
    if not _TOKEN.fullmatch(token):
        return None
    found = session.execute(
        select(IssuedLetter, Case.reference).join(Case, col(Case.id) == col(IssuedLetter.case_id))
        .where(col(IssuedLetter.token) == token)).first()
    if found is None:
        return None
    letter, reference = found[0], found[1]
    revoked = letter.revoked_at.astimezone(tz).date() if letter.revoked_at else None
    return PublicLetter(letter.number, letter.kind_label, letter.issued_on, letter.issuing_unit,
                        reference, letter.sha256, revoked)
