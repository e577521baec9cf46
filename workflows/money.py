"""Rupiah amounts are whole integers; this is how people read them."""

from __future__ import annotations


def format_rupiah(amount: int) -> str:
    """``12500000`` → ``Rp12.500.000`` (Indonesian thousands separator, no space, no
    decimals: docs/domain.md, Money)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")
