"""The JSON API under ``/api``: thin routes over the service layer."""

from __future__ import annotations

from fastapi import APIRouter

from cases.api import admin, auth, cases, documents, workflows

router = APIRouter(prefix="/api")
for module in (auth, workflows, cases, documents, admin):
    router.include_router(module.router)

__all__ = ["router"]
