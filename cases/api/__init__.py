"""The JSON API under ``/api``: thin routes over the service layer."""

from __future__ import annotations

from fastapi import APIRouter

from cases.api import (
    admin,
    audit,
    auth,
    cases,
    documents,
    exports,
    letters,
    parties,
    reports,
    warrants,
    workflows,
)
from cases.http.params import ERROR_RESPONSES

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
for module in (auth, workflows, cases, documents, parties, admin, warrants, audit, letters,
               exports, reports):
    router.include_router(module.router)

__all__ = ["router"]
