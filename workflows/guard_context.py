"""What every guard is given (:class:`GuardContext`), and the check of one required document
that several guards share. Guards live in ``workflows.guards`` and the modules it gathers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from workflows.definition import DocumentKind, TransitionSpec, WorkflowDefinition
from workflows.facts import Actor, CaseFacts, DocumentStatus, TransitionInput
from workflows.reasons import Reason


@dataclass(frozen=True, slots=True)
class GuardContext:
    workflow: WorkflowDefinition
    transition: TransitionSpec
    facts: CaseFacts
    actor: Actor
    input: TransitionInput

    def money(self, name: str) -> int | None:
        value = self.input.data.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def day(self, name: str) -> date | None:
        value = self.input.data.get(name)
        return value if isinstance(value, date) else None

    def parameter(self, name: str) -> Mapping[str, int | str]:
        """The definition's parameter ``name``, with the deployment's overrides of its keys
        (``CaseFacts.parameters``, from the settings) laid over it."""
        return {**self.workflow.parameters.get(name, {}),
                **self.facts.parameters.get(name, {})}


Guard = Callable[[GuardContext], list[Reason]]


@dataclass(frozen=True, slots=True)
class GuardEntry:
    check: Guard
    needs_input: bool = False


def document_reasons(kind: DocumentKind, status: DocumentStatus | None) -> list[Reason]:
    """Why a required document of ``kind`` does not count: not uploaded, not yet checked,
    or found not to meet the requirement (TMS). Every gate needs it MS (docs/domain.md)."""
    basis = kind.legal_basis
    if status is None:
        return [Reason("missing_document", f"{kind.label} belum diunggah", basis=basis)]
    if status is DocumentStatus.INVALID:
        return [Reason("invalid_document",
                       f"{kind.label} tidak memenuhi syarat (TMS)", basis=basis)]
    if status is not DocumentStatus.VALID:
        return [Reason("unchecked_document",
                       f"{kind.label} belum diperiksa (harus memenuhi syarat, MS)", basis=basis)]
    return []


def approved_amount(ctx: GuardContext) -> int:
    """What the Kadis approves: the amount typed, else the recommended or proposed one."""
    typed = ctx.money("approved_amount")
    return typed if typed is not None else approval_ceiling(ctx.facts)


def approval_ceiling(facts: CaseFacts) -> int:
    if facts.recommended_amount is not None:
        return facts.recommended_amount
    return facts.amount
