"""The audit log's page for administrators: whole-log checks with their progress, and the
system chain of administrative acts."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks
from fastapi.responses import Response

from cases import system_audit
from cases.errors import Conflict
from cases.http.tasks import run_in_background
from cases.permissions import require
from cases.services import audit_checks
from web.render import is_htmx, page
from web.session import PageDep, PostDep, redirect

router = APIRouter()


@router.get("/admin/audit")
def audit_page(who: PageDep) -> Response:
    require(who.actor, "verify_audit")
    context = {"run": audit_checks.latest_check(who.ctx),
               "entries": system_audit.latest(who.session, 100),
               "labels": system_audit.ACTION_LABELS}
    template = "_audit_check.html" if is_htmx(who.request) else "audit.html"
    return page(who.request, template, context, who=who)


@router.post("/admin/audit/checks")
def start_check(posted: PostDep, tasks: BackgroundTasks) -> Response:
    who = posted.page
    try:
        run = audit_checks.start_check(who.ctx)
    except Conflict as exc:
        return redirect("/admin/audit", exc.message)
    run_in_background(tasks, who.runtime, run)
    return redirect("/admin/audit", f"Pemeriksaan #{run.id} dimulai.")
