"""Login (OAuth2 password flow) and the calling user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from cases.api import schemas
from cases.api.deps import CurrentActor, RuntimeDep, SessionDep
from cases.security import issue_token
from cases.services.users import active_user, log_in

router = APIRouter(tags=["auth"])


@router.post("/auth/token")
def login(
    runtime: RuntimeDep,
    session: SessionDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> schemas.TokenOut:
    user = log_in(session, form.username, form.password, runtime.clock())
    assert user.id is not None
    minutes = runtime.settings.token_minutes
    token = issue_token(user.id, runtime.settings.secret_key, runtime.clock(), minutes)
    return schemas.TokenOut(access_token=token, expires_in=minutes * 60)


@router.get("/me")
def me(session: SessionDep, actor: CurrentActor) -> schemas.UserOut:
    user = active_user(session, actor.user_id)
    assert user.id is not None
    return schemas.UserOut(
        id=user.id, username=user.username, full_name=user.full_name, email=user.email,
        roles=user.roles, is_active=user.is_active,
    )
