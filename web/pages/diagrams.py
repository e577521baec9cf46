"""The workflows' diagrams: every state and transition of each workflow, drawn."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from web.render import page
from web.session import PageDep
from workflows import DEFINITIONS
from workflows.diagram import svg

router = APIRouter()


@router.get("/workflows")
def workflows(who: PageDep) -> Response:
    diagrams = [(d, svg(d)) for d in DEFINITIONS.values()]
    return page(who.request, "workflows.html", {"diagrams": diagrams}, who=who)
