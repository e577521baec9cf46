"""Workflow diagrams, the inbox, budgets, and the administrator's pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from cases import audit
from cases.api.schemas import Id
from cases.errors import BadInput, ServiceError
from cases.permissions import require
from cases.services import budgets as budget_service
from cases.services import users as user_service
from notifications import inbox as inbox_service
from notifications.outbox import list_outbox
from web import forms
from web.render import TEMPLATES, page
from web.session import PageDep, PostDep, redirect
from workflows import DEFINITIONS
from workflows.diagram import svg

router = APIRouter()


@router.get("/workflows")
def workflows(who: PageDep) -> Response:
    diagrams = [(d, svg(d)) for d in DEFINITIONS.values()]
    return page(who.request, "workflows.html", {"diagrams": diagrams}, who=who)


# --- inbox --------------------------------------------------------------------------------

@router.get("/notifications")
def notifications(who: PageDep) -> Response:
    inbox = inbox_service.inbox(who.session, who.actor.user_id, limit=100)
    return page(who.request, "notifications.html", {"items": inbox.items}, who=who)


@router.get("/notifications/badge")
def badge(who: PageDep) -> Response:
    """The header's unread count, refreshed by HTMX."""
    unread = inbox_service.unread_count(who.session, who.actor.user_id)
    return TEMPLATES.TemplateResponse(who.request, "_badge.html", {"unread": unread})


@router.post("/notifications/read-all")
def read_all(posted: PostDep) -> Response:
    count = inbox_service.mark_all_read(posted.page.ctx)
    return redirect("/notifications", f"{count} notifikasi ditandai dibaca.")


@router.post("/notifications/{notification_id}/read")
def read_one(posted: PostDep, notification_id: Id) -> Response:
    inbox_service.mark_read(posted.page.ctx, notification_id)
    return redirect("/notifications")


# --- budgets ------------------------------------------------------------------------------

def _budgets(who: PageDep, error: str = "", status: int = 200) -> Response:
    require(who.actor, "set_budget")
    who.session.rollback()
    return page(who.request, "budgets.html", {
        "budgets": budget_service.list_budgets(who.session), "error": error,
        "labels": {d.name: d.label for d in DEFINITIONS.values()},
        "default_year": who.runtime.clock().astimezone(who.runtime.tz).year,
    }, who=who, status=status)


@router.get("/budgets")
def budgets(who: PageDep) -> Response:
    return _budgets(who)


@router.post("/budgets")
def set_budget(posted: PostDep) -> Response:
    who = posted.page
    year, amount = posted.text("fiscal_year"), forms.amount(posted.text("amount"))
    try:
        if not (year.isdigit() and 2000 <= int(year) <= 2100) or not isinstance(amount, int):
            raise BadInput("Tahun anggaran atau nilai pagu tidak valid", "invalid_input")
        budget_service.set_budget(who.ctx, posted.text("workflow"), int(year), amount)
    except ServiceError as exc:
        return _budgets(who, exc.message, status=422)
    return redirect("/budgets", "Pagu disimpan.")


# --- administration -----------------------------------------------------------------------

def _users(who: PageDep, error: str = "", status: int = 200) -> Response:
    require(who.actor, "manage_users")
    who.session.rollback()
    return page(who.request, "admin_users.html", {
        "users": user_service.list_users(who.session), "error": error}, who=who, status=status)


@router.get("/admin/users")
def users(who: PageDep) -> Response:
    return _users(who)


@router.post("/admin/users")
def create_user(posted: PostDep) -> Response:
    roles = [r for r in posted.form.getlist("roles") if isinstance(r, str)]
    try:
        user = user_service.register_user(
            posted.page.ctx, username=posted.text("username"),
            full_name=posted.text("full_name"), email=posted.text("email"), roles=roles,
            password=str(posted.form.get("password", "")))
    except ServiceError as exc:
        return _users(posted.page, exc.message, status=422)
    return redirect("/admin/users", f"Akun {user.username} dibuat.")


@router.post("/admin/users/{user_id}/active")
def set_active(posted: PostDep, user_id: Id) -> Response:
    active = posted.text("active") == "true"
    try:
        user = user_service.set_active(posted.page.ctx, user_id, active)
    except ServiceError as exc:
        return _users(posted.page, exc.message, status=422)
    state = "diaktifkan" if active else "dinonaktifkan"
    return redirect("/admin/users", f"Akun {user.username} {state}.")


@router.post("/admin/users/{user_id}/password")
def reset_password(posted: PostDep, user_id: Id) -> Response:
    try:
        user = user_service.reset_password(posted.page.ctx, user_id,
                                           str(posted.form.get("password", "")))
    except ServiceError as exc:
        return _users(posted.page, exc.message, status=422)
    return redirect("/admin/users", f"Kata sandi {user.username} diatur ulang.")


@router.get("/admin/emails")
def emails(
    who: PageDep, status: Annotated[str, Query(pattern="^(pending|sent|failed|)$")] = ""
) -> Response:
    require(who.actor, "manage_users")
    return page(who.request, "admin_emails.html", {
        "emails": list_outbox(who.session, status or None, 200), "status": status}, who=who)


@router.get("/admin/audit")
def audit_page(who: PageDep, verify: bool = False) -> Response:
    result = audit.verify(who.session) if verify else None
    reference = audit.case_reference(who.session, result.broken_case_id) if result else None
    return page(who.request, "audit.html", {"result": result, "broken_reference": reference},
                who=who)
