"""A database made by the previous release (revision 0004) migrates to the current head
without losing a case, a user or an audit entry, and its chains come out sealed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from cases import audit_verify
from cases.audit import GENESIS, chain_hash
from infra.db import session_factory
from migrations.runner import current_revision, upgrade
from tests.conftest import AUDIT_KEY, BACKENDS, POSTGRES_URL
from tests.postgres import PostgresServer

AT = datetime(2026, 2, 4, 1, 0, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    server = PostgresServer(POSTGRES_URL)
    name = f"berkas_mig_{os.getpid()}"
    yield server.create(name)
    server.drop(name)
    server.engine.dispose()


def old_chain(case_id: int, count: int, *, broken: bool = False) -> list[dict[str, object]]:
    """Entries as revision 0004 wrote them: SHA-256 links, no seal anywhere."""
    rows, prev = [], GENESIS
    for seq in range(1, count + 1):
        at = AT + timedelta(minutes=seq)
        fields = {"case_id": case_id, "seq": seq, "at": at.isoformat(), "actor_id": 1,
                  "actor_name": "Rina", "action": "comment_added", "from_state": None,
                  "to_state": None, "comment": f"catatan {seq}", "payload": {}}
        digest = chain_hash(prev, fields)
        if broken and seq == 2:
            fields["comment"] = "diubah diam-diam"
        rows.append({**fields, "at": at, "prev_hash": prev, "hash": digest, "payload": "{}"})
        prev = digest
    return rows


def fill_release_0004(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (id, username, full_name, email, roles, password_hash, is_active,"
            " created_at) VALUES (1, 'rina', 'Rina', 'rina@example.test', '[\"officer\"]', 'x',"
            " true, :at)"), {"at": AT})
        for case_id in (1, 2):
            conn.execute(text(
                "INSERT INTO cases (id, reference, workflow, state, fiscal_year, title, applicant,"
                " applicant_name, data, amount, registered_by, version, created_at, updated_at)"
                " VALUES (:id, :ref, 'media_verification', 'submitted', 2026, 'Uji', '{}',"
                " 'Balangan Pos', '{}', 1000, 1, 1, :at, :at)"),
                {"id": case_id, "ref": f"MV-2026-000{case_id}", "at": AT})
            conn.execute(text(
                "INSERT INTO audit_entries (case_id, seq, at, actor_id, actor_name, action,"
                " from_state, to_state, comment, payload, prev_hash, hash) VALUES (:case_id, :seq,"
                " :at, :actor_id, :actor_name, :action, :from_state, :to_state, :comment,"
                " :payload, :prev_hash, :hash)"), old_chain(case_id, 3, broken=case_id == 2))
        # Stuck behind a poisoned message, as the old outbox left them: attempts all spent.
        conn.execute(text(
            "INSERT INTO outbox_emails (message_id, to_address, subject, text_body, html_body,"
            " status, attempts, next_attempt_at, last_error, created_at) VALUES (:mid, :to,"
            " 'Pengingat', 'x', 'x', :status, 7, :at, '', :at)"),
            [{"mid": f"<{n}@berkas>", "to": f"u{n}@example.test", "status": status, "at": AT}
             for n, status in enumerate(("pending", "sent", "failed"))])
    engine.dispose()


def test_a_release_0004_database_migrates_with_every_entry_and_sealed_chains(
    empty_url: str,
) -> None:
    upgrade(empty_url, "0004")
    fill_release_0004(empty_url)
    sealed = upgrade(empty_url, audit_key=AUDIT_KEY)
    assert current_revision(empty_url) == "0005"
    assert sealed == 2  # the sound case chain and the system chain; not the broken one
    engine = create_engine(empty_url)
    with engine.connect() as conn:
        heads = conn.execute(text("SELECT id, audit_seq FROM cases ORDER BY id")).all()
        entries = conn.execute(text("SELECT count(*) FROM audit_entries")).scalar_one()
        users = conn.execute(text("SELECT username, token_version FROM users")).all()
        emails = conn.execute(text("SELECT status, attempts FROM outbox_emails ORDER BY id")).all()
    assert [tuple(h) for h in heads] == [(1, 3), (2, 3)]
    assert entries == 6
    assert [tuple(u) for u in users] == [("rina", 0)]
    assert [tuple(e) for e in emails] == [("pending", 0), ("sent", 7), ("failed", 7)]
    with session_factory(engine, AUDIT_KEY)() as session:
        result = audit_verify.verify(session, AUDIT_KEY)
    engine.dispose()
    assert (result.entries, result.cases) == (4, 2)
    assert [(p.code, p.reference, p.seq) for p in result.problems] == [
        ("entry_altered", "MV-2026-0002", 2)]


def test_a_later_migration_run_seals_nothing(empty_url: str) -> None:
    upgrade(empty_url, audit_key=AUDIT_KEY)
    engine = create_engine(empty_url)
    with engine.begin() as conn:  # an attacker blanks the system chain's seal
        conn.execute(text("UPDATE audit_heads SET seal = ''"))
    engine.dispose()
    assert upgrade(empty_url, audit_key=AUDIT_KEY) == 0
