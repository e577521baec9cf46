"""Demo data: a realistic Balangan 2026 set, made through the same use cases as real work.

Names of people are invented. Outlets and the PWI grant are spread over the states so that
every screen has something to show. The data (outlets, amounts, who says what) is the demo's;
the rules (the way to each state, which documents each step needs and whether they must be
checked) come from the workflow definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from cases.models import User
from cases.services.budgets import set_budget
from cases.services.cases import NewCase, create_case, get_case
from cases.services.documents import check_document, upload_document
from cases.services.transitions import fire_transition
from cases.services.users import create_user, to_actor
from infra.context import Ctx
from infra.unit_of_work import NO_HANDLERS, HandlerTable
from workflows import Actor, get_definition, path_to

DEMO_PASSWORD = "berkas-demo-2026"  # noqa: S105 - printed to the user on purpose
TZ = ZoneInfo("Asia/Makassar")
DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" \
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

USERS = (
    ("rina", "Rina Handayani", ("officer",)),
    ("fajar", "Fajar Ramadhan", ("officer",)),
    ("siti", "Siti Norhayati", ("kabid",)),
    ("ahmad", "Ahmad Fauzi", ("kadis",)),
    ("dewi", "Dewi Lestari", ("treasurer",)),
    ("admin", "Administrator Berkas", ("admin",)),
)

# (media name, company, type, Dewan Pers status, tier, proposed value, target state)
OUTLETS = (
    ("Balangan Pos", "PT Balangan Media Utama", "print", "factual", "A", 55_000_000, "reported"),
    ("Paringin Today", "PT Paringin Kreasi Digital", "online", "factual", "A", 48_000_000, "paid"),
    ("Radio Suara Balangan", "PT Radio Suara Balangan", "radio", "administrative", "B",
     30_000_000, "approved"),
    ("Banua Enam News", "PT Banua Enam Informasi", "online", "administrative", "B", 32_000_000,
     "reviewed"),
    ("Kalsel Satu", "PT Kalsel Satu Media", "online", "factual", "A", 45_000_000, "reviewed"),
    ("Tabloid Juai", "CV Juai Pers Mandiri", "print", "in_process", "C", 15_000_000, "submitted"),
    ("Halong Online", "PT Halong Warta Digital", "online", "in_process", "C", 12_000_000,
     "submitted"),
    ("Awayan FM", "PT Awayan Swara", "radio", "administrative", "B", 25_000_000, "returned"),
    ("Lampihong Daily", "PT Lampihong Kabar", "online", "none", "C", 10_000_000, "rejected"),
    ("Batumandi Ekspres", "PT Batumandi Ekspres", "print", "administrative", "B", 28_000_000,
     "withdrawn"),
    ("Tebing Tinggi Pos", "PT Tebing Tinggi Pers", "online", "factual", "A", 40_000_000,
     "approved"),
    ("Juai Raya TV", "PT Juai Raya Televisi", "tv", "administrative", "B", 35_000_000,
     "submitted"),
)

# Applications that arrived on paper and are entered late, with their real submission date
# (8 working days back): their review is already overdue, so reminders have work to do.
PAPER_OUTLETS = (
    ("Warta Paringin", "CV Warta Paringin", "online", "administrative"),
    ("Suara Halong", "PT Suara Halong Mandiri", "print", "in_process"),
)
PAPER_DELAY_WORKING_DAYS = 8

# Applicants hand in the documents of this gate with their application; those of later
# gates are uploaded just before the step that needs them.
REGISTRATION_GATE = "review"


@dataclass(frozen=True, slots=True)
class Scene:
    """Where the demo is made: one session, one moment, the runtime's event handlers (so
    the demo's people find their tasks in the inbox, as after real work)."""

    session: Session
    now: datetime
    handlers: HandlerTable

    def ctx(self, actor: Actor) -> Ctx:
        return Ctx(self.session, actor, self.now, TZ, handlers=self.handlers)


@dataclass(frozen=True, slots=True)
class Cast:
    officer: Actor
    reviewer: Actor
    kadis: Actor
    treasurer: Actor


def load_demo(
    session: Session, now: datetime, *, only_if_empty: bool = False,
    handlers: HandlerTable = NO_HANDLERS,
) -> list[tuple[str, tuple[str, ...]]] | None:
    """Create the demo users, budgets and cases. Returns the logins, or None when skipped.
    ``handlers``: the runtime's, which follow the events of the demo's use cases."""
    if only_if_empty and session.exec(select(func.count()).select_from(User)).one():
        return None
    actors = {
        username: to_actor(create_user(
            session, username=username, full_name=name, email=f"{username}@balangankab.go.id",
            roles=roles, password=DEMO_PASSWORD, now=now,
        ))
        for username, name, roles in USERS
    }
    cast = Cast(actors["rina"], actors["fajar"], actors["ahmad"], actors["dewi"])
    scene = Scene(session, now, handlers)
    kadis = scene.ctx(cast.kadis)
    set_budget(kadis, "media_verification", 2026, 600_000_000)
    set_budget(kadis, "grant", 2026, 250_000_000)
    for outlet in OUTLETS:
        _media_case(scene, cast, outlet)
    _pwi_grant(scene, cast)
    _paper_cases(scene.ctx(actors["siti"]))
    return [(u, r) for u, _, r in USERS]


def _media_case(
    scene: Scene, cast: Cast, outlet: tuple[str, str, str, str, str, int, str],
) -> None:
    media, company, kind, status, tier, value, target = outlet
    officer = scene.ctx(cast.officer)
    case = create_case(officer, NewCase(
        workflow="media_verification", title=f"Kerja sama publikasi 2026 — {media}",
        fiscal_year=2026, amount=value,
        applicant={"company_name": company, "media_name": media, "media_type": kind,
                   "address": "Paringin, Kabupaten Balangan",
                   "editor_in_chief": f"Pemred {media}", "dewan_pers_status": status},
        data={"contract_start": "2026-03-01", "contract_end": "2026-12-31"},
    ))
    assert case.id is not None
    _upload(officer, case.id, REGISTRATION_GATE)
    for trigger in path_to(get_definition(case.workflow), target):
        _step(scene, cast, case.id, trigger, {"tier": tier}, value)


def _pwi_grant(scene: Scene, cast: Cast) -> None:
    officer = scene.ctx(cast.officer)
    case = create_case(officer, NewCase(
        workflow="grant", title="Hibah APBD 2026 — PWI Kabupaten Balangan", fiscal_year=2026,
        amount=150_000_000,
        applicant={"organisation": "PWI Kabupaten Balangan", "chair": "Ketua PWI Balangan",
                   "address": "Jl. A. Yani, Paringin"},
        data={"purpose": "Pembinaan wartawan dan peringatan HPN 2026"},
    ))
    assert case.id is not None
    _upload(officer, case.id, REGISTRATION_GATE)
    _step(scene, cast, case.id, "review", {"recommended_amount": 125_000_000}, 0)


def _paper_cases(kabid: Ctx) -> None:
    today = kabid.calendar.local_date(kabid.now)
    day = kabid.calendar.subtract_working_days(today, PAPER_DELAY_WORKING_DAYS)
    submitted_at = datetime.combine(day, time(10), TZ)
    for media, company, kind, status in PAPER_OUTLETS:
        create_case(kabid, NewCase(
            workflow="media_verification", title=f"Kerja sama publikasi 2026 — {media}",
            fiscal_year=2026, amount=20_000_000,
            applicant={"company_name": company, "media_name": media, "media_type": kind,
                       "address": "Kabupaten Balangan", "editor_in_chief": f"Pemred {media}",
                       "dewan_pers_status": status},
            data={}, submitted_at=submitted_at,
        ))


def _upload(ctx: Ctx, case_id: int, gate: str) -> None:
    """Upload the documents of ``gate``, and check them where the gate wants them valid."""
    definition = get_definition(get_case(ctx.session, case_id).workflow)
    spec = definition.transition(gate)
    for kind in definition.gate_documents(gate):
        doc = upload_document(ctx, case_id, kind.code, f"{kind.code}.pdf", DEMO_PDF, 10**6)
        if spec is not None and spec.documents_must_be_valid:
            assert doc.id is not None
            check_document(ctx, case_id, doc.id, True, "Sesuai asli")


def _step(
    scene: Scene, cast: Cast, case_id: int, trigger: str, review_data: dict[str, object],
    value: int,
) -> None:
    who, comment, data = {
        "review": (cast.reviewer, "Dokumen lengkap dan sah", review_data),
        "return_for_revision": (cast.reviewer, "NIB belum sesuai KBLI 63122", {}),
        "approve": (cast.kadis, "Setuju", {}),
        "reject": (cast.kadis, "Belum terdata di Dewan Pers", {}),
        "pay": (cast.treasurer, "", {"sp2d_number": f"SP2D/{case_id:04d}/BLG/2026",
                                     "paid_at": "2026-04-15", "paid_amount": value}),
        "report": (cast.officer, "Bukti tayang lengkap", {}),
        "withdraw": (cast.officer, "Perusahaan mengundurkan diri", {}),
    }[trigger]
    ctx = scene.ctx(who)
    if trigger != REGISTRATION_GATE:
        _upload(scene.ctx(cast.officer), case_id, trigger)
    version = get_case(scene.session, case_id).version
    fire_transition(ctx, case_id, trigger, version=version, comment=comment, data=data)
