"""Mermaid state diagrams, generated from the same definition the engine runs on."""

from __future__ import annotations

from workflows.definition import WorkflowDefinition


def mermaid(definition: WorkflowDefinition, current: str | None = None) -> str:
    """A ``stateDiagram-v2`` of the workflow; ``current`` is highlighted when given."""
    lines = ["stateDiagram-v2", f"    [*] --> {definition.initial.value}"]
    lines += [f"    {s.code.value} : {s.label}" for s in definition.states]
    for spec in definition.transitions:
        lines += [
            f"    {source.value} --> {spec.dest.value} : {spec.trigger}" for source in spec.sources
        ]
    lines += [f"    {s.code.value} --> [*]" for s in definition.states if s.terminal]
    if current is not None:
        lines += ["    classDef current fill:#ffd54f,stroke:#e65100,stroke-width:3px",
                  f"    class {current} current"]
    return "\n".join(lines) + "\n"
