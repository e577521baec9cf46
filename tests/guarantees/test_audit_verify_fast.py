"""``berkas audit verify`` walks case chains on raw rows with a canonical-JSON template, and
walks again exactly (the writer's own ``json.dumps``) any chain the template does not carry.
The template must judge no chain differently from the exact walk: entries whose JSON a naive
serializer (orjson, or a hand-made one) would write differently from ``json.dumps`` still
verify, through the fast walk, and every change to them is still named."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlmodel import Session

from cases import audit_verify
from cases.audit import append
from cases.models import AuditEntry, Case
from infra.db import table_of
from infra.runtime import Runtime
from infra.unit_of_work import UnitOfWork
from tests.api.helpers import Api
from tests.conftest import AUDIT_KEY
from tests.dbtools import drop_audit_guard, execute

# What the API lets through (no control characters): U+2028 and non-ASCII, which
# json.dumps(ensure_ascii=False) keeps raw, a surrogate pair, quotes and a backslash.
PRINTABLE = 'baris\u2028baru, \u201ckutip\u201d \u00e9 \u4e2d\u6587 \U0001f600 \\ "'
# What an older release or a system entry may have written: control characters too.
ODD = f"Catatan\x1f\x7f\t\n: {PRINTABLE}"
# A payload whose canonical form differs from orjson's: 1e16 (json: 1e+16), an integer past
# 64 bits (orjson refuses it), non-ASCII keys in sorted order, nesting.
PAYLOAD = {"jumlah": 1.5, "besar": 1e16, "raksasa": 10**20, ODD: [1, {"\u00e4": None}],
           "nama": ODD}


def odd_log(api: Api, runtime: Runtime) -> list[int]:
    """Two cases whose entries carry PRINTABLE through the API, and (the first) an entry
    with ODD in its comment and payload, appended as a system entry."""
    ids = [api.create_media()["id"] for _ in range(2)]
    for case_id in ids:
        fired = api.fire("fajar", case_id, "return_for_revision", comment=PRINTABLE)
        assert fired.status_code == 200, fired.text
        said = api.post("rina", f"/api/cases/{case_id}/comments", json={"body": PRINTABLE})
        assert said.status_code in (200, 201), said.text
    with UnitOfWork(runtime.sessions()) as uow:
        case = uow.session.get(Case, ids[0])
        assert case is not None
        append(uow.session, case, actor=None, action="comment_added", at=runtime.clock(),
               comment=ODD, payload=PAYLOAD)
    return ids


def raw_walks(session: Session) -> tuple[dict[Any, audit_verify._Walk], set[Any]]:
    connection = session.connection()
    return audit_verify._fast_walks(audit_verify._raw_rows(connection, audit_verify._RAW))


def verify(runtime: Runtime) -> audit_verify.VerifyResult:
    with runtime.sessions() as session:
        return audit_verify.verify(session, AUDIT_KEY)


def verify_exactly(runtime: Runtime, monkeypatch: pytest.MonkeyPatch
                   ) -> audit_verify.VerifyResult:
    """Verify with every chain handed to the exact walk, as before the fast walk existed."""
    fast_walks = audit_verify._fast_walks

    def doubt_all(rows: Iterable[tuple[Any, ...]]
                  ) -> tuple[dict[Any, audit_verify._Walk], set[Any]]:
        walks, _doubtful = fast_walks(rows)
        return walks, set(walks)

    with monkeypatch.context() as patched:
        patched.setattr(audit_verify, "_fast_walks", doubt_all)
        return verify(runtime)


def entry_id(runtime: Runtime, case_id: int, seq: int) -> int:
    table = table_of(AuditEntry)
    with runtime.engine.connect() as conn:
        found: int = conn.execute(select(table.c.id).where(
            table.c.case_id == case_id, table.c.seq == seq)).scalar_one()
    return found


def test_entries_json_dumps_writes_unlike_orjson_verify_through_the_fast_walk(
    api: Api, runtime: Runtime
) -> None:
    ids = odd_log(api, runtime)
    result = verify(runtime)
    assert result.ok, result.problems
    assert result.cases == 2
    with runtime.sessions() as session:
        walks, doubtful = raw_walks(session)
    assert doubtful == set()  # no chain needed the exact walk: the template wrote json.dumps
    assert sum(walk.count for walk in walks.values()) == result.entries
    assert walks[ids[0]].count == walks[ids[1]].count + 1


@pytest.mark.parametrize(("column", "value"), [
    ("comment", PRINTABLE.replace("\u2028", "\u2029")),
    ("comment", PRINTABLE.replace("\u00e9", "e\u0301")),  # the same letter, decomposed
    ("comment", PRINTABLE + "\x1f"),
    ("actor_name", "Fajar\u2028"),
])
def test_a_changed_odd_entry_is_named(api: Api, runtime: Runtime, column: str,
                                      value: str) -> None:
    ids = odd_log(api, runtime)
    drop_audit_guard(runtime.engine)
    target = entry_id(runtime, ids[1], 2)
    execute(runtime.engine, f"UPDATE audit_entries SET {column} = :v WHERE id = :id",
            v=value, id=target)
    result = verify(runtime)
    assert [(p.code, p.case_id, p.seq, p.entry_id) for p in result.problems] == [
        ("entry_altered", ids[1], 2, target)]


def test_a_changed_payload_is_named(api: Api, runtime: Runtime) -> None:
    ids = odd_log(api, runtime)
    drop_audit_guard(runtime.engine)
    with runtime.engine.connect() as conn:
        target, payload = conn.execute(text(
            "SELECT id, CAST(payload AS TEXT) FROM audit_entries WHERE case_id = :c "
            "ORDER BY seq DESC LIMIT 1"), {"c": ids[0]}).one()
    assert "1e+16" in payload
    cast = "CAST(:p AS JSON)" if runtime.engine.dialect.name == "postgresql" else ":p"
    execute(runtime.engine, f"UPDATE audit_entries SET payload = {cast} WHERE id = :id",
            p=payload.replace("1e+16", "1e+17"), id=target)
    assert [(p.code, p.entry_id) for p in verify(runtime).problems] == [
        ("entry_altered", target)]


def test_the_fast_walk_judges_every_chain_as_the_exact_walk_does(
    api: Api, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log with an intact chain, and chains with a changed comment, a time moved by a
    microsecond, a removed entry, a broken link and a cut tail: the same problems, either
    way."""
    ids = odd_log(api, runtime) + odd_log(api, runtime) + odd_log(api, runtime)
    drop_audit_guard(runtime.engine)
    later = ("at + interval '1 microsecond'" if runtime.engine.dialect.name == "postgresql"
             else "replace(at, '.000000', '.000001')")
    for sql, case_id in (
        ("UPDATE audit_entries SET comment = comment || ' ' WHERE case_id = :c AND seq = 2",
         ids[0]),
        (f"UPDATE audit_entries SET at = {later} WHERE case_id = :c AND seq = 1", ids[1]),
        ("DELETE FROM audit_entries WHERE case_id = :c AND seq = 2", ids[2]),
        ("UPDATE audit_entries SET prev_hash = hash WHERE case_id = :c AND seq = 3", ids[3]),
        ("DELETE FROM audit_entries WHERE case_id = :c AND seq > 1", ids[4]),
    ):
        execute(runtime.engine, sql, c=case_id)
    fast = verify(runtime)
    assert fast == verify_exactly(runtime, monkeypatch)
    assert [(p.code, p.case_id) for p in fast.problems] == [
        ("entry_altered", ids[0]), ("entry_altered", ids[1]), ("entry_missing", ids[2]),
        ("link_broken", ids[3]), ("tail_missing", ids[4])]
