"""Parties (press companies and organisations): register, find, read with their cases, edit.

The bodies are loose on purpose (any text, bounded in length): the service checks kind,
name, NPWP and NIB and names every problem at once with its own code (``invalid_npwp``,
``invalid_nib``, ``invalid_kind``, ``missing_field``, ``too_long``, ``control_character``),
the same for the API and the pages. Each reason's message starts with its field
(``party.npwp: ...``); ``detail.code`` is the reason's code when there is one problem, and
``invalid_input`` when there are several.

``npwp`` is answered as its 16 digits, the one form it is kept, compared and found in: a
15-digit NPWP is the 16-digit one without its leading "0", so ``01.234.567.8-901.000`` is
answered as ``0012345678901000`` (and registering the other form of a registered NPWP is 409
``duplicate_npwp``). ``npwp_display`` is as people read it: an NPWP with a 15-digit form as
``01.234.567.8-901.000``, the NIK-based one in groups of four, ``3171 0123 4567 8901``.

An edit may not change what a party's cases were decided on: its ``kind`` once it has a
case, its ``npwp`` and ``is_pkp`` once one of its cases is approved or later (409
``party_in_use``, a reason per field).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StringConstraints

from cases.api.schemas import Strict
from cases.http.deps import CtxDep
from cases.http.params import Id, QueryText
from cases.limits import MAX_INT32
from cases.models import Party
from cases.permissions import require
from cases.services import parties as party_service

router = APIRouter(tags=["parties"])

# Bounds against abuse only: the service's own limits (name 200, address 300) come with
# their own codes, as on the pages.
Loose = Annotated[str, StringConstraints(max_length=1000)]
Number = Annotated[str, StringConstraints(max_length=64)]


class PartyIn(Strict):
    """A party as typed: NPWP and NIB with or without dots, dashes and spaces."""

    kind: Annotated[str, StringConstraints(max_length=32)] = Field(
        description='"company" (perusahaan pers) or "organisation"')
    name: Loose
    npwp: Number = Field(description="15 or 16 digits; may be empty only when editing a "
                                     "party carried over from old data without one")
    nib: Number = Field("", description="13 digits, companies only")
    address: Loose = ""
    is_pkp: bool = Field(False, strict=True)


class PartyEdit(PartyIn):
    """A full edit, made on ``version`` (stale: 409 ``stale_version``)."""

    version: int = Field(strict=True, ge=1, le=MAX_INT32)


class PartyOut(BaseModel):
    id: int
    kind: str
    kind_label: str
    name: str
    npwp: str | None
    npwp_display: str
    nib: str | None
    address: str
    is_pkp: bool
    version: int
    created_at: datetime
    updated_at: datetime


class PartyPage(BaseModel):
    """One page of parties by name; ``next_cursor`` asks for the next (None: the last)."""

    items: list[PartyOut]
    next_cursor: str | None


class PartyCaseOut(BaseModel):
    id: int
    reference: str
    workflow: str
    state: str
    fiscal_year: int
    title: str
    amount: int


class PartyDetailOut(PartyOut):
    cases: list[PartyCaseOut]


def _fields(party: Party) -> dict[str, object]:
    assert party.id is not None
    return {
        "id": party.id, "kind": party.kind,
        "kind_label": party_service.KIND_LABELS.get(party.kind, party.kind),
        "name": party.name, "npwp": party.npwp,
        "npwp_display": party_service.npwp_display(party.npwp), "nib": party.nib,
        "address": party.address, "is_pkp": party.is_pkp, "version": party.version,
        "created_at": party.created_at, "updated_at": party.updated_at,
    }


def _new(body: PartyIn) -> party_service.NewParty:
    return party_service.NewParty(kind=body.kind, name=body.name, npwp=body.npwp,
                                  nib=body.nib, address=body.address, is_pkp=body.is_pkp)


@router.post("/parties", status_code=201)
def create_party(ctx: CtxDep, body: PartyIn) -> PartyOut:
    """Register a party (officer, kabid). 422 with every problem; 409 ``duplicate_npwp``."""
    return PartyOut.model_validate(_fields(party_service.create_party(ctx, _new(body))))


@router.get("/parties")
def list_parties(
    ctx: CtxDep,
    q: QueryText | None = None,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=party_service.MAX_PAGE)] = 50,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> PartyPage:
    """Parties by name; ``q``: a part of the name, or of the NPWP or NIB (digits, separators
    allowed); ``kind``: company or organisation."""
    require(ctx.actor, "read_parties")
    rows, next_cursor = party_service.list_parties(ctx.session, q, kind or None, limit,
                                                   cursor or None)
    return PartyPage(items=[PartyOut.model_validate(_fields(p)) for p in rows],
                     next_cursor=next_cursor)


@router.get("/parties/{party_id}")
def get_party(ctx: CtxDep, party_id: Id) -> PartyDetailOut:
    """A party and its cases, newest fiscal year first."""
    require(ctx.actor, "read_parties")
    party = party_service.get_party(ctx.session, party_id)
    cases = party_service.party_cases(ctx.session, party_id)
    return PartyDetailOut.model_validate({
        **_fields(party),
        "cases": [PartyCaseOut(id=c.id, reference=c.reference, workflow=c.workflow,
                               state=c.state, fiscal_year=c.fiscal_year, title=c.title,
                               amount=c.amount) for c in cases],
    })


@router.put("/parties/{party_id}")
def update_party(ctx: CtxDep, party_id: Id, body: PartyEdit) -> PartyOut:
    """Replace a party's data (officer, kabid); 409 ``stale_version``, ``duplicate_npwp`` or
    ``party_in_use``."""
    party = party_service.update_party(ctx, party_id, _new(body), body.version)
    return PartyOut.model_validate(_fields(party))
