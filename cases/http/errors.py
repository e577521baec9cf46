"""Errors to HTTP, in one place. Every error body is ``{"detail": {code, message, reasons}}``."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from cases.errors import (
    BadInput,
    Conflict,
    Forbidden,
    NotAuthenticated,
    NotFound,
    PayloadTooLarge,
    TooManyAttempts,
    UnsupportedFileType,
)
from workflows import (
    BerkasError,
    GuardsUnmet,
    InvalidInput,
    NotPermitted,
    Reason,
    UnknownTrigger,
    UnknownWorkflow,
    WrongState,
)

log = structlog.get_logger(__name__)

STATUS: tuple[tuple[type[Exception], int], ...] = (
    (NotAuthenticated, 401),
    (Forbidden, 403),
    (NotPermitted, 403),
    (NotFound, 404),
    (UnknownWorkflow, 404),
    (UnknownTrigger, 404),
    (Conflict, 409),
    (WrongState, 409),
    (PayloadTooLarge, 413),
    (UnsupportedFileType, 415),
    (TooManyAttempts, 429),
    (BadInput, 422),
    (InvalidInput, 422),
    (GuardsUnmet, 422),
)

HTTP_CODES = {
    401: "not_authenticated", 404: "not_found", 405: "method_not_allowed",
    413: "request_too_large",
}


def error_body(code: str, message: str, reasons: Sequence[Reason | dict[str, Any]] = ()) -> dict[
    str, Any
]:
    out = [r.as_dict() if isinstance(r, Reason) else r for r in reasons]
    return {"detail": {"code": code, "message": message, "reasons": out}}


def status_of(exc: Exception) -> int:
    return next((status for cls, status in STATUS if isinstance(exc, cls)), 400)


def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BerkasError)
    status = status_of(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(error_body(exc.code, exc.message, exc.reasons), status, headers=headers)


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    reasons = [
        {"code": str(err.get("type", "invalid")),
         "message": f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg', '')}"}
        for err in exc.errors()
    ]
    body = error_body("invalid_request", "Permintaan tidak valid", reasons)
    return JSONResponse(body, 422)


def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    return JSONResponse(error_body(code, str(exc.detail)), exc.status_code, headers=exc.headers)


# Renders an error for a person (an HTML page) from the status and the JSON error body.
HtmlErrors = Callable[[Request, int, dict[str, Any]], Response]
API_PATHS = ("/api", "/healthz", "/openapi.json", "/docs")


def install(app: FastAPI, html: HtmlErrors | None = None) -> None:
    """Map errors to responses: JSON under ``/api``, and pages (via ``html``) elsewhere."""

    def negotiated(handler: Callable[[Request, Exception], JSONResponse]) -> Callable[
        [Request, Exception], Response
    ]:
        def respond(request: Request, exc: Exception) -> Response:
            response = handler(request, exc)
            if html is None or request.url.path.startswith(API_PATHS):
                return response
            return html(request, response.status_code, json.loads(bytes(response.body)))

        return respond

    app.add_exception_handler(BerkasError, negotiated(_domain_error))
    app.add_exception_handler(RequestValidationError, negotiated(_validation_error))
    app.add_exception_handler(StarletteHTTPException, negotiated(_http_error))
