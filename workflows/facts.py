"""What guards see: the facts of one case, who acts, and what they typed.

These are plain values, built by the persistence layer from rows, so that guards stay pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from workflows.acting import ActingWarrant, LapsedWarrant

FieldValue = str | int | date


class DocumentStatus(StrEnum):
    UNCHECKED = "unchecked"
    VALID = "valid"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class Actor:
    """The person acting. ``roles``: what they may do now, their own roles and those a
    warrant in force lends them (``acting``, Plh./Plt.); ``lapsed``: their latest warrant of
    each role it no longer lends (expired or revoked), so that a refusal can say so."""

    user_id: int
    username: str
    roles: frozenset[str]
    full_name: str = ""
    acting: tuple[ActingWarrant, ...] = ()
    lapsed: tuple[LapsedWarrant, ...] = ()

    @property
    def own_roles(self) -> frozenset[str]:
        """The roles held in one's own right (a warrant is never listed for one of them)."""
        return self.roles - {w.role for w in self.acting}

    def warrant_for(self, allowed: AbstractSet[str]) -> ActingWarrant | None:
        """The warrant an act open to ``allowed`` roles is done under, or None when the
        actor holds one of them in their own right (or none at all)."""
        if self.own_roles & allowed:
            return None
        return next((w for w in self.acting if w.role in allowed), None)

    @property
    def name(self) -> str:
        return self.full_name or self.username


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
