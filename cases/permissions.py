"""Who may do what outside the workflow transitions (those carry their roles in the definition)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from cases.errors import Forbidden
from workflows import Actor, Role

CASE_ROLES = frozenset({Role.OFFICER, Role.KABID, Role.KADIS, Role.TREASURER})
# Everyone who may read cases, parties and budgets: the case roles, finance and the auditor
# (Inspektorat, BPK), who reads everything and changes nothing.
READERS = CASE_ROLES | {Role.FINANCE, Role.AUDITOR}

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
    # The whole-log check only reads; the auditor runs it as the admin does.
    "verify_audit": frozenset({Role.ADMIN, Role.AUDITOR}),
    "read_system_audit": frozenset({Role.ADMIN, Role.AUDITOR}),
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
    "verify_audit": "memeriksa seluruh jejak audit",
    "read_system_audit": "membaca jejak audit sistem",
}


def may(actor: Actor, action: str) -> bool:
    return bool(actor.roles & PERMISSIONS[action])


def require(actor: Actor, action: str) -> None:
    """Raise :class:`Forbidden` unless one of ``actor``'s roles may do ``action``."""
    if not may(actor, action):
        raise Forbidden(f"Peran Anda tidak boleh {ACTION_LABELS[action]}", "role_not_permitted")


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
