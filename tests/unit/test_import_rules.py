"""The layers import inward only (docs/architecture.md):

    app  →  web  →  notifications  →  cases  →  infra  →  workflows

``workflows`` is pure domain and imports no infrastructure at all; ``cases.api`` is the JSON
API's routes, which nothing but the app wires, so ``web`` and ``notifications`` reach the HTTP
plumbing they share through ``cases.http``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("workflows", "infra", "cases", "notifications", "web", "app")
INFRASTRUCTURE = ("fastapi", "starlette", "sqlmodel", "sqlalchemy", "alembic", "apscheduler",
                  "pydantic_settings", "uvicorn", "psycopg", "jinja2", "structlog")


def modules(package: str) -> Iterator[Path]:
    path = ROOT / package
    yield from ([path.with_suffix(".py")] if package == "app" else sorted(path.rglob("*.py")))


def imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def top(name: str) -> str:
    return name.split(".", maxsplit=1)[0]


@pytest.mark.parametrize("package", LAYERS)
def test_no_layer_imports_a_layer_above_it(package: str) -> None:
    above = set(LAYERS[LAYERS.index(package) + 1:])
    offences = [f"{path.relative_to(ROOT)} imports {name}"
                for path in modules(package) for name in imports(path) if top(name) in above]
    assert offences == []


def test_workflows_import_no_infrastructure() -> None:
    offences = [f"{path.relative_to(ROOT)} imports {name}" for path in modules("workflows")
                for name in imports(path) if top(name) in INFRASTRUCTURE]
    assert offences == []


@pytest.mark.parametrize("package", ["web", "notifications", "cases/services", "infra"])
def test_only_the_app_wires_the_json_api(package: str) -> None:
    offences = [f"{path.relative_to(ROOT)} imports {name}" for path in modules(package)
                for name in imports(path) if name == "cases.api" or name.startswith("cases.api.")]
    assert offences == []


def test_the_rules_see_every_package() -> None:
    assert all((ROOT / p).is_dir() for p in LAYERS[:-1])
    assert sum(1 for _ in modules("cases")) > 10
