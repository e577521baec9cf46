"""Budgets and users."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from cases.api import schemas
from cases.http.deps import CtxDep
from cases.http.params import Id
from cases.models import User
from cases.permissions import require
from cases.services import budgets as budget_service
from cases.services import users as user_service
from workflows.fields import FIRST_YEAR, LAST_YEAR

router = APIRouter(tags=["budgets"])

BudgetYear = Annotated[int, Path(ge=FIRST_YEAR, le=LAST_YEAR)]

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_day(value: object) -> object:
    """A date only as ``YYYY-MM-DD`` text: pydantic would also read a number as a Unix time
    (``1767312000`` as 2 January 2026), a datetime at midnight, or ``20260102``."""
    if value is None or (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return value
    raise PydanticCustomError("date_type", "harus tanggal (YYYY-MM-DD)")


IsoDay = Annotated[date, BeforeValidator(_iso_day)]


class BudgetIn(schemas.Strict):
    """A pagu entered by finance from the DPA: its number and date are required (a missing
    one is refused by the service as ``dpa_required``, the same on the page)."""

    amount: schemas.Amount
    dpa_number: Annotated[str, StringConstraints(
        strip_whitespace=True, max_length=budget_service.DPA_NUMBER_MAX)] = ""
    dpa_date: IsoDay | None = None
    note: Annotated[str, StringConstraints(
        strip_whitespace=True, max_length=budget_service.NOTE_MAX)] = ""


class BudgetOut(BaseModel):
    """A year's pagu: ``amount`` (the pagu), ``committed``, ``refunded`` (STS), ``realised``
    (paid − refunded), ``remaining`` (pagu − committed + refunded), the latest DPA; ``used``
    (committed − refunded) is kept for older clients."""

    workflow: str
    fiscal_year: int
    amount: int
    committed: int
    refunded: int
    realised: int
    remaining: int
    used: int
    dpa_number: str
    dpa_date: date | None
    entries: int


class BudgetEntryOut(BaseModel):
    """One entry of a year's pagu (``seq`` 1 the first, later ones revisions)."""

    id: int
    seq: int
    workflow: str
    fiscal_year: int
    amount: int
    previous_amount: int | None
    dpa_number: str
    dpa_date: date | None
    note: str
    entered_by: str
    entered_by_name: str
    entered_at: datetime


def _out(view: budget_service.BudgetView) -> BudgetOut:
    return BudgetOut(
        workflow=view.workflow, fiscal_year=view.fiscal_year, amount=view.amount,
        committed=view.committed, refunded=view.refunded, realised=view.realised,
        remaining=view.remaining, used=view.used, dpa_number=view.dpa_number,
        dpa_date=view.dpa_date, entries=view.entries)


@router.put("/budgets/{workflow}/{fiscal_year}")
def set_budget(ctx: CtxDep, workflow: str, fiscal_year: BudgetYear, body: BudgetIn) -> BudgetOut:
    """Enter the year's pagu from the DPA (finance only), or revise it (APBD-P)."""
    return _out(budget_service.set_budget(
        ctx, workflow, fiscal_year, body.amount, body.dpa_number, body.dpa_date, body.note))


@router.get("/budgets")
def list_budgets(ctx: CtxDep) -> list[BudgetOut]:
    require(ctx.actor, "read_budgets")
    return [_out(v) for v in budget_service.list_budgets(ctx.session)]


@router.get("/budgets/{workflow}/{fiscal_year}/entries")
def budget_entries(ctx: CtxDep, workflow: str, fiscal_year: BudgetYear) -> list[BudgetEntryOut]:
    """The year's entries, newest first, with who entered each."""
    require(ctx.actor, "read_budgets")
    return [BudgetEntryOut(
        id=e.id, seq=e.seq, workflow=e.workflow, fiscal_year=e.fiscal_year, amount=e.amount,
        previous_amount=e.previous_amount, dpa_number=e.dpa_number, dpa_date=e.dpa_date,
        note=e.note, entered_by=e.entered_by_username, entered_by_name=e.entered_by_name,
        entered_at=e.entered_at,
    ) for e in budget_service.budget_history(ctx.session, workflow, fiscal_year)]


def _user_out(user: User) -> schemas.UserOut:
    assert user.id is not None
    return schemas.UserOut(id=user.id, username=user.username, full_name=user.full_name,
                           email=user.email, roles=user.roles, is_active=user.is_active,
                           rank=user.rank, nip=user.nip)


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


@router.put("/users/{user_id}/profile", tags=["users"])
def set_profile(ctx: CtxDep, user_id: Id, body: schemas.ProfileIn) -> schemas.UserOut:
    """Record a user's rank and NIP, printed in the signature block of issued documents."""
    return _user_out(user_service.set_signer_profile(ctx, user_id, body.rank, body.nip))


class RolesIn(schemas.Strict):
    roles: list[Annotated[str, StringConstraints(max_length=16)]] = Field(max_length=5)


@router.put("/users/{user_id}/roles", tags=["users"])
def change_roles(ctx: CtxDep, user_id: Id, body: RolesIn) -> schemas.UserOut:
    """Replace a user's roles (unknown roles: 422); the user's sessions end."""
    return _user_out(user_service.change_roles(ctx, user_id, body.roles))
