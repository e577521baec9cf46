"""The Kadis's sign-off queue: approve or reject several reviewed cases at once. An acting
official (Plh./Plt. Kadis, under a warrant in force) has it too, headed by their capacity.

An approval that records data of its own (the SPK of a media contract, the NPHD of a grant)
cannot be given to several cases at once: such a case is approved on its own page, and the
queue links there; it may still be rejected with the others."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from cases.errors import Forbidden, ServiceError
from cases.limits import TEXTS, whole_number
from cases.services.worklist import SignoffResult, sign_off, signoff_queue
from web.case_data import review_summary
from web.render import page
from web.session import Page, PageDep, PostDep
from workflows import Role, WorkflowDefinition, get_definition
from workflows.acting import POSITION_TITLES

router = APIRouter()


def _queue(who: Page, results: list[SignoffResult] | None = None, status: int = 200
           ) -> Response:
    if not who.has_role(Role.KADIS):
        raise Forbidden("Antrean persetujuan hanya untuk Kepala Dinas", "role_not_permitted")
    who.ctx.fresh()  # the queue as it is now, after the decisions just made
    items = []
    for item in signoff_queue(who.session):
        definition = get_definition(item.case.workflow)
        # Each case with what its review recorded, as the Kadis reads it.
        items.append((item, review_summary(item.case, definition, who.ctx.parameters),
                      _approved_in_bulk(definition)))
    return page(who.request, "signoff.html", {
        "decider": _decider(who), "items": items, "results": results or [], "limits": TEXTS,
        "any_bulk": any(bulk for _, _, bulk in items),
        "labels": {d: get_definition(d) for d in {i.case.workflow for i, _, _ in items}},
    }, who=who, status=status)


def _decider(who: Page) -> str:
    """Who decides, as their signature block names them: ``Kepala Dinas Komunikasi dan
    Informatika, Ahmad``, or, for an acting official, the capacity their warrant gives
    (``Plh. Kepala Dinas Komunikasi dan Informatika, Siti Norhayati``)."""
    warrant = who.actor.warrant_for({Role.KADIS})
    title = warrant.capacity if warrant is not None else POSITION_TITLES[Role.KADIS]
    return f"{title}, {who.actor.name}"


def _approved_in_bulk(definition: WorkflowDefinition) -> bool:
    """Can cases of ``definition`` be approved from the queue: its approval asks nothing
    but a comment (no SPK or NPHD to record)?"""
    spec = definition.transition("approve")
    return spec is not None and not any(f.required for f in spec.fields)


@router.get("/signoff")
def queue(who: PageDep) -> Response:
    return _queue(who)


def _picked(values: list[str]) -> list[tuple[int, int]] | None:
    """The ``id:version`` of each ticked case, or None if any is not one: a forged value
    (``²:1``, an id beyond any row) refuses the whole form rather than part of it."""
    items = []
    for value in values:
        case_id, _, version = value.partition(":")
        pair = whole_number(case_id, 1), whole_number(version, 1)
        if pair[0] is None or pair[1] is None:
            return None
        items.append((pair[0], pair[1]))
    return items


@router.post("/signoff")
def decide(posted: PostDep) -> Response:
    who = posted.page
    action = posted.text("action")
    items = _picked([v for v in posted.form.getlist("case") if isinstance(v, str)])
    if action not in ("approve", "reject") or not items:
        results = [SignoffResult(0, "—", False, "Pilih berkas dan keputusan terlebih dahulu")]
        return _queue(who, results, status=422)
    try:
        results = sign_off(who.ctx, items, action, posted.text("comment"))
    except ServiceError as exc:
        return _queue(who, [SignoffResult(0, "—", False, exc.message, exc.reasons)], 422)
    return _queue(who, results)
