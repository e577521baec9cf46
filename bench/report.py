"""Render bench results: the terminal table of ``make bench`` and the Markdown of
``bench/README.md`` (``python -m bench.report bench/results/latest.json``).

The issue's figures come first, "today" (issue 16) beside the new one; the other figures follow.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# The table, in its order.
HEADLINE = ("transitions_ratio", "transitions_p99", "api_read_ratio", "sweep_per_100k",
            "verify", "list_p95", "rss")
COLUMNS = ("measure", "today", "new", "ceiling", "ratio", "target", "met")


def ordered(figures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_key = {f.get("key"): f for f in figures}  # results before issue 16 have no keys
    first = [by_key[k] for k in HEADLINE if k in by_key]
    return first + [f for f in figures if f.get("key") not in HEADLINE]


def cells(figure: dict[str, Any]) -> tuple[str, ...]:
    """A figure's row: measure, today, new, ceiling, ratio, target, met."""
    ceiling = "" if figure["ceiling"] is None else f"{figure['ceiling']:,g}"
    ratio = "" if figure["ratio"] is None else f"{figure['ratio']:.3f}"
    met = {True: "yes", False: "NO", None: ""}[figure["met"]]
    value = f"{figure['value']:,g} {figure['unit']}"
    return (figure["name"], figure.get("today", ""), value, ceiling, ratio, figure["target"], met)


def table(run: dict[str, Any]) -> str:
    rows = [COLUMNS, *(cells(f) for f in ordered(run["figures"]))]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = [f"\n== {run['backend']}, {run['scale']} berkas =="]
    for row in rows:
        lines.append("  ".join(c.ljust(w) if i in (0, 1, 5, 6) else c.rjust(w)
                               for i, (c, w) in enumerate(zip(row, widths, strict=True))))
    return "\n".join(lines)


def markdown(report: dict[str, Any]) -> str:
    machine = report["machine"]
    lines = []
    for run in report["runs"]:
        data = run["data"]
        lines += [
            f"**{run['backend']}, {data['cases']:,} cases** ({data['audit_entries']:,} audit "
            f"entries, {data['open_deadlines']:,} open deadlines; loaded in {data['seconds']} s)."
            f" Measured {report['at']} on {machine['cpus']} cores, {machine['memory_gb']} GB, "
            f"Python {machine['python']}; the whole run took {report['seconds']} s.",
            "",
            "| " + " | ".join(COLUMNS) + " |",
            "|---|---|---:|---:|---:|---|---|",
        ]
        lines += ["| " + " | ".join(cells(f)) + " |" for f in ordered(run["figures"])]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    for path in sys.argv[1:] or ["bench/results/latest.json"]:
        print(markdown(json.loads(Path(path).read_text())))


if __name__ == "__main__":
    main()
