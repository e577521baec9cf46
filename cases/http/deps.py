"""Dependency aliases for routes: the session, the calling user, the use-case context.

Who is calling is decided once per request, by the exchange middleware
(:mod:`cases.http.middleware`), before any body is read: it checks the credential the route takes
(the bearer token under ``/api``, the session cookie elsewhere) and leaves its verdict in
``scope["state"]``. :func:`current_actor` and the pages' ``current_page`` reuse it instead of
reading the user again; without the middleware they check the credential themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal, cast

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import cookie_parser

from cases.errors import NotAuthenticated
from cases.permissions import refuse_read_only
from cases.services.users import session_actor
from infra.context import Ctx
from infra.runtime import Runtime
from infra.security import InvalidToken, client_address, read_token
from workflows import Actor

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)

SESSION_COOKIE = "berkas_session"
AUTH_STATE = "berkas_auth"  # the key of the middleware's verdict in scope["state"]
Credential = Literal["bearer", "cookie"]
Verdict = Actor | NotAuthenticated


def not_logged_in() -> NotAuthenticated:
    return NotAuthenticated("Silakan masuk terlebih dahulu", "not_authenticated")


def verdict_of(runtime: Runtime, token: str) -> Verdict:
    """The full check of a token: signature, expiry, the user active, the token version
    current. One short read of the database (blocking: run it in a thread)."""
    if not token:
        return not_logged_in()
    try:
        now = runtime.clock()
        claims = read_token(token, runtime.settings.secret_key, now)
        with runtime.sessions() as session:
            return session_actor(session, claims.user_id, claims.version,
                                 runtime.calendar.local_date(now))
    except InvalidToken as invalid:
        return NotAuthenticated(invalid.message, invalid.code)
    except NotAuthenticated as refusal:
        return refusal


def token_of(headers: Headers, credential: Credential) -> str:
    """The bearer token of ``Authorization``, or the session cookie. The API never takes the
    cookie: it has no CSRF check, so a page of another site could use a browser's cookie."""
    if credential == "cookie":
        return cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE, "")
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def stashed(request: Request, credential: Credential) -> Verdict | None:
    """The middleware's verdict on ``credential``, if it gave one."""
    found = request.scope.get("state", {}).get(AUTH_STATE)
    if found is None or found[0] != credential:
        return None
    return cast(Verdict, found[1])


def actor_or_refusal(verdict: Verdict) -> Actor:
    if isinstance(verdict, NotAuthenticated):
        raise NotAuthenticated(verdict.message, verdict.code)
    return verdict


def client_of(request: Request, runtime: Runtime) -> str:
    """The client's address (see :func:`cases.security.client_address`)."""
    peer = request.client.host if request.client else ""
    return client_address(peer, request.headers.getlist("x-forwarded-for"),
                          runtime.settings.proxy_networks)


# Dependencies that do no I/O are ``async``: FastAPI runs a plain ``def`` dependency in the
# thread pool, and each such hop costs more than the work it wraps.
async def get_runtime(request: Request) -> Runtime:
    return cast(Runtime, request.app.state.runtime)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    with runtime.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


async def current_actor(
    request: Request, runtime: RuntimeDep, token: Annotated[str | None, Depends(oauth2)]
) -> Actor:
    """The user behind the bearer token, as the middleware found them on this request. A
    read-only account (the auditor) is refused anything but a read here, before the body is
    looked at (:func:`cases.permissions.refuse_read_only`)."""
    verdict = stashed(request, "bearer")
    if verdict is None:
        verdict = await run_in_threadpool(verdict_of, runtime, token or "")
    actor = actor_or_refusal(verdict)
    refuse_read_only(actor, request.method, request.scope["path"])
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


async def get_ctx(runtime: RuntimeDep, session: SessionDep, actor: CurrentActor) -> Ctx:
    return runtime.ctx(session, actor)


CtxDep = Annotated[Ctx, Depends(get_ctx)]
