"""The words of reminders, digests and task notices: Indonesian, plain text and HTML."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from zoneinfo import ZoneInfo

from cases.models import Case, Deadline
from workflows import get_definition
from workflows.dates import format_date, format_datetime
from workflows.deadlines import REMINDER_LABELS, ReminderKind

# What the people holding a deadline must do, per state (DOMAIN.md, Deadlines).
ACTIONS = {
    "submitted": "verifikasi berkas, atau kembalikan untuk perbaikan",
    "returned": "tindak lanjuti perbaikan dari pemohon",
    "reviewed": "setujui atau tolak",
    "approved": "catat pembayaran (SP2D)",
    "paid": "catat laporan (bukti tayang / LPJ)",
}


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    text: str
    html: str


def case_link(base_url: str, case: Case) -> str:
    return f"{base_url.rstrip('/')}/cases/{case.id}"


def _case_line(case: Case) -> str:
    label = get_definition(case.workflow).state(case.state).label
    return f"{case.reference} — {case.applicant_name} ({case.title}), status {label}"


def _render(title: str, lines: Sequence[str], link: str) -> Message:
    text = "\n".join([*lines, "", f"Buka berkas: {link}", "", "— Berkas, Diskominfo"])
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines)
    html = (
        f"<!doctype html><html lang=\"id\"><body><h2>{escape(title)}</h2>{paragraphs}"
        f"<p><a href=\"{escape(link)}\">Buka berkas</a></p><p>— Berkas, Diskominfo</p>"
        "</body></html>"
    )
    return Message(title, text, html)


def reminder(kind: ReminderKind, case: Case, deadline: Deadline, tz: ZoneInfo, base_url: str,
             late_role: str = "") -> Message:
    """A reminder (or an escalation) about one deadline of one case."""
    title = f"{REMINDER_LABELS[kind]}: {case.reference} — {case.applicant_name}"
    due = format_date(deadline.due_date)
    lines = [
        _case_line(case),
        f"Tindakan: {ACTIONS.get(deadline.state, 'tindak lanjuti berkas')}.",
        f"Tenggat: {due} (batas akhir {format_datetime(deadline.due_at, tz)}).",
    ]
    if kind is ReminderKind.ESCALATION:
        lines.insert(0, f"Berkas ini sudah lewat tenggat dan belum ditindaklanjuti oleh "
                        f"pemegang peran {late_role}. Mohon ditindaklanjuti.")
    return _render(title, lines, case_link(base_url, case))


def new_task(case: Case, deadline: Deadline, base_url: str) -> Message:
    """Told to whoever must act next, when a case enters a state with a deadline."""
    title = f"Menunggu tindakan Anda: {case.reference} — {case.applicant_name}"
    lines = [
        _case_line(case),
        f"Tindakan: {ACTIONS.get(deadline.state, 'tindak lanjuti berkas')}.",
        f"Tenggat: {format_date(deadline.due_date)}.",
    ]
    return _render(title, lines, case_link(base_url, case))


def digest(items: Sequence[tuple[Case, Deadline]], today_label: str, base_url: str) -> Message:
    """The morning list of what waits for one person, overdue first."""
    title = f"Tugas Anda hari ini ({today_label}): {len(items)} berkas"
    lines = [f"{len(items)} berkas menunggu tindakan Anda:"]
    for case, deadline in items:
        lines.append(f"• {_case_line(case)} — tenggat {format_date(deadline.due_date)}")
    return _render(title, lines, f"{base_url.rstrip('/')}/")
