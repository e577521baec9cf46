"""Many cases written straight into the database in bulk (as ``bench/generate.py`` does, not
through the API), and what a list of them must hold: the exports are read back against it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from cases.models import Case, Deadline, Party, User
from infra.runtime import Runtime

WITA = ZoneInfo("Asia/Makassar")
# Seven states: every state falls to both workflows (one case in four is a grant).
STATES = ("submitted", "returned", "reviewed", "approved", "paid", "reported", "rejected")
OPEN = frozenset({"submitted", "returned", "reviewed", "approved", "paid"})  # an open deadline each
HOLDING = frozenset({"approved", "paid", "reported"})
PARTIES = 20
# A title a spreadsheet would take for a formula: it must stay text.
FORMULA_TITLE = "=1+2 (uji rumus)"
FORMULA_AT = 5


@dataclass(frozen=True, slots=True)
class Seeded:
    """One row as inserted, with what its export must show."""

    reference: str
    workflow: str
    state: str
    fiscal_year: int
    title: str
    amount: int
    approved_amount: int | None
    paid_amount: int | None
    npwp: str | None  # as inserted: 16 digits
    registered_on: date  # the day in WITA
    due_on: date | None
    overdue: bool


def _case(i: int, now: datetime, user_id: int, party_ids: list[int]) -> dict[str, Any]:
    grant = i % 4 == 0
    state = STATES[i % len(STATES)]
    year = 2025 if i % 5 == 0 else 2026
    amount = 10_000_000 + (i % 50) * 1_000_000
    # Late in the evening in UTC: already the next day in WITA for the first hours.
    created = datetime(2026, 1, 31, 20, 0, tzinfo=UTC) - timedelta(minutes=7 * i)
    return {
        "reference": f"{'HB' if grant else 'MV'}-{year}-{i:05d}",
        "workflow": "grant" if grant else "media_verification", "state": state,
        "fiscal_year": year,
        "title": FORMULA_TITLE if i == FORMULA_AT else f"Berkas uji {i}",
        "applicant": {}, "applicant_name": f"Pemohon {i % 37}", "data": {},
        "amount": amount,
        "approved_amount": amount if state in HOLDING else None,
        "paid_amount": amount if state in ("paid", "reported") else None,
        "party_id": None if i % 50 == 0 else party_ids[i % len(party_ids)],
        "registered_by": user_id, "version": 1, "created_at": created, "updated_at": now,
    }


def _due(i: int, state: str, now: datetime) -> datetime | None:
    """When an open case is due: every tenth an hour ago, the others in three days."""
    if state not in OPEN:
        return None
    return now - timedelta(hours=1) if i % 10 == 0 else now + timedelta(days=3)


def seed(runtime: Runtime, count: int, now: datetime) -> list[Seeded]:
    """``count`` cases over both workflows, seven states and two fiscal years; each open one
    with a deadline, every tenth of those already past ``now``. In insertion order."""
    with runtime.engine.begin() as conn:
        user_id = conn.execute(select(User.id).where(User.username == "rina")).scalar_one()
        parties = [{"kind": "company", "name": f"PT Uji {n}", "npwp": f"{n:016d}",
                    "nib": f"{n:013d}", "address": "Paringin", "is_pkp": False, "version": 1,
                    "created_at": now, "updated_at": now} for n in range(1, PARTIES + 1)]
        conn.execute(insert(Party), parties)
        npwp = {row[0]: row[1] for row in conn.execute(select(Party.id, Party.npwp))}
        party_ids = sorted(npwp)
        rows = [_case(i, now, user_id, party_ids) for i in range(count)]
        conn.execute(insert(Case), rows)
        ids = {row[0]: row[1] for row in conn.execute(select(Case.reference, Case.id))}
        deadlines, seeded = [], []
        for i, row in enumerate(rows):
            due_at = _due(i, row["state"], now)
            if due_at is not None:
                deadlines.append({
                    "case_id": ids[row["reference"]], "state": row["state"],
                    "role": "officer", "opened_at": now - timedelta(days=5),
                    "due_date": due_at.astimezone(WITA).date(), "due_at": due_at,
                    "next_check_at": due_at})
            seeded.append(Seeded(
                row["reference"], row["workflow"], row["state"], row["fiscal_year"],
                row["title"], row["amount"], row["approved_amount"], row["paid_amount"],
                npwp.get(row["party_id"]), row["created_at"].astimezone(WITA).date(),
                due_at.astimezone(WITA).date() if due_at else None,
                due_at is not None and due_at <= now))
        conn.execute(insert(Deadline), deadlines)
    return seeded
