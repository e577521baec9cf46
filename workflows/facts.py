"""What guards see: the facts of one case, who acts, and what they typed.

These are plain values, built by the persistence layer from rows, so that guards stay pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

FieldValue = str | int | date


class DocumentStatus(StrEnum):
    UNCHECKED = "unchecked"
    VALID = "valid"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class Actor:
    """The person firing a transition. ``acting_for`` names a warrant when acting (Plh./Plt.)."""

    user_id: int
    username: str
    roles: frozenset[str]
    full_name: str = ""
    acting_for: str | None = None


@dataclass(frozen=True, slots=True)
class CaseFacts:
    workflow: str
    state: str
    registered_by: int | None
    reviewed_by: int | None = None
    approved_by: int | None = None
    amount: int = 0
    recommended_amount: int | None = None
    approved_amount: int | None = None
    paid_amount: int | None = None
    tier: str | None = None
    # Best status per document kind: a kind with one valid upload counts as valid.
    documents: Mapping[str, DocumentStatus] = field(default_factory=dict)
    # Facts from outside the case, looked up by the service before it asks the engine.
    budget_remaining: int | None = None
    recipient_has_overdue_report: bool = False


@dataclass(frozen=True, slots=True)
class TransitionInput:
    """A transition's form: the free comment and the typed ``data`` fields."""

    comment: str = ""
    data: Mapping[str, FieldValue] = field(default_factory=dict)
