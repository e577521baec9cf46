"""Every route of the app with its full path and methods, through nested included routers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI


def flat_routes(app: FastAPI) -> list[tuple[str, frozenset[str]]]:
    return sorted(set(_walk(app.routes, "")))


def _walk(routes: Iterable[Any], prefix: str) -> Iterator[tuple[str, frozenset[str]]]:
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _walk(included.routes, prefix + route.include_context.prefix)
        elif getattr(route, "methods", None):
            yield prefix + route.path, frozenset(route.methods)
