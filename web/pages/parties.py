"""Parties (press companies and organisations): find, register, read with their cases, edit.

Officers register a party once and choose it for each case; everyone who reads cases may
read parties. A refused form comes back with every problem next to its field, in
Indonesian; an edit made on an old version is refused (someone saved first) and the form
shows the data as it is now.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.requests import Request

from cases.errors import BadInput, Conflict, ServiceError
from cases.http.errors import status_of
from cases.http.params import Id, QueryText
from cases.limits import whole_number
from cases.models import Party
from cases.permissions import may, require
from cases.services import parties as party_service
from web.forms import by_field
from web.render import page
from web.session import Page, PageDep, PostDep, Posted, redirect
from workflows import DEFINITIONS

router = APIRouter()

FIELDS = ("kind", "name", "npwp", "nib", "address")


def _limits() -> dict[str, int]:
    return {"name": party_service.NAME_MAX, "address": party_service.ADDRESS_MAX}


def _values_of(party: Party) -> dict[str, Any]:
    """The form's values for ``party`` as stored (NPWP as people read it)."""
    return {"party.kind": party.kind, "party.name": party.name,
            "party.npwp": party_service.npwp_display(party.npwp),
            "party.nib": party.nib or "", "party.address": party.address,
            "party.is_pkp": party.is_pkp}


def _posted_party(posted: Posted) -> tuple[party_service.NewParty, dict[str, Any]]:
    """The party typed into the form, and the form's values to show again if refused."""
    texts = {field: posted.text(f"party.{field}") for field in FIELDS}
    is_pkp = posted.text("party.is_pkp") in ("1", "on", "true")
    values: dict[str, Any] = {f"party.{f}": t for f, t in texts.items()}
    values["party.is_pkp"] = is_pkp
    return party_service.NewParty(**texts, is_pkp=is_pkp), values


def _errors(exc: ServiceError) -> dict[str, list[str]]:
    """The refusal's problems by field (``party.npwp``), its message above the form."""
    errors = by_field(exc.reasons)
    errors[""] = [exc.message, *errors.get("", [])]
    return errors


def _labels(workflow: str, state: str) -> tuple[str, str]:
    """What people call a case's workflow and state (the codes, if no longer defined)."""
    definition = DEFINITIONS.get(workflow)
    if definition is None:
        return workflow, state
    return definition.label, next((s.label for s in definition.states if s.code == state),
                                  state)


# --- find ----------------------------------------------------------------------------------

def _next_url(request: Request, cursor: str | None) -> str:
    if cursor is None:
        return ""
    params = {k: v for k, v in request.query_params.items() if k != "cursor" and v}
    return "/parties?" + urlencode({**params, "cursor": cursor})


@router.get("/parties")
def parties(
    who: PageDep,
    q: QueryText = "",
    kind: Annotated[str, Query(pattern="^(company|organisation|)$")] = "",
    cursor: Annotated[str, Query(max_length=400)] = "",
) -> Response:
    require(who.actor, "read_parties")
    rows, next_cursor = party_service.list_parties(who.session, q or None, kind or None,
                                                   50, cursor or None)
    return page(who.request, "parties.html", {
        "parties": rows, "q": q, "kind": kind, "kinds": party_service.KIND_LABELS,
        "npwp": party_service.npwp_display, "next_url": _next_url(who.request, next_cursor),
    }, who=who)


# --- register ------------------------------------------------------------------------------

def _new_form(who: Page, values: dict[str, Any], errors: dict[str, list[str]],
              status: int = 200) -> Response:
    require(who.actor, "register_party")
    return page(who.request, "party_new.html", {
        "values": values, "errors": errors, "kinds": party_service.KIND_LABELS,
        "limits": _limits()}, who=who, status=status)


@router.get("/parties/new")
def new_party(who: PageDep) -> Response:
    return _new_form(who, {"party.kind": "company"}, {})


@router.post("/parties")
def create_party(posted: PostDep) -> Response:
    new, values = _posted_party(posted)
    try:
        party = party_service.create_party(posted.page.ctx, new)
    except (BadInput, Conflict) as exc:
        return _new_form(posted.page, values, _errors(exc), status=status_of(exc))
    return redirect(f"/parties/{party.id}", f"{party.name} didaftarkan.")


# --- read and edit -------------------------------------------------------------------------

def _party_page(who: Page, party_id: int, values: dict[str, Any] | None = None,
                errors: dict[str, list[str]] | None = None, status: int = 200) -> Response:
    """The party as it is now, its cases, and (for those who may) its edit form filled with
    ``values`` (default: the stored data) and ``errors``."""
    require(who.actor, "read_parties")
    who.ctx.fresh()
    party = party_service.get_party(who.session, party_id)
    cases = [(c, *_labels(c.workflow, c.state))
             for c in party_service.party_cases(who.session, party_id)]
    return page(who.request, "party.html", {
        "party": party, "cases": cases, "kinds": party_service.KIND_LABELS,
        "npwp": party_service.npwp_display(party.npwp),
        "values": values or _values_of(party), "errors": errors or {},
        "editable": may(who.actor, "register_party"), "limits": _limits(),
    }, who=who, status=status)


@router.get("/parties/{party_id}")
def party_detail(who: PageDep, party_id: Id) -> Response:
    return _party_page(who, party_id)


@router.post("/parties/{party_id}")
def update_party(posted: PostDep, party_id: Id) -> Response:
    who = posted.page
    changes, values = _posted_party(posted)
    version = whole_number(posted.text("version"), 1)
    try:
        if version is None:
            raise Conflict("Formulir tidak lengkap; muat ulang halaman lalu ulangi",
                           "stale_version")
        party = party_service.update_party(who.ctx, party_id, changes, version)
    except Conflict as exc:
        if exc.code == "stale_version":
            # Someone saved first: show the data as it is now, not the typed values.
            return _party_page(who, party_id, errors={"": [
                f"{exc.message}. Perubahan Anda belum disimpan; data di bawah adalah data "
                "terbaru."]}, status=409)
        return _party_page(who, party_id, values, _errors(exc), status=409)
    except BadInput as exc:
        return _party_page(who, party_id, values, _errors(exc), status=422)
    return redirect(f"/parties/{party_id}", f"Data {party.name} disimpan.")
