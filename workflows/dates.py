"""Dates as officers read them: Indonesian, in WITA (``Rabu, 4 Februari 2026 pukul 09.00 WITA``)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
ZONE_NAMES = {"Asia/Makassar": "WITA", "Asia/Jakarta": "WIB", "Asia/Jayapura": "WIT"}


def format_date(day: date, *, weekday: bool = True) -> str:
    """``Rabu, 4 Februari 2026`` (or ``4 Februari 2026`` without the weekday)."""
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{DAYS[day.weekday()]}, {text}" if weekday else text


def format_datetime(moment: datetime, tz: ZoneInfo) -> str:
    """An aware ``moment`` in ``tz``: ``Rabu, 4 Februari 2026 pukul 09.00 WITA``."""
    local = moment.astimezone(tz)
    zone = ZONE_NAMES.get(tz.key, tz.key)
    return f"{format_date(local.date())} pukul {local:%H.%M} {zone}"
