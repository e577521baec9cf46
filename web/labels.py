"""Indonesian labels of stored codes that pages show (choices, audit actions, document status)."""

from __future__ import annotations

from collections.abc import Mapping

CHOICE_LABELS: Mapping[str, str] = {
    "print": "Cetak", "online": "Daring (online)", "radio": "Radio", "tv": "Televisi",
    "factual": "Terverifikasi faktual", "administrative": "Terverifikasi administrasi",
    "in_process": "Dalam proses pendataan", "none": "Belum terdata",
    "A": "A (terverifikasi faktual)", "B": "B (terverifikasi administrasi)",
    "C": "C (dalam proses)",
}

ACTION_LABELS: Mapping[str, str] = {
    "case_created": "mendaftarkan berkas",
    "transition": "mengubah status",
    "document_added": "mengunggah dokumen",
    "document_checked": "memeriksa dokumen",
    "assigned": "menugaskan petugas",
    "comment_added": "berkomentar",
    "reminder_sent": "mengirim pengingat",
}

STATUS_LABELS: Mapping[str, str] = {
    "unchecked": "diunggah, belum diperiksa", "valid": "sah", "invalid": "tidak sah",
}

GATE_LABELS: Mapping[str, str] = {
    "review": "verifikasi", "pay": "pembayaran", "report": "laporan",
}
