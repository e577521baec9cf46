"""Errors of the service layer. The API maps each family to one HTTP status, in one place
(``cases.http.errors``). They hang under the one root, beside the domain's refusals::

    BerkasError (workflows.errors)
    ├── WorkflowError        the domain's refusals (workflows.errors)
    └── ServiceError
        ├── NotAuthenticated     401  no or bad credentials, inactive user
        ├── Forbidden            403  the user's role may not do this
        ├── NotFound             404  unknown case, document, user, workflow
        ├── Conflict             409  stale version, closed case, duplicate
        ├── BadInput             422  well-formed request with unacceptable content
        ├── PayloadTooLarge      413  upload over the limit
        ├── UnsupportedFileType  415  upload that is not PDF, JPEG or PNG by content
        └── TooManyAttempts      429  too many login attempts from one address or on one account

Entrypoints catch :class:`~workflows.errors.BerkasError`, never the two trees by name.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows import BerkasError, Reason


class ServiceError(BerkasError):
    """Base of the service layer's refusals; ``code`` may be set per raise."""

    code = "error"

    def __init__(self, message: str, code: str | None = None,
                 reasons: Sequence[Reason] = ()) -> None:
        super().__init__(message, reasons)
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
