"""What every HTTP exchange gets: a request id, server timing, security headers, who is
calling, and a body size limit enforced while the body streams.

Before a single byte of a body is read (issue 11):

- the caller is authenticated in full (token signature, expiry, the user active, the token
  version), and the verdict is left in ``scope["state"]`` for the routes;
- a body from nobody is refused: 401 under ``/api``, a redirect to the login page for a
  page form (what a person whose session ended expects). Only the two login forms take a
  body without a session, and a small one;
- a body announced larger than its limit is refused (413).

While it streams, a body (chunked or not) is counted: past its limit the client gets 413 at
once and the app sees a disconnect, so nothing more is read or spooled. Multipart uploads
may be ``max_upload_bytes`` plus the form around the file; every other body (JSON, a page
form) ``max_json_bytes``.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import cast
from urllib.parse import quote

import structlog
from anyio import to_thread
from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cases.http.deps import AUTH_STATE, Credential, Verdict, not_logged_in, token_of, verdict_of
from cases.http.errors import error_body
from infra.config import Settings
from infra.runtime import Runtime
from workflows import Actor

log = structlog.get_logger(__name__)

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
# The login forms are public: whoever sends them gets no more than a login needs.
LOGIN_ROUTES = frozenset({("POST", "/api/auth/token"), ("POST", "/login")})
LOGIN_BODY_BYTES = 16 * 1024
UNCHECKED = ("/static/",)  # public files: no session is looked up for them, no body is taken
DATA_TYPES = ("application/json", "application/x-www-form-urlencoded")
# The routes that take a file, and so the upload limit; every other body has the JSON limit,
# whatever Content-Type its sender claims.
UPLOAD_ROUTES = (re.compile(r"^(/api)?/cases/[0-9]+/documents$"),
                 re.compile(r"^(/api/warrants|/admin/warrants)$"))


def install(app: FastAPI, max_upload_bytes: int) -> None:
    app.add_middleware(Exchange, limit=max_upload_bytes + FORM_OVERHEAD)


class Exchange:
    """The exchange as plain ASGI middleware, not ``@app.middleware("http")``: Starlette's
    BaseHTTPMiddleware runs every request through an extra task and memory stream, which
    showed in the profile of the transition benchmark (``make bench``). Plain ASGI is also
    what lets it answer before the body is read, and stop reading it midway."""

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
        verdict = await _authenticate(scope, headers)
        login = (scope["method"], scope["path"]) in LOGIN_ROUTES
        private = isinstance(verdict, Actor) or login
        send = _with_headers(send, request_id, scope, private=private)
        limit, code = self._limit(scope, headers, login)
        refusal = (None if login else _no_session(scope, headers, verdict)) or _too_large(
            headers, limit, code)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        body = _CountedBody(scope, receive, send, limit, _refusal_413(limit, code))
        try:
            await self.app(scope, body.receive, body.send)
        except Exception:
            if not body.refused:
                raise
            # The client has its 413; the app only saw the disconnect it was given.
            log.debug("http.body_refused_midway", limit=limit)

    def _limit(self, scope: Scope, headers: Headers, login: bool) -> tuple[int, str]:
        """The most a body to this route may be, and the code of its refusal: a JSON
        document or a form is ``body_too_large``; anything else is taken for a file."""
        kind = headers.get("content-type", "").lower()
        code = "body_too_large" if kind.startswith(DATA_TYPES) else "file_too_large"
        if login:
            return LOGIN_BODY_BYTES, code
        path = str(scope["path"])
        if any(route.match(path) for route in UPLOAD_ROUTES):
            return self.limit, code
        settings = _settings(scope)
        return (settings.max_json_bytes if settings else self.limit), "body_too_large"


def _with_headers(send: Send, request_id: str, scope: Scope, *, private: bool) -> Send:
    """``send``, adding the headers every response gets; a response to a logged-in caller
    (or to a login) is ``no-store``, so no shared cache or back button keeps it."""
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
            if private:
                out["Cache-Control"] = "no-store"
        await send(message)

    return send_with_headers


def _runtime(scope: Scope) -> Runtime | None:
    """The app's runtime (Starlette puts the app in the scope before any middleware)."""
    return cast(Runtime | None, getattr(getattr(scope.get("app"), "state", None), "runtime",
                                        None))


def _settings(scope: Scope) -> Settings | None:
    runtime = _runtime(scope)
    return runtime.settings if runtime is not None else None


async def _authenticate(scope: Scope, headers: Headers) -> Verdict | None:
    """Check the credential the route takes, in full, and leave the verdict for the routes
    in ``scope["state"]``. None for public files, and when there is no runtime to ask."""
    path = str(scope["path"])
    runtime = _runtime(scope)
    if path.startswith(UNCHECKED) or runtime is None:
        return None
    credential: Credential = "bearer" if path.startswith("/api") else "cookie"
    token = token_of(headers, credential)
    verdict = await to_thread.run_sync(verdict_of, runtime, token) if token else not_logged_in()
    scope.setdefault("state", {})[AUTH_STATE] = (credential, verdict)
    return verdict


def _no_session(scope: Scope, headers: Headers, verdict: Verdict | None) -> Response | None:
    """Refuse a body from a caller with no valid session, before reading it; public files
    take no body from anyone."""
    carries_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
    path = str(scope["path"])
    if carries_body and path.startswith(UNCHECKED):
        return JSONResponse(error_body("method_not_allowed", "Berkas statis tidak menerima isi"),
                            status_code=405, headers={"Connection": "close"})
    if not carries_body or verdict is None or isinstance(verdict, Actor):
        return None
    if path.startswith("/api"):
        return JSONResponse(error_body(verdict.code, verdict.message), status_code=401,
                            headers={"WWW-Authenticate": "Bearer", "Connection": "close"})
    query = scope.get("query_string", b"").decode("latin-1")
    target = path + (f"?{query}" if query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303,
                            headers={"Connection": "close"})


def _refusal_413(limit: int, code: str) -> Response:
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return JSONResponse(error_body(code, f"Ukuran permintaan melebihi batas {size}"),
                        status_code=413, headers={"Connection": "close"})


def _too_large(headers: Headers, limit: int, code: str) -> Response | None:
    """Refuse a body announced larger than its limit, without reading it."""
    declared = headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        return _refusal_413(limit, code)
    return None


class _CountedBody:
    """The request body, counted as it streams. Past ``limit`` the client gets ``refusal``
    at once, nothing more is read, and the app is told the client went away (its own
    answer, if any, goes nowhere)."""

    def __init__(self, scope: Scope, receive: Receive, send: Send, limit: int,
                 refusal: Response) -> None:
        self._scope, self._receive, self._send = scope, receive, send
        self.limit, self._refusal = limit, refusal
        self.received = 0
        self.started = self.refused = False

    async def receive(self) -> Message:
        if self.refused:
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                self.refused = True
                if not self.started:
                    await self._refusal(self._scope, self._receive, self._send)
                return {"type": "http.disconnect"}
        return message

    async def send(self, message: Message) -> None:
        if self.refused:
            return
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)
