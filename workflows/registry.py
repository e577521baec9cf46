"""The registered workflows and their engines.

The built-in workflows are registered at import (they are pure data). Another one is added
with :func:`register` (checked first, see :mod:`workflows.validation`) and removed with
:func:`unregister`; :func:`registered` does both around a block, as a test fixture would.
:data:`DEFINITIONS` is a read-only live view: modules that imported it see every change.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType

from workflows.definition import WorkflowDefinition
from workflows.engine import WorkflowEngine
from workflows.errors import InvalidDefinition, UnknownWorkflow
from workflows.grant import GRANT
from workflows.media_verification import MEDIA_VERIFICATION
from workflows.reasons import Reason
from workflows.validation import check_definition

_DEFINITIONS: dict[str, WorkflowDefinition] = {}
_ENGINES: dict[str, WorkflowEngine] = {}
DEFINITIONS: Mapping[str, WorkflowDefinition] = MappingProxyType(_DEFINITIONS)


def register(definition: WorkflowDefinition) -> WorkflowEngine:
    """Check ``definition``, build its engine and make both known by its name."""
    if definition.name in _DEFINITIONS:
        raise InvalidDefinition(
            f"Alur {definition.name!r} sudah terdaftar",
            [Reason("invalid_definition", f"name {definition.name} is taken")],
        )
    check_definition(definition)
    engine = WorkflowEngine(definition)
    _DEFINITIONS[definition.name] = definition
    _ENGINES[definition.name] = engine
    return engine


def unregister(name: str) -> None:
    """Forget the workflow ``name``; its cases, if any, can no longer be read or moved."""
    if name not in _DEFINITIONS:
        raise UnknownWorkflow(name)
    del _DEFINITIONS[name], _ENGINES[name]


@contextmanager
def registered(definition: WorkflowDefinition) -> Iterator[WorkflowEngine]:
    """``definition`` registered for the length of a ``with`` block."""
    engine = register(definition)
    try:
        yield engine
    finally:
        unregister(definition.name)


def get_definition(name: str) -> WorkflowDefinition:
    try:
        return _DEFINITIONS[name]
    except KeyError:
        raise UnknownWorkflow(name) from None


def get_engine(name: str) -> WorkflowEngine:
    try:
        return _ENGINES[name]
    except KeyError:
        raise UnknownWorkflow(name) from None


for _builtin in (MEDIA_VERIFICATION, GRANT):
    register(_builtin)
