"""Logging in and out of the pages (a session cookie holding the API's own token)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from cases.errors import NotAuthenticated, TooManyAttempts
from cases.http.deps import RuntimeDep, SessionDep, client_of
from cases.services.login import log_in
from cases.services.users import log_out
from infra.security import issue_token
from web.render import page
from web.session import (
    LOGIN_CSRF,
    PostDep,
    end_session,
    new_login_csrf,
    redirect,
    safe_next,
    start_session,
)

router = APIRouter()


def _login_page(request: Request, *, next_url: str, username: str = "", error: str = "",
                status: int = 200) -> Response:
    # Keep the token a browser already holds: a second login tab (or a stray request that
    # lands here) must not invalidate the form of the first.
    held = request.cookies.get(LOGIN_CSRF, "")
    token = held if 20 <= len(held) <= 64 else new_login_csrf()
    response = page(request, "login.html", {"login_csrf": token, "next": next_url,
                                            "username": username, "error": error},
                    status=status)
    response.set_cookie(LOGIN_CSRF, token, max_age=3600, httponly=True, samesite="strict",
                        path="/login")
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return _login_page(request, next_url=safe_next(next))


@router.post("/login")
def login(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    target = safe_next(next)
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not hmac.compare_digest(csrf, expected):
        return _login_page(request, next_url=target, username=username, status=403,
                           error="Formulir kedaluwarsa; silakan coba lagi.")
    try:
        who = log_in(session, username.strip(), password, client_of(request, runtime),
                     runtime.clock())
    except (NotAuthenticated, TooManyAttempts) as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 401
        return _login_page(request, next_url=target, username=username, status=status,
                           error=exc.message)
    minutes = runtime.settings.token_minutes
    response = redirect(target, f"Selamat datang, {who.full_name}.")
    token = issue_token(who.user_id, who.token_version, runtime.settings.secret_key,
                        runtime.clock(), minutes)
    start_session(response, request, token, minutes)
    response.delete_cookie(LOGIN_CSRF, path="/login")
    return response


@router.post("/logout")
def logout(posted: PostDep) -> Response:
    """Log out: the cookie goes, and every session of the user ends with it (a copy of the
    cookie, another browser, an API token), since the token version is raised."""
    log_out(posted.page.session, posted.page.actor.user_id)
    response = redirect("/login", "Anda telah keluar.")
    end_session(response)
    return response
