"""The warrants register: admins register and revoke the warrants (surat perintah) that
appoint acting officials, Plh. and Plt., each with its scan; everyone who reads cases lists
them.

A warrant is never edited or deleted: a mistake is revoked, with a reason, and a corrected one
registered. Each act is recorded in the system audit log in the same transaction. Two warrants
for one position may not overlap (one acting official at a time); the check runs under the
system chain's head lock, which every register act takes first, so that two admins cannot
both pass it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from cases import system_audit
from cases.errors import BadInput, Conflict, NotFound, PayloadTooLarge
from cases.limits import checked_texts
from cases.models import User, Warrant, WarrantScan
from cases.permissions import OFFICIALS, lends, require
from cases.services.documents import safe_filename, sniff
from cases.services.users import checked_roles
from cases.unit_of_work import unit_of_work
from infra.context import Ctx
from workflows import ROLE_LABELS, Reason
from workflows.acting import ACTING_BASIS, KIND_PREFIX, POSITION_TITLES, WarrantKind, capacity
from workflows.fields import date_problem

MAX_WINDOW = timedelta(days=366)  # a Plt. runs three months, renewable: a year is a typo


@dataclass(frozen=True, slots=True)
class WarrantInput:
    """A warrant as typed from its paper: ``covered_user_id`` is the official a Plh. stands
    in for (a Plt. fills a vacancy and may name none)."""

    kind: str
    number: str
    issued_on: date
    issuer_name: str
    issuer_title: str
    role: str
    acting_user_id: int
    valid_from: date
    valid_until: date
    covered_user_id: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class WarrantView:
    """A warrant with the names a person reads, and its status on the day it was read."""

    warrant: Warrant
    acting_name: str
    acting_username: str
    covered_name: str
    created_by_name: str
    revoked_by_name: str
    status: str  # "in_force", "upcoming", "ended", "revoked"

    @property
    def capacity(self) -> str:
        return capacity(self.warrant.kind, self.warrant.role)


STATUS_LABELS = {"in_force": "Berlaku", "upcoming": "Belum berlaku", "ended": "Berakhir",
                 "revoked": "Dicabut"}


def status_on(warrant: Warrant, day: date) -> str:
    if warrant.revoked_at is not None:
        return "revoked"
    if day < warrant.valid_from:
        return "upcoming"
    return "in_force" if day <= warrant.valid_until else "ended"


def register_warrant(ctx: Ctx, given: WarrantInput, filename: str | None, content: bytes,
                     max_bytes: int) -> Warrant:
    """Register ``given`` with its scan, after every check (:func:`_checked`); the overlap
    with another warrant for the position is checked under the system chain's lock."""
    require(ctx.actor, "manage_warrants")
    given = _checked(given, ctx.calendar.local_date(ctx.now))
    content_type, ext = _checked_scan(content, max_bytes)
    with unit_of_work(ctx) as uow:
        system_audit.lock_head(uow.session)
        acting, covered = _people(uow.session, given)
        if given.acting_user_id == ctx.actor.user_id:
            raise BadInput("Administrator tidak dapat mencatat surat perintah untuk dirinya "
                           "sendiri", "warrant_to_registrant", [Reason(
                               "warrant_to_registrant", "Surat perintah untuk diri sendiri "
                               "dicatat oleh administrator lain", basis=ACTING_BASIS)])
        _check_overlap(uow.session, given)
        warrant = Warrant(
            kind=given.kind, number=given.number, issued_on=given.issued_on,
            issuer_name=given.issuer_name, issuer_title=given.issuer_title, role=given.role,
            covered_user_id=given.covered_user_id, acting_user_id=given.acting_user_id,
            valid_from=given.valid_from, valid_until=given.valid_until, note=given.note,
            filename=safe_filename(filename, ext), content_type=content_type,
            size=len(content), sha256=hashlib.sha256(content).hexdigest(),
            created_by=ctx.actor.user_id, created_at=ctx.now)
        uow.session.add(warrant)
        uow.session.flush()
        assert warrant.id is not None
        uow.session.add(WarrantScan(warrant_id=warrant.id, content=content))
        system_audit.record(uow.session, actor=ctx.actor, action="warrant_registered",
                            at=ctx.now, target=given.number, payload={
                                "warrant_id": warrant.id, "kind": given.kind,
                                "capacity": capacity(given.kind, given.role),
                                "acting_user": acting.username,
                                "covered_user": covered.username if covered else None,
                                "valid_from": given.valid_from, "valid_until": given.valid_until,
                                "issued_on": given.issued_on, "issuer": given.issuer_name,
                                "sha256": warrant.sha256})
    return warrant


def revoke_warrant(ctx: Ctx, warrant_id: int, reason: str) -> Warrant:
    """Revoke a warrant from now on (its acts so far stand): the reason is required."""
    require(ctx.actor, "manage_warrants")
    reason = checked_texts({"reason": ("revoke_reason", reason)})["reason"]
    if not reason:
        raise BadInput("Alasan pencabutan wajib diisi", "missing_reason")
    with unit_of_work(ctx) as uow:
        system_audit.lock_head(uow.session)
        warrant = _warrant(uow.session, warrant_id)
        if warrant.revoked_at is not None:
            raise Conflict(f"Surat perintah {warrant.number} sudah dicabut", "warrant_revoked")
        if warrant.valid_until < ctx.calendar.local_date(ctx.now):
            raise Conflict(f"Surat perintah {warrant.number} sudah berakhir; tidak perlu "
                           "dicabut", "warrant_ended")
        warrant.revoked_at, warrant.revoked_by = ctx.now, ctx.actor.user_id
        warrant.revoke_reason = reason
        system_audit.record(uow.session, actor=ctx.actor, action="warrant_revoked", at=ctx.now,
                            target=warrant.number, payload={"warrant_id": warrant_id,
                                                            "reason": reason})
    return warrant


def list_warrants(session: Session, today: date, active: bool | None = None
                  ) -> list[WarrantView]:
    """The register: those in force first (ending soonest first), then those yet to start,
    then the rest, newest first. ``active``: only those in force today (True), or only the
    others (False)."""
    views = _views(session, list(session.exec(select(Warrant))), today)
    if active is not None:
        views = [v for v in views if (v.status == "in_force") is active]
    order = {"in_force": 0, "upcoming": 1, "ended": 2, "revoked": 2}
    views.sort(key=lambda v: (order[v.status], v.warrant.valid_until.toordinal()
                              * (1 if v.status == "in_force" else -1),
                              -(v.warrant.id or 0)))
    return views


def get_warrant(session: Session, warrant_id: int, today: date) -> WarrantView:
    return _views(session, [_warrant(session, warrant_id)], today)[0]


def read_scan(session: Session, warrant_id: int) -> tuple[Warrant, bytes]:
    warrant = _warrant(session, warrant_id)
    scan = session.get(WarrantScan, warrant_id)
    assert scan is not None, "every warrant is written with its scan"
    return warrant, scan.content


def _warrant(session: Session, warrant_id: int) -> Warrant:
    warrant = session.get(Warrant, warrant_id)
    if warrant is None:
        raise NotFound(f"Surat perintah {warrant_id} tidak ditemukan", "warrant_not_found")
    return warrant


def _views(session: Session, warrants: list[Warrant], today: date) -> list[WarrantView]:
    ids = {w.acting_user_id for w in warrants} | {
        i for w in warrants for i in (w.covered_user_id, w.created_by, w.revoked_by) if i}
    users = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(ids)))}

    def name(user_id: int | None) -> str:
        user = users.get(user_id) if user_id is not None else None
        return (user.full_name or user.username) if user else ""

    return [WarrantView(w, name(w.acting_user_id), users[w.acting_user_id].username,
                        name(w.covered_user_id), name(w.created_by), name(w.revoked_by),
                        status_on(w, today)) for w in warrants]


def _checked(given: WarrantInput, today: date) -> WarrantInput:
    """``given`` with its texts trimmed, or every problem of its form at once (422)."""
    texts = checked_texts({"number": ("warrant_number", given.number),
                           "issuer_name": ("issuer_name", given.issuer_name),
                           "issuer_title": ("issuer_title", given.issuer_title),
                           "note": ("warrant_note", given.note)})
    reasons = [Reason(f"{field}_required", f"{label} wajib diisi") for field, label in (
        ("number", "Nomor surat perintah"), ("issuer_name", "Nama penanda tangan"),
        ("issuer_title", "Jabatan penanda tangan")) if not texts[field]]
    if given.kind not in KIND_PREFIX:
        reasons.append(Reason("unknown_warrant_kind", "Jenis surat perintah harus Plh. atau Plt."))
    if given.role not in POSITION_TITLES:
        names = ", ".join(ROLE_LABELS[r] for r in POSITION_TITLES)
        reasons.append(Reason("position_not_coverable", f"Jabatan yang dapat diisi Plh./Plt.: "
                              f"{names}", basis=ACTING_BASIS))
    reasons += _window_problems(given, today)
    if given.kind == WarrantKind.PLH and given.covered_user_id is None:
        reasons.append(Reason("covered_user_required", "Plh. menggantikan pejabat yang "
                              "berhalangan: pilih pejabat yang digantikan", basis=ACTING_BASIS))
    if given.kind == WarrantKind.PLT and given.covered_user_id is not None:
        reasons.append(Reason("plt_covers_vacancy", "Plt. mengisi jabatan yang lowong: tidak ada "
                              "pejabat yang digantikan", basis=ACTING_BASIS))
    if reasons:
        raise BadInput("Surat perintah belum dapat dicatat", "invalid_warrant", reasons)
    return replace(given, number=texts["number"], issuer_name=texts["issuer_name"],
                   issuer_title=texts["issuer_title"], note=texts["note"])


def _window_problems(given: WarrantInput, today: date) -> list[Reason]:
    dates = (given.issued_on, given.valid_from, given.valid_until)
    problems = [p for p in map(date_problem, dates) if p is not None]
    if problems:
        return problems[:1]
    if given.issued_on > today:
        return [Reason("warrant_not_yet_issued", "Tanggal surat perintah belum tiba: catat surat "
                       "yang sudah ditandatangani")]
    if given.valid_until < given.valid_from:
        return [Reason("invalid_window", "Tanggal berakhir tidak boleh sebelum tanggal mulai")]
    if given.valid_until - given.valid_from > MAX_WINDOW:
        return [Reason("window_too_long", "Masa berlaku lebih dari satu tahun: periksa tanggal")]
    if given.issued_on > given.valid_from:
        return [Reason("warrant_backdated", "Surat perintah tidak berlaku surut: tanggal mulai "
                       "tidak boleh sebelum tanggal surat", basis=ACTING_BASIS)]
    return []


def _checked_scan(content: bytes, max_bytes: int) -> tuple[str, str]:
    if not content:
        raise BadInput("Pindaian surat perintah wajib diunggah", "empty_file")
    if len(content) > max_bytes:
        raise PayloadTooLarge(f"Ukuran melebihi {max_bytes // (1024 * 1024)} MB", "file_too_large")
    return sniff(content)


def _people(session: Session, given: WarrantInput) -> tuple[User, User | None]:
    """The acting official and the official covered, checked: the acting one is an active
    user who does not hold the position already, is not the one covered, and may hold it
    beside their own roles; the covered one holds the position."""
    acting = session.get(User, given.acting_user_id)
    if acting is None or not acting.is_active:
        raise BadInput("Pejabat Plh./Plt. harus pengguna yang aktif", "user_inactive")
    covered = None
    if given.covered_user_id is not None:
        covered = session.get(User, given.covered_user_id)
        if covered is None or not covered.is_active or given.role not in covered.roles:
            raise BadInput(f"Pejabat yang digantikan bukan {ROLE_LABELS[given.role]}",
                           "covered_user_not_holder")
    if given.acting_user_id == given.covered_user_id:
        raise BadInput("Surat perintah tidak dapat diberikan kepada pejabat yang digantikan",
                       "warrant_to_covered_user", [Reason(
                           "warrant_to_covered_user", "Pejabat Plh./Plt. harus orang lain",
                           basis=ACTING_BASIS)])
    if not set(acting.roles) & OFFICIALS:
        raise BadInput("Pejabat Plh./Plt. harus pegawai Dinas yang memegang jabatan, bukan "
                       "akun administrator atau pemeriksa saja", "acting_user_not_official")
    if given.role in acting.roles:
        raise BadInput(f"{acting.full_name or acting.username} sudah memegang peran "
                       f"{ROLE_LABELS[given.role]}", "already_holds_role")
    checked_roles([*acting.roles, given.role])  # e.g. no finance as Plh. Kadis
    assert lends(acting.roles, given.role)
    return acting, covered


def _check_overlap(session: Session, given: WarrantInput) -> None:
    """One acting official per position at a time, and one position per acting official."""
    clash = session.exec(select(Warrant).where(
        or_(col(Warrant.role) == given.role, col(Warrant.acting_user_id) == given.acting_user_id),
        col(Warrant.revoked_at).is_(None),
        col(Warrant.valid_from) <= given.valid_until,
        col(Warrant.valid_until) >= given.valid_from)).first()
    if clash is None:
        return
    same = "jabatan yang sama" if clash.role == given.role else "pejabat Plh./Plt. yang sama"
    raise Conflict(
        f"Masa berlaku bertumpang tindih dengan surat perintah {clash.number} "
        f"({clash.valid_from:%d-%m-%Y} s.d. {clash.valid_until:%d-%m-%Y}) untuk {same}",
        "warrant_overlap")
