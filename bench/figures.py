"""A figure of ``make bench``: its value, the ceiling measured in the same run (if any), the
issue's target and "today" figure (issue 16), and whether the target is met."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Figure:
    key: str  # stable, for bench/results/*.json
    name: str
    value: float
    unit: str
    ceiling: float | None = None  # measured in the same run
    versus: str = ""  # what the ceiling is
    target: str = ""
    met: bool | None = None
    today: str = ""  # the figure before this round

    @property
    def ratio(self) -> float | None:
        return round(self.value / self.ceiling, 3) if self.ceiling else None

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "value": self.value, "unit": self.unit,
                "ceiling": self.ceiling, "versus": self.versus, "ratio": self.ratio,
                "target": self.target, "met": self.met, "today": self.today}


def at_least(value: float, limit: float, target: str) -> dict[str, Any]:
    """``target`` and ``met`` for a figure that must reach ``limit``."""
    return {"target": target, "met": value >= limit}


def at_most(value: float, limit: float, target: str) -> dict[str, Any]:
    """``target`` and ``met`` for a figure that must stay within ``limit``."""
    return {"target": target, "met": value <= limit}
