"""The Kadis's sign-off queue: approve or reject several reviewed cases at once."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from cases.errors import Forbidden
from cases.services.worklist import SignoffResult, sign_off, signoff_queue
from web.render import page
from web.session import Page, PageDep, PostDep
from workflows import Role

router = APIRouter()


def _queue(who: Page, results: list[SignoffResult] | None = None, status: int = 200
           ) -> Response:
    if not who.has_role(Role.KADIS):
        raise Forbidden("Antrean persetujuan hanya untuk Kepala Dinas", "role_not_permitted")
    who.session.rollback()
    return page(who.request, "signoff.html", {
        "items": signoff_queue(who.session), "results": results or [],
    }, who=who, status=status)


@router.get("/signoff")
def queue(who: PageDep) -> Response:
    return _queue(who)


@router.post("/signoff")
def decide(posted: PostDep) -> Response:
    who = posted.page
    action = posted.text("action")
    picked = [v for v in posted.form.getlist("case") if isinstance(v, str)]
    items = []
    for value in picked:
        case_id, _, version = value.partition(":")
        if case_id.isdigit() and version.isdigit():
            items.append((int(case_id), int(version)))
    if action not in ("approve", "reject") or not items:
        results = [SignoffResult(0, "—", False, "Pilih berkas dan keputusan terlebih dahulu")]
        return _queue(who, results, status=422)
    results = sign_off(who.ctx, items, action, posted.text("comment"))
    return _queue(who, results)
