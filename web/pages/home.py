"""Tugas saya: what waits for the signed-in person, and the counts per state."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from cases.services.counts import state_counts
from cases.services.worklist import my_tasks, signoff_states
from web.render import page
from web.session import PageDep
from workflows import DEFINITIONS

router = APIRouter()


@router.get("/")
def dashboard(who: PageDep) -> Response:
    counts = state_counts(who.session)
    waiting = signoff_states()
    return page(who.request, "dashboard.html", {
        "tasks": my_tasks(who.session, who.actor),
        "counts": counts,
        "signoff_count": sum(n for (workflow, state), n in counts.items()
                             if state in waiting.get(workflow, ())),
        "workflows": list(DEFINITIONS.values()),
        "now": who.runtime.clock(),
    }, who=who)
