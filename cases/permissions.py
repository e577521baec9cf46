"""Who may do what outside the workflow transitions (those carry their roles in the definition)."""

from __future__ import annotations

from collections.abc import Mapping

from cases.errors import Forbidden
from workflows import Actor, Role

CASE_ROLES = frozenset({Role.OFFICER, Role.KABID, Role.KADIS, Role.TREASURER})

PERMISSIONS: Mapping[str, frozenset[str]] = {
    "register_case": frozenset({Role.OFFICER, Role.KABID}),
    "backdate_case": frozenset({Role.KABID, Role.ADMIN}),
    "upload_document": frozenset({Role.OFFICER, Role.KABID, Role.TREASURER}),
    "check_document": frozenset({Role.OFFICER, Role.KABID}),
    "assign_case": frozenset({Role.OFFICER, Role.KABID}),
    "comment": CASE_ROLES,
    "set_budget": frozenset({Role.KADIS, Role.ADMIN}),
    "manage_users": frozenset({Role.ADMIN}),
    # The whole-log check and the system chain; the auditor role joins these when it exists.
    "verify_audit": frozenset({Role.ADMIN}),
    "read_system_audit": frozenset({Role.ADMIN}),
}

ACTION_LABELS: Mapping[str, str] = {
    "register_case": "mendaftarkan berkas",
    "backdate_case": "mendaftarkan berkas dengan tanggal lampau",
    "upload_document": "mengunggah dokumen",
    "check_document": "memeriksa dokumen",
    "assign_case": "menugaskan petugas",
    "comment": "memberi komentar",
    "set_budget": "menetapkan pagu",
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
