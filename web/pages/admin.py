"""The administrator's pages: user accounts, and the email outbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from cases.errors import ServiceError
from cases.http.params import Id
from cases.limits import TEXTS, checked_texts
from cases.permissions import require
from cases.services import users as user_service
from notifications.outbox import list_outbox
from web.render import page
from web.session import Page, PageDep, PostDep, redirect

router = APIRouter()


def _users(who: Page, error: str = "", status: int = 200) -> Response:
    """The accounts as they are now (after a refused form too), with ``error`` if any."""
    require(who.actor, "manage_users")
    who.ctx.fresh()
    return page(who.request, "admin_users.html", {
        "users": user_service.list_users(who.session), "error": error, "limits": TEXTS,
    }, who=who, status=status)


@router.get("/admin/users")
def users(who: PageDep) -> Response:
    return _users(who)


@router.post("/admin/users")
def create_user(posted: PostDep) -> Response:
    roles = [r for r in posted.form.getlist("roles") if isinstance(r, str)]
    try:
        texts = checked_texts({field: (field, posted.text(field))
                               for field in ("username", "full_name", "email")})
        user = user_service.register_user(
            posted.page.ctx, **texts, roles=roles,
            password=str(posted.form.get("password", "")))
    except ServiceError as exc:
        reasons = "; ".join(r.message for r in exc.reasons)
        return _users(posted.page, f"{exc.message}: {reasons}" if reasons else exc.message,
                      status=422)
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


@router.post("/admin/users/{user_id}/profile")
def set_profile(posted: PostDep, user_id: Id) -> Response:
    try:
        user = user_service.set_signer_profile(posted.page.ctx, user_id, posted.text("rank"),
                                               posted.text("nip"))
    except ServiceError as exc:
        return _users(posted.page, exc.message, status=422)
    return redirect("/admin/users", f"Pangkat dan NIP {user.username} dicatat.")


@router.get("/admin/emails")
def emails(
    who: PageDep, status: Annotated[str, Query(pattern="^(pending|sent|failed|)$")] = ""
) -> Response:
    require(who.actor, "manage_users")
    return page(who.request, "admin_emails.html", {
        "emails": list_outbox(who.session, status or None, 200), "status": status}, who=who)
