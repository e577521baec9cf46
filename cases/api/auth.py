"""Login (OAuth2 password flow), logout, the calling user and their own password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import StringConstraints

from cases.api import schemas
from cases.http.deps import CtxDep, CurrentActor, RuntimeDep, SessionDep, client_of
from cases.services.login import LoggedIn, log_in
from cases.services.users import active_user, change_password, log_out
from infra.runtime import Runtime
from infra.security import issue_token

router = APIRouter(tags=["auth"])

Password = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class PasswordChangeIn(schemas.Strict):
    current_password: Password
    new_password: Password


def token_for(runtime: Runtime, who: LoggedIn) -> schemas.TokenOut:
    """A fresh token for ``who``, carrying their current token version."""
    minutes = runtime.settings.token_minutes
    token = issue_token(who.user_id, who.token_version, runtime.settings.secret_key,
                        runtime.clock(), minutes)
    return schemas.TokenOut(access_token=token, expires_in=minutes * 60)


@router.post("/auth/token")
def login(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> schemas.TokenOut:
    who = log_in(session, form.username, form.password, client_of(request, runtime),
                 runtime.clock())
    return token_for(runtime, who)


@router.post("/auth/logout", status_code=204)
def logout(session: SessionDep, actor: CurrentActor) -> Response:
    """End every session of the caller, on every device (the token used here included)."""
    log_out(session, actor.user_id)
    return Response(status_code=204)


@router.post("/me/password")
def own_password(request: Request, runtime: RuntimeDep, ctx: CtxDep,
                 body: PasswordChangeIn) -> schemas.TokenOut:
    """Change one's own password. Every session of the user ends; the answer is a fresh
    token, so the client that changed it stays logged in."""
    who = change_password(ctx, body.current_password, body.new_password,
                          client_of(request, runtime))
    return token_for(runtime, who)


@router.get("/me")
def me(session: SessionDep, actor: CurrentActor) -> schemas.MeOut:
    user = active_user(session, actor.user_id)
    assert user.id is not None
    return schemas.MeOut(
        id=user.id, username=user.username, full_name=user.full_name, email=user.email,
        roles=user.roles, is_active=user.is_active, rank=user.rank, nip=user.nip,
        acting=[schemas.ActingOut(warrant_id=w.id, number=w.number, kind=w.kind, role=w.role,
                                  capacity=w.capacity, valid_until=w.valid_until)
                for w in actor.acting],
    )
