"""The audit log: an append-only SHA-256 hash chain per case.

Each entry's hash covers its content and the previous entry's hash, so a row changed behind
Berkas's back (after dropping the database trigger that forbids it) breaks the chain from that
row on, and :func:`verify` names it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import bindparam, func, insert
from sqlmodel import Session, col, select

from cases.db import make_engine, table_of
from cases.models import AuditEntry, Case
from workflows import Actor

GENESIS = "0" * 64


HASHED_FIELDS = ("case_id", "seq", "at", "actor_id", "actor_name", "action", "from_state",
                 "to_state", "comment", "payload")


def chain_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and a canonical JSON of an entry's ``HASHED_FIELDS``
    (``at`` as ISO text), for every writer of entries and for :func:`verify`."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


# Built once: every use case appends, and a statement built anew costs more Python than
# its SQL costs the database (``make bench``, service-layer transitions).
_ENTRIES = table_of(AuditEntry)
_HEAD = (select(_ENTRIES.c.seq, _ENTRIES.c.hash)
         .where(_ENTRIES.c.case_id == bindparam("case_id"))
         .order_by(_ENTRIES.c.seq.desc()).limit(1))
_INSERT = insert(_ENTRIES)
# The heads of many chains at once: the newest entry of each case (the reminder sweep).
_NEWEST = (select(_ENTRIES.c.case_id, func.max(_ENTRIES.c.seq).label("seq"))
           .where(_ENTRIES.c.case_id.in_(bindparam("case_ids", expanding=True)))
           .group_by(_ENTRIES.c.case_id).subquery())
_HEADS = select(_ENTRIES.c.case_id, _ENTRIES.c.seq, _ENTRIES.c.hash).join(
    _NEWEST, (_ENTRIES.c.case_id == _NEWEST.c.case_id) & (_ENTRIES.c.seq == _NEWEST.c.seq))


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
) -> None:
    """Add the next entry of ``case``'s chain. The caller holds the case's write lock.

    Written at once, as a plain row: the hash is computed here from exactly the fields that
    :func:`verify` reads back."""
    assert case.id is not None
    connection = session.connection()
    last = connection.execute(_HEAD, {"case_id": case.id}).first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    stamp = at.astimezone(UTC)
    fields = {
        "case_id": case.id, "seq": seq, "at": stamp.isoformat(),
        "actor_id": actor.user_id if actor else None, "actor_name": _actor_name(actor),
        "action": action, "from_state": from_state, "to_state": to_state, "comment": comment,
        "payload": json.loads(json.dumps(payload or {}, default=str)),
    }
    digest = chain_hash(prev_hash, fields)
    connection.execute(_INSERT, {**fields, "at": stamp, "prev_hash": prev_hash, "hash": digest})


def _actor_name(actor: Actor | None) -> str:
    if actor is None:
        return "sistem"
    name = actor.full_name or actor.username
    return f"{name} (a.n. {actor.acting_for})" if actor.acting_for else name


@dataclass(frozen=True, slots=True)
class SystemEntry:
    """An entry made by Berkas itself (no actor), for :func:`append_many`."""

    case_id: int
    action: str
    comment: str
    payload: dict[str, Any]


def append_many(session: Session, entries: list[SystemEntry], at: datetime) -> None:
    """Append system entries to many chains at once: one query for the chains' heads, one
    multi-row insert. The caller holds the cases' write locks (as for :func:`append`)."""
    if not entries:
        return
    case_ids = sorted({e.case_id for e in entries})
    heads = {case_id: (seq, digest) for case_id, seq, digest in
             session.connection().execute(_HEADS, {"case_ids": case_ids})}
    stamp = at.astimezone(UTC)
    rows = []
    for entry in entries:
        seq, prev = heads.get(entry.case_id, (0, GENESIS))
        fields = {"case_id": entry.case_id, "seq": seq + 1, "at": stamp.isoformat(),
                  "actor_id": None, "actor_name": _actor_name(None), "action": entry.action,
                  "from_state": None, "to_state": None, "comment": entry.comment,
                  "payload": json.loads(json.dumps(entry.payload, default=str))}
        digest = chain_hash(prev, fields)
        rows.append({**fields, "at": stamp, "prev_hash": prev, "hash": digest})
        heads[entry.case_id] = (seq + 1, digest)
    session.connection().execute(_INSERT, rows)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    entries: int
    cases: int
    broken_entry_id: int | None = None
    broken_case_id: int | None = None
    broken_seq: int | None = None
    problem: str = ""


def verify(session: Session, batch: int = 2000, case_ids: tuple[int, int] | None = None
           ) -> VerifyResult:
    """Recompute every chain (of cases ``case_ids[0]`` to ``case_ids[1]`` when given); stop
    at the first entry whose link or hash does not hold."""
    count, cases = 0, 0
    current_case, expected_prev, expected_seq = None, GENESIS, 1
    for row in _all_entries(session, batch, case_ids):
        entry_id, prev_hash, *values, stored = row
        fields = dict(zip(HASHED_FIELDS, values, strict=True))
        if fields["case_id"] != current_case:
            current_case, expected_prev, expected_seq = fields["case_id"], GENESIS, 1
            cases += 1
        seq = fields["seq"]
        problem = _problem(fields, prev_hash, stored, expected_prev, expected_seq)
        if problem:
            return VerifyResult(False, count, cases, entry_id, current_case, seq, problem)
        expected_prev, expected_seq = stored, seq + 1
        count += 1
    return VerifyResult(True, count, cases)


def _problem(fields: dict[str, Any], prev_hash: str, stored: str, expected_prev: str,
             expected_seq: int) -> str:
    if fields["seq"] != expected_seq:
        return f"expected seq {expected_seq}, found {fields['seq']} (an entry is missing)"
    if prev_hash != expected_prev:
        return "prev_hash does not match the previous entry"
    fields["at"] = fields["at"].astimezone(UTC).isoformat()
    if chain_hash(prev_hash, fields) != stored:
        return "hash does not match the entry's content"
    return ""


def _all_entries(session: Session, batch: int, case_ids: tuple[int, int] | None
                 ) -> Iterator[Any]:
    """Entries as plain rows in (case, seq) order, a range of case ids at a time: each range
    is one walk of the (case_id, seq) index, and memory stays flat on big logs."""
    table = table_of(AuditEntry)
    columns = [table.c[name] for name in ("id", "prev_hash", *HASHED_FIELDS, "hash")]
    connection = session.connection()  # Core rows: no ORM work per entry
    first, last = case_ids or connection.execute(
        select(func.min(table.c.case_id), func.max(table.c.case_id))).one()
    if first is None:
        return
    for low in range(first, last + 1, batch):
        yield from connection.execute(
            select(*columns)
            .where(table.c.case_id >= low, table.c.case_id < min(low + batch, last + 1))
            .order_by(table.c.case_id, table.c.seq)
        )


def verify_parallel(database_url: str, workers: int) -> VerifyResult:
    """:func:`verify` split by case-id ranges over ``workers`` processes: chains are
    independent per case. The first broken entry, in case order, is the one reported."""
    engine = make_engine(database_url)
    with engine.connect() as conn:
        bounds = conn.execute(select(func.min(AuditEntry.case_id),
                                     func.max(AuditEntry.case_id))).one()
    engine.dispose()
    first, last = cast("tuple[int | None, int | None]", tuple(bounds))
    if first is None or last is None:
        return VerifyResult(True, 0, 0)
    step = (last - first) // workers + 1
    ranges = [(database_url, low, min(low + step - 1, last))
              for low in range(first, last + 1, step)]
    with ProcessPoolExecutor(len(ranges)) as pool:
        parts = list(pool.map(_verify_range, ranges))
    entries, cases = 0, 0
    for part in parts:
        if not part.ok:
            return replace(part, entries=entries + part.entries, cases=cases + part.cases)
        entries, cases = entries + part.entries, cases + part.cases
    return VerifyResult(True, entries, cases)


def _verify_range(job: tuple[str, int, int]) -> VerifyResult:
    database_url, low, high = job
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return verify(session, case_ids=(low, high))
    finally:
        engine.dispose()


def entries(session: Session, case_id: int) -> list[AuditEntry]:
    """One case's chain, in order: its timeline."""
    return list(session.exec(
        select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(col(AuditEntry.seq))
    ))


def case_reference(session: Session, case_id: int | None) -> str | None:
    if case_id is None:
        return None
    return session.exec(select(Case.reference).where(Case.id == case_id)).first()
