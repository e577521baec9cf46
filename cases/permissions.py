"""Who may do what outside the workflow transitions (those carry their roles in the definition)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from cases.errors import Forbidden
from workflows import Actor, Role
from workflows.acting import ACTING_LIMITED, POSITION_TITLES, ActingWarrant, acting_limit_reason

CASE_ROLES = frozenset({Role.OFFICER, Role.KABID, Role.KADIS, Role.TREASURER})
# Everyone who may read cases, parties and budgets: the case roles, finance and the auditor
# (Inspektorat, BPK), who reads everything and changes nothing.
READERS = CASE_ROLES | {Role.FINANCE, Role.AUDITOR}

# Roles one account may not hold together, each with why (in Indonesian, as it is shown):
# the auditor (Inspektorat, BPK) holds no other role, so stays read-only and independent of
# what it audits; finance (PPK-SKPD), who enters the pagu from the DPA, neither approves
# (kadis) nor pays (treasurer) against it, nor administers the accounts that could (admin).
# A warrant lends no role that would make such a pair (``lends``).
_AUDITOR_ALONE = ("pemeriksa hanya membaca dan harus independen, maka tidak boleh memegang "
                  "peran lain")
_FINANCE = "yang mencatat pagu tidak boleh menyetujui atau membayar atas pagu itu"
CONFLICTING_ROLES: tuple[tuple[Role, Role, str], ...] = (
    *((Role.AUDITOR, other, _AUDITOR_ALONE) for other in Role if other is not Role.AUDITOR),
    (Role.FINANCE, Role.KADIS, _FINANCE),
    (Role.FINANCE, Role.TREASURER, _FINANCE),
    (Role.FINANCE, Role.ADMIN, "yang mencatat pagu tidak boleh mengelola pengguna"),
)
# Who may act for a position under a warrant: a civil servant of the Dinas holding one of its
# posts, not an account that only administers the system (admin) or audits it (auditor).
OFFICIALS = frozenset({Role.OFFICER, Role.KABID, Role.KADIS, Role.TREASURER, Role.FINANCE})


def conflicting_pairs(roles: Iterable[str]) -> list[tuple[Role, Role, str]]:
    """The pairs of :data:`CONFLICTING_ROLES` that ``roles`` hold together, with why."""
    held = set(roles)
    return [(one, other, why) for one, other, why in CONFLICTING_ROLES if {one, other} <= held]


def lends(own_roles: Iterable[str], role: str) -> bool:
    """Whether a warrant may lend ``role`` to someone holding ``own_roles`` today: an official
    whose roles and the lent one make no conflicting pair. Checked when the warrant is
    registered, and again on every use, since roles change after it."""
    own = set(own_roles)
    return bool(own & OFFICIALS) and not conflicting_pairs(own | {role})


PERMISSIONS: Mapping[str, frozenset[str]] = {
    "register_case": frozenset({Role.OFFICER, Role.KABID}),
    "backdate_case": frozenset({Role.KABID, Role.ADMIN}),
    "upload_document": frozenset({Role.OFFICER, Role.KABID, Role.TREASURER}),
    "check_document": frozenset({Role.OFFICER, Role.KABID}),
    "assign_case": frozenset({Role.OFFICER, Role.KABID}),
    "comment": CASE_ROLES,
    # The pagu is entered from the DPA by finance (PPK-SKPD), no longer by the Kadis.
    "set_budget": frozenset({Role.FINANCE}),
    "read_budgets": READERS,
    "register_party": frozenset({Role.OFFICER, Role.KABID}),
    "read_parties": READERS,
    "manage_users": frozenset({Role.ADMIN}),
    # The warrants register (Plh., Plt.): the admin keeps it; everyone who reads cases
    # may see who acts for whom, and the holder of a position marks their own absence.
    "manage_warrants": frozenset({Role.ADMIN}),
    "read_warrants": READERS | {Role.ADMIN},
    "mark_absence": frozenset(POSITION_TITLES) | {Role.ADMIN},
    # The whole-log check only reads; the auditor runs it as the admin does.
    "verify_audit": frozenset({Role.ADMIN, Role.AUDITOR}),
    "read_system_audit": frozenset({Role.ADMIN, Role.AUDITOR}),
    # Documents Berkas issues (issue 15): each kind names the roles that issue it (its
    # workflow's ``LetterKind.roles``, which decide); this is who may issue some kind, for
    # the pages. Everyone who reads cases reads and downloads them, the auditor included.
    "issue_letter": CASE_ROLES,
    "read_letters": READERS,
    # Spreadsheets of a case list, and the recaps an auditor asks for: whoever reads cases.
    "export_cases": READERS,
    "read_recaps": READERS,
    # Reports with charts (time in stage, missed deadlines, money): whoever reads cases,
    # finance and the auditor included.
    "read_reports": READERS,
}

ACTION_LABELS: Mapping[str, str] = {
    "register_case": "mendaftarkan berkas",
    "backdate_case": "mendaftarkan berkas dengan tanggal lampau",
    "upload_document": "mengunggah dokumen",
    "check_document": "memeriksa dokumen",
    "assign_case": "menugaskan petugas",
    "comment": "memberi komentar",
    "set_budget": "mencatat pagu dari DPA",
    "read_budgets": "melihat pagu anggaran",
    "register_party": "mendaftarkan atau mengubah data pihak",
    "read_parties": "melihat data pihak",
    "manage_users": "mengelola pengguna",
    "manage_warrants": "mengelola register surat perintah Plh./Plt.",
    "read_warrants": "melihat register surat perintah Plh./Plt.",
    "mark_absence": "mencatat ketidakhadiran",
    "verify_audit": "memeriksa seluruh jejak audit",
    "read_system_audit": "membaca jejak audit sistem",
    "issue_letter": "menerbitkan dokumen (berita acara, surat, draf NPHD)",
    "read_letters": "melihat dan mengunduh dokumen terbitan",
    "export_cases": "mengunduh daftar berkas (XLSX/CSV)",
    "read_recaps": "melihat rekap untuk pemeriksa",
    "read_reports": "melihat laporan kinerja dan anggaran",
}


# What one does only in one's own right: what no acting official may do, and marking one's own
# absence from a position (a warrant lends the position, not the person's leave).
OWN_RIGHT_ONLY = ACTING_LIMITED | {"mark_absence"}


def may(actor: Actor, action: str) -> bool:
    """Whether ``actor`` may do ``action``: by a role of their own, or one a warrant in force
    lends them unless the act is one no acting official may do (:data:`ACTING_LIMITED`)."""
    roles = actor.own_roles if action in OWN_RIGHT_ONLY else actor.roles
    return bool(roles & PERMISSIONS[action])


def require(actor: Actor, action: str) -> None:
    """Raise :class:`Forbidden` unless ``actor`` may do ``action``: ``acting_limit``, with
    its basis, when they act under a warrant and the act changes the pagu, users, roles or
    warrants (SE BKN 1/SE/I/2021), else ``role_not_permitted``."""
    if may(actor, action):
        return
    label = ACTION_LABELS[action]
    if actor.acting and action in ACTING_LIMITED:
        reason = acting_limit_reason(label)
        raise Forbidden(reason.message, "acting_limit", [reason])
    raise Forbidden(f"Peran Anda tidak boleh {label}", "role_not_permitted")


def warrant_used(actor: Actor, action: str) -> ActingWarrant | None:
    """The warrant ``actor`` does ``action`` under, or None when they hold it in their own
    right: what the act's audit entry records (its number and capacity)."""
    return actor.warrant_for(PERMISSIONS[action])


# Roles that only read: an account holding none but these (the auditor) sends no request that
# changes anything, whatever route it reaches, new routes included (``refuse_read_only``).
# The exceptions keep its own account going and run the whole-log audit check, which only
# reads the log: logging out, changing its own password, marking its own notifications read.
READ_ONLY_ROLES = frozenset({Role.AUDITOR})
READ_ONLY_MAY_SEND = frozenset({
    ("POST", "/api/auth/logout"), ("POST", "/logout"), ("POST", "/api/me/password"),
    ("POST", "/api/notifications/read-all"), ("POST", "/api/notifications/{notification_id}/read"),
    ("POST", "/notifications/read-all"), ("POST", "/notifications/{notification_id}/read"),
    ("POST", "/api/audit/checks"), ("POST", "/admin/audit/checks"),
})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_MAY_SEND = [(method, re.compile(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$"))
             for method, path in READ_ONLY_MAY_SEND]


def read_only(actor: Actor) -> bool:
    """Does ``actor`` hold only roles that read (an auditor with no other role)?"""
    return bool(actor.roles) and actor.roles <= READ_ONLY_ROLES


def refuse_read_only(actor: Actor, method: str, path: str) -> None:
    """Raise :class:`Forbidden` when a read-only account sends anything but a read to
    ``path``, beyond :data:`READ_ONLY_MAY_SEND`. The routes check their roles too: this is
    the rule that holds when one of them forgets the auditor."""
    if method in SAFE_METHODS or not read_only(actor):
        return
    if any(method == allowed and pattern.match(path) for allowed, pattern in _MAY_SEND):
        return
    raise Forbidden("Pemeriksa (Inspektorat/BPK) hanya dapat membaca, tidak mengubah data",
                    "role_not_permitted")
