"""Load N cases straight into a migrated database, in bulk (not through the API).

Cases are spread over both workflows, every state and three fiscal years, each with document
metadata, about ten audit entries forming a valid hash chain, and an open deadline where its
state has one: 10% of those are due at :data:`NOW`, the rest later. Writes a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text

from app import bootstrap
from cases.audit import GENESIS, case_chain, chain_hash, seal
from cases.demo import DEMO_PASSWORD, USERS
from cases.models import AuditEntry, Budget, Case, Deadline, Document
from cases.services.counts import recount
from cases.services.users import create_user
from infra.config import Settings
from migrations.runner import upgrade
from workflows import get_definition
from workflows.calendar import WorkingCalendar

# Wednesday 4 March 2026, 09.00 WITA: a working day, the bench's "now".
NOW = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)
SECRET = "bench-secret-key-not-for-production"  # noqa: S105 - bench databases only
STATES = (("submitted", 20), ("returned", 5), ("reviewed", 10), ("approved", 10),
          ("paid", 15), ("reported", 30), ("rejected", 5), ("withdrawn", 5))
PATHS = {"submitted": (), "returned": ("returned",), "reviewed": ("reviewed",),
         "approved": ("reviewed", "approved"), "rejected": ("reviewed", "rejected"),
         "paid": ("reviewed", "approved", "paid"),
         "reported": ("reviewed", "approved", "paid", "reported"), "withdrawn": ("withdrawn",)}
WORDS = ("Balangan", "Paringin", "Juai", "Halong", "Awayan", "Batumandi", "Lampihong",
         "Tebing", "Banua", "Kalsel", "Borneo", "Meratus", "Amuntai", "Barabai", "Tanjung")
KINDS = ("Pos", "News", "Today", "FM", "TV", "Ekspres", "Online", "Daily", "Warta", "Suara")
BATCH = 20_000


@dataclass
class Rows:
    cases: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    deadlines: list[dict[str, Any]] = field(default_factory=list)

    def size(self) -> int:
        return len(self.cases) + len(self.documents) + len(self.audit) + len(self.deadlines)


def prepare(url: str) -> dict[str, int]:
    """Migrate, and add the demo staff and 2026 budgets; returns user ids by username."""
    upgrade(url, audit_key=Settings(env="test", secret_key=SECRET).audit_seal_key)
    runtime = bootstrap(Settings(env="test", database_url=url, secret_key=SECRET,
                                 scheduler=False), lambda: NOW)
    ids = {}
    with runtime.sessions() as session:
        for username, name, roles in USERS:
            user = create_user(session, username=username, full_name=name,
                               email=f"{username}@balangankab.go.id", roles=roles,
                               password=DEMO_PASSWORD, now=NOW)
            assert user.id is not None
            ids[username] = user.id
        for workflow in ("media_verification", "grant"):
            session.add(Budget(workflow=workflow, fiscal_year=2026, amount=10**13,
                               updated_at=NOW))
        session.commit()
    runtime.engine.dispose()
    return ids


def generate(url: str, count: int, seed: int = 2026) -> dict[str, Any]:
    started = time.perf_counter()
    users = prepare(url)
    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    calendar = WorkingCalendar()
    runtime = bootstrap(Settings(env="test", database_url=url, secret_key=SECRET,
                                 scheduler=False), lambda: NOW)
    totals = {"cases": 0, "documents": 0, "audit_entries": 0, "open_deadlines": 0,
              "due_deadlines": 0}
    with runtime.engine.connect() as conn:
        rows = Rows()
        for case_id in range(1, count + 1):
            _one_case(rows, case_id, rng, users, calendar, totals,
                      runtime.settings.audit_seal_key)
            if rows.size() >= BATCH:
                _flush(conn, rows)
                rows = Rows()
        _flush(conn, rows)
        conn.execute(text("INSERT INTO case_counters (prefix, fiscal_year, last) VALUES "
                          "('MV', 2026, :n), ('HB', 2026, :n)"), {"n": count})
        recount(conn)
        conn.commit()
    _analyze(runtime.engine)
    runtime.engine.dispose()
    return {**totals, "seconds": round(time.perf_counter() - started, 1), "now": NOW.isoformat()}


def _analyze(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


def _flush(conn: Any, rows: Rows) -> None:
    for model, batch in ((Case, rows.cases), (Document, rows.documents),
                         (AuditEntry, rows.audit), (Deadline, rows.deadlines)):
        if batch:
            conn.execute(insert(model), batch)
    conn.commit()


def _pick_state(rng: random.Random) -> str:
    roll, total = rng.randrange(100), 0
    for state, weight in STATES:
        total += weight
        if roll < total:
            return state
    return "submitted"


def _one_case(rows: Rows, case_id: int, rng: random.Random, users: dict[str, int],
              calendar: WorkingCalendar, totals: dict[str, int], key: bytes) -> None:
    grant = rng.random() < 0.15
    workflow = "grant" if grant else "media_verification"
    state = _pick_state(rng)
    year = rng.choice((2024, 2025, 2026, 2026, 2026))
    name = f"{rng.choice(WORDS)} {rng.choice(KINDS)} {case_id}"
    created = NOW - timedelta(days=rng.randrange(1, 400), minutes=rng.randrange(1440))
    amount = rng.randrange(5, 60) * 1_000_000
    paid = state in ("paid", "reported")
    entries = _audit(case_id, state, created, users)
    head = entries[-1]
    rows.cases.append({
        "id": case_id, "reference": f"{'HB' if grant else 'MV'}-{year}-{case_id:07d}",
        "workflow": workflow, "state": state, "fiscal_year": year,
        "title": f"{'Hibah' if grant else 'Kerja sama publikasi'} {year} — {name}",
        "applicant": {"media_name": name}, "applicant_name": name, "data": {},
        "amount": amount, "approved_amount": amount if state in ("approved", "paid",
                                                                  "reported") else None,
        "paid_amount": amount if paid else None, "tier": None if grant else "A",
        "registered_by": users["rina"], "reviewed_by": users["fajar"] if state not in (
            "submitted", "returned", "withdrawn") else None,
        "version": 1, "created_at": created, "updated_at": created,
        "audit_seq": head["seq"], "audit_hash": head["hash"],
        "audit_seal": seal(key, case_chain(case_id), head["seq"], head["hash"]),
    })
    rows.audit += entries
    rows.documents += [
        {"case_id": case_id, "kind": kind, "filename": f"{kind}.pdf",
         "content_type": "application/pdf", "size": 120_000, "sha256": "0" * 64,
         "status": "valid", "note": "", "uploaded_by": users["rina"], "uploaded_at": created}
        for kind in ("surat_permohonan", "nib", "npwp", "dewan_pers")
    ]
    totals["cases"] += 1
    totals["documents"] += 4
    totals["audit_entries"] += len(entries)
    rule = get_definition(workflow).deadline(state)
    if rule is not None:
        # 10% are due a reminder now: half due tomorrow, half already late.
        roll = rng.random()
        due_now = roll < 0.10
        days = (1 if roll < 0.05 else -rng.randrange(1, 10)) if due_now else rng.randrange(3, 60)
        due = calendar.local_date(NOW) + timedelta(days=days)
        rows.deadlines.append({
            "case_id": case_id, "state": state, "role": rule.role, "opened_at": created,
            "due_date": due, "due_at": calendar.start_of(due + timedelta(days=1)),
            "next_check_at": NOW - timedelta(hours=1) if due_now else calendar.start_of(
                due - timedelta(days=1)),
        })
        totals["open_deadlines"] += 1
        totals["due_deadlines"] += due_now


def _audit(case_id: int, state: str, created: datetime,
           users: dict[str, int]) -> list[dict[str, Any]]:
    """About ten entries: creation, documents, their checks, comments, the transitions."""
    events: list[tuple[str, str | None, str | None, str]] = [
        ("case_created", None, "submitted", "")]
    events += [("document_added", None, None, "")] * 4 + [("document_checked", None, None, "")] * 3
    previous = "submitted"
    for target in PATHS[state]:
        events.append(("transition", previous, target, "ok"))
        previous = target
    events += [("comment_added", None, None, "catatan")] * max(0, 10 - len(events))
    prev, out = GENESIS, []
    for seq, (action, source, dest, comment) in enumerate(events, start=1):
        at = created + timedelta(minutes=seq)
        fields = {"case_id": case_id, "seq": seq, "at": at.isoformat(),
                  "actor_id": users["rina"], "actor_name": "Rina Handayani",
                  "action": action, "from_state": source, "to_state": dest,
                  "comment": comment, "payload": {}}
        digest = chain_hash(prev, fields)
        out.append({**fields, "at": at, "prev_hash": prev, "hash": digest})
        prev = digest
    return out



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--summary", type=Path)
    args = parser.parse_args()
    summary = generate(args.url, args.cases)
    print(json.dumps(summary))
    if args.summary:
        args.summary.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
