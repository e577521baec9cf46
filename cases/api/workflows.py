"""The workflow definitions, so that clients build their forms from them."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from cases.api import presenters, schemas
from cases.http.deps import CurrentActor
from workflows import DEFINITIONS, get_definition, mermaid

router = APIRouter(tags=["workflows"])


@router.get("/workflows")
def list_workflows(_actor: CurrentActor) -> list[schemas.WorkflowOut]:
    return [presenters.workflow(d) for d in DEFINITIONS.values()]


@router.get("/workflows/{name}")
def show_workflow(name: str, _actor: CurrentActor) -> schemas.WorkflowOut:
    return presenters.workflow(get_definition(name))


@router.get("/workflows/{name}/diagram", response_class=PlainTextResponse)
def workflow_diagram(name: str, _actor: CurrentActor, current: str | None = None) -> str:
    """Mermaid ``stateDiagram-v2`` text; ``current`` highlights a state."""
    definition = get_definition(name)
    highlight = current if current in {s.code for s in definition.states} else None
    return mermaid(definition, highlight)
