"""Amounts and dates in words, as documents write them (docs/domain.md, Money, dates and
letters): ``Rp12.500.000,00 (dua belas juta lima ratus ribu rupiah)``."""

from __future__ import annotations

import re
from datetime import date

from num2words import num2words  # type: ignore[import-untyped]

from workflows.dates import DAYS, MONTHS, format_date
from workflows.money import format_rupiah

# num2words writes a lone thousand after a larger unit as "satu ribu" (1.001.000: "satu juta
# satu ribu"); Indonesian, and every terbilang, says "seribu". "seratus satu ribu" stays.
_ONE_THOUSAND = re.compile(r"(^|(?:juta|miliar|triliun) )satu ribu")


def in_words(number: int) -> str:
    """``12500000`` → ``dua belas juta lima ratus ribu`` (Indonesian, ``nol`` for 0)."""
    words = _ONE_THOUSAND.sub(r"\1seribu", str(num2words(abs(number), lang="id")))
    return f"minus {words}" if number < 0 else words


def terbilang(amount: int) -> str:
    """An amount of Rupiah in words: ``dua belas juta lima ratus ribu rupiah``."""
    return f"{in_words(amount)} rupiah"


def rupiah_figures(amount: int) -> str:
    """``Rp12.500.000,00``: whole Rupiah, with the cents a document writes."""
    return f"{format_rupiah(amount)},00"


def rupiah_in_full(amount: int) -> str:
    """``Rp12.500.000,00 (dua belas juta lima ratus ribu rupiah)``."""
    return f"{rupiah_figures(amount)} ({terbilang(amount)})"


def document_date(day: date) -> str:
    """``4 Februari 2026``: how a document dates itself."""
    return format_date(day, weekday=False)


def day_in_words(day: date) -> str:
    """How a Berita Acara opens: ``Rabu tanggal empat bulan Februari tahun dua ribu dua
    puluh enam``."""
    return (f"{DAYS[day.weekday()]} tanggal {in_words(day.day)} bulan {MONTHS[day.month - 1]} "
            f"tahun {in_words(day.year)}")
