"""The Kadis's sign-off queue: approve or reject several reviewed cases at once."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from cases.errors import Forbidden, ServiceError
from cases.limits import TEXTS, whole_number
from cases.services.worklist import SignoffResult, sign_off, signoff_queue
from web.case_data import review_summary
from web.render import page
from web.session import Page, PageDep, PostDep
from workflows import Role, get_definition

router = APIRouter()


def _queue(who: Page, results: list[SignoffResult] | None = None, status: int = 200
           ) -> Response:
    if not who.has_role(Role.KADIS):
        raise Forbidden("Antrean persetujuan hanya untuk Kepala Dinas", "role_not_permitted")
    who.ctx.fresh()  # the queue as it is now, after the decisions just made
    return page(who.request, "signoff.html", {
        # Each case with what its review recorded, as the Kadis reads it.
        "items": [(item, review_summary(item.case, get_definition(item.case.workflow)))
                  for item in signoff_queue(who.session)],
        "results": results or [], "limits": TEXTS,
    }, who=who, status=status)


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
