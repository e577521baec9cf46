"""Mermaid state diagrams, generated from the same definition the engine runs on."""

from __future__ import annotations

from html import escape

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


# --- SVG, drawn on the server so pages need no diagram library ----------------------------

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 140, 40, 120, 44, 24


def _layout(definition: WorkflowDefinition) -> dict[str, tuple[int, int]]:
    """The cells the definition gives its states (``StateSpec.cell``), when it gives every
    state one; otherwise a layout of our own."""
    cells = {s.code.value: s.cell for s in definition.states if s.cell is not None}
    if len(cells) == len(definition.states):
        return cells
    return _auto_layout(definition)


def _auto_layout(definition: WorkflowDefinition) -> dict[str, tuple[int, int]]:
    """Column = longest path from the initial state (back edges ignored); row = order within it."""
    order = [s.code.value for s in definition.states]
    rank = {definition.initial.value: 0}
    for _ in order:  # relax until stable; the graph is tiny
        for spec in definition.transitions:
            for source in spec.sources:
                dest = spec.dest.value
                if source.value in rank and order.index(dest) > order.index(source.value):
                    rank[dest] = max(rank.get(dest, 0), rank[source.value] + 1)
    rows: dict[int, int] = {}
    cells = {}
    for code in order:
        column = rank.get(code, 0)
        cells[code] = (column, rows.get(column, 0))
        rows[column] = rows.get(column, 0) + 1
    return cells


def _center(cell: tuple[int, int]) -> tuple[float, float]:
    column, row = cell
    return (PAD + column * (BOX_W + GAP_X) + BOX_W / 2, PAD + row * (BOX_H + GAP_Y) + BOX_H / 2)


def _edge(a: tuple[float, float], b: tuple[float, float], label: str) -> str:
    (x1, y1), (x2, y2) = a, b
    # Leave and enter at the boxes' sides (or top/bottom within one column).
    if abs(x1 - x2) < 1:
        y1, y2 = (y1 + BOX_H / 2, y2 - BOX_H / 2) if y2 > y1 else (y1 - BOX_H / 2, y2 + BOX_H / 2)
        cx, cy = x1 + 40, (y1 + y2) / 2
    else:
        x1, x2 = (x1 + BOX_W / 2, x2 - BOX_W / 2) if x2 > x1 else (x1 - BOX_W / 2, x2 + BOX_W / 2)
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2 - (24 if x2 < x1 else 0)
    return (f'<path class="edge" d="M{x1:.0f},{y1:.0f} Q{cx:.0f},{cy:.0f} {x2:.0f},{y2:.0f}" '
            f'marker-end="url(#arrow)"/><text class="edge-label" x="{cx:.0f}" y="{cy - 4:.0f}" '
            f'text-anchor="middle">{escape(label)}</text>')


def _loop(center: tuple[float, float], label: str) -> str:
    """A transition that leaves a state where it was (a termin paid): a loop over the box."""
    x, y = center
    top = y - BOX_H / 2
    x1, x2, peak = x + BOX_W / 8, x + BOX_W * 3 / 8, top - GAP_Y * 0.6
    return (f'<path class="edge" d="M{x1:.0f},{top:.0f} C{x1:.0f},{peak:.0f} {x2:.0f},'
            f'{peak:.0f} {x2:.0f},{top:.0f}" marker-end="url(#arrow)"/><text '
            f'class="edge-label" x="{x2 + 6:.0f}" y="{top - 8:.0f}" text-anchor="start">'
            f"{escape(label)}</text>")


def svg(definition: WorkflowDefinition, current: str | None = None) -> str:
    """The workflow as an SVG figure; ``current`` gets the ``current`` class."""
    cells = _layout(definition)
    width = PAD * 2 + (max(c for c, _ in cells.values()) + 1) * (BOX_W + GAP_X) - GAP_X
    height = PAD * 2 + (max(r for _, r in cells.values()) + 1) * (BOX_H + GAP_Y) - GAP_Y
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flow" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="Diagram alur {escape(definition.label)}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>'
        "</defs>",
    ]
    for spec in definition.transitions:
        for source in spec.sources:
            start, end = _center(cells[source.value]), _center(cells[spec.dest.value])
            parts.append(_loop(start, spec.label) if source == spec.dest
                         else _edge(start, end, spec.label))
    for state in definition.states:
        x, y = _center(cells[state.code.value])
        classes = " ".join(filter(None, [
            "state", "terminal" if state.terminal else "",
            "current" if state.code.value == current else ""]))
        parts.append(
            f'<g class="{classes}"><rect x="{x - BOX_W / 2:.0f}" y="{y - BOX_H / 2:.0f}" '
            f'width="{BOX_W}" height="{BOX_H}" rx="8"/><text x="{x:.0f}" y="{y + 5:.0f}" '
            f'text-anchor="middle">{escape(state.label)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
