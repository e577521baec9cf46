"""Errors to HTTP, in one place. Every error body is ``{"detail": {code, message, reasons}}``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from cases.errors import (
    BadInput,
    Conflict,
    Forbidden,
    NotAuthenticated,
    NotFound,
    PayloadTooLarge,
    ServiceError,
    UnsupportedFileType,
)
from workflows import (
    GuardsUnmet,
    InvalidInput,
    NotPermitted,
    Reason,
    UnknownTrigger,
    UnknownWorkflow,
    WorkflowError,
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
    assert isinstance(exc, ServiceError | WorkflowError)
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


def install(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, _domain_error)
    app.add_exception_handler(WorkflowError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
