"""Someone with write access to the database, but not the audit key, cannot cut, remove,
rewrite or replace audit entries without ``berkas audit verify`` naming the case."""

from __future__ import annotations

import sqlite3
from datetime import UTC

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from app import cli
from cases import audit_verify, system_audit
from cases.audit import HASHED_FIELDS, chain_hash
from cases.models import AuditEntry
from infra.config import derive_audit_key
from infra.db import table_of
from infra.runtime import Runtime
from tests.api.helpers import Api
from tests.conftest import AUDIT_KEY, SECRET
from tests.dbtools import drop_audit_guard, execute


@pytest.fixture
def verify_cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("BERKAS_DATABASE_URL",
                       runtime.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("BERKAS_SECRET_KEY", SECRET)
    monkeypatch.delenv("BERKAS_AUDIT_KEY", raising=False)
    return CliRunner()


def three_cases(api: Api) -> list[int]:
    ids = [api.create_media()["id"] for _ in range(3)]
    for case_id in ids:
        api.fire("fajar", case_id, "return_for_revision", comment="NIB")
        api.fire("rina", case_id, "resubmit", comment="diperbaiki")
    return ids


def problems(runtime: Runtime) -> list[tuple[str, str | None]]:
    with runtime.sessions() as session:
        result = audit_verify.verify(session, AUDIT_KEY)
    return [(p.code, p.reference) for p in result.problems]


def test_a_cut_tail_is_named_by_verify(api: Api, runtime: Runtime,
                                       verify_cli: CliRunner) -> None:
    ids = three_cases(api)
    drop_audit_guard(runtime.engine)
    execute(runtime.engine, "DELETE FROM audit_entries WHERE case_id = :c AND seq = 3", c=ids[1])
    assert problems(runtime) == [("tail_missing", "MV-2026-0002")]
    result = verify_cli.invoke(cli, ["audit", "verify"])
    assert result.exit_code == 1
    assert "MV-2026-0002" in result.output
    assert "ekor rantai hilang" in result.output


def test_a_removed_chain_is_named_by_verify(api: Api, runtime: Runtime) -> None:
    ids = three_cases(api)
    drop_audit_guard(runtime.engine)
    execute(runtime.engine, "DELETE FROM audit_entries WHERE case_id = :c", c=ids[2])
    assert problems(runtime) == [("chain_missing", "MV-2026-0003")]


def test_every_broken_chain_is_named_not_only_the_first(api: Api, runtime: Runtime) -> None:
    ids = three_cases(api)
    drop_audit_guard(runtime.engine)
    execute(runtime.engine, "DELETE FROM audit_entries WHERE case_id = :c", c=ids[0])
    execute(runtime.engine, "DELETE FROM audit_entries WHERE case_id = :c AND seq = 3", c=ids[2])
    assert problems(runtime) == [("chain_missing", "MV-2026-0001"),
                                 ("tail_missing", "MV-2026-0003")]


def rehash_from(runtime: Runtime, case_id: int, seq: int, comment: str) -> str:
    """What an attacker who knows the (public) hash algorithm does: change an entry and
    recompute every hash after it, so that every link holds again. Returns the new head."""
    table = table_of(AuditEntry)
    columns = [table.c[name] for name in ("id", "prev_hash", *HASHED_FIELDS)]
    with runtime.engine.begin() as conn:
        rows = conn.execute(select(*columns).where(table.c.case_id == case_id)
                            .order_by(table.c.seq)).all()
        prev = rows[seq - 1][1]
        for row in rows[seq - 1:]:
            fields = dict(zip(HASHED_FIELDS, row[2:], strict=True))
            fields["at"] = fields["at"].astimezone(UTC).isoformat()
            if fields["seq"] == seq:
                fields["comment"] = comment
            digest = chain_hash(prev, fields)
            conn.execute(text("UPDATE audit_entries SET comment = :comment, prev_hash = :p, "
                              "hash = :h WHERE id = :id"),
                         {"comment": fields["comment"], "p": prev, "h": digest, "id": row[0]})
            prev = digest
    return prev


def test_a_rewritten_and_rehashed_chain_fails_its_seal(api: Api, runtime: Runtime) -> None:
    ids = three_cases(api)
    drop_audit_guard(runtime.engine)
    head = rehash_from(runtime, ids[0], 2, "tidak pernah dikembalikan")
    assert problems(runtime) == [("chain_rewritten", "MV-2026-0001")]
    # The attacker also writes the new head onto the case row: the seal still does not hold.
    execute(runtime.engine, "UPDATE cases SET audit_hash = :h WHERE id = :c", h=head, c=ids[0])
    assert problems(runtime) == [("seal_invalid", "MV-2026-0001")]


def test_an_entry_added_behind_berkass_back_is_unsealed(api: Api, runtime: Runtime) -> None:
    case_id = api.create_media()["id"]
    table = table_of(AuditEntry)
    with runtime.engine.connect() as conn:
        row = conn.execute(select(table.c.hash, table.c.at)
                           .where(table.c.case_id == case_id)).one()
    at = row[1]
    fields = {"case_id": case_id, "seq": 2, "at": at.astimezone(UTC).isoformat(),
              "actor_id": None, "actor_name": "sistem", "action": "comment_added",
              "from_state": None, "to_state": None, "comment": "sisipan", "payload": {}}
    execute(runtime.engine,
            "INSERT INTO audit_entries (case_id, seq, at, actor_id, actor_name, action, "
            "from_state, to_state, comment, payload, prev_hash, hash) VALUES (:c, 2, :at, NULL, "
            "'sistem', 'comment_added', NULL, NULL, 'sisipan', '{}', :p, :h)",
            c=case_id, at=at, p=row[0], h=chain_hash(row[0], fields))
    assert problems(runtime) == [("unsealed_entries", "MV-2026-0001")]


def test_a_replacing_insert_is_refused_with_the_guard_in_place(
    api: Api, runtime: Runtime
) -> None:
    case_id = api.create_media()["id"]
    postgres = runtime.engine.dialect.name == "postgresql"
    statement = (
        "INSERT INTO audit_entries (id, case_id, seq, at, actor_name, action, comment, payload, "
        "prev_hash, hash) SELECT id, case_id, seq, at, actor_name, action, 'ditimpa', payload, "
        "prev_hash, hash FROM audit_entries WHERE case_id = :c"
        + (" ON CONFLICT (case_id, seq) DO UPDATE SET comment = 'ditimpa'" if postgres else "")
    )
    if not postgres:
        statement = statement.replace("INSERT INTO", "INSERT OR REPLACE INTO", 1)
    with pytest.raises(Exception, match="append-only"):
        execute(runtime.engine, statement, c=case_id)
    assert problems(runtime) == []
    with runtime.engine.connect() as conn:
        assert conn.execute(text("SELECT comment FROM audit_entries")).scalar_one() == ""


def test_the_system_chain_shows_a_cut_tail_and_a_removed_head(runtime: Runtime) -> None:
    with runtime.sessions() as session, session.begin():
        for action in ("user_created", "password_reset"):
            system_audit.record(session, actor=None, action=action, at=runtime.clock())
    assert problems(runtime) == []
    drop_audit_guard(runtime.engine, "system_audit_entries")
    execute(runtime.engine, "DELETE FROM system_audit_entries WHERE seq = "
            "(SELECT max(seq) FROM system_audit_entries)")
    assert problems(runtime) == [("tail_missing", "sistem")]
    execute(runtime.engine, "DELETE FROM audit_heads")
    assert problems(runtime) == [("head_missing", "sistem")]


def test_another_key_fails_every_seal_until_the_operator_rekeys(
    api: Api, runtime: Runtime, verify_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    three_cases(api)
    monkeypatch.setenv("BERKAS_AUDIT_KEY", "kunci-audit-baru-yang-cukup-panjang-sekali")
    before = verify_cli.invoke(cli, ["audit", "verify"])
    assert before.exit_code == 1
    assert before.output.count("seal_invalid") == 4  # three cases and the system chain
    refused = verify_cli.invoke(cli, ["audit", "rekey"])
    assert refused.exit_code == 2
    monkeypatch.setenv("BERKAS_AUDIT_OLD_SECRET_KEY", SECRET)
    rekeyed = verify_cli.invoke(cli, ["audit", "rekey"])
    assert rekeyed.exit_code == 0, rekeyed.output
    assert "4 kepala rantai" in rekeyed.output
    assert verify_cli.invoke(cli, ["audit", "verify"]).exit_code == 0
    assert derive_audit_key(SECRET) == AUDIT_KEY


def test_rekey_refuses_a_log_that_does_not_verify_under_the_old_key(
    api: Api, runtime: Runtime, verify_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = three_cases(api)
    drop_audit_guard(runtime.engine)
    execute(runtime.engine, "DELETE FROM audit_entries WHERE case_id = :c AND seq = 3", c=ids[0])
    monkeypatch.setenv("BERKAS_AUDIT_KEY", "kunci-audit-baru-yang-cukup-panjang-sekali")
    monkeypatch.setenv("BERKAS_AUDIT_OLD_SECRET_KEY", SECRET)
    refused = verify_cli.invoke(cli, ["audit", "rekey"])
    assert refused.exit_code == 1
    assert "MV-2026-0001" in refused.output


def test_berkas_never_seals_a_forged_head_anew(api: Api, runtime: Runtime) -> None:
    """Cutting the tail and pointing the head at the entry before it, then waiting for an
    officer to act on the case, must not launder the cut: the act is refused, verify names it."""
    ids = three_cases(api)
    drop_audit_guard(runtime.engine)
    execute(runtime.engine, "DELETE FROM audit_entries WHERE case_id = :c AND seq = 3", c=ids[0])
    execute(runtime.engine, "UPDATE cases SET audit_seq = 2, audit_hash = (SELECT hash FROM "
            "audit_entries WHERE case_id = :c AND seq = 2) WHERE id = :c", c=ids[0])
    refused = api.post("rina", f"/api/cases/{ids[0]}/comments", json={"body": "cek berkas"})
    assert (refused.status_code, refused.json()["detail"]["code"]) == (409, "audit_chain_broken")
    assert problems(runtime) == [("seal_invalid", "MV-2026-0001")]
    other = api.post("rina", f"/api/cases/{ids[1]}/comments", json={"body": "cek berkas"})
    assert other.status_code == 201


def test_a_forged_system_head_refuses_the_next_act_on_the_system_chain(
    api: Api, runtime: Runtime
) -> None:
    drop_audit_guard(runtime.engine, "system_audit_entries")
    execute(runtime.engine, "DELETE FROM system_audit_entries")
    execute(runtime.engine, "UPDATE audit_heads SET seq = 0, hash = :g, seal = ''", g="0" * 64)
    # Entering a pagu (finance, from the DPA) is written to the system chain.
    refused = api.put("fina", "/api/budgets/grant/2026", json={
        "amount": 1, "dpa_number": "DPA/2026/2.16.01", "dpa_date": "2026-01-02"})
    assert (refused.status_code, refused.json()["detail"]["code"]) == (409, "audit_chain_broken")
    assert problems(runtime) == [("seal_invalid", "sistem")]


def test_a_state_changed_behind_the_chain_is_named(api: Api, runtime: Runtime) -> None:
    ids = three_cases(api)
    execute(runtime.engine, "UPDATE cases SET state = 'approved' WHERE id = :c", c=ids[1])
    assert problems(runtime) == [("state_unrecorded", "MV-2026-0002")]


def test_case_ids_far_apart_are_verified_without_walking_the_gap(
    api: Api, runtime: Runtime
) -> None:
    ids = three_cases(api)
    drop_audit_guard(runtime.engine)
    moves = [f"UPDATE {table} SET {column} = 2000000000 WHERE {column} = {ids[1]}"
             for table, column in (("audit_entries", "case_id"), ("deadlines", "case_id"),
                                   ("cases", "id"))]
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # no FK checks
            for statement in moves:
                conn.execute(text(statement))
    else:
        raw = sqlite3.connect(str(runtime.engine.url.database), isolation_level=None)
        raw.execute("PRAGMA foreign_keys = OFF")
        for statement in moves:
            raw.execute(statement)
        raw.close()
    with runtime.sessions() as session:
        result = audit_verify.verify(session, AUDIT_KEY)
    # Entries hash their case's id: a case moved to another id is named, and found at once.
    assert [(p.code, p.case_id) for p in result.problems] == [("entry_altered", 2_000_000_000)]
    assert result.cases == 3


def test_a_check_started_on_a_forged_system_head_names_it_instead_of_sealing_it(
    api: Api, runtime: Runtime
) -> None:
    api.set_budget("grant", 1_000)
    api.set_budget("grant", 2_000)  # the pagu change the forger wants forgotten
    drop_audit_guard(runtime.engine, "system_audit_entries")
    execute(runtime.engine, "DELETE FROM system_audit_entries WHERE seq = "
            "(SELECT max(seq) FROM system_audit_entries)")
    execute(runtime.engine, "UPDATE audit_heads SET seq = seq - 1, hash = (SELECT hash FROM "
            "system_audit_entries WHERE seq = (SELECT max(seq) FROM system_audit_entries))")
    report = api.audit_check()
    assert (report["status"], report["problems"][0]["code"]) == ("broken", "seal_invalid")
    assert problems(runtime) == [("seal_invalid", "sistem")]
