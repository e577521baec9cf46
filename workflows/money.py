"""Rupiah amounts are whole integers; this is how people read them."""

from __future__ import annotations


def format_rupiah(amount: int) -> str:
    """``12500000`` → ``Rp 12.500.000`` (Indonesian thousands separator, no decimals)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")
