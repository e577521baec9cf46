"""What every HTTP exchange gets: a request id, server timing, security headers, and a body
size limit enforced before the body is read."""

from __future__ import annotations

import time
import uuid

import structlog
from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cases.api.errors import error_body

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
    app.add_middleware(Exchange, limit=max_upload_bytes + FORM_OVERHEAD)


class Exchange:
    """The exchange as plain ASGI middleware, not ``@app.middleware("http")``: Starlette's
    BaseHTTPMiddleware runs every request through an extra task and memory stream, which
    showed in the profile of the transition benchmark (``make bench``)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = headers.get("x-request-id", "")[:64] or uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        page = not str(scope["path"]).startswith(DOCS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out["X-Request-ID"] = request_id
                out["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
                for name, value in HEADERS.items():
                    out[name] = value
                if page and "content-security-policy" not in out:
                    out["Content-Security-Policy"] = CSP
            await send(message)

        refusal = _too_large(headers, self.limit)
        await (refusal or self.app)(scope, receive, send_with_headers)


def _too_large(headers: Headers, limit: int) -> Response | None:
    """Refuse a body announced larger than any upload may be, without reading it."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        body = error_body("file_too_large",
                          f"Ukuran permintaan melebihi batas {limit // (1024 * 1024)} MB")
        return JSONResponse(body, status_code=413, headers={"Connection": "close"})
    return None
