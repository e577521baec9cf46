"""Dependency aliases for routes: the session, the calling user, the use-case context."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from cases.errors import NotAuthenticated
from cases.runtime import Runtime
from cases.security import read_token
from cases.services.context import Ctx
from cases.services.users import active_actor
from workflows import Actor

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


# Dependencies that do no I/O are ``async``: FastAPI runs a plain ``def`` dependency in the
# thread pool, and each such hop costs more than the work it wraps.
async def get_runtime(request: Request) -> Runtime:
    return cast(Runtime, request.app.state.runtime)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    with runtime.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def current_actor(
    runtime: RuntimeDep, session: SessionDep, token: Annotated[str | None, Depends(oauth2)]
) -> Actor:
    """The user behind the bearer token, read from the database on every request."""
    if not token:
        raise NotAuthenticated("Silakan masuk terlebih dahulu", "not_authenticated")
    user_id = read_token(token, runtime.settings.secret_key, runtime.clock())
    actor = active_actor(session, user_id)
    # End the read so the use case can open its own (write) transaction cleanly.
    session.rollback()
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


async def get_ctx(runtime: RuntimeDep, session: SessionDep, actor: CurrentActor) -> Ctx:
    return runtime.ctx(session, actor)


CtxDep = Annotated[Ctx, Depends(get_ctx)]
