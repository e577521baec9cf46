"""Render bench results (``bench/results/*.json``) as the Markdown table the README shows."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def cells(figure: dict[str, Any], missed: str = "MISSED") -> tuple[str, str, str]:
    """A figure's ceiling, ratio and target-with-verdict, as text."""
    ceiling = "" if figure["ceiling"] is None else f"{figure['ceiling']:,g}"
    ratio = "" if figure["ratio"] is None else f"{figure['ratio']:.2f}"
    verdict = {True: " ✓ met", False: f" ✗ {missed}", None: ""}[figure["met"]]
    return ceiling, ratio, f"{figure['target']}{verdict}"


def markdown(report: dict[str, Any]) -> str:
    machine = report["machine"]
    lines = []
    for run in report["runs"]:
        data = run["data"]
        lines += [
            f"**{run['backend']}, {data['cases']:,} cases** ({data['audit_entries']:,} audit "
            f"entries, {data['open_deadlines']:,} open deadlines; loaded in {data['seconds']} s). "
            f"Measured {report['at']} on {machine['cpus']} cores, {machine['memory_gb']} GB, "
            f"Python {machine['python']}; the whole run took {report['seconds']} s.",
            "",
            "| measure | figure | ceiling | ratio | target |",
            "|---|---:|---:|---:|---|",
        ]
        for f in run["figures"]:
            ceiling, ratio, target = cells(f, missed="**missed**")
            lines.append(f"| {f['name']} | {f['value']:,g} {f['unit']} | {ceiling} | {ratio} | "
                         f"{target} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    for path in sys.argv[1:] or ["bench/results/latest.json"]:
        print(markdown(json.loads(Path(path).read_text())))


if __name__ == "__main__":
    main()
