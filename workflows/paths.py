"""Ways through a workflow's graph, for whoever must bring a case to a given state (the demo
data, the tests that walk every workflow)."""

from __future__ import annotations

from collections import deque

from workflows.definition import WorkflowDefinition


def path_to(definition: WorkflowDefinition, state: str) -> tuple[str, ...]:
    """The shortest sequence of triggers from the initial state to ``state``; among paths of
    one length, the one that takes earlier-declared transitions first. Raises ValueError when
    ``state`` cannot be reached."""
    paths: dict[str, tuple[str, ...]] = {definition.initial.value: ()}
    queue = deque([definition.initial.value])
    while queue:
        here = queue.popleft()
        for spec in definition.transitions:
            dest = spec.dest.value
            if here in spec.sources and dest not in paths:
                paths[dest] = (*paths[here], spec.trigger)
                queue.append(dest)
    if state not in paths:
        raise ValueError(f"{state!r} cannot be reached in workflow {definition.name!r}")
    return paths[state]
