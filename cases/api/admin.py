"""Budgets and users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import Field, StringConstraints

from cases.api import schemas
from cases.http.deps import CtxDep
from cases.http.params import Id
from cases.models import User
from cases.permissions import require
from cases.services import budgets as budget_service
from cases.services import users as user_service

router = APIRouter(tags=["budgets"])


def _out(view: budget_service.BudgetView) -> schemas.BudgetOut:
    return schemas.BudgetOut(workflow=view.workflow, fiscal_year=view.fiscal_year,
                             amount=view.amount, used=view.used, remaining=view.remaining)


@router.put("/budgets/{workflow}/{fiscal_year}")
def set_budget(
    ctx: CtxDep,
    workflow: str,
    fiscal_year: Annotated[int, Path(ge=2000, le=2100)],
    body: schemas.BudgetIn,
) -> schemas.BudgetOut:
    return _out(budget_service.set_budget(ctx, workflow, fiscal_year, body.amount))


@router.get("/budgets")
def list_budgets(ctx: CtxDep) -> list[schemas.BudgetOut]:
    return [_out(v) for v in budget_service.list_budgets(ctx.session)]


def _user_out(user: User) -> schemas.UserOut:
    assert user.id is not None
    return schemas.UserOut(id=user.id, username=user.username, full_name=user.full_name,
                           email=user.email, roles=user.roles, is_active=user.is_active)


@router.get("/users", tags=["users"])
def list_users(ctx: CtxDep) -> list[schemas.UserOut]:
    require(ctx.actor, "manage_users")
    return [_user_out(u) for u in user_service.list_users(ctx.session)]


@router.post("/users", status_code=201, tags=["users"])
def create_user(ctx: CtxDep, body: schemas.UserIn) -> schemas.UserOut:
    return _user_out(user_service.register_user(
        ctx, username=body.username, full_name=body.full_name, email=body.email,
        roles=body.roles, password=body.password,
    ))


@router.post("/users/{user_id}/active", tags=["users"])
def set_active(ctx: CtxDep, user_id: Id, body: schemas.ActiveIn) -> schemas.UserOut:
    return _user_out(user_service.set_active(ctx, user_id, body.active))


@router.post("/users/{user_id}/password", tags=["users"])
def reset_password(ctx: CtxDep, user_id: Id, body: schemas.PasswordIn) -> schemas.UserOut:
    return _user_out(user_service.reset_password(ctx, user_id, body.password))


class RolesIn(schemas.Strict):
    roles: list[Annotated[str, StringConstraints(max_length=16)]] = Field(max_length=5)


@router.put("/users/{user_id}/roles", tags=["users"])
def change_roles(ctx: CtxDep, user_id: Id, body: RolesIn) -> schemas.UserOut:
    """Replace a user's roles (unknown roles: 422); the user's sessions end."""
    return _user_out(user_service.change_roles(ctx, user_id, body.roles))
