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
class DocumentFact:
    """One uploaded document, as payment guards read it: its kind and its check."""

    kind: str
    status: DocumentStatus
    value: int | None = None  # the value it states, recorded at its check (a BAST's)


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What guards know of a case. ``paid_amount`` is the gross of its payments so far;
    ``uploads`` every document by id (for the termin a payment names), ``paid_documents``
    the ids an earlier payment already used; ``parameters`` the deployment's overrides of
    the definition's parameters (``GuardContext.parameter``)."""

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
    applicant: Mapping[str, object] = field(default_factory=dict)
    data: Mapping[str, object] = field(default_factory=dict)
    nphd_date: date | None = None
    party_id: int | None = None
    party_is_pkp: bool = False
    uploads: Mapping[int, DocumentFact] = field(default_factory=dict)
    paid_documents: frozenset[int] = frozenset()
    # This case's documents whose very bytes (sha256) an earlier payment, of any case, used.
    paid_elsewhere: frozenset[int] = frozenset()
    payments: int = 0
    fiscal_year: int = 0
    # What other cases of the same party under the same Keputusan Bupati hold approved.
    decision_committed: int = 0
    parameters: Mapping[str, Mapping[str, int | str]] = field(default_factory=dict)
    # Best status per document kind: a kind with one valid upload counts as valid.
    documents: Mapping[str, DocumentStatus] = field(default_factory=dict)
    # Facts from outside the case, looked up by the service before it asks the engine.
    budget_remaining: int | None = None
    recipient_has_overdue_report: bool = False

    def data_date(self, name: str) -> date | None:
        """A date kept in the case's data (stored as ISO text), or None."""
        value = self.data.get(name)
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                return None
        return None

    def data_money(self, name: str) -> int | None:
        value = self.data.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True, slots=True)
class TransitionInput:
    """A transition's form: the free comment and the typed ``data`` fields."""

    comment: str = ""
    data: Mapping[str, FieldValue] = field(default_factory=dict)
