"""Load N cases straight into a migrated database, in bulk (not through the API).

Cases are spread over both workflows, every state and three fiscal years, in the shape of
docs/domain.md revision 2: each case of a registered party (one for about ten cases: press
companies for media, organisations for grants), with its applicant and data (a grant's
Keputusan Bupati, a media contract's SPK and period), document metadata (the SPK, each
termin's BAST and proof of publication; the NPHD and receipt), its payments (a media
contract in two termins, a grant in one disbursement), about ten audit entries forming a
valid hash chain, and an open deadline where its state has one: 10% of those are due at
:data:`NOW`, the rest later. Each year's pagu is entered from the DPA by finance. Writes a
JSON summary.

The rows are what the guards would have let through: every document has bytes of its own
(its own sha256: a payment refuses bytes an earlier one used), each BAST the value it
accepted (its termin's gross), a PKP's termins their PPN; every grant its own Keputusan
Bupati; the dates of a year in order (SPK and contract start, BAST, SPM, SP2D; Keputusan,
NPHD, SP2D, refund) and before :data:`NOW`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, text

from app import bootstrap
from cases.audit import GENESIS, case_chain, chain_hash, seal
from cases.demo_data import DEMO_PASSWORD, PPH23_PERCENT, PPN_PERCENT, USERS
from cases.models import (
    AuditEntry,
    Budget,
    BudgetEntry,
    Case,
    Deadline,
    Document,
    Party,
    Payment,
)
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
YEARS = (2024, 2025, 2026)
REVIEWED = frozenset({"reviewed", "approved", "rejected", "paid", "reported"})
APPROVED = frozenset({"approved", "paid", "reported"})
PAID = frozenset({"paid", "reported"})
# Review documents each case has (a part of its gate's, as in the bench before).
REVIEW_DOCS = {"media_verification": ("surat_permohonan", "nib", "npwp", "dewan_pers"),
               "grant": ("surat_permohonan_pencairan", "proposal", "npwp", "rekening")}
CASES_PER_PARTY = 10
GRANT_SHARE = 0.15
WORDS = ("Balangan", "Paringin", "Juai", "Halong", "Awayan", "Batumandi", "Lampihong",
         "Tebing", "Banua", "Kalsel", "Borneo", "Meratus", "Amuntai", "Barabai", "Tanjung")
KINDS = ("Pos", "News", "Today", "FM", "TV", "Ekspres", "Online", "Daily", "Warta", "Suara")
BATCH = 20_000


@dataclass
class Rows:
    cases: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    payments: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    deadlines: list[dict[str, Any]] = field(default_factory=list)

    def size(self) -> int:
        return (len(self.cases) + len(self.documents) + len(self.payments) + len(self.audit)
                + len(self.deadlines))


@dataclass
class Parties:
    """The parties the cases are spread over: their ids and names, by kind."""

    companies: list[tuple[int, str]]
    organisations: list[tuple[int, str]]
    pkp: frozenset[int] = frozenset()

    def pick(self, rng: random.Random, grant: bool) -> tuple[int, str]:
        return rng.choice(self.organisations if grant else self.companies)


@dataclass
class Ids:
    """The next document id (documents are inserted with theirs: payments name them)."""

    document: int = 0

    def next_document(self) -> int:
        self.document += 1
        return self.document


def prepare(url: str) -> dict[str, int]:
    """Migrate, and add the demo staff and each year's pagu (entered by finance from the
    DPA); returns user ids by username."""
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
            for year in YEARS:
                session.add(Budget(workflow=workflow, fiscal_year=year, amount=10**13,
                                   updated_at=NOW, updated_by=ids["fina"]))
                session.add(BudgetEntry(
                    workflow=workflow, fiscal_year=year, amount=10**13,
                    dpa_number=f"DPA/A.1/2.16.0.00.0.00.01.0000/001/{year}",
                    dpa_date=datetime(year, 1, 2, tzinfo=UTC).date(), note="",
                    entered_by=ids["fina"], entered_at=NOW))
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
    ids = Ids()
    with runtime.engine.connect() as conn:
        parties = _parties(conn, count, users)
        totals["parties"] = len(parties.companies) + len(parties.organisations)
        totals["payments"] = 0
        rows = Rows()
        for case_id in range(1, count + 1):
            _one_case(rows, case_id, rng, users, calendar, totals,
                      runtime.settings.audit_seal_key, parties, ids)
            if rows.size() >= BATCH:
                _flush(conn, rows)
                rows = Rows()
        _flush(conn, rows)
        conn.execute(text("INSERT INTO case_counters (prefix, fiscal_year, last) VALUES "
                          "('MV', 2026, :n), ('HB', 2026, :n)"), {"n": count})
        recount(conn)
        _advance_sequences(conn)
        conn.commit()
    _analyze(runtime.engine)
    runtime.engine.dispose()
    return {**totals, "seconds": round(time.perf_counter() - started, 1), "now": NOW.isoformat()}


def _parties(conn: Connection, count: int, users: dict[str, int]) -> Parties:
    """About one party for every ``CASES_PER_PARTY`` cases, companies and organisations in
    the share of media and grant cases; NPWP (15 digits) and NIB (13) from the id."""
    total = max(count // CASES_PER_PARTY, 2)
    organisations = max(round(total * GRANT_SHARE), 1)
    rows, out, pkp = [], Parties([], []), set()
    for party_id in range(1, total + 1):
        company = party_id > organisations
        word, kind = WORDS[party_id % len(WORDS)], KINDS[party_id % len(KINDS)]
        name = f"PT {word} {kind} Media {party_id}" if company else (
            f"Organisasi Wartawan {word} {party_id}")
        rows.append({"id": party_id, "kind": "company" if company else "organisation",
                     "name": name, "npwp": f"{party_id:015d}",
                     "nib": f"{party_id:013d}" if company else None, "address": word,
                     "is_pkp": company and party_id % 3 == 0, "version": 1,
                     "created_by": users["rina"], "created_at": NOW, "updated_at": NOW})
        (out.companies if company else out.organisations).append((party_id, name))
        if rows[-1]["is_pkp"]:
            pkp.add(party_id)
    for start in range(0, len(rows), BATCH):
        conn.execute(insert(Party), rows[start:start + BATCH])
    out.pkp = frozenset(pkp)
    return out


def _advance_sequences(conn: Connection) -> None:
    """On PostgreSQL, move the id sequences past the ids inserted here (SQLite needs not)."""
    if conn.dialect.name != "postgresql":
        return
    for table in ("parties", "cases", "documents"):  # fixed names, no input
        sql = (f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
               f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")
        conn.exec_driver_sql(sql)


def _analyze(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


def _flush(conn: Any, rows: Rows) -> None:
    for model, batch in ((Case, rows.cases), (Document, rows.documents),
                         (Payment, rows.payments), (AuditEntry, rows.audit),
                         (Deadline, rows.deadlines)):
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
              calendar: WorkingCalendar, totals: dict[str, int], key: bytes,
              parties: Parties, ids: Ids) -> None:
    grant = rng.random() < GRANT_SHARE
    workflow = "grant" if grant else "media_verification"
    state = _pick_state(rng)
    year = rng.choice((2024, 2025, 2026, 2026, 2026))
    name = f"{rng.choice(WORDS)} {rng.choice(KINDS)} {case_id}"
    party_id, party_name = parties.pick(rng, grant)
    created = NOW - timedelta(days=rng.randrange(1, 400), minutes=rng.randrange(1440))
    amount = rng.randrange(5, 60) * 1_000_000
    count = _termin_count(grant, state, rng)
    documents = _documents(rows, case_id, workflow, state, users, created, ids,
                           _termin_grosses(grant, amount, count))
    termins = _payments(rows, case_id, grant, state, amount, documents, users, created, count,
                        year, party_id in parties.pkp)
    paid = sum(t["gross"] for t in termins) or None
    # Termins before the final payment stay in approved (record_payment).
    entries = _audit(case_id, state, created, users,
                     0 if grant else len(termins) - (state in PAID))
    head = entries[-1]
    spent = amount - 1_000_000 if grant and state == "reported" else None
    rows.cases.append({
        "id": case_id, "reference": f"{'HB' if grant else 'MV'}-{year}-{case_id:07d}",
        "workflow": workflow, "state": state, "fiscal_year": year,
        "title": f"{'Hibah' if grant else 'Kerja sama publikasi'} {year} — {name}",
        "applicant": {"chair": "Ketua"} if grant else {
            "media_name": name, "media_type": rng.choice(("print", "online", "online")),
            "editor_in_chief": "Pemred", "dewan_pers_status": "factual"},
        "applicant_name": party_name if grant else name,
        "data": _data(case_id, grant, state, year, amount),
        "amount": amount,
        "recommended_amount": amount if grant and state in REVIEWED else None,
        "approved_amount": amount if state in APPROVED else None,
        "paid_amount": paid, "spent_amount": spent,
        "refunded_amount": None if spent is None else amount - spent,
        "refund_date": None if spent is None else REFUND.on(year),
        "tier": "A" if not grant and state in REVIEWED else None,
        "nphd_number": f"NPHD/{case_id}/{year}" if grant and state in APPROVED else None,
        "nphd_date": NPHD.on(year) if grant and state in APPROVED else None,
        "party_id": party_id,
        "registered_by": users["rina"], "reviewed_by": users["fajar"] if state in REVIEWED
        else None,
        "approved_by": users["ahmad"] if state in APPROVED else None,
        "version": 1, "created_at": created, "updated_at": created,
        "audit_seq": head["seq"], "audit_hash": head["hash"],
        "audit_seal": seal(key, case_chain(case_id), head["seq"], head["hash"]),
    })
    rows.audit += entries
    totals["cases"] += 1
    totals["documents"] += len(documents)
    totals["payments"] += len(termins)
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


@dataclass(frozen=True)
class Day:
    """A day of the fiscal year, the same each year (all before :data:`NOW`'s 4 March)."""

    month: int
    day: int

    def on(self, year: int, later: int = 0) -> date:
        return date(year, self.month, self.day) + timedelta(days=later)


# A media contract: SPK and contract start, then per termin (28 days apart) the BAST, the
# SPM a day later and the SP2D two days later. A grant: the Keputusan Bupati, the NPHD,
# the SPM and SP2D, the refund of what was not spent.
SPK_DAY, CONTRACT_END, BAST_DAY = Day(1, 5), Day(11, 30), Day(1, 26)
KEPUTUSAN, NPHD, GRANT_SPM, GRANT_SP2D, REFUND = (Day(1, 15), Day(1, 20), Day(2, 2),
                                                   Day(2, 4), Day(2, 25))
TERMIN_DAYS = 28


def _data(case_id: int, grant: bool, state: str, year: int, amount: int) -> dict[str, Any]:
    """What registration and the transitions so far recorded in the case's data. Each
    grant is its own Keputusan Bupati (one Keputusan is disbursed once)."""
    if grant:
        data: dict[str, Any] = {
            "keputusan_number": f"188.45/{case_id}/KUM/{year}",
            "keputusan_date": KEPUTUSAN.on(year).isoformat(),
            "keputusan_amount": amount, "purpose": "Pelatihan wartawan"}
        if state == "reported":
            data |= {"refund_amount": 1_000_000, "refund_date": REFUND.on(year).isoformat()}
        return data
    data = {"site_visit_note": "Kantor redaksi dikunjungi"} if state in REVIEWED else {}
    if state in APPROVED:
        data |= {"spk_number": f"027/{case_id}/SPK-PUB/{year}",
                 "spk_date": SPK_DAY.on(year).isoformat(),
                 "contract_start": SPK_DAY.on(year).isoformat(),
                 "contract_end": CONTRACT_END.on(year).isoformat()}
    if state == "reported":
        data["evaluation"] = "Tepat waktu"
    return data


def _termin_count(grant: bool, state: str, rng: random.Random) -> int:
    """A grant's disbursement once paid; a media contract's termins: half of the approved
    ones have paid the first, the paid ones both (the second final)."""
    if grant:
        return 1 if state in PAID else 0
    return 2 if state in PAID else int(state == "approved" and rng.random() < 0.5)


def _termin_grosses(grant: bool, amount: int, count: int) -> list[int]:
    """The gross of each media termin (at least one BAST is there once approved): half the
    contract, then the rest."""
    if grant:
        return []
    return [amount // 2, amount - amount // 2][:max(count, 1)]


def _documents(rows: Rows, case_id: int, workflow: str, state: str, users: dict[str, int],
               created: datetime, ids: Ids, bast_values: list[int]) -> list[tuple[int, str]]:
    """The case's documents (all MS, each with bytes of its own): part of its review
    documents, and those its approval and payments needed, each BAST with the value it
    accepted (``bast_values``, in order); their ids and kinds."""
    kinds = list(REVIEW_DOCS[workflow])
    if state in APPROVED:
        kinds += ["spk", "bast", "bukti_tayang"] if workflow == "media_verification" else [
            "nphd"]
    if state in PAID:
        kinds += ["bast", "bukti_tayang"] if workflow == "media_verification" else [
            "kuitansi"]
    out, values = [], iter(bast_values)
    for kind in kinds:
        doc_id = ids.next_document()
        rows.documents.append({
            "id": doc_id, "case_id": case_id, "kind": kind, "filename": f"{kind}.pdf",
            "content_type": "application/pdf", "size": 120_000,
            "sha256": hashlib.sha256(f"berkas bench document {doc_id}".encode()).hexdigest(),
            "status": "valid", "note": "", "value": next(values) if kind == "bast" else None,
            "uploaded_by": users["rina"], "uploaded_at": created,
            "checked_by": users["rina"], "checked_at": created})
        out.append((doc_id, kind))
    return out


def _payments(rows: Rows, case_id: int, grant: bool, state: str, amount: int,
              documents: list[tuple[int, str]], users: dict[str, int], created: datetime,
              count: int, year: int, pkp: bool) -> list[dict[str, Any]]:
    """A grant's disbursement after its NPHD; a media contract's ``count`` termins, each
    against its own BAST (which accepted its gross) and proof of publication, PPh 23
    withheld and, from a PKP, PPN collected, as the demo's termins."""
    basts = [d for d, kind in documents if kind == "bast"]
    proofs = [d for d, kind in documents if kind == "bukti_tayang"]
    grosses = _termin_grosses(grant, amount, count)
    out = []
    for n in range(count):
        if grant:
            gross, pph23, ppn = amount, 0, 0
            bast, spm, sp2d = None, GRANT_SPM.on(year), GRANT_SP2D.on(year)
        else:
            gross = grosses[n]
            dpp = gross * 100 // (100 + PPN_PERCENT) if pkp else gross
            pph23, ppn = dpp * PPH23_PERCENT // 100, gross - dpp
            bast = BAST_DAY.on(year, TERMIN_DAYS * n)
            spm, sp2d = bast + timedelta(days=1), bast + timedelta(days=2)
        out.append({
            "case_id": case_id, "seq": n + 1, "final": state in PAID and n == count - 1,
            "spm_number": f"SPM/{case_id}/{n + 1}", "spm_date": spm,
            "sp2d_number": f"SP2D/{case_id}/{n + 1}", "sp2d_date": sp2d,
            "gross": gross, "pph23": pph23, "ppn": ppn, "net": gross - pph23 - ppn,
            "bast_document_id": None if grant else basts[n],
            "bast_date": bast,
            "publication_document_id": None if grant else proofs[n],
            "recorded_by": users["dewi"],
            "recorded_at": min(created + timedelta(days=30 * (n + 1)), NOW),
        })
    rows.payments += out
    return out


def _audit(case_id: int, state: str, created: datetime, users: dict[str, int],
           termins: int) -> list[dict[str, Any]]:
    """About ten entries: creation, documents, their checks, comments, the transitions (each
    of ``termins`` a media termin, from approved to approved, before the final payment)."""
    events: list[tuple[str, str | None, str | None, str]] = [
        ("case_created", None, "submitted", "")]
    events += [("document_added", None, None, "")] * 4 + [("document_checked", None, None, "")] * 3
    path = list(PATHS[state])
    if termins:
        after = path.index("approved") + 1
        path[after:after] = ["approved"] * termins
    previous = "submitted"
    for target in path:
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
