"""The in-app inbox: a person's notifications, the header's unread badge, marking read."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from cases.http.params import Id
from notifications import inbox as inbox_service
from web.render import TEMPLATES, page
from web.session import PageDep, PostDep, redirect

router = APIRouter()


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
