"""A database made by an earlier release migrates to the current head without losing a case, a
user, a document or an audit entry: from revision 0004, its chains come out sealed; from 0005,
its payments, parties and pagu are carried into their new tables."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import column, create_engine, inspect, select, table, text
from sqlalchemy.exc import DBAPIError

from cases import audit_verify
from cases.audit import GENESIS, case_chain, chain_hash, seal
from infra.db import session_factory
from infra.types import UTCDateTime
from migrations.runner import alembic_config, current_revision, upgrade
from tests.conftest import AUDIT_KEY, BACKENDS, POSTGRES_URL
from tests.postgres import PostgresServer

AT = datetime(2026, 2, 4, 1, 0, tzinfo=UTC)
HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


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
    assert current_revision(empty_url) == HEAD
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


COMPANY = "PT Balangan Media Utama"
ORGANISATION = "PWI Kabupaten Balangan"
PDF = b"%PDF-1.4 kontrak yang ditandatangani\n%%EOF"
Moves = list[tuple[str, str | None, str]]  # (action, from state, to state)


def chain(case_id: int, moves: Moves, start: datetime) -> list[dict[str, object]]:
    """Entries as revision 0005 wrote them: one per move (action, from, to), hash-linked."""
    rows, prev = [], GENESIS
    for seq, (action, from_state, to_state) in enumerate(moves, start=1):
        at = start + timedelta(days=seq)
        fields = {"case_id": case_id, "seq": seq, "at": at.isoformat(), "actor_id": 1,
                  "actor_name": "Rina", "action": action, "from_state": from_state,
                  "to_state": to_state, "comment": "", "payload": {}}
        digest = chain_hash(prev, fields)
        rows.append({**fields, "at": at, "prev_hash": prev, "hash": digest, "payload": "{}"})
        prev = digest
    return rows


RELEASE_0005_CASES: list[tuple[int, str, str, dict[str, str], str, Moves, dict[str, object]]] = [
    # id, workflow, state, applicant, applicant_name, moves, money and payment columns
    (1, "media_verification", "paid",
     {"company_name": COMPANY, "media_name": "Balangan Pos", "address": "Jl. A. Yani 1, Paringin"},
     "Balangan Pos",
     [("register", None, "submitted"), ("review", "submitted", "reviewed"),
      ("approve", "reviewed", "approved"), ("pay", "approved", "paid")],
     {"approved_amount": 15_000_000, "paid_amount": 14_500_000,
      "sp2d_number": "0123/SP2D-LS/1.07/2026", "paid_at": date(2026, 3, 10)}),
    (2, "media_verification", "submitted",
     {"company_name": COMPANY, "media_name": "Balangan Pos Online"}, "Balangan Pos Online",
     [("register", None, "submitted")], {}),
    # Paid before the SP2D was asked for: no number, no date, only the amount.
    (3, "grant", "reported", {"organisation": ORGANISATION, "chair": "H. Rahmat",
                              "address": "Jl. Basuki Rahmat 5"}, ORGANISATION,
     [("register", None, "submitted"), ("review", "submitted", "reviewed"),
      ("approve", "reviewed", "approved"), ("pay", "approved", "paid"),
      ("report", "paid", "reported")],
     {"approved_amount": 50_000_000, "paid_amount": 50_000_000}),
]
# The grant case was last changed at 01.30 WITA on 21 May: the day its payment is dated.
UPDATED = {1: AT + timedelta(days=40), 2: AT + timedelta(days=2),
           3: datetime(2026, 5, 20, 17, 30, tzinfo=UTC)}


def fill_release_0005(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (id, username, full_name, email, roles, password_hash, is_active,"
            " created_at, token_version) VALUES (1, 'rina', 'Rina', 'rina@example.test',"
            " '[\"officer\"]', 'x', true, :at, 0)"), {"at": AT})
        for case_id, workflow, state, applicant, name, moves, money in RELEASE_0005_CASES:
            entries = chain(case_id, moves, AT + timedelta(days=case_id))
            seq, digest = len(entries), str(entries[-1]["hash"])
            conn.execute(text(
                "INSERT INTO cases (id, reference, workflow, state, fiscal_year, title, applicant,"
                " applicant_name, data, amount, approved_amount, paid_amount, sp2d_number,"
                " paid_at, registered_by, version, created_at, updated_at, audit_seq,"
                " audit_hash, audit_seal) VALUES (:id, :ref, :workflow, :state, 2026, 'Uji',"
                " :applicant, :name, '{}', 15000000, :approved_amount, :paid_amount,"
                " :sp2d_number, :paid_at, 1, :version, :created, :updated, :seq, :hash, :seal)"),
                {"id": case_id, "ref": f"X-2026-000{case_id}", "workflow": workflow,
                 "state": state, "applicant": json.dumps(applicant), "name": name,
                 "approved_amount": None, "paid_amount": None, "sp2d_number": None,
                 "paid_at": None, **money, "version": seq, "created": AT + timedelta(days=case_id),
                 "updated": UPDATED[case_id], "seq": seq, "hash": digest,
                 "seal": seal(AUDIT_KEY, case_chain(case_id), seq, digest)})
            conn.execute(text(
                "INSERT INTO audit_entries (case_id, seq, at, actor_id, actor_name, action,"
                " from_state, to_state, comment, payload, prev_hash, hash) VALUES (:case_id, :seq,"
                " :at, :actor_id, :actor_name, :action, :from_state, :to_state, :comment,"
                " :payload, :prev_hash, :hash)"), entries)
        conn.execute(text(
            "INSERT INTO documents (id, case_id, kind, filename, content_type, size, sha256,"
            " status, note, uploaded_by, uploaded_at) VALUES (1, 1, 'kontrak', 'kontrak.pdf',"
            " 'application/pdf', :size, :sha, 'valid', '', 1, :at)"),
            {"size": len(PDF), "sha": hashlib.sha256(PDF).hexdigest(), "at": AT})
        conn.execute(text("INSERT INTO document_blobs (document_id, content) VALUES (1, :pdf)"),
                     {"pdf": PDF})
        conn.execute(text(
            "INSERT INTO budgets (workflow, fiscal_year, amount, updated_at, updated_by) VALUES"
            " ('media_verification', 2026, 750000000, :at, 1)"), {"at": AT})
    engine.dispose()


def test_a_release_0005_database_migrates_with_its_payments_parties_and_pagu(
    empty_url: str,
) -> None:
    upgrade(empty_url, "0005", audit_key=AUDIT_KEY)
    fill_release_0005(empty_url)
    assert upgrade(empty_url, audit_key=AUDIT_KEY) == 0  # nothing left to seal
    assert current_revision(empty_url) == HEAD
    engine = create_engine(empty_url)
    with engine.connect() as conn:
        cases = conn.execute(text(
            "SELECT id, state, party_id, paid_amount FROM cases ORDER BY id")).all()
        columns = {column["name"] for column in inspect(conn).get_columns("cases")}
        parties = {row.id: tuple(row[1:]) for row in conn.execute(text(
            "SELECT id, kind, name, address, npwp, nib, is_pkp, version, created_by"
            " FROM parties"))}
        party_since: dict[str, datetime] = dict(conn.execute(
            select(column("name"), column("created_at", UTCDateTime()))
            .select_from(table("parties"))).all())
        payments = conn.execute(text(
            "SELECT case_id, seq, final, sp2d_number, sp2d_date, gross, pph23, ppn, net,"
            " spm_number, bast_document_id, publication_document_id, recorded_by FROM payments"
            " ORDER BY case_id")).all()
        document = conn.execute(text(
            "SELECT d.case_id, d.filename, d.size, d.sha256, b.content FROM documents d"
            " JOIN document_blobs b ON b.document_id = d.id")).one()
        entries = conn.execute(text("SELECT count(*) FROM audit_entries")).scalar_one()
        entered = conn.execute(text(
            "SELECT workflow, fiscal_year, amount, dpa_number, dpa_date, note, entered_by"
            " FROM budget_entries")).all()
    assert [(c.id, c.state) for c in cases] == [(1, "paid"), (2, "submitted"), (3, "reported")]
    assert {"sp2d_number", "paid_at"}.isdisjoint(columns)
    # One company for both media cases, whatever their media; the grant's organisation.
    assert cases[0].party_id == cases[1].party_id != cases[2].party_id
    assert parties[cases[0].party_id] == (
        "company", COMPANY, "Jl. A. Yani 1, Paringin", None, None, False, 1, None)
    assert parties[cases[2].party_id] == (
        "organisation", ORGANISATION, "Jl. Basuki Rahmat 5", None, None, False, 1, None)
    assert len(parties) == 2
    assert party_since == {COMPANY: AT + timedelta(days=1), ORGANISATION: AT + timedelta(days=3)}
    # The paid amounts stay on the cases; each paid case has its one, final payment.
    assert [c.paid_amount for c in cases] == [14_500_000, None, 50_000_000]
    assert [(p.case_id, p.seq, bool(p.final), p.sp2d_number, str(p.sp2d_date), p.gross,
             p.pph23, p.ppn, p.net) for p in payments] == [
        (1, 1, True, "0123/SP2D-LS/1.07/2026", "2026-03-10", 14_500_000, 0, 0, 14_500_000),
        (3, 1, True, "(tidak dicatat)", "2026-05-21", 50_000_000, 0, 0, 50_000_000)]
    assert all(p[9:] == (None, None, None, None) for p in payments)
    assert tuple(document) == (1, "kontrak.pdf", len(PDF), hashlib.sha256(PDF).hexdigest(), PDF)
    assert entries == 1 + 4 + 5
    assert [tuple(e) for e in entered] == [
        ("media_verification", 2026, 750_000_000, "", None,
         "dipindahkan dari pagu sebelum riwayat DPA", 1)]
    with session_factory(engine, AUDIT_KEY)() as session:
        result = audit_verify.verify(session, AUDIT_KEY)
    assert (result.entries, result.cases, result.problems) == (10, 3, [])
    # The audit log is still append-only: the triggers outlived the change of `cases`.
    for statement in ("UPDATE audit_entries SET comment = 'diubah' WHERE seq = 1",
                      "DELETE FROM audit_entries WHERE case_id = 2"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    if empty_url.startswith("sqlite"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(
                "INSERT OR REPLACE INTO audit_entries (id, case_id, seq, at, actor_name, action,"
                " comment, payload, prev_hash, hash) SELECT id, case_id, seq, at, actor_name,"
                " action, 'ersatz', payload, prev_hash, hash FROM audit_entries WHERE id = 1"))
    engine.dispose()


def test_going_back_to_release_0005_puts_the_sp2d_back_on_the_case(empty_url: str) -> None:
    upgrade(empty_url, "0005", audit_key=AUDIT_KEY)
    fill_release_0005(empty_url)
    upgrade(empty_url, audit_key=AUDIT_KEY)
    command.downgrade(alembic_config(empty_url), "0005")
    engine = create_engine(empty_url)
    with engine.connect() as conn:
        cases = conn.execute(text(
            "SELECT id, sp2d_number, paid_at, paid_amount FROM cases ORDER BY id")).all()
        tables = set(inspect(conn).get_table_names())
        entries = conn.execute(text("SELECT count(*) FROM audit_entries")).scalar_one()
    engine.dispose()
    assert [(c.id, c.sp2d_number, c.paid_at and str(c.paid_at), c.paid_amount)
            for c in cases] == [(1, "0123/SP2D-LS/1.07/2026", "2026-03-10", 14_500_000),
                                (2, None, None, None), (3, None, "2026-05-21", 50_000_000)]
    assert {"parties", "payments", "budget_entries"}.isdisjoint(tables)
    assert entries == 10


def test_a_release_0006_database_migrates_with_every_row_and_an_empty_warrants_register(
    empty_url: str,
) -> None:
    """0007 adds the warrants register and absences: every row of a 0006 database is
    carried over as it was, and the chains still verify."""
    upgrade(empty_url, "0005", audit_key=AUDIT_KEY)
    fill_release_0005(empty_url)
    upgrade(empty_url, "0006", audit_key=AUDIT_KEY)
    tables = ("users", "cases", "parties", "payments", "documents", "document_blobs",
              "audit_entries", "budgets", "budget_entries")
    engine = create_engine(empty_url)

    def rows() -> dict[str, list[tuple[object, ...]]]:
        with engine.connect() as conn:
            return {name: [tuple(r) for r in conn.execute(text(
                f"SELECT * FROM {name} ORDER BY 1"))] for name in tables}  # constant names

    before = rows()
    # To 0007 itself: 0008 gives ``users`` two more columns (its own test below).
    assert upgrade(empty_url, "0007", audit_key=AUDIT_KEY) == 0
    assert current_revision(empty_url) == "0007"
    assert rows() == before
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        assert {"warrants", "warrant_scans", "absences"} <= present
        assert conn.execute(text("SELECT count(*) FROM warrants")).scalar_one() == 0
    with session_factory(engine, AUDIT_KEY)() as session:
        result = audit_verify.verify(session, AUDIT_KEY)
    assert (result.entries, result.problems) == (10, [])
    command.downgrade(alembic_config(empty_url), "0006")
    with engine.connect() as conn:
        assert {"warrants", "warrant_scans", "absences"}.isdisjoint(
            inspect(conn).get_table_names())
    assert rows() == before
    engine.dispose()


def test_a_release_0007_database_migrates_with_every_row_and_empty_signer_profiles(
    empty_url: str,
) -> None:
    """0008 adds the documents Berkas issues and the signer's rank and NIP: every row of a
    0007 database is carried over as it was, every user's rank and NIP are empty, the new
    tables are empty, and the chains still verify; going back to 0007 drops them again."""
    upgrade(empty_url, "0005", audit_key=AUDIT_KEY)
    fill_release_0005(empty_url)
    upgrade(empty_url, "0007", audit_key=AUDIT_KEY)
    queries = {name: f"SELECT * FROM {name} ORDER BY 1" for name in (  # constant names
        "cases", "parties", "payments", "documents", "document_blobs", "audit_entries",
        "budgets", "budget_entries", "warrants")}
    queries["users"] = ("SELECT id, username, full_name, email, roles, password_hash,"
                        " is_active, created_at, token_version FROM users ORDER BY id")
    letters = {"issued_letters", "letter_blobs", "letter_sequences"}
    engine = create_engine(empty_url)

    def rows() -> dict[str, list[tuple[object, ...]]]:
        with engine.connect() as conn:
            return {name: [tuple(r) for r in conn.execute(text(query))]
                    for name, query in queries.items()}

    before = rows()
    assert before["users"]
    assert before["cases"]
    assert upgrade(empty_url, audit_key=AUDIT_KEY) == 0
    assert current_revision(empty_url) == HEAD
    assert rows() == before
    with engine.connect() as conn:
        assert letters <= set(inspect(conn).get_table_names())
        for name in sorted(letters):
            assert conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() == 0
        assert [tuple(r) for r in conn.execute(text(
            "SELECT username, rank, nip FROM users ORDER BY id"))] == [("rina", "", "")]
    with session_factory(engine, AUDIT_KEY)() as session:
        result = audit_verify.verify(session, AUDIT_KEY)
    assert (result.entries, result.problems) == (10, [])
    command.downgrade(alembic_config(empty_url), "0007")
    with engine.connect() as conn:
        assert letters.isdisjoint(inspect(conn).get_table_names())
        assert {"rank", "nip"}.isdisjoint(c["name"] for c in inspect(conn).get_columns("users"))
    assert rows() == before
    assert upgrade(empty_url, audit_key=AUDIT_KEY) == 0  # and forward again
    engine.dispose()
