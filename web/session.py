"""Who is looking at a page: the session cookie, the CSRF token of its forms, flash notes.

The cookie holds the same signed token as the API's bearer header (HttpOnly, SameSite=Lax),
and every request reads the user anew, so a deactivated account is locked out at once. Each
form carries a CSRF token derived from the session by HMAC: a page of another site can neither
read nor forge it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, unquote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from cases.api.deps import RuntimeDep, SessionDep
from cases.errors import Forbidden, NotAuthenticated
from cases.models import User
from cases.runtime import Runtime
from cases.security import read_token
from cases.services.context import Ctx
from cases.services.users import active_user, to_actor
from workflows import Actor

COOKIE = "berkas_session"
FLASH = "berkas_flash"
LOGIN_CSRF = "berkas_login_csrf"


class LoginRequired(Exception):
    """A page was asked for without a valid session: the answer is the login page."""


def csrf_for(token: str, secret: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{token}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Page:
    """Everything a page handler needs: the request, the runtime, the user, the use-case ctx."""

    request: Request
    runtime: Runtime
    session: Session
    user: User
    actor: Actor
    csrf: str

    @property
    def ctx(self) -> Ctx:
        return self.runtime.ctx(self.session, self.actor)

    def has_role(self, *roles: str) -> bool:
        return bool(self.actor.roles & set(roles))


def current_page(request: Request, runtime: RuntimeDep, session: SessionDep) -> Page:
    token = request.cookies.get(COOKIE, "")
    if not token:
        raise LoginRequired
    try:
        user = active_user(session, read_token(token, runtime.settings.secret_key, runtime.clock()))
    except NotAuthenticated:
        raise LoginRequired from None
    session.rollback()  # end the read; use cases open their own write transaction
    return Page(request, runtime, session, user, to_actor(user),
                csrf_for(token, runtime.settings.secret_key))


PageDep = Annotated[Page, Depends(current_page)]


@dataclass(frozen=True, slots=True)
class Posted:
    """A page form that passed its CSRF check."""

    page: Page
    form: FormData

    def text(self, name: str, default: str = "") -> str:
        """A field's text, trimmed; NUL characters (no browser sends them) are dropped."""
        value = self.form.get(name, default)
        return value.replace("\x00", "").strip() if isinstance(value, str) else default


async def posted_form(request: Request, page: PageDep) -> AsyncIterator[Posted]:
    """The form, after its CSRF check; its uploaded files are closed after the response."""
    async with request.form() as form:
        sent = form.get("csrf", "")
        if not isinstance(sent, str) or not hmac.compare_digest(sent, page.csrf):
            raise Forbidden("Formulir kedaluwarsa atau tidak sah; muat ulang halaman",
                            "csrf_failed")
        yield Posted(page, form)


PostDep = Annotated[Posted, Depends(posted_form)]


def cookie_secure(request: Request) -> bool:
    return request.url.scheme == "https"


def start_session(response: Response, request: Request, token: str, minutes: int) -> None:
    response.set_cookie(COOKIE, token, max_age=minutes * 60, httponly=True, samesite="lax",
                        secure=cookie_secure(request), path="/")


def end_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


def redirect(url: str, note: str = "") -> RedirectResponse:
    """See-other to ``url`` (the PRG pattern), carrying a one-time note for the next page."""
    response = RedirectResponse(url, status_code=303)
    if note:
        response.set_cookie(FLASH, quote(note), max_age=60, httponly=True, samesite="lax",
                            path="/")
    return response


def take_flash(request: Request) -> str:
    return unquote(request.cookies.get(FLASH, ""))[:500]


def safe_next(target: str | None) -> str:
    """Only same-site paths: ``/cases/1`` yes, ``//evil.example`` or ``https://…`` no."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"

