"""Who may reach what: every route needs a session, every transition its roles."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import Api
from tests.conftest import People
from tests.routes import flat_routes
from workflows import DEFINITIONS, Role

PUBLIC = {("/api/auth/token", "POST"), ("/healthz", "GET"), ("/login", "GET"),
          ("/login", "POST"), ("/favicon.ico", "GET"), ("/openapi.json", "GET"),
          ("/docs", "GET"), ("/docs/oauth2-redirect", "GET"), ("/redoc", "GET"),
          # The verification page of an issued document: its QR code is for anyone.
          ("/v/{token:path}", "GET")}


def guarded_routes(client: TestClient) -> list[tuple[str, str]]:
    routes = flat_routes(client.app)  # type: ignore[arg-type]
    return [(path, method) for path, methods in routes for method in sorted(methods)
            if method in {"GET", "POST", "PUT"} and (path, method) not in PUBLIC
            and not path.startswith("/static")]


def test_every_route_but_login_health_and_static_needs_a_session(client: TestClient) -> None:
    routes = guarded_routes(client)
    assert len(routes) > 40  # the enumeration found the app's routes, new ones included
    for path, method in routes:
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = client.request(method, url, follow_redirects=False)
        if path.startswith("/api"):
            assert response.status_code == 401, (method, path, response.status_code)
        else:
            assert response.status_code == 303, (method, path, response.status_code)
            assert response.headers["location"].startswith("/login?next=")


ROLE_USERS = {Role.OFFICER: "bayu", Role.KABID: "siti", Role.KADIS: "ahmad",
              Role.TREASURER: "dewi", Role.FINANCE: "fina", Role.AUDITOR: "audra",
              Role.ADMIN: "admin"}


def case_in(api: Api, workflow: str, state: str) -> dict[str, Any]:
    """A case of ``workflow`` brought to ``state`` by rina (registers), fajar (reviews),
    ahmad (approves) and dewi (pays), each gate's documents checked MS."""
    grant = workflow == "grant"
    if state in ("submitted", "returned"):
        case = api.create_grant("rina") if grant else api.create_media("rina")
        if state == "returned":
            api.fire("fajar", case["id"], "return_for_revision", comment="perbaiki")
        return api.case("rina", case["id"])
    # The approved and the paid grant are two stages under one Keputusan Bupati (Rp150 jt):
    # Rp75 jt each, so that together they stay within it.
    steps = {
        "reviewed": api.to_reviewed_grant if grant else api.to_reviewed_media,
        "approved": partial(api.to_approved_grant, recommended=75_000_000) if grant
        else api.to_approved_media,
        "paid": partial(api.to_paid_grant, recommended=75_000_000) if grant
        else api.to_paid_media,
    }
    case_id = steps[state]()
    case = api.case("rina", case_id)
    assert case["state"] == state
    return case


@pytest.mark.parametrize("workflow", sorted(DEFINITIONS))
def test_every_transition_is_open_to_its_roles_and_403_to_the_others(
    api: Api, people: People, workflow: str
) -> None:
    people.add("bayu", "officer")
    api.set_budget(workflow, 10**12)
    definition = DEFINITIONS[workflow]
    cases = {state: case_in(api, workflow, state)
             for state in ("submitted", "returned", "reviewed", "approved", "paid")}
    for spec in definition.transitions:
        case = cases[spec.sources[0]]
        for role, username in ROLE_USERS.items():
            listed = {t["trigger"]: t for t in api.case(username, case["id"])[
                "available_transitions"]}
            codes = {r["code"] for r in listed[spec.trigger]["reasons"]}
            if role in spec.roles:
                assert "role_not_permitted" not in codes, (spec.trigger, role)
                continue
            assert role is not Role.ADMIN or "role_not_permitted" in codes
            refused = api.fire(username, case["id"], spec.trigger, comment="uji",
                               version=case["version"])
            assert refused.status_code == 403, (spec.trigger, role, refused.text)
            detail = refused.json()["detail"]
            if role is Role.AUDITOR:  # refused before any transition is asked: reads only
                assert detail["code"] == "role_not_permitted"
                continue
            assert "role_not_permitted" in {r["code"] for r in detail["reasons"]}
        assert api.case("rina", case["id"])["version"] == case["version"]  # nothing changed
