"""Errors of the service layer. The API maps each family to one HTTP status, in one place::

    ServiceError
    ├── NotAuthenticated     401  no or bad credentials, inactive user
    ├── Forbidden            403  the user's role may not do this
    ├── NotFound             404  unknown case, document, user, workflow
    ├── Conflict             409  stale version, closed case, duplicate
    ├── BadInput             422  well-formed request with unacceptable content
    ├── PayloadTooLarge      413  upload over the limit
    ├── UnsupportedFileType  415  upload that is not PDF, JPEG or PNG by content
    └── TooManyAttempts      429  too many failed logins for one username

Domain refusals (``workflows.errors``) are mapped beside these.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows import Reason


class ServiceError(Exception):
    code = "error"

    def __init__(self, message: str, code: str | None = None, reasons: Sequence[Reason] = ()):
        super().__init__(message)
        self.message = message
        self.reasons = tuple(reasons)
        if code is not None:
            self.code = code


class NotAuthenticated(ServiceError):
    code = "not_authenticated"


class Forbidden(ServiceError):
    code = "forbidden"


class NotFound(ServiceError):
    code = "not_found"


class Conflict(ServiceError):
    code = "conflict"


class BadInput(ServiceError):
    code = "invalid_input"


class PayloadTooLarge(ServiceError):
    code = "file_too_large"


class UnsupportedFileType(ServiceError):
    code = "unsupported_file_type"


class TooManyAttempts(ServiceError):
    code = "too_many_attempts"
