"""The workflows' diagrams: every state and transition of each workflow, drawn."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import Response

from web.render import page
from web.session import PageDep
from workflows import DEFINITIONS, WorkflowDefinition, format_rupiah
from workflows.diagram import svg

router = APIRouter()


@dataclass(frozen=True, slots=True)
class ParameterRow:
    """One value a workflow's guards read: its key, the value in force, and whether it comes
    from the settings (the Perbup's SSH entered) or is still the definition's placeholder."""

    key: str
    label: str
    value: int | str
    configured: bool


def parameter_rows(definition: WorkflowDefinition, overrides: Mapping[str, Mapping[str, Mapping[
        str, int | str]]]) -> dict[str, list[ParameterRow]]:
    """Each parameter of ``definition`` as in force under the deployment's ``overrides``."""
    own = overrides.get(definition.name, {})
    rows: dict[str, list[ParameterRow]] = {}
    for name, defaults in definition.parameters.items():
        merged = {**defaults, **own.get(name, {})}
        rows[name] = [ParameterRow(key, _label(definition, key), value, key in own.get(name, {}))
                      for key, value in merged.items()]
    return rows


def _label(definition: WorkflowDefinition, key: str) -> str:
    """A key as people read it: the label of the choice it is (a Dewan Pers status)."""
    return next((f.choice_label(key) for f in definition.applicant_fields if key in f.choices),
                key)


@router.get("/workflows")
def workflows(who: PageDep) -> Response:
    overrides = who.runtime.settings.workflow_parameters
    diagrams = [(d, svg(d), parameter_rows(d, overrides)) for d in DEFINITIONS.values()]
    return page(who.request, "workflows.html", {"diagrams": diagrams,
                                                "format_rupiah": format_rupiah}, who=who)
