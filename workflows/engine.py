"""The engine: one shared ``transitions`` Machine per workflow, fired on a small adapter.

The Machine owns the state graph (which trigger is valid from which state); our guards own
the conditions and say why they fail. A SQLModel row can't be a ``transitions`` model
(pydantic rejects the attributes, pytransitions#635), so each firing builds a throwaway
``_Flow`` and the Machine is built once with ``model=None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transitions import EventData, Machine, MachineError

from workflows.acting import Lapse
from workflows.definition import TransitionSpec, WorkflowDefinition
from workflows.effects import EFFECTS, Changes
from workflows.errors import GuardsUnmet, NotPermitted, UnknownTrigger, WrongState
from workflows.facts import Actor, CaseFacts, TransitionInput
from workflows.fields import parse_fields
from workflows.guards import GUARDS, GuardContext
from workflows.reasons import Reason


@dataclass(frozen=True, slots=True)
class Evaluation:
    trigger: str
    allowed: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """A transition that passed: where the case goes and which fields it writes."""

    trigger: str
    source: str
    dest: str
    changes: Changes
    input: TransitionInput


@dataclass(slots=True)
class _Flow:
    state: str
    context: GuardContext | None = None
    reasons: list[Reason] = field(default_factory=list)


class WorkflowEngine:
    """Evaluates and fires transitions of one workflow definition.

    ``case_columns``: the names its transitions write to the case's own columns.
    """

    def __init__(self, definition: WorkflowDefinition) -> None:
        self.definition = definition
        self._machine = Machine(
            model=None,
            states=[s.code.value for s in definition.states],
            initial=definition.initial.value,
            transitions=[self._machine_transition(t) for t in definition.transitions],
            auto_transitions=False,
            send_event=True,
        )
        self.case_columns = _case_columns(definition)

    def _machine_transition(self, spec: TransitionSpec) -> dict[str, object]:
        return {
            "trigger": spec.trigger,
            "source": [s.value for s in spec.sources],
            "dest": spec.dest.value,
            "conditions": [self._guards_pass],
        }

    @staticmethod
    def _guards_pass(event: EventData) -> bool:
        flow = event.model
        assert isinstance(flow, _Flow)
        assert flow.context is not None
        flow.reasons = check(flow.context, with_input=True)
        return not flow.reasons

    def spec(self, trigger: str) -> TransitionSpec:
        spec = self.definition.transition(trigger)
        if spec is None:
            raise UnknownTrigger(self.definition.name, trigger)
        return spec

    def parse_input(self, trigger: str, comment: str, data: dict[str, object]) -> TransitionInput:
        """Type-check a transition's form; wrong types and unknown keys raise InvalidInput."""
        spec = self.spec(trigger)
        parsed = parse_fields(spec.fields, data, where="data", enforce_required=False)
        return TransitionInput(comment=comment.strip(), data=parsed)

    def evaluate(self, facts: CaseFacts, actor: Actor) -> list[Evaluation]:
        """Every transition of the workflow, whether ``actor`` may fire it now, and why not.

        Guards that read the form are left out: they are asked when the form is sent.
        """
        return [self._evaluate_one(spec, facts, actor) for spec in self.definition.transitions]

    def _evaluate_one(self, spec: TransitionSpec, facts: CaseFacts, actor: Actor) -> Evaluation:
        if facts.state not in spec.sources:
            label = self.definition.state(facts.state).label
            wrong = Reason("invalid_state", f"tidak dapat dilakukan pada status {label}")
            return Evaluation(spec.trigger, False, (wrong,))
        ctx = GuardContext(self.definition, spec, facts, actor, TransitionInput())
        reasons = check(ctx, with_input=False)
        return Evaluation(spec.trigger, not reasons, tuple(reasons))

    def fire(
        self, trigger: str, facts: CaseFacts, actor: Actor, given: TransitionInput
    ) -> Outcome:
        """Fire ``trigger``; return the outcome or raise why it was refused."""
        spec = self.spec(trigger)
        ctx = GuardContext(self.definition, spec, facts, actor, given)
        # A plain str: `transitions` reads an Enum by its name, our states by their value.
        flow = _Flow(state=str(facts.state), context=ctx)
        try:
            fired = self._machine.events[trigger].trigger(flow)
        except MachineError:
            label = self.definition.state(facts.state).label
            raise WrongState(
                f"{spec.label} tidak berlaku pada status {label}",
                trigger=trigger,
                state=facts.state,
            ) from None
        if not fired:
            _refuse(trigger, facts.state, flow.reasons)
        changes: Changes = dict(given.data)
        for name in spec.effects:
            changes.update(EFFECTS[name].apply(ctx))
        return Outcome(trigger, facts.state, flow.state, changes, given)


def _case_columns(definition: WorkflowDefinition) -> frozenset[str]:
    """What the workflow's transitions write to the case's own columns: their fields marked
    ``column`` and what their effects declare; everything else they write goes to the data."""
    specs = definition.transitions
    fields = {f.name for spec in specs for f in spec.fields if f.column}
    effects = {c for spec in specs for name in spec.effects for c in EFFECTS[name].columns}
    return frozenset(fields | effects)


def check(ctx: GuardContext, *, with_input: bool) -> list[Reason]:
    """Run the role check and the transition's guards; return every unmet reason, each with
    its legal basis (its own, else the one the definition gives its guard)."""
    reasons = list(GUARDS["has_role"].check(ctx))
    for name in ctx.transition.guards:
        entry = GUARDS[name]
        if with_input or not entry.needs_input:
            basis = ctx.workflow.bases.get(name, "")
            reasons += [reason.with_basis(basis) for reason in entry.check(ctx)]
    return reasons


LAPSE_CODES = frozenset(lapse.value for lapse in Lapse)


def _refuse(trigger: str, state: str, reasons: list[Reason]) -> None:
    if any(r.forbids for r in reasons):
        refusal = NotPermitted(
            "Anda tidak berwenang melakukan transisi ini", trigger=trigger, state=state,
            reasons=reasons,
        )
        # A warrant that ended is what a client must hear of first: the acting official
        # would be allowed, had it not (``warrant_expired``, ``warrant_revoked``).
        lapse = next((r.code for r in reasons if r.code in LAPSE_CODES), None)
        if lapse is not None:
            refusal.code = lapse
        raise refusal
    raise GuardsUnmet(
        "Syarat transisi belum terpenuhi", trigger=trigger, state=state, reasons=reasons
    )
