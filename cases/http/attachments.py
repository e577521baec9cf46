"""A stored document as a download (the API and the pages serve documents alike)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response

from cases.models import Document


def attachment(doc: Document, content: bytes) -> Response:
    """A stored document as a download that no browser renders inline (pages use it too)."""
    disposition = f"attachment; filename*=UTF-8''{quote(doc.filename)}"
    return Response(
        content,
        media_type=doc.content_type,
        headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff",
                 "Content-Security-Policy": "sandbox", "ETag": f'"{doc.sha256}"'},
    )
