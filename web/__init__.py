"""Berkas's pages: server-rendered Jinja2 with HTMX, in Indonesian, over the service layer.

The pages call the same service functions as the JSON API, so the two can never disagree.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from web import errors
from web.pages import (
    absences,
    admin,
    audit,
    auth,
    budgets,
    cases,
    diagrams,
    exports,
    home,
    inbox,
    letters,
    parties,
    registration,
    reports,
    signoff,
    warrants,
)

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Mount the pages, their static files and their error pages on ``app``."""
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # Registration before the case pages: ``/cases/new`` is not ``/cases/{case_id}``.
    # Exports before the case pages too: ``/cases/export.xlsx`` is not a case.
    for module in (auth, home, registration, exports, cases, signoff, diagrams, inbox, budgets,
                   admin, audit, parties, warrants, absences, letters, reports):
        app.include_router(module.router, include_in_schema=False)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        return RedirectResponse("/static/favicon.svg", status_code=301)
