"""The system audit log: administrative acts in one hash chain, sealed like the case chains.

User creation, role changes, password resets and changes, (de)activation, pagu changes and
audit checks are not events of a case, yet an auditor must be able to trust their record as
much as a case's. Entries are append-only (database triggers), linked by SHA-256 and the
chain's head lives in ``audit_heads`` (row ``system``), sealed with the audit key.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select

from cases.audit import ChainBroken, actor_name, chain_hash, head_is_sealed, key_of, seal
from cases.models import AuditHead, SystemAuditEntry
from infra.db import table_of
from workflows import Actor

CHAIN = "system"
# What the pages call each act.
ACTION_LABELS = {
    "user_created": "Pengguna dibuat", "user_activated": "Pengguna diaktifkan",
    "user_deactivated": "Pengguna dinonaktifkan", "roles_changed": "Peran diubah",
    "password_reset": "Kata sandi direset", "password_changed": "Kata sandi diganti",
    "budget_set": "Pagu dicatat dari DPA", "audit_check_started": "Pemeriksaan jejak audit dimulai",
    "party_created": "Pihak didaftarkan", "party_updated": "Data pihak diubah",
    "warrant_registered": "Surat perintah Plh./Plt. dicatat",
    "warrant_revoked": "Surat perintah Plh./Plt. dicabut",
    "profile_changed": "Pangkat/NIP diubah",
    "absence_marked": "Ketidakhadiran dicatat", "absence_cancelled": "Ketidakhadiran dibatalkan",
}
HASHED_FIELDS = ("seq", "at", "actor_id", "actor_name", "action", "target", "payload")

_HEADS = table_of(AuditHead)
_ENTRIES = table_of(SystemAuditEntry)
_HEAD = (select(_HEADS.c.seq, _HEADS.c.hash, _HEADS.c.seal).where(_HEADS.c.name == CHAIN)
         .with_for_update())
_INSERT = insert(_ENTRIES)
_ADVANCE = (update(_HEADS).where(_HEADS.c.name == CHAIN)
            .values(seq=bindparam("b_seq"), hash=bindparam("b_hash"), seal=bindparam("b_seal")))


class SystemHeadMissing(RuntimeError):
    """The ``system`` row of ``audit_heads`` is gone: the chain cannot be continued."""


def lock_head(session: Session) -> None:
    """Take the system chain's head lock now, before the checks of an act that must not run
    beside another of its kind (two overlapping warrants); ``record`` finds it held."""
    session.connection().execute(_HEAD)


def record(session: Session, *, actor: Actor | None, action: str, at: datetime,
           target: str = "", payload: dict[str, Any] | None = None) -> None:
    """Append one administrative act, inside the caller's write transaction, so that the act
    and its record commit together or not at all; refused (:class:`ChainBroken`) when the
    chain's head does not carry its seal, which would otherwise be sealed anew."""
    connection = session.connection()
    head = connection.execute(_HEAD).first()
    if head is None:
        raise SystemHeadMissing("audit_heads has no 'system' row")
    key = key_of(session)
    if not head_is_sealed(key, CHAIN, head[0], head[1], head[2]):
        raise ChainBroken("sistem")  # the row stays locked: the caller may still go on
    seq, prev = head[0] + 1, head[1]
    stamp = at.astimezone(UTC)
    fields = {"seq": seq, "at": stamp.isoformat(),
              "actor_id": actor.user_id if actor else None, "actor_name": actor_name(actor),
              "action": action, "target": target[:200],
              "payload": json.loads(json.dumps(payload or {}, default=str))}
    digest = chain_hash(prev, fields)
    connection.execute(_INSERT, {**fields, "at": stamp, "prev_hash": prev, "hash": digest})
    connection.execute(_ADVANCE, {"b_seq": seq, "b_hash": digest,
                                  "b_seal": seal(key, CHAIN, seq, digest)})


def latest(session: Session, limit: int = 100, before: int | None = None
           ) -> list[SystemAuditEntry]:
    """The newest entries first (``before``: only entries with a smaller sequence number)."""
    query = select(SystemAuditEntry).order_by(col(SystemAuditEntry.seq).desc()).limit(limit)
    if before is not None:
        query = query.where(col(SystemAuditEntry.seq) < before)
    return list(session.exec(query))
