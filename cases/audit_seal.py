"""Sealing audit chain heads outside a use case: the chains made before seals existed
(revision 0005), and a new audit key (``berkas audit rekey``).

Sealing trusts the chain as it is found; it is done once, by the migration run that adds the
seals, or by an operator who has just verified every chain under the old key.
"""

from __future__ import annotations

import itertools

from sqlalchemy import Connection, bindparam, select, update
from sqlmodel import Session

from cases import system_audit
from cases.audit import HASHED_FIELDS, case_chain, seal
from cases.audit_verify import VerifyResult, verify, walk_chain
from cases.models import AuditEntry, AuditHead, Case
from infra.db import make_engine, table_of
from infra.unit_of_work import UnitOfWork, fresh

_CASES, _ENTRIES, _HEADS = table_of(Case), table_of(AuditEntry), table_of(AuditHead)
_SEAL_CASE = update(_CASES).where(_CASES.c.id == bindparam("b_id")).values(
    audit_seal=bindparam("b_seal"))
_SEAL_HEAD = update(_HEADS).where(_HEADS.c.name == bindparam("b_name")).values(
    seal=bindparam("b_seal"))


def seal_unsealed(database_url: str, key: bytes) -> int:
    """Seal every head that has no seal yet and whose chain holds as found; returns how many
    were sealed. A chain that does not hold stays unsealed, so verify keeps naming it."""
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            return _seal_cases(connection, key) + _seal_system(connection, key)
    finally:
        engine.dispose()


def _seal_cases(connection: Connection, key: bytes) -> int:
    heads = {row.id: row for row in connection.execute(
        select(_CASES.c.id, _CASES.c.audit_seq, _CASES.c.audit_hash)
        .where(_CASES.c.audit_seal == ""))}
    if not heads:
        return 0
    columns = [_ENTRIES.c[name] for name in ("id", "prev_hash", *HASHED_FIELDS, "hash")]
    rows = connection.execute(select(*columns).order_by(_ENTRIES.c.case_id, _ENTRIES.c.seq))
    seals = []
    for case_id, group in itertools.groupby(rows, key=lambda row: row[2]):
        head = heads.get(case_id)
        walk = walk_chain(group, HASHED_FIELDS)
        if head is None or walk.broken or (walk.last_seq, walk.last_hash) != (
                head.audit_seq, head.audit_hash):
            continue
        seals.append({"b_id": case_id,
                      "b_seal": seal(key, case_chain(case_id), head.audit_seq, head.audit_hash)})
    if seals:
        connection.execute(_SEAL_CASE, seals)
    return len(seals)


def _seal_system(connection: Connection, key: bytes) -> int:
    head = connection.execute(select(_HEADS.c.seq, _HEADS.c.hash).where(
        _HEADS.c.name == system_audit.CHAIN, _HEADS.c.seal == "")).first()
    if head is None:
        return 0
    connection.execute(_SEAL_HEAD, {"b_name": system_audit.CHAIN,
                                    "b_seal": seal(key, system_audit.CHAIN, head[0], head[1])})
    return 1


class RekeyRefused(Exception):
    """The log does not verify under the old key: resealing it would launder tampering."""

    def __init__(self, result: VerifyResult) -> None:
        super().__init__(f"{result.problem_count} problems under the old key")
        self.result = result


def rekey(session: Session, old_key: bytes, new_key: bytes) -> int:
    """Verify every chain under ``old_key``, then reseal every head under ``new_key`` in one
    transaction; returns the number of heads resealed."""
    result = verify(session, old_key)
    fresh(session)
    if not result.ok:
        raise RekeyRefused(result)
    with UnitOfWork(session):
        connection = session.connection()
        cases = [{"b_id": case_id, "b_seal": seal(new_key, case_chain(case_id), seq, digest)}
                 for case_id, seq, digest in connection.execute(
                     select(_CASES.c.id, _CASES.c.audit_seq, _CASES.c.audit_hash))]
        heads = [{"b_name": name, "b_seal": seal(new_key, name, seq, digest)}
                 for name, seq, digest in connection.execute(
                     select(_HEADS.c.name, _HEADS.c.seq, _HEADS.c.hash))]
        if cases:
            connection.execute(_SEAL_CASE, cases)
        if heads:
            connection.execute(_SEAL_HEAD, heads)
    return len(cases) + len(heads)
