"""The demo: Diskominfo Balangan's fiscal year 2026, made through the same use cases as real work
(its data, invented, is in :mod:`cases.demo_data`).

Every screen has something to show: press companies and organisations registered as parties;
the pagu entered by finance from the DPA and revised after the APBD-P; media partners in every
state, one half-way through its termins; the PWI grant waiting for the Kadis under its Keputusan
Bupati, with last year's grant behind it; another organisation's grant closed with an STS refund.
The data (who, what, how much, which numbers) is the demo's; the rules (the way to each state,
the documents each step needs, that they are MS) come from the workflow definitions, and every
row is written by a service, as real work writes it.

Time: everything is done at the demo's ``now`` (the runtime's clock). Cases whose story began
earlier are entered by the kabid with their real submission date (``submitted_at``, as paper
submissions are). The dates they record (DPA, SPK, BAST, SPM, SP2D, NPHD, STS) are the fiscal
year's, never later than the demo's today: with an early clock (``BERKAS_CLOCK_START``) they
fall on that day instead, and a contract still running ends at least a month after it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from cases.demo_data import (
    BUDGETS,
    DEMO_PASSWORD,
    DEMO_PDF,
    GRANT,
    GRANTS,
    MEDIA,
    MEDIA_TITLES,
    OUTLETS,
    PAPER_DELAY_WORKING_DAYS,
    PAPER_OUTLETS,
    PARTIES,
    PPH23_PERCENT,
    PPN_PERCENT,
    ROMAN,
    SIGNERS,
    TZ,
    USERS,
    Contract,
    Grant,
    Outlet,
    Termin,
)
from cases.models import User
from cases.services.budgets import set_budget
from cases.services.cases import NewCase, create_case, get_case
from cases.services.documents import check_document, upload_document
from cases.services.parties import create_party
from cases.services.transitions import fire_transition
from cases.services.users import create_user, to_actor
from cases.services.warrants import WarrantInput, register_warrant
from infra.context import DEFAULT_CALENDAR, Ctx
from infra.unit_of_work import NO_HANDLERS, HandlerTable
from workflows import Actor, get_definition
from workflows.calendar import WorkingCalendar
from workflows.definition import Parameters


@dataclass(frozen=True, slots=True)
class Cast:
    officer: Actor  # registers, hands in and checks documents, records reports
    reviewer: Actor  # reviews what others registered
    kabid: Actor  # enters paper submissions with their real date
    kadis: Actor
    treasurer: Actor
    finance: Actor


@dataclass(frozen=True, slots=True)
class Scene:
    """Where the demo is made: one session, one moment, the runtime's event handlers (so
    the demo's people find their tasks in the inbox, as after real work), its calendar and
    its workflow parameters, and the cast and parties."""

    session: Session
    now: datetime
    handlers: HandlerTable
    tz: ZoneInfo
    calendar: WorkingCalendar
    parameters: Mapping[str, Parameters]
    cast: Cast
    parties: dict[str, int] = field(default_factory=dict)

    def ctx(self, actor: Actor) -> Ctx:
        return Ctx(self.session, actor, self.now, self.tz, calendar=self.calendar,
                   handlers=self.handlers, parameters=self.parameters)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    def past(self, day: date) -> date:
        """``day``, or the demo's today when that comes first: what is recorded was done."""
        return min(day, self.today)

    def moment(self, day: date) -> datetime:
        """10.00 WITA on ``day`` (or now, if earlier): when a paper submission came in."""
        return min(datetime.combine(self.past(day), time(10), self.tz), self.now)


def load_demo(
    session: Session, now: datetime, *, only_if_empty: bool = False,
    handlers: HandlerTable = NO_HANDLERS, calendar: WorkingCalendar = DEFAULT_CALENDAR,
    tz: ZoneInfo = TZ, parameters: Mapping[str, Parameters] | None = None,
) -> list[tuple[str, tuple[str, ...]]] | None:
    """Create the demo users, parties, pagu and cases. Returns the logins, or None when
    skipped. ``handlers``, ``calendar``, ``tz``, ``parameters``: the runtime's."""
    if only_if_empty and session.exec(select(func.count()).select_from(User)).one():
        return None
    actors = {
        username: to_actor(create_user(
            session, username=username, full_name=name, email=f"{username}@balangankab.go.id",
            roles=roles, password=DEMO_PASSWORD, now=now,
        ))
        for username, name, roles in USERS
    }
    for username, (rank, nip) in SIGNERS.items():
        user = session.get(User, actors[username].user_id)
        assert user is not None
        user.rank, user.nip = rank, nip
    session.commit()
    cast = Cast(actors["rina"], actors["fajar"], actors["siti"], actors["ahmad"],
                actors["dewi"], actors["fina"])
    scene = Scene(session, now, handlers, tz, calendar, parameters or {}, cast)
    finance = scene.ctx(cast.finance)
    for workflow, year, amount, dpa_number, dpa_date, note in BUDGETS:
        set_budget(finance, workflow, year, amount, dpa_number, scene.past(dpa_date), note)
    for party in PARTIES:
        created = create_party(scene.ctx(cast.officer), party)
        assert created.id is not None
        scene.parties[party.name] = created.id
    for outlet in OUTLETS:
        _media_case(scene, outlet)
    for grant in GRANTS:
        _grant_case(scene, grant)
    _paper_cases(scene)
    _past_warrant(scene, actors["admin"])
    # One document Berkas issued (issue 15): the verification team's BA of the first media
    # case verified, signed by its reviewer, so the case page lists it and its QR code opens
    # its verification page.
    from sqlmodel import col

    from cases.letters import default_office
    from cases.models import Case
    from cases.services.letters import issue_letter
    from cases.services.users import set_signer_profile

    set_signer_profile(scene.ctx(actors["admin"]), cast.reviewer.user_id,
                       "Penata Muda Tingkat I (III/b)", "199203152019031004")
    verified = session.exec(select(Case.id).where(Case.workflow == MEDIA,
                                                  Case.state == "reviewed")
                            .order_by(col(Case.id))).first()
    if verified is not None:
        issue_letter(scene.ctx(cast.reviewer), default_office(), verified,
                     "ba_hasil_verifikasi")
    return [(u, r) for u, _, r in USERS]


def _past_warrant(scene: Scene, admin: Actor) -> None:
    """The register's history: the Kabid was Plh. Kadis for a week of the Kadis's leave
    three weeks ago (the window is over, so it lends nothing today)."""
    start = scene.today - timedelta(days=21)
    given = WarrantInput(
        kind="plh", number=f"800.1.3/{start:%m%d}/SETDA/{start.year}",
        issued_on=start - timedelta(days=1), issuer_name="Sekretaris Daerah (demo)",
        issuer_title="Sekretaris Daerah Kabupaten Balangan", role="kadis",
        acting_user_id=scene.cast.kabid.user_id, covered_user_id=scene.cast.kadis.user_id,
        valid_from=start, valid_until=start + timedelta(days=4), note="Kadis cuti tahunan")
    content = DEMO_PDF + b"% surat perintah Plh. Kepala Dinas\n"
    register_warrant(scene.ctx(admin), given, "sp-plh-kadis.pdf", content, len(content))


_SCANS = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Story:
    """One demo case being played."""

    scene: Scene
    case_id: int

    def upload(self, kind: str, valid: bool | None = True, note: str = "Sesuai asli",
               value: int | None = None) -> int:
        """Hand in a document of ``kind``; an officer checks it MS or TMS (``valid`` None:
        not yet checked), with the ``value`` it states (a BAST's)."""
        officer = self.scene.ctx(self.scene.cast.officer)
        # Each scan is its own file: a payment refuses bytes another payment used.
        content = DEMO_PDF + f"% {self.case_id}/{kind}/{next(_SCANS)}\n".encode()
        doc = upload_document(officer, self.case_id, kind, f"{kind}.pdf", content, 10**6)
        assert doc.id is not None
        if valid is not None:
            check_document(officer, self.case_id, doc.id, valid, note, value)
        return doc.id

    def hand_in(self, gate: str, skip: tuple[str, ...] = (), checked: bool = True,
                tms: tuple[str, str] | None = None) -> None:
        """Every document ``gate`` requires of this case, checked MS (but ``tms``)."""
        case = get_case(self.scene.session, self.case_id)
        for kind in get_definition(case.workflow).gate_documents(gate, case.applicant):
            if kind.code in skip:
                continue
            if tms is not None and kind.code == tms[0]:
                self.upload(kind.code, False, tms[1])
            else:
                self.upload(kind.code, True if checked else None)

    def fire(self, who: Actor, trigger: str, comment: str = "", **data: object) -> None:
        version = get_case(self.scene.session, self.case_id).version
        fire_transition(self.scene.ctx(who), self.case_id, trigger, version=version,
                        comment=comment, data=data)


def _register(scene: Scene, new: NewCase) -> Story:
    """Register ``new``: entered late by the kabid when it has a submission date."""
    who = scene.cast.kabid if new.submitted_at else scene.cast.officer
    case = create_case(scene.ctx(who), new)
    assert case.id is not None
    return Story(scene, case.id)


def _media_case(scene: Scene, outlet: Outlet) -> None:
    cast = scene.cast
    story = _register(scene, NewCase(
        workflow=MEDIA, title=MEDIA_TITLES[outlet.media_type], fiscal_year=2026,
        amount=outlet.proposed, party_id=scene.parties[outlet.company],
        applicant={"media_name": outlet.media, "media_type": outlet.media_type,
                   "editor_in_chief": f"Pemred {outlet.media}",
                   "dewan_pers_status": outlet.status},
        data={}, submitted_at=scene.moment(outlet.applied) if outlet.applied else None,
    ))
    story.hand_in("review", outlet.skip, outlet.checked, outlet.tms)
    if outlet.target == "returned":
        story.fire(cast.reviewer, "return_for_revision", outlet.reason)
    elif outlet.target == "withdrawn":
        story.fire(cast.officer, "withdraw", outlet.reason)
    if outlet.target in ("submitted", "returned", "withdrawn"):
        return
    if outlet.ba:
        story.upload("ba_verifikasi_faktual")
        note = ""
    else:
        note = (f"Kantor redaksi {outlet.media} dikunjungi: alamat, boks redaksi dan "
                "pemimpin redaksi sesuai dokumen")
    story.fire(cast.reviewer, "review", "Dokumen lengkap dan memenuhi syarat",
               **({"site_visit_note": note} if note else {}))
    if outlet.target == "rejected":
        story.fire(cast.kadis, "reject", outlet.reason)
    if outlet.contract is not None:
        _contract(story, outlet.contract, outlet.company)


def _contract(story: Story, contract: Contract, company: str) -> None:
    """Approve under the SPK, pay its termins as delivered, and report when done."""
    scene, cast = story.scene, story.scene.cast
    spk_date = scene.past(contract.spk_date)
    story.fire(cast.kadis, "approve", "Setuju; SPK ditandatangani",
               spk_number=f"027/{contract.spk:03d}/SPK-PUB/DISKOMINFO/"
                          f"{ROMAN[spk_date.month - 1]}/{spk_date.year}",
               spk_date=spk_date, approved_amount=contract.amount,
               contract_start=scene.past(contract.start),
               contract_end=scene.past(contract.end) if contract.end
               else date(2026, 12, 31))  # the fiscal year's end: no contract runs past it
    story.hand_in("payment")  # the signed SPK
    pkp = next(p.is_pkp for p in PARTIES if p.name == company)
    for seq, termin in enumerate(contract.termins, start=1):
        final = contract.final and seq == len(contract.termins)
        story.fire(cast.treasurer, "pay" if final else "record_payment",
                   f"Termin {seq}", **_termin(story, termin, pkp))
    if contract.evaluation:
        story.hand_in("report")
        story.fire(cast.officer, "report", "Laporan akhir diterima",
                   evaluation=contract.evaluation)


def _termin(story: Story, termin: Termin, pkp: bool) -> dict[str, object]:
    """A termin's form: its BAST and proof of publication (handed in, MS), SPM, SP2D and the
    taxes withheld (PPh 23; PPN only from a PKP)."""
    past = story.scene.past
    dpp = termin.gross * 100 // (100 + PPN_PERCENT) if pkp else termin.gross
    ppn = termin.gross - dpp
    pph23 = dpp * PPH23_PERCENT // 100
    spm, sp2d = termin.numbers
    year = past(termin.sp2d).year
    return {
        "bast_document_id": story.upload("bast", value=termin.gross),
        "bast_date": past(termin.bast),
        "publication_document_id": story.upload("bukti_tayang"),
        "spm_number": f"{spm:05d}/SPM-LS/DISKOMINFO/{year}", "spm_date": past(termin.spm),
        "sp2d_number": f"{sp2d:05d}/LS/{year}", "sp2d_date": past(termin.sp2d),
        "gross": termin.gross, "pph23": pph23, "ppn": ppn,
        "net": termin.gross - pph23 - ppn,
    }


def _grant_case(scene: Scene, grant: Grant) -> None:
    cast = scene.cast
    number, decided = grant.keputusan
    story = _register(scene, NewCase(
        workflow=GRANT, title=f"Pencairan hibah APBD TA {grant.year}",
        fiscal_year=grant.year, amount=grant.amount, party_id=scene.parties[grant.party],
        applicant={"chair": grant.chair},
        data={"keputusan_number": number, "keputusan_date": scene.past(decided),
              "keputusan_amount": grant.amount, "purpose": grant.purpose},
        submitted_at=scene.moment(grant.applied) if grant.applied else None,
    ))
    story.hand_in("review")
    story.fire(cast.reviewer, "review", "Sesuai Keputusan Bupati dan RAB",
               recommended_amount=grant.amount)
    story.hand_in("approve")  # the NPHD, signed by both parties
    if grant.nphd is None:
        return
    story.fire(cast.kadis, "approve", "Setuju; NPHD ditandatangani",
               nphd_number=grant.nphd[0], nphd_date=scene.past(grant.nphd[1]))
    if grant.paid is None:
        return
    spm, spm_date, sp2d, sp2d_date = grant.paid
    story.hand_in("pay")  # the kuitansi
    story.fire(cast.treasurer, "pay", "Dicairkan ke rekening organisasi (LS)",
               spm_number=f"{spm:05d}/SPM-LS/DISKOMINFO/{grant.year}",
               spm_date=scene.past(spm_date), sp2d_number=f"{sp2d:05d}/LS/{grant.year}",
               sp2d_date=scene.past(sp2d_date), gross=grant.amount)
    if grant.spent is not None:
        _lpj(story, grant.amount, grant.spent, grant.refunded_on)


def _lpj(story: Story, paid: int, spent: int, refunded_on: date | None) -> None:
    """The LPJ; what was not spent went back to the Kas Daerah by STS."""
    story.hand_in("report")
    refund: dict[str, object] = {}
    if spent < paid and refunded_on is not None:
        story.upload("sts")
        refund = {"refund_amount": paid - spent, "refund_date": story.scene.past(refunded_on)}
    story.fire(story.scene.cast.officer, "report", "LPJ lengkap dan sesuai NPHD",
               spent_amount=spent, **refund)


def _paper_cases(scene: Scene) -> None:
    kabid = scene.ctx(scene.cast.kabid)
    day = kabid.calendar.subtract_working_days(scene.today, PAPER_DELAY_WORKING_DAYS)
    for media, media_type, status, amount, company in PAPER_OUTLETS:
        _register(scene, NewCase(
            workflow=MEDIA, title=MEDIA_TITLES[media_type], fiscal_year=2026,
            amount=amount, party_id=scene.parties[company],
            applicant={"media_name": media, "media_type": media_type,
                       "editor_in_chief": f"Pemred {media}", "dewan_pers_status": status},
            data={}, submitted_at=scene.moment(day),
        ))
