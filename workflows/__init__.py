"""Berkas workflows: pure domain. Definitions as data, guards, the engine, diagrams.

Imports nothing from the web, database or scheduler layers.
"""

from __future__ import annotations

from workflows.definition import (
    ROLE_LABELS,
    CaseState,
    DeadlineRule,
    DocumentKind,
    FieldSpec,
    FieldType,
    LetterKind,
    Role,
    StateSpec,
    TransitionSpec,
    WorkflowDefinition,
)
from workflows.diagram import mermaid
from workflows.engine import Evaluation, Outcome, WorkflowEngine
from workflows.errors import (
    BerkasError,
    GuardsUnmet,
    InvalidDefinition,
    InvalidInput,
    NotPermitted,
    TransitionRefused,
    UnknownTrigger,
    UnknownWorkflow,
    WorkflowError,
    WrongState,
)
from workflows.facts import Actor, CaseFacts, DocumentStatus, FieldValue, TransitionInput
from workflows.fields import MAX_AMOUNT, parse_fields
from workflows.money import format_rupiah
from workflows.paths import path_to
from workflows.reasons import Reason
from workflows.registry import (
    DEFINITIONS,
    get_definition,
    get_engine,
    register,
    registered,
    unregister,
)

__all__ = [
    "DEFINITIONS",
    "MAX_AMOUNT",
    "ROLE_LABELS",
    "Actor",
    "BerkasError",
    "CaseFacts",
    "CaseState",
    "DeadlineRule",
    "DocumentKind",
    "DocumentStatus",
    "Evaluation",
    "FieldSpec",
    "FieldType",
    "FieldValue",
    "GuardsUnmet",
    "InvalidDefinition",
    "InvalidInput",
    "LetterKind",
    "NotPermitted",
    "Outcome",
    "Reason",
    "Role",
    "StateSpec",
    "TransitionInput",
    "TransitionRefused",
    "TransitionSpec",
    "UnknownTrigger",
    "UnknownWorkflow",
    "WorkflowDefinition",
    "WorkflowEngine",
    "WorkflowError",
    "WrongState",
    "format_rupiah",
    "get_definition",
    "get_engine",
    "mermaid",
    "parse_fields",
    "path_to",
    "register",
    "registered",
    "unregister",
]
