"""Render bench results (``bench/results/*.json``) as the Markdown table the README shows."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


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
            verdict = {True: " ✓ met", False: " ✗ **missed**", None: ""}[f["met"]]
            ceiling = "" if f["ceiling"] is None else f"{f['ceiling']:,g}"
            ratio = "" if f["ratio"] is None else f"{f['ratio']:.2f}"
            lines.append(f"| {f['name']} | {f['value']:,g} {f['unit']} | {ceiling} | {ratio} | "
                         f"{f['target']}{verdict} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    for path in sys.argv[1:] or ["bench/results/latest.json"]:
        print(markdown(json.loads(Path(path).read_text())))


if __name__ == "__main__":
    main()
