"""A stored document as a download (the API and the pages serve documents alike)."""

from __future__ import annotations

from typing import Protocol
from urllib.parse import quote

from fastapi.responses import Response


class Stored(Protocol):
    """What a download names: a case document, or a warrant's scan."""

    filename: str
    content_type: str
    sha256: str


def attachment(doc: Stored, content: bytes) -> Response:
    """A stored file as a download that no browser renders inline (pages use it too)."""
    disposition = f"attachment; filename*=UTF-8''{quote(doc.filename)}"
    return Response(
        content,
        media_type=doc.content_type,
        headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff",
                 "Content-Security-Policy": "sandbox", "ETag": f'"{doc.sha256}"'},
    )
