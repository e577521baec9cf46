"""Who is looking at a page: the session cookie, the CSRF token of its forms, flash notes.

The cookie holds the same signed token as the API's bearer header (HttpOnly, SameSite=Lax,
Secure behind HTTPS). Every request checks it in full, once, in the exchange middleware
(:mod:`cases.http.middleware`), which reads the user anew: a deactivated account, a logout or a
password change ends the session at once. Each form carries a CSRF token derived from the
session by HMAC: a page of another site can neither read nor forge it.
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

from cases.errors import Forbidden, NotAuthenticated
from cases.http.deps import (
    SESSION_COOKIE,
    RuntimeDep,
    SessionDep,
    Verdict,
    stashed,
    verdict_of,
)
from cases.permissions import refuse_read_only
from infra.context import Ctx
from infra.runtime import Runtime
from infra.security import forwarded_https
from workflows import Actor

COOKIE = SESSION_COOKIE
FLASH = "berkas_flash"
LOGIN_CSRF = "berkas_login_csrf"


class LoginRequired(Exception):
    """A page was asked for without a valid session: the answer is the login page."""


def csrf_for(token: str, secret: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{token}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class PageUser:
    """The person on a page, as its header names them (roles in a stable order)."""

    id: int
    username: str
    full_name: str
    roles: list[str]

    @classmethod
    def of(cls, actor: Actor) -> PageUser:
        return cls(actor.user_id, actor.username, actor.full_name, sorted(actor.roles))


@dataclass(frozen=True, slots=True)
class Page:
    """Everything a page handler needs: the request, the runtime, the user, the use-case ctx."""

    request: Request
    runtime: Runtime
    session: Session
    user: PageUser
    actor: Actor
    csrf: str

    @property
    def ctx(self) -> Ctx:
        return self.runtime.ctx(self.session, self.actor)

    def has_role(self, *roles: str) -> bool:
        return bool(self.actor.roles & set(roles))


def current_page(request: Request, runtime: RuntimeDep, session: SessionDep) -> Page:
    """The person behind the session cookie, as the middleware found them on this request
    (checked here only when it did not); :class:`LoginRequired` without a valid session."""
    token = request.cookies.get(COOKIE, "")
    verdict: Verdict | None = stashed(request, "cookie")
    if verdict is None:
        verdict = verdict_of(runtime, token)
    if isinstance(verdict, NotAuthenticated):
        raise LoginRequired
    return Page(request, runtime, session, PageUser.of(verdict), verdict,
                csrf_for(token, runtime.settings.secret_key))


async def page_for_method(page: Annotated[Page, Depends(current_page)]) -> Page:
    """The page's person, refused (:class:`Forbidden`) when a read-only account (the
    auditor) sends anything but a read (:func:`cases.permissions.refuse_read_only`)."""
    refuse_read_only(page.actor, page.request.method, page.request.scope["path"])
    return page


PageDep = Annotated[Page, Depends(page_for_method)]


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
    """Whether the browser reached us over HTTPS: directly, or through one of our trusted
    proxies saying so in ``X-Forwarded-Proto`` (nobody else is believed). Behind ``berkas
    serve`` uvicorn may have set the scheme from the same header already; both agree."""
    if request.url.scheme == "https":
        return True
    settings = request.app.state.runtime.settings
    peer = request.client.host if request.client else ""
    return forwarded_https(peer, request.headers.get("x-forwarded-proto"),
                           settings.proxy_networks)


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

