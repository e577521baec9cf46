"""Parties: the press companies and organisations that apply, registered once and chosen for
each of their cases (docs/domain.md, Parties).

Eligibility across years matches parties by NPWP, never by name, so the NPWP is checked here
with care: typed as people type it (``01.234.567.8-901.000``), kept as its digits in one
form, unique. That form is the 16-digit NPWP: a taxpayer's 16-digit NPWP (PMK 112/2022) is
"0" followed by its 15-digit one unless it is a NIK, so ``01.234.567.8-901.000`` and
``0012345678901000`` are one taxpayer and are both kept as ``0012345678901000``.
Every registration and edit goes into the system audit chain in the same transaction, and an
edit names the version it was made on (optimistic locking: a stale form is a 409).

A party whose cases went on keeps what they were decided on: its kind once it has a case
(its cases are of the workflow of that kind), its NPWP and PKP status once a case of it is
approved (payments are made to that NPWP, PPN withheld or not on that status): 409
``party_in_use``. Its name and address stay editable.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import structlog
from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cases import system_audit
from cases.errors import BadInput, Conflict, NotFound
from cases.limits import MAX_INT32, whole_number
from cases.models import Case, Party
from cases.permissions import require
from cases.unit_of_work import unit_of_work
from infra.context import Ctx
from workflows import Reason, UnknownWorkflow, get_definition
from workflows.fields import control_problem

log = structlog.get_logger(__name__)
T = TypeVar("T")

KINDS = ("company", "organisation")
KIND_LABELS = {"company": "Perusahaan pers", "organisation": "Organisasi"}
# Sized to the columns of ``parties`` (cases.models.Party).
NAME_MAX, ADDRESS_MAX = 200, 300
MAX_PAGE = 200
# What people put between the digits of an NPWP or NIB: dots, dashes, spaces.
_SEPARATORS = re.compile(r"[.\-\s]")
_DIGITS = re.compile(r"[0-9]*")
# The fields an edit may change, in the order the audit payload lists them.
FIELDS = ("kind", "name", "npwp", "nib", "address", "is_pkp")


@dataclass(frozen=True, slots=True)
class NewParty:
    """A party as typed (NPWP and NIB with or without separators): registration and edit."""

    kind: str
    name: str
    npwp: str
    nib: str = ""
    address: str = ""
    is_pkp: bool = False


@dataclass(frozen=True, slots=True)
class PartyCase:
    """One case of a party, as its detail lists it."""

    id: int
    reference: str
    workflow: str
    state: str
    fiscal_year: int
    title: str
    amount: int


def digits_of(text: str) -> str | None:
    """``text`` without dots, dashes and spaces, if what remains is ASCII digits only (maybe
    none); None if anything else was typed."""
    stripped = _SEPARATORS.sub("", text)
    return stripped if stripped.isascii() and _DIGITS.fullmatch(stripped) else None


def canonical_npwp(digits: str) -> str:
    """The one form an NPWP is kept, compared and found in: its 16 digits, a 15-digit NPWP
    being the 16-digit one without its leading "0" (``012345678901000`` →
    ``0012345678901000``). Other lengths are returned as they are (refused elsewhere)."""
    return "0" + digits if len(digits) == 15 else digits


def npwp_display(npwp: str | None) -> str:
    """An NPWP as people read it: one that has a 15-digit form (16 digits starting with "0")
    in that form, with its usual dots and dash (``01.234.567.8-901.000``); the NIK-based one
    in groups of four (``3171 0123 4567 8901``), since it has no official punctuation; ""
    for none."""
    if not npwp:
        return ""
    if len(npwp) == 16 and npwp.startswith("0"):
        npwp = npwp[1:]
    if len(npwp) == 15:
        n = npwp
        return f"{n[:2]}.{n[2:5]}.{n[5:8]}.{n[8]}-{n[9:12]}.{n[12:]}"
    return " ".join(npwp[i:i + 4] for i in range(0, len(npwp), 4))


# --- validation: every problem at once, each naming its field ------------------------------

def _text_problem(text: str, max_length: int, required: bool) -> Reason | None:
    if not text:
        return Reason("missing_field", "wajib diisi") if required else None
    if len(text) > max_length:
        return Reason("too_long", f"paling banyak {max_length} karakter")
    return control_problem(text, multiline=False)


def _npwp_problem(digits: str | None) -> Reason | None:
    if digits is None or len(digits) not in (15, 16) or set(digits) == {"0"}:
        return Reason("invalid_npwp", "NPWP harus 15 atau 16 angka (titik, strip dan spasi "
                                      "boleh), dan tidak boleh nol semua")
    return None


def _nib_problem(kind: str, digits: str | None, required: bool) -> Reason | None:
    if kind == "organisation":
        return None if digits == "" else Reason(
            "invalid_nib", "organisasi tidak memiliki NIB; kosongkan isian ini")
    if digits == "" and not required:
        return None
    if digits is None or len(digits) != 13 or set(digits) == {"0"}:
        return Reason("invalid_nib", "NIB perusahaan pers wajib diisi, 13 angka")
    return None


def checked(new: NewParty, *, carried_over: bool = False) -> dict[str, Any]:
    """The party's column values from ``new`` (the NPWP in its 16 digits), or
    :class:`BadInput` listing every problem as ``party.<field>: message``.

    ``carried_over``: the party came from old data and has no NPWP yet (the migration made
    it from a case's applicant). Its edit may leave the NPWP empty, and then the NIB too,
    until they are known; once an NPWP is typed the party is held to every rule."""
    kind, name, address = new.kind.strip(), new.name.strip(), new.address.strip()
    npwp, nib = digits_of(new.npwp.strip()), digits_of(new.nib.strip())
    incomplete = carried_over and npwp == ""
    problems = {
        "kind": None if kind in KINDS
        else Reason("invalid_kind", "pilih perusahaan pers atau organisasi"),
        "name": _text_problem(name, NAME_MAX, required=True),
        "npwp": None if incomplete else _npwp_problem(npwp),
        "nib": _nib_problem(kind, nib, required=not incomplete) if kind in KINDS else None,
        "address": _text_problem(address, ADDRESS_MAX, required=False),
    }
    reasons = [Reason(p.code, f"party.{field}: {p.message}")
               for field, p in problems.items() if p is not None]
    if reasons:
        # One problem: its own code (``invalid_npwp``); several: the family's code, with
        # every problem in ``reasons`` either way.
        code = reasons[0].code if len(reasons) == 1 else "invalid_input"
        raise BadInput("Data pihak belum lengkap atau tidak valid", code, reasons)
    return {"kind": kind, "name": name, "npwp": canonical_npwp(npwp) if npwp else None,
            "nib": (nib or None) if kind == "company" else None,
            "address": address, "is_pkp": bool(new.is_pkp)}


# --- use cases -----------------------------------------------------------------------------

def _duplicate(npwp: str, holder: Party | None) -> Conflict:
    who = f" atas nama {holder.name}" if holder is not None else ""
    return Conflict(f"NPWP {npwp_display(npwp)} sudah terdaftar{who}", "duplicate_npwp",
                    [Reason("duplicate_npwp", f"party.npwp: sudah terdaftar{who}")])


def _holder(session: Session, npwp: str | None, other_than: int | None = None
            ) -> Party | None:
    """The party that already has ``npwp`` (other than ``other_than``), if any."""
    if npwp is None:
        return None
    query = select(Party).where(Party.npwp == npwp)
    if other_than is not None:
        query = query.where(col(Party.id) != other_than)
    return session.exec(query).first()


def _guarded(ctx: Ctx, npwp: str | None, write: Callable[[], T]) -> T:
    """Run ``write`` (a unit of work); a unique-constraint failure on the NPWP (two officers
    registering the same party at once, past the check) is the same 409 as the check's."""
    try:
        return write()
    except IntegrityError:
        holder = _holder(ctx.session, npwp)
        if npwp is None or holder is None:
            raise
        raise _duplicate(npwp, holder) from None


def create_party(ctx: Ctx, new: NewParty) -> Party:
    """Register a party (officers and kabid); its NPWP must not be registered already."""
    require(ctx.actor, "register_party")
    values = checked(new)

    def write() -> Party:
        with unit_of_work(ctx) as uow:
            holder = _holder(uow.session, values["npwp"])
            if holder is not None:
                raise _duplicate(values["npwp"], holder)
            party = Party(**values, created_by=ctx.actor.user_id, created_at=ctx.now,
                          updated_at=ctx.now)
            uow.session.add(party)
            uow.session.flush()
            system_audit.record(uow.session, actor=ctx.actor, action="party_created",
                                at=ctx.now, target=f"party/{party.id}",
                                payload={"after": values, "version": party.version})
        return party

    party = _guarded(ctx, values["npwp"], write)
    log.info("party.created", party_id=party.id, kind=party.kind, actor=ctx.actor.username)
    return party


def update_party(ctx: Ctx, party_id: int, changes: NewParty, version: int) -> Party:
    """Replace a party's data (a full edit made on ``version``); stale: 409 ``stale_version``.
    The audit entry names each changed field before and after; an edit that changes nothing
    writes nothing (the version stays)."""
    require(ctx.actor, "register_party")

    def write() -> Party:
        with unit_of_work(ctx) as uow:
            party = uow.session.exec(select(Party).where(Party.id == party_id)
                                     .with_for_update()
                                     .execution_options(populate_existing=True)).first()
            if party is None:
                raise _not_found(party_id)
            if party.version != version:
                raise Conflict("Data pihak sudah diubah orang lain; muat ulang lalu ulangi",
                               "stale_version")
            values = checked(changes, carried_over=party.npwp is None)
            before = {f: getattr(party, f) for f in FIELDS if getattr(party, f) != values[f]}
            if not before:
                return party
            _check_in_use(uow.session, party, before)
            holder = _holder(uow.session, values["npwp"], other_than=party_id)
            if holder is not None:
                raise _duplicate(values["npwp"], holder)
            for field in before:
                setattr(party, field, values[field])
            party.version += 1
            party.updated_at = ctx.now
            uow.session.flush()
            system_audit.record(uow.session, actor=ctx.actor, action="party_updated",
                                at=ctx.now, target=f"party/{party_id}", payload={
                                    "before": before, "after": {f: values[f] for f in before},
                                    "version": party.version})
            log.info("party.updated", party_id=party_id, fields=sorted(before),
                     version=party.version, actor=ctx.actor.username)
        return party

    typed = digits_of(changes.npwp.strip())
    return _guarded(ctx, canonical_npwp(typed) if typed else None, write)


def _committed(case_workflow: str, case_state: str) -> bool:
    """Whether a case in ``case_state`` was approved or went further (its state commits the
    budget). A case of a workflow or state no longer defined counts as approved: what it was
    decided on is not known, so it is kept."""
    try:
        definition = get_definition(case_workflow)
    except UnknownWorkflow:
        return True
    spec = next((s for s in definition.states if s.code == case_state), None)
    return spec is None or spec.commits_budget


def _check_in_use(session: Session, party: Party, before: dict[str, Any]) -> None:
    """Refuse (409 ``party_in_use``) an edit of what ``party``'s cases were decided on: its
    kind once it has a case; its NPWP and PKP status once a case of it is approved or later.
    An NPWP recorded for the first time (a party carried over from old data) changes no
    identity a payment was made to, and is allowed."""
    wants = {f for f in before
             if f in ("kind", "is_pkp") or (f == "npwp" and party.npwp is not None)}
    if not wants:
        return
    rows = session.exec(select(Case.reference, Case.workflow, Case.state)
                        .where(Case.party_id == party.id)
                        .order_by(col(Case.fiscal_year).desc(), col(Case.id).desc())).all()
    if not rows:
        return
    approved = next((ref for ref, workflow, state in rows if _committed(workflow, state)),
                    None)
    reasons = []
    if "kind" in wants:
        reasons.append(Reason("party_in_use", "party.kind: jenis pihak tidak dapat diubah "
                              f"karena pihak ini sudah memiliki berkas ({rows[0][0]})"))
    if approved is not None and "npwp" in wants:
        reasons.append(Reason("party_in_use", "party.npwp: NPWP tidak dapat diubah karena "
                              f"berkas {approved} sudah disetujui; pembayarannya dicatat "
                              "atas NPWP ini"))
    if approved is not None and "is_pkp" in wants:
        reasons.append(Reason("party_in_use", "party.is_pkp: status PKP tidak dapat diubah "
                              f"karena berkas {approved} sudah disetujui; PPN dipungut (atau "
                              "tidak) menurut status ini"))
    if not reasons:
        return
    if len(reasons) == 1:
        message = reasons[0].message.split(": ", 1)[1]
        message = message[0].upper() + message[1:]
    else:
        message = (f"Data pihak {party.name} tidak dapat diubah karena sudah dipakai "
                   "berkasnya: " + "; ".join(r.message.split(": ", 1)[1] for r in reasons))
    raise Conflict(message, "party_in_use", reasons)


def _not_found(party_id: int) -> NotFound:
    return NotFound(f"Pihak {party_id} tidak ditemukan", "party_not_found")


def get_party(session: Session, party_id: int) -> Party:
    """The party ``party_id``, or NotFound."""
    party = session.get(Party, party_id)
    if party is None:
        raise _not_found(party_id)
    return party


# --- finding parties -----------------------------------------------------------------------

def _encode_cursor(party: Party) -> str:
    raw = f"p:{party.id}:{party.name}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[int, str]:
    """The (id, name) of the last party of the previous page, or BadInput (URLs are edited)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raw = ""
    prefix, _, rest = raw.partition(":")
    id_text, _, name = rest.partition(":")
    party_id = whole_number(id_text, 1, MAX_INT32)
    if prefix != "p" or party_id is None or len(name) > NAME_MAX or "\x00" in name:
        raise BadInput("Kursor halaman tidak valid", "invalid_cursor")
    return party_id, name


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def list_parties(session: Session, q: str | None = None, kind: str | None = None,
                 limit: int = 50, cursor: str | None = None) -> tuple[list[Party], str | None]:
    """Parties by name (then id), a page of ``limit`` at a time by keyset, with the cursor of
    the next page (None on the last). ``q`` finds a part of the name (any case), or, when it
    is an NPWP or NIB typed in part (digits with or without separators), a part of either.
    An NPWP is kept in its 16 digits, which hold its 15-digit form whole (after the "0"),
    so it is found typed in either form, whole or in part."""
    if kind is not None and kind not in KINDS:
        raise BadInput("Jenis pihak tidak dikenal", "invalid_kind")
    limit = max(1, min(limit, MAX_PAGE))
    query = select(Party)
    if kind:
        query = query.where(Party.kind == kind)
    text = (q or "").strip()
    if text:
        matches = [col(Party.name).ilike(_like(text), escape="\\")]
        digits = digits_of(text)
        if digits:
            matches += [col(Party.npwp).like(f"%{digits}%"), col(Party.nib).like(f"%{digits}%")]
        query = query.where(or_(*matches))
    if cursor:
        last_id, last_name = _decode_cursor(cursor)
        query = query.where(or_(col(Party.name) > last_name,
                                (col(Party.name) == last_name) & (col(Party.id) > last_id)))
    rows = list(session.exec(query.order_by(col(Party.name), col(Party.id)).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, _encode_cursor(rows[-1]) if more else None


def party_cases(session: Session, party_id: int, limit: int = 500) -> list[PartyCase]:
    """The cases of party ``party_id`` (which must exist), newest fiscal year first."""
    get_party(session, party_id)
    rows = session.exec(select(Case).where(Case.party_id == party_id)
                        .order_by(col(Case.fiscal_year).desc(), col(Case.id).desc())
                        .limit(limit))
    return [PartyCase(c.id, c.reference, c.workflow, c.state, c.fiscal_year, c.title, c.amount)
            for c in rows if c.id is not None]
