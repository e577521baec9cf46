"""What every HTTP exchange gets: a request id, server timing, security headers, and a body
size limit enforced before the body is read."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from cases.api.errors import error_body

Next = Callable[[Request], Awaitable[Response]]

# No inline script or style anywhere in the pages; nothing may frame them.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# FastAPI's own API explorer loads its scripts from elsewhere; it keeps its own rules.
DOCS = ("/docs", "/redoc")
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the other fields beside a file


def install(app: FastAPI, max_upload_bytes: int) -> None:
    limit = max_upload_bytes + FORM_OVERHEAD

    @app.middleware("http")
    async def exchange(request: Request, call_next: Next) -> Response:
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        response = _too_large(request, limit) or await call_next(request)
        response.headers["X-Request-ID"] = request_id
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        response.headers.update(HEADERS)
        if not request.url.path.startswith(DOCS):
            response.headers.setdefault("Content-Security-Policy", CSP)
        return response


def _too_large(request: Request, limit: int) -> Response | None:
    """Refuse a body announced larger than any upload may be, without reading it."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        body = error_body("file_too_large",
                          f"Ukuran permintaan melebihi batas {limit // (1024 * 1024)} MB")
        return JSONResponse(body, status_code=413, headers={"Connection": "close"})
    return None
