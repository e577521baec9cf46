"""Acting officials and absences in the reminders (issue 14): during a warrant's window the
Plh./Plt. hears what the holders of the position hear, and not a minute after it; an
escalation skips a holder marked absent; the warrant's end and an absent Kadis with nobody
acting are announced. By the clock, over real SMTP, on both databases."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from email.message import EmailMessage

from sqlalchemy import update
from sqlmodel import col, select

from cases.models import Deadline, User
from cases.services.absences import mark_absence
from cases.services.users import active_actor
from cases.services.warrants import WarrantInput, register_warrant, revoke_warrant
from infra.runtime import Runtime
from infra.unit_of_work import UnitOfWork
from notifications.models import Notification
from notifications.runner import run_digest, run_reminders
from tests.api.helpers import Api
from tests.conftest import FakeClock, People
from tests.notifications.conftest import SmtpServer, at

TUESDAY_10_FEB = date(2026, 2, 10)  # a case reviewed today waits for the Kadis until Friday 13
SCAN = b"%PDF-1.4 surat perintah"
PLH_KADIS = "Plh. Kepala Dinas Komunikasi dan Informatika"
OFFICERS = ("rina", "fajar")  # told of each new case: not what these tests are about
_NUMBERS = itertools.count(1)


# --- helpers ------------------------------------------------------------------------------------

def user_id(runtime: Runtime, username: str) -> int:
    with runtime.sessions() as session:
        found = session.exec(select(User.id).where(User.username == username)).one()
        assert found is not None
        return found


def warrant(runtime: Runtime, role: str, acting: str, covered: str, valid_from: date,
            valid_until: date) -> int:
    """A Plh. warrant registered by the admin, as of the clock: its id."""
    today = runtime.calendar.local_date(runtime.clock())
    with runtime.sessions() as session:
        admin = active_actor(session, user_id(runtime, "admin"), today)
        registered = register_warrant(runtime.ctx(session, admin), WarrantInput(
            kind="plh", number=f"800.1.11.1/{next(_NUMBERS)}/DISKOMINFO/2026",
            issued_on=min(today, valid_from), issuer_name="Sekretaris Daerah",
            issuer_title="Sekretaris Daerah Kabupaten Balangan", role=role,
            acting_user_id=user_id(runtime, acting), valid_from=valid_from,
            valid_until=valid_until, covered_user_id=user_id(runtime, covered)),
            "surat-perintah.pdf", SCAN, 64 * 1024)
        assert registered.id is not None
        return registered.id


def revoke(runtime: Runtime, warrant_id: int) -> None:
    today = runtime.calendar.local_date(runtime.clock())
    with runtime.sessions() as session:
        admin = active_actor(session, user_id(runtime, "admin"), today)
        revoke_warrant(runtime.ctx(session, admin), warrant_id, "Salah tunjuk pejabat")


def away(runtime: Runtime, username: str, starts_on: date, ends_on: date) -> None:
    """``username`` marks themselves absent from ``starts_on`` to ``ends_on``."""
    today = runtime.calendar.local_date(runtime.clock())
    with runtime.sessions() as session:
        holder = active_actor(session, user_id(runtime, username), today)
        mark_absence(runtime.ctx(session, holder), starts_on, ends_on, "Dinas luar daerah")


def reviewed_case(api: Api) -> int:
    """A media case verified today: it waits for the Kadis's decision (3 working days)."""
    api.set_budget("media_verification", 600_000_000)
    return api.to_reviewed_media()


def make_kabid_deadline(runtime: Runtime, case_id: int) -> None:
    """Make the case's open deadline the Kabid's, behind the API's back: no workflow gives
    the Kabid a deadline yet, and a late Kabid escalates to the Kadis."""
    with runtime.sessions() as session, UnitOfWork(session):
        session.execute(update(Deadline).where(col(Deadline.case_id) == case_id,
                                               col(Deadline.closed_at).is_(None))
                        .values(role="kabid"))


def sweep_at(runtime: Runtime, clock: FakeClock, day: date, hour: int = 9, minute: int = 0
             ) -> list[tuple[str, str, tuple[str, ...]]]:
    """What the sweep sends at ``day`` ``hour``:``minute`` WITA: (reference, kind, to whom)."""
    clock.now = at(day, hour, minute)
    return sorted((r.reference, r.kind, r.recipients)
                  for r in run_reminders(runtime).sweep.reminders)


def notices(runtime: Runtime, kind: str) -> list[tuple[date, str, str]]:
    """The in-app notices of ``kind``, oldest first: (WITA day written, to whom, title)."""
    with runtime.sessions() as session:
        rows = session.exec(
            select(Notification.created_at, User.username, Notification.title)
            .join(User, col(User.id) == col(Notification.user_id))
            .where(Notification.kind == kind)
            .order_by(col(Notification.id)))
        return [(runtime.calendar.local_date(when), username, title)
                for when, username, title in rows]


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def subjects(smtp: SmtpServer, address: str, prefix: str) -> list[str]:
    return [str(m["Subject"]) for m in smtp.mailbox.to(address)
            if str(m["Subject"]).startswith(prefix)]


# --- reminders, escalations and the digest during and after a warrant ---------------------------

def test_a_plh_kadis_is_reminded_of_a_sign_off_during_the_warrant_and_not_after_midnight_of_its_end(
    api: Api, runtime: Runtime, clock: FakeClock
) -> None:
    clock.now = at(TUESDAY_10_FEB)
    warrant(runtime, "kadis", acting="siti", covered="ahmad", valid_from=TUESDAY_10_FEB,
            valid_until=date(2026, 2, 12))
    reviewed_case(api)
    # The case's new deadline is told to the Plh. Kadis as to the Kadis.
    assert sorted(who for _, who, _ in notices(runtime, "task")
                  if who not in OFFICERS) == ["ahmad", "siti"]

    assert sweep_at(runtime, clock, date(2026, 2, 12)) == [
        ("MV-2026-0001", "due_soon", ("ahmad", "siti"))]
    assert sweep_at(runtime, clock, date(2026, 2, 12), 23, 59) == []
    # 00.00 WITA on Friday 13: the warrant (valid until Thursday 12) lends nothing any more.
    assert sweep_at(runtime, clock, date(2026, 2, 13), 0, 0) == [
        ("MV-2026-0001", "due_today", ("ahmad",))]


def test_an_escalation_reaches_the_plh_kabid_during_the_warrant_and_not_after_midnight_of_its_end(
    api: Api, runtime: Runtime, clock: FakeClock
) -> None:
    clock.now = at(TUESDAY_10_FEB)
    reviewed_case(api)  # due Friday 13: two working days late on Thursday 19
    clock.now = at(date(2026, 2, 11))
    api.forget_tokens()
    api.to_reviewed_media()  # due Wednesday 18: two working days late on Friday 20
    warrant(runtime, "kabid", acting="rina", covered="siti", valid_from=date(2026, 2, 18),
            valid_until=date(2026, 2, 19))

    def escalations(day: date, hour: int = 9, minute: int = 0) -> list[tuple[str, tuple[str, ...]]]:
        return [(ref, to) for ref, kind, to in sweep_at(runtime, clock, day, hour, minute)
                if kind == "escalation"]

    assert escalations(date(2026, 2, 19)) == [("MV-2026-0001", ("rina", "siti"))]
    assert escalations(date(2026, 2, 19), 23, 59) == []
    assert escalations(date(2026, 2, 20), 0, 0) == [("MV-2026-0002", ("siti",))]


def test_a_revoked_warrant_routes_nothing_to_its_acting_official(
    api: Api, runtime: Runtime, clock: FakeClock, smtp: SmtpServer
) -> None:
    clock.now = at(TUESDAY_10_FEB)
    revoke(runtime, warrant(runtime, "kadis", acting="siti", covered="ahmad",
                            valid_from=TUESDAY_10_FEB, valid_until=date(2026, 2, 13)))
    reviewed_case(api)
    clock.now = at(date(2026, 2, 12), 7, 30)
    assert run_digest(runtime) == 1  # the Kadis's
    assert sweep_at(runtime, clock, date(2026, 2, 12)) == [
        ("MV-2026-0001", "due_soon", ("ahmad",))]
    assert [who for _, who, _ in notices(runtime, "task") if who not in OFFICERS] == ["ahmad"]
    assert notices(runtime, "warrant_ending") == []  # it would have ended on Friday 13
    assert smtp.mailbox.to("siti@example.test") == []


def test_the_digest_lists_the_sign_offs_waiting_for_the_plh_kadis_during_the_warrant_only(
    api: Api, runtime: Runtime, clock: FakeClock, smtp: SmtpServer
) -> None:
    clock.now = at(TUESDAY_10_FEB)
    warrant(runtime, "kadis", acting="siti", covered="ahmad", valid_from=TUESDAY_10_FEB,
            valid_until=date(2026, 2, 12))
    reviewed_case(api)
    clock.now = at(date(2026, 2, 12), 7, 30)
    assert run_digest(runtime) == 2  # the Kadis and the Plh. Kadis
    clock.now = at(date(2026, 2, 13), 7, 30)
    assert run_digest(runtime) == 1  # the Kadis alone

    digests = [m for m in smtp.mailbox.to("siti@example.test")
               if str(m["Subject"]).startswith("[Berkas] Tugas Anda")]
    [digest] = digests
    assert digest["Subject"] == "[Berkas] Tugas Anda hari ini (Kamis, 12 Februari 2026): 1 berkas"
    assert "MV-2026-0001" in body(digest)
    assert len(subjects(smtp, "ahmad@example.test", "[Berkas] Tugas Anda")) == 2


# --- absences -----------------------------------------------------------------------------------

def test_an_escalation_skips_an_absent_kadis_for_the_plh_kadis_but_reminders_still_reach_them(
    api: Api, runtime: Runtime, clock: FakeClock, people: People
) -> None:
    people.add("yusuf", "officer")  # the Sekretaris Dinas, Plh. Kadis while the Kadis is away
    clock.now = at(TUESDAY_10_FEB)
    reviewed_case(api)  # the Kadis's: late since Friday 13
    kabids = api.create_media("rina")["id"]  # due Thursday 19
    make_kabid_deadline(runtime, kabids)
    away(runtime, "ahmad", date(2026, 2, 23), date(2026, 2, 27))
    warrant(runtime, "kadis", acting="yusuf", covered="ahmad", valid_from=date(2026, 2, 23),
            valid_until=date(2026, 2, 27))

    assert sweep_at(runtime, clock, date(2026, 2, 23)) == [
        ("MV-2026-0001", "escalation", ("siti",)),
        ("MV-2026-0001", "overdue", ("ahmad", "yusuf")),  # the absent Kadis still hears
        ("MV-2026-0002", "escalation", ("yusuf",)),  # the Kabid is late: not to the absent Kadis
        ("MV-2026-0002", "overdue", ("siti",)),
    ]


def test_an_escalation_to_an_absent_kadis_with_nobody_acting_still_reaches_the_kadis(
    api: Api, runtime: Runtime, clock: FakeClock
) -> None:
    clock.now = at(TUESDAY_10_FEB)
    kabids = api.create_media("rina")["id"]  # due Thursday 19
    make_kabid_deadline(runtime, kabids)
    away(runtime, "ahmad", date(2026, 2, 23), date(2026, 2, 27))

    assert sweep_at(runtime, clock, date(2026, 2, 23)) == [
        ("MV-2026-0001", "escalation", ("ahmad",)),
        ("MV-2026-0001", "overdue", ("siti",)),
    ]


# --- the end of a warrant ------------------------------------------------------------------------

def test_the_admin_and_the_plh_hear_once_on_the_working_day_before_the_warrant_ends(
    runtime: Runtime, clock: FakeClock, smtp: SmtpServer
) -> None:
    wednesday = date(2026, 2, 4)
    clock.now = at(wednesday)
    warrant(runtime, "kadis", acting="siti", covered="ahmad", valid_from=wednesday,
            valid_until=date(2026, 2, 9))  # Monday: the Friday before is the day
    day = wednesday
    while day <= date(2026, 2, 10):  # over the weekend, every morning, twice
        clock.now = at(day, 7, 30)
        run_digest(runtime)
        run_digest(runtime)
        day += timedelta(days=1)

    title = f"Surat perintah {PLH_KADIS} berakhir Senin, 9 Februari 2026"
    assert sorted(notices(runtime, "warrant_ending")) == [
        (date(2026, 2, 6), "admin", title), (date(2026, 2, 6), "siti", title)]
    [email] = smtp.mailbox.to("admin@example.test")
    assert email["Subject"] == f"[Berkas] {title}"
    text = body(email)
    assert "Surat perintah nomor 800.1.11.1/" in text
    assert f"Siti sebagai {PLH_KADIS}, menggantikan Ahmad" in text
    assert "/admin/warrants" in text
    assert "/admin/warrants" in html(email)
    assert len(smtp.mailbox.to("siti@example.test")) == 1


def test_a_missed_warrant_reminder_is_sent_until_the_warrant_ends_and_not_after(
    runtime: Runtime, clock: FakeClock
) -> None:
    wednesday = date(2026, 2, 4)
    clock.now = at(wednesday)
    warrant(runtime, "kadis", acting="siti", covered="ahmad", valid_from=wednesday,
            valid_until=date(2026, 2, 9))
    warrant(runtime, "kabid", acting="rina", covered="siti", valid_from=wednesday,
            valid_until=date(2026, 2, 6))  # ended on Friday: its day passed unseen
    clock.now = at(date(2026, 2, 9), 7, 30)  # nothing ran since Wednesday
    run_digest(runtime)
    assert sorted(who for _, who, title in notices(runtime, "warrant_ending")
                  if PLH_KADIS in title) == ["admin", "siti"]
    assert len(notices(runtime, "warrant_ending")) == 2
    clock.now = at(date(2026, 2, 10), 7, 30)
    run_digest(runtime)
    assert len(notices(runtime, "warrant_ending")) == 2


# --- an absent Kadis with nobody acting ---------------------------------------------------------

def test_the_kabid_hears_each_working_day_the_kadis_is_away_with_nobody_acting_while_cases_wait(
    api: Api, runtime: Runtime, clock: FakeClock, smtp: SmtpServer
) -> None:
    clock.now = at(TUESDAY_10_FEB)
    reviewed_case(api)
    away(runtime, "ahmad", date(2026, 2, 11), date(2026, 2, 16))
    for day in (date(2026, 2, 11), date(2026, 2, 12), date(2026, 2, 14)):  # 14th: a Saturday
        clock.now = at(day, 7, 30)
        run_digest(runtime)
        run_digest(runtime)

    assert [(day, who) for day, who, _ in notices(runtime, "kadis_absent")] == [
        (date(2026, 2, 11), "siti"), (date(2026, 2, 12), "siti")]
    first = subjects(smtp, "siti@example.test", "[Berkas] Kepala Dinas")[0]
    assert first == ("[Berkas] Kepala Dinas Komunikasi dan Informatika tidak hadir hari ini "
                     "(Rabu, 11 Februari 2026): 1 berkas menunggu persetujuan")
    [email, _] = [m for m in smtp.mailbox.to("siti@example.test")
                  if str(m["Subject"]).startswith("[Berkas] Kepala Dinas")]
    assert "MV-2026-0001" in body(email)
    assert "/signoff" in body(email)
    assert "/signoff" in html(email)


def test_the_kabid_hears_nothing_of_an_absent_kadis_while_a_plh_kadis_is_in_force(
    api: Api, runtime: Runtime, clock: FakeClock
) -> None:
    clock.now = at(TUESDAY_10_FEB)
    reviewed_case(api)
    away(runtime, "ahmad", date(2026, 2, 11), date(2026, 2, 13))
    warrant(runtime, "kadis", acting="siti", covered="ahmad", valid_from=date(2026, 2, 11),
            valid_until=date(2026, 2, 13))
    clock.now = at(date(2026, 2, 11), 7, 30)
    run_digest(runtime)
    assert notices(runtime, "kadis_absent") == []


def test_the_kabid_hears_nothing_of_an_absent_kadis_when_no_case_waits_for_sign_off(
    api: Api, runtime: Runtime, clock: FakeClock
) -> None:
    clock.now = at(TUESDAY_10_FEB)
    api.create_media("rina")  # waits for an officer, not for the Kadis
    away(runtime, "ahmad", date(2026, 2, 11), date(2026, 2, 13))
    clock.now = at(date(2026, 2, 11), 7, 30)
    run_digest(runtime)
    assert notices(runtime, "kadis_absent") == []


def test_a_case_assigned_to_an_absent_kabid_also_reaches_the_plh_kabid(
    runtime: Runtime, people: People
) -> None:
    """An assigned case goes to its assignee alone, but not only to an absent one: whoever
    acts for the position hears of it too."""
    from notifications.recipients import Recipients

    people.add("budi", "officer")
    today = runtime.calendar.local_date(runtime.clock())
    warrant(runtime, "kabid", "budi", "siti", today, today + timedelta(days=2))
    siti = user_id(runtime, "siti")
    with runtime.sessions() as session:
        present = Recipients(session, today).for_deadline("kabid", siti)
    assert [u.username for u in present] == ["siti"]
    away(runtime, "siti", today, today + timedelta(days=2))
    with runtime.sessions() as session:
        absent = Recipients(session, today).for_deadline("kabid", siti)
    assert [u.username for u in absent] == ["siti", "budi"]
