"""Exceptions raised by the workflow domain, and the root of every refusal Berkas explains.

Every exception carries the context a caller needs to explain itself (workflow, trigger,
state, reasons), so that the API and the pages can show *why* without re-deriving it.
Entrypoints catch the one root; the service layer's tree (``cases.errors``) hangs beside
this one::

    BerkasError                  code, message, reasons: what every entrypoint catches
    ├── ServiceError             the service layer's refusals (``cases.errors``)
    └── WorkflowError
    ├── InvalidDefinition    a definition names something it does not declare (at registration)
    ├── UnknownWorkflow      the workflow name is not registered
    ├── UnknownTrigger       the trigger does not exist in the workflow
    ├── InvalidInput         case data or transition input has missing or wrongly typed fields
    └── TransitionRefused    the trigger exists but may not fire now
        ├── WrongState       not valid from the case's current state
        ├── NotPermitted     the actor's role or identity forbids it (role, four eyes)
        └── GuardsUnmet      one or more guards failed; every reason is listed
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.reasons import Reason


class BerkasError(Exception):
    """Root of every refusal Berkas explains to a person or a client: ``code`` is stable and
    machine-readable, ``message`` is for people, ``reasons`` list every cause found."""

    code = "error"

    def __init__(self, message: str, reasons: Sequence[Reason] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.reasons = tuple(reasons)


class WorkflowError(BerkasError):
    """Base of every domain error."""

    code = "workflow_error"


class InvalidDefinition(WorkflowError):
    """A definition refused at registration; ``reasons`` list every problem found."""

    code = "invalid_definition"


class UnknownWorkflow(WorkflowError):
    code = "unknown_workflow"

    def __init__(self, name: str) -> None:
        super().__init__(f"Alur kerja tidak dikenal: {name!r}")
        self.name = name


class UnknownTrigger(WorkflowError):
    code = "unknown_trigger"

    def __init__(self, workflow: str, trigger: str) -> None:
        super().__init__(f"Transisi {trigger!r} tidak ada pada alur {workflow!r}")
        self.workflow = workflow
        self.trigger = trigger


class InvalidInput(WorkflowError):
    code = "invalid_input"


class TransitionRefused(WorkflowError):
    code = "transition_refused"

    def __init__(
        self, message: str, *, trigger: str, state: str, reasons: Sequence[Reason] = ()
    ) -> None:
        super().__init__(message, reasons)
        self.trigger = trigger
        self.state = state


class WrongState(TransitionRefused):
    code = "invalid_state"


class NotPermitted(TransitionRefused):
    code = "not_permitted"


class GuardsUnmet(TransitionRefused):
    code = "guards_unmet"
