"""The words of reminders, digests and task notices: Indonesian, plain text and HTML."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from cases.events import CaseEvent, OpenedDeadline
from cases.models import Case, Deadline, Warrant
from cases.services.reminders import DueDeadline
from workflows import Role, get_definition
from workflows.acting import POSITION_TITLES, capacity
from workflows.dates import format_date, format_datetime
from workflows.deadlines import REMINDER_LABELS, ReminderKind

# Said when a state names no action of its own (``StateSpec.action``).
DEFAULT_ACTION = "tindak lanjuti berkas"


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    text: str
    html: str


def one_line(value: str) -> str:
    """``value`` with its line breaks folded into single spaces.

    Titles become email subjects, and a line break in a header makes the email library refuse
    the message (its guard against header injection). Applicants' names reach titles, and old
    rows may hold a stray newline (issue 11), so every title is folded here and every subject
    again when it is composed. ``str.splitlines`` knows the same breaks as that guard.
    """
    return " ".join(part for line in value.splitlines() if (part := line.strip()))


def _link(base_url: str, case_id: int | None) -> str:
    return f"{base_url.rstrip('/')}/cases/{case_id}"


def _case_line(case: Case) -> str:
    return _line(case.workflow, case.state, case.reference, case.applicant_name, case.title)


def _line(workflow: str, state: str, reference: str, applicant_name: str, title: str) -> str:
    label = get_definition(workflow).state(state).label
    return f"{reference} — {applicant_name} ({title}), status {label}"


def _action(workflow: str, state: str) -> str:
    return get_definition(workflow).state(state).action or DEFAULT_ACTION


def _render(title: str, lines: Sequence[str], link: str, label: str = "Buka berkas"
            ) -> Message:
    title = one_line(title)
    text = "\n".join([*lines, "", f"{label}: {link}", "", "— Berkas, Diskominfo"])
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines)
    html = (
        f"<!doctype html><html lang=\"id\"><body><h2>{escape(title)}</h2>{paragraphs}"
        f"<p><a href=\"{escape(link)}\">{escape(label)}</a></p><p>— Berkas, Diskominfo</p>"
        "</body></html>"
    )
    return Message(title, text, html)


class ReminderWords:
    """The words of the sweep's reminders (and escalations), one per deadline row.

    A sweep writes thousands of these a batch, and what repeats across them (a state's label
    and action, a due date and time in words) is worked out once per sweep, here: not for
    the life of the process, as a workflow may be registered anew in the meantime."""

    def __init__(self, tz: ZoneInfo, base_url: str) -> None:
        self._tz = tz
        self._base_url = base_url
        self._states: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._dues: dict[tuple[date, datetime], str] = {}

    def message(self, kind: ReminderKind, due: DueDeadline) -> Message:
        title = f"{REMINDER_LABELS[kind]}: {due.reference} — {due.applicant_name}"
        label, todo = self._words(due.workflow, due.case_state, due.state)
        lines = [
            f"{due.reference} — {due.applicant_name} ({due.title}), status {label}",
            f"Tindakan: {todo}.",
            f"Tenggat: {self._due(due.due_date, due.due_at)}.",
        ]
        if kind is ReminderKind.ESCALATION:
            lines.insert(0, f"Berkas ini sudah lewat tenggat dan belum ditindaklanjuti oleh "
                            f"pemegang peran {due.role}. Mohon ditindaklanjuti.")
        return _render(title, lines, _link(self._base_url, due.case_id))

    def _words(self, workflow: str, case_state: str, deadline_state: str) -> tuple[str, str]:
        """The label of the case's state and the action its deadline asks for."""
        key = (workflow, case_state, deadline_state)
        found = self._states.get(key)
        if found is None:
            found = self._states[key] = (get_definition(workflow).state(case_state).label,
                                         _action(workflow, deadline_state))
        return found

    def _due(self, day: date, moment: datetime) -> str:
        found = self._dues.get((day, moment))
        if found is None:
            found = self._dues[(day, moment)] = (
                f"{format_date(day)} (batas akhir {format_datetime(moment, self._tz)})")
        return found


def new_task(event: CaseEvent, deadline: OpenedDeadline, base_url: str) -> Message:
    """Told to whoever must act next, when a case enters a state with a deadline: from the
    event's values (the case is in the deadline's state), with no row to read."""
    title = f"Menunggu tindakan Anda: {event.reference} — {event.applicant_name}"
    lines = [
        _line(event.workflow, deadline.state, event.reference, event.applicant_name,
              event.title),
        f"Tindakan: {_action(event.workflow, deadline.state)}.",
        f"Tenggat: {format_date(deadline.due_date)}.",
    ]
    return _render(title, lines, _link(base_url, event.case_id))


def digest(items: Sequence[tuple[Case, Deadline]], today_label: str, base_url: str) -> Message:
    """The morning list of what waits for one person, overdue first."""
    title = f"Tugas Anda hari ini ({today_label}): {len(items)} berkas"
    lines = [f"{len(items)} berkas menunggu tindakan Anda:"]
    for case, deadline in items:
        lines.append(f"• {_case_line(case)} — tenggat {format_date(deadline.due_date)}")
    return _render(title, lines, f"{base_url.rstrip('/')}/")


def warrant_ending(warrant: Warrant, acting_name: str, covered_name: str, base_url: str
                   ) -> Message:
    """To the admins and the acting official, one working day before a warrant ends: after
    its last day the acting official may no longer act for the position."""
    title_of = capacity(warrant.kind, warrant.role)
    until = format_date(warrant.valid_until)
    title = f"Surat perintah {title_of} berakhir {until}"
    appointed = f"{acting_name} sebagai {title_of}"
    if covered_name:
        appointed += f", menggantikan {covered_name}"
    lines = [
        f"Surat perintah nomor {warrant.number} menunjuk {appointed}.",
        f"Masa berlakunya berakhir {until}; sesudah tanggal itu {acting_name} tidak lagi "
        f"dapat bertindak sebagai {title_of}, dan pengingat serta antrean persetujuan "
        f"jabatan itu tidak lagi sampai kepadanya.",
        "Bila pejabat yang digantikan belum kembali, catat surat perintah baru sebelum "
        "masa berlaku ini berakhir.",
    ]
    return _render(title, lines, f"{base_url.rstrip('/')}/admin/warrants",
                   "Buka register surat perintah")


def kadis_absent(waiting: Sequence[Case], total: int, today_label: str, base_url: str
                 ) -> Message:
    """To the kabid, when the Kadis is marked absent today, nobody acts for them under a
    warrant, and cases wait for the Kadis's decision."""
    kadis = POSITION_TITLES[Role.KADIS]
    title = f"{kadis} tidak hadir hari ini ({today_label}): {total} berkas menunggu persetujuan"
    lines = [
        f"{kadis} tercatat tidak hadir hari ini dan belum ada surat perintah Plh. yang "
        f"berlaku, sementara {total} berkas menunggu persetujuan:",
        *(f"• {_case_line(case)}" for case in waiting),
    ]
    if total > len(waiting):
        lines.append(f"• dan {total - len(waiting)} berkas lainnya")
    lines.append("Bila Kepala Dinas berhalangan lebih lama, mintakan surat perintah Plh. agar "
                 "persetujuan tidak tertunda.")
    return _render(title, lines, f"{base_url.rstrip('/')}/signoff", "Buka antrean persetujuan")
