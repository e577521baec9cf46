"""The registered workflows and their engines, built once at import (they are pure data)."""

from __future__ import annotations

from collections.abc import Mapping

from workflows.definition import WorkflowDefinition
from workflows.engine import WorkflowEngine
from workflows.errors import UnknownWorkflow
from workflows.grant import GRANT
from workflows.media_verification import MEDIA_VERIFICATION

DEFINITIONS: Mapping[str, WorkflowDefinition] = {
    d.name: d for d in (MEDIA_VERIFICATION, GRANT)
}
_ENGINES: Mapping[str, WorkflowEngine] = {
    name: WorkflowEngine(d) for name, d in DEFINITIONS.items()
}


def get_definition(name: str) -> WorkflowDefinition:
    try:
        return DEFINITIONS[name]
    except KeyError:
        raise UnknownWorkflow(name) from None


def get_engine(name: str) -> WorkflowEngine:
    try:
        return _ENGINES[name]
    except KeyError:
        raise UnknownWorkflow(name) from None
