"""The audit log: an append-only SHA-256 hash chain per case.

Each entry's hash covers its content and the previous entry's hash, so a row changed behind
Berkas's back (after dropping the database trigger that forbids it) breaks the chain from that
row on, and :func:`verify` names it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from cases.models import AuditEntry, Case
from workflows import Actor

GENESIS = "0" * 64


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 over the previous hash and a canonical JSON of the entry's content."""
    body = {
        "case_id": entry.case_id,
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "comment": entry.comment,
        "payload": entry.payload,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((entry.prev_hash + canonical).encode()).hexdigest()


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
) -> AuditEntry:
    """Add the next entry of ``case``'s chain. The caller holds the case's write lock."""
    assert case.id is not None
    last = session.exec(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.case_id == case.id)
        .order_by(col(AuditEntry.seq).desc())
        .limit(1)
    ).first()
    entry = AuditEntry(
        case_id=case.id,
        seq=(last[0] + 1) if last else 1,
        at=at.astimezone(UTC),
        actor_id=actor.user_id if actor else None,
        actor_name=_actor_name(actor),
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        payload=json.loads(json.dumps(payload or {}, default=str)),
        prev_hash=last[1] if last else GENESIS,
        hash="",
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    return entry


def _actor_name(actor: Actor | None) -> str:
    if actor is None:
        return "sistem"
    name = actor.full_name or actor.username
    return f"{name} (a.n. {actor.acting_for})" if actor.acting_for else name


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    entries: int
    cases: int
    broken_entry_id: int | None = None
    broken_case_id: int | None = None
    broken_seq: int | None = None
    problem: str = ""


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Recompute every chain; stop at the first entry whose link or hash does not hold."""
    count, cases = 0, 0
    current_case, expected_prev, expected_seq = None, GENESIS, 1
    for entry in _all_entries(session, batch):
        if entry.case_id != current_case:
            current_case, expected_prev, expected_seq = entry.case_id, GENESIS, 1
            cases += 1
        problem = _problem(entry, expected_prev, expected_seq)
        if problem:
            return VerifyResult(False, count, cases, entry.id, entry.case_id, entry.seq, problem)
        expected_prev, expected_seq = entry.hash, entry.seq + 1
        count += 1
    return VerifyResult(True, count, cases)


def _problem(entry: AuditEntry, expected_prev: str, expected_seq: int) -> str:
    if entry.seq != expected_seq:
        return f"expected seq {expected_seq}, found {entry.seq} (an entry is missing)"
    if entry.prev_hash != expected_prev:
        return "prev_hash does not match the previous entry"
    if entry_hash(entry) != entry.hash:
        return "hash does not match the entry's content"
    return ""


def _all_entries(session: Session, batch: int) -> Iterator[AuditEntry]:
    """Stream entries in (case, seq) order by keyset, so memory stays flat on big logs."""
    after = (0, 0)
    while True:
        rows = session.exec(
            select(AuditEntry)
            .where(
                (col(AuditEntry.case_id) > after[0])
                | ((col(AuditEntry.case_id) == after[0]) & (col(AuditEntry.seq) > after[1]))
            )
            .order_by(col(AuditEntry.case_id), col(AuditEntry.seq))
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = (rows[-1].case_id, rows[-1].seq)
        session.expunge_all()


def entries(session: Session, case_id: int) -> list[AuditEntry]:
    """One case's chain, in order: its timeline."""
    return list(session.exec(
        select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(col(AuditEntry.seq))
    ))


def case_reference(session: Session, case_id: int | None) -> str | None:
    if case_id is None:
        return None
    return session.exec(select(Case.reference).where(Case.id == case_id)).first()
