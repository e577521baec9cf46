"""The audit log: an append-only SHA-256 hash chain per case, its head sealed on the case row.

Each entry's hash covers its content and the previous entry's hash, so a row changed behind
Berkas's back breaks the chain from that row on. The newest entry's sequence number and hash
are written onto the case row in the same transaction, with a *seal*: an HMAC-SHA256 of
``(chain, seq, hash)`` under the audit key, which lives in the settings and never in the
database. Someone with write access to the database but not the key can therefore neither cut
a chain's tail, nor remove a chain, nor re-hash a rewritten chain without the seal giving it
away (:mod:`cases.audit_verify`). What the seal cannot prove is in README, "Jejak audit".
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import Connection, bindparam, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from cases.errors import Conflict
from cases.models import AuditEntry, Case
from infra.db import AUDIT_KEY_INFO, table_of
from workflows import Actor
from workflows.acting import ActingWarrant

log = structlog.get_logger(__name__)

GENESIS = "0" * 64

HASHED_FIELDS = ("case_id", "seq", "at", "actor_id", "actor_name", "action", "from_state",
                 "to_state", "comment", "payload")


class AuditKeyMissing(RuntimeError):
    """A session without the audit key tried to write the audit log (a wiring bug)."""


def chain_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and a canonical JSON of an entry's hashed fields
    (``at`` as ISO text), for every writer of entries and for the verifier."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def seal(key: bytes, chain: str, seq: int, digest: str) -> str:
    """The keyed seal of a chain's head: ``chain`` is ``case:<id>`` or ``system``."""
    return hmac.digest(key, f"{chain}:{seq}:{digest}".encode(), "sha256").hex()  # one C call


def case_chain(case_id: int) -> str:
    return f"case:{case_id}"


def key_of(session: Session) -> bytes:
    """The audit key the session was made with."""
    key = session.info.get(AUDIT_KEY_INFO)
    if not isinstance(key, bytes) or not key:
        raise AuditKeyMissing("this session has no audit key (infra.db.session_factory)")
    return key


# Built once: every use case appends, and a statement built anew costs more Python than
# its SQL costs the database (``make bench``, service-layer transitions).
_ENTRIES = table_of(AuditEntry)
_CASES = table_of(Case)
_INSERT = insert(_ENTRIES)
# The head moves only from the value this writer read: a stale head is a bug, not a fork.
_ADVANCE = (update(_CASES)
            .where(_CASES.c.id == bindparam("b_id"), _CASES.c.audit_seq == bindparam("b_prev"))
            .values(audit_seq=bindparam("b_seq"), audit_hash=bindparam("b_hash"),
                    audit_seal=bindparam("b_seal")))
# Locked in id order, so that two batches never wait on each other crosswise.
_HEADS = (select(_CASES.c.id, _CASES.c.audit_seq, _CASES.c.audit_hash, _CASES.c.audit_seal)
          .where(_CASES.c.id.in_(bindparam("case_ids", expanding=True)))
          .order_by(_CASES.c.id).with_for_update())


class HeadMoved(RuntimeError):
    """The case's chain head changed under a writer that holds the case's lock (a bug)."""


class ChainBroken(Conflict):
    """A chain's head does not carry its seal: it was changed behind Berkas's back. Nothing
    is appended to it (appending would seal the forgery anew); the case stays frozen until an
    administrator has looked (``berkas audit verify`` names it)."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"Jejak audit {reference} rusak: kepala rantainya tidak bersegel sah. "
                         "Tidak ada perubahan yang dicatat; hubungi administrator.",
                         "audit_chain_broken")


def head_is_sealed(key: bytes, chain: str, seq: int, digest: str, sealed: str) -> bool:
    """Does the head ``(seq, digest)`` carry the seal only the key can make?"""
    return hmac.compare_digest(seal(key, chain, seq, digest), sealed)


def _entry(case_id: int, seq: int, stamp: datetime, actor: Actor | None, action: str,
           from_state: str | None, to_state: str | None, comment: str,
           payload: dict[str, Any] | None, warrant: ActingWarrant | None = None
           ) -> dict[str, Any]:
    if warrant is not None:  # the act was done under it: its id, number and capacity
        payload = {**(payload or {}), "warrant": warrant.trace()}
    return {
        "case_id": case_id, "seq": seq, "at": stamp.isoformat(),
        "actor_id": actor.user_id if actor else None,
        "actor_name": actor_name(actor, warrant),
        "action": action, "from_state": from_state, "to_state": to_state, "comment": comment,
        "payload": json.loads(json.dumps(payload or {}, default=str)),
    }


def append(
    session: Session,
    case: Case,
    *,
    actor: Actor | None,
    action: str,
    at: datetime,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str = "",
    payload: dict[str, Any] | None = None,
    genesis: bool = False,
    warrant: ActingWarrant | None = None,
) -> None:
    """Add the next entry of ``case``'s chain and move its sealed head on the case row.

    The head read must carry its seal (:class:`ChainBroken` otherwise), except the first
    entry of a case made in this same transaction (``genesis``). ``warrant``: the warrant
    the act was done under (Plh./Plt.), recorded in the entry with the capacity.

    The caller holds the case's write lock (``uow.cases.lock``), so the head on the loaded
    row is current; the entry is written as a plain row, hashed from exactly the fields the
    verifier reads back."""
    assert case.id is not None
    key = key_of(session)
    _check_head(key, case, genesis)
    stamp = at.astimezone(UTC)
    seq, prev_hash = case.audit_seq + 1, case.audit_hash
    fields = _entry(case.id, seq, stamp, actor, action, from_state, to_state, comment, payload,
                    warrant)
    digest = chain_hash(prev_hash, fields)
    connection = session.connection()
    connection.execute(_INSERT, {**fields, "at": stamp, "prev_hash": prev_hash, "hash": digest})
    sealed = seal(key, case_chain(case.id), seq, digest)
    moved = connection.execute(_ADVANCE, {"b_id": case.id, "b_prev": seq - 1, "b_seq": seq,
                                          "b_hash": digest, "b_seal": sealed})
    if moved.rowcount != 1:
        raise HeadMoved(f"audit head of case {case.id} moved under its lock")
    for name, value in (("audit_seq", seq), ("audit_hash", digest), ("audit_seal", sealed)):
        set_committed_value(case, name, value)


def _check_head(key: bytes, case: Case, genesis: bool) -> None:
    """Refuse to extend a head that does not carry its seal: the next entry would seal it."""
    assert case.id is not None
    if genesis:
        assert case.audit_seq == 0, "a new case's chain starts empty"
    elif not head_is_sealed(key, case_chain(case.id), case.audit_seq, case.audit_hash,
                            case.audit_seal):
        log.error("audit.head_forged", case_id=case.id, reference=case.reference)
        raise ChainBroken(case.reference)


def actor_name(actor: Actor | None, warrant: ActingWarrant | None = None) -> str:
    """Who did it, as the trail shows them: an act under a warrant names the capacity first
    (``Plh. Kepala Dinas Komunikasi dan Informatika, Budi``), as its signature block would."""
    if actor is None:
        return "sistem"
    if warrant is None:
        return actor.name[:200]
    return f"{warrant.capacity}, {actor.name}"[:200]


def _sealed_heads(connection: Connection, key: bytes, case_ids: list[int]
                  ) -> dict[int, tuple[int, str]]:
    """The heads of ``case_ids`` that carry their seal, locked; a forged one is left out (and
    logged), so that no entry seals it anew and verify keeps naming the case."""
    heads = {}
    for case_id, seq, digest, sealed in connection.execute(_HEADS, {"case_ids": case_ids}):
        if head_is_sealed(key, case_chain(case_id), seq, digest, sealed):
            heads[case_id] = (seq, digest)
        else:
            log.error("audit.head_forged", case_id=case_id)
    return heads


@dataclass(frozen=True, slots=True)
class SystemEntry:
    """An entry made by Berkas itself (no actor), for :func:`append_many`."""

    case_id: int
    action: str
    comment: str
    payload: dict[str, Any]


def append_many(session: Session, entries: list[SystemEntry], at: datetime) -> None:
    """Append system entries to many chains at once: one query for the heads, one multi-row
    insert, one executemany moving the heads. The caller holds the cases' write locks. A chain
    whose head is not sealed gets no entry (and the error is logged): its case's reminder still
    goes out, and verify keeps naming the chain."""
    if not entries:
        return
    key, connection = key_of(session), session.connection()
    case_ids = sorted({e.case_id for e in entries})
    heads = _sealed_heads(connection, key, case_ids)
    entries = [e for e in entries if e.case_id in heads]
    if not entries:
        return
    first_seq = {case_id: seq for case_id, (seq, _) in heads.items()}
    stamp = at.astimezone(UTC)
    rows = []
    for entry in entries:
        seq, prev = heads[entry.case_id]
        fields = _entry(entry.case_id, seq + 1, stamp, None, entry.action, None, None,
                        entry.comment, entry.payload)
        digest = chain_hash(prev, fields)
        rows.append({**fields, "at": stamp, "prev_hash": prev, "hash": digest})
        heads[entry.case_id] = (seq + 1, digest)
    connection.execute(_INSERT, rows)
    moves = [{"b_id": case_id, "b_prev": first_seq[case_id], "b_seq": seq, "b_hash": digest,
              "b_seal": seal(key, case_chain(case_id), seq, digest)}
             for case_id, (seq, digest) in heads.items()]
    if connection.execute(_ADVANCE, moves).rowcount not in (len(moves), -1):
        raise HeadMoved("audit heads moved during a batch append")


def entries(session: Session, case_id: int) -> list[AuditEntry]:
    """One case's chain, in order: its timeline."""
    return list(session.exec(
        select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(col(AuditEntry.seq))
    ))


def case_reference(session: Session, case_id: int | None) -> str | None:
    if case_id is None:
        return None
    return session.exec(select(Case.reference).where(Case.id == case_id)).first()
