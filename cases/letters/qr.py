"""The QR code an issued document carries: its public verification address."""

from __future__ import annotations

import io

import segno


def qr_png(url: str, scale: int = 6) -> bytes:
    """``url`` as a PNG QR code (error correction M: still read when the paper is creased)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
