"""Roles that one account may not hold together (security review): the auditor (Inspektorat,
BPK) holds no other role, so stays read-only and independent of what it audits; finance
(PPK-SKPD), who enters the pagu from the DPA, neither approves (kadis) nor pays (treasurer)
against it, nor administers the accounts that could (admin).

Refused as 422 ``conflicting_roles`` on every path that sets roles: the API's user creation
and role change, the administrator's page, the CLI's ``berkas users create`` and the service
the demo and the bench call.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select
from typer.testing import CliRunner

from app import cli
from cases.errors import BadInput
from cases.models import User
from cases.services.users import create_user
from infra.runtime import Runtime
from tests.api.helpers import Api
from tests.conftest import PASSWORD, SECRET
from tests.web.helpers import Pages

OTHERS = ["officer", "kabid", "kadis", "treasurer", "finance", "admin"]
CONFLICTING = [
    *(["auditor", other] for other in OTHERS),
    ["finance", "kadis"], ["finance", "treasurer"], ["finance", "admin"],
    ["auditor", "finance", "officer"], ["finance", "kadis", "treasurer"],
]
# Combinations that stay allowed: the duties of a case are kept apart per case
# (tests/security/test_duties_across_roles.py), whatever one account holds.
ALLOWED = [["kadis", "treasurer"], ["officer", "kabid"], ["admin", "kadis"],
           ["finance", "officer"], ["finance", "kabid"], ["auditor"], ["finance"]]


def new_user(roles: list[str], username: str = "baru") -> dict[str, object]:
    return {"username": username, "full_name": "Pengguna Baru", "email": "baru@example.test",
            "roles": roles, "password": PASSWORD}


def usernames(runtime: Runtime) -> set[str]:
    with runtime.sessions() as session:
        return set(session.exec(select(User.username)).all())


def user_id(api: Api, username: str) -> int:
    return next(u["id"] for u in api.get("admin", "/api/users").json()
                if u["username"] == username)


@pytest.mark.parametrize("roles", CONFLICTING, ids="+".join)
def test_an_account_with_conflicting_roles_is_not_created(
    api: Api, runtime: Runtime, roles: list[str]
) -> None:
    response = api.post("admin", "/api/users", json=new_user(roles))
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail["code"] == "conflicting_roles"
    assert "tidak boleh" in detail["message"]
    assert "baru" not in usernames(runtime)


@pytest.mark.parametrize("roles", ALLOWED, ids="+".join)
def test_other_combinations_are_still_created(api: Api, roles: list[str]) -> None:
    response = api.post("admin", "/api/users", json=new_user(roles))
    assert response.status_code == 201, response.text
    assert response.json()["roles"] == sorted(roles)


@pytest.mark.parametrize(("who", "added"), [
    ("audra", "officer"), ("fina", "kadis"), ("fina", "treasurer"), ("fina", "admin"),
    ("ahmad", "finance"), ("dewi", "finance"), ("admin", "finance"), ("admin", "auditor"),
    ("rina", "auditor"),
])
def test_a_role_that_conflicts_with_one_held_is_not_added(
    api: Api, who: str, added: str
) -> None:
    """The change is refused before anything moves: the user keeps their roles and their
    sessions."""
    before = api.get(who, "/api/me").json()["roles"]
    response = api.put("admin", f"/api/users/{user_id(api, who)}/roles",
                       json={"roles": [*before, added]})
    assert response.status_code == 422, response.text
    assert response.json()["detail"]["code"] == "conflicting_roles"
    assert api.get(who, "/api/me").json()["roles"] == before  # the same token still works
    assert not [e for e in api.get("audra", "/api/audit/system").json()
                if e["action"] == "roles_changed"]


def test_a_role_may_be_replaced_by_one_that_conflicted_with_it(api: Api) -> None:
    """Finance moved to the treasurer's desk: a replacement, not a combination."""
    response = api.put("admin", f"/api/users/{user_id(api, 'fina')}/roles",
                       json={"roles": ["treasurer"]})
    assert (response.status_code, response.json()["roles"]) == (200, ["treasurer"])


def test_unknown_roles_are_named_before_conflicts(api: Api) -> None:
    response = api.post("admin", "/api/users", json=new_user(["auditor", "admin", "raja"]))
    assert (response.status_code, response.json()["detail"]["code"]) == (422, "unknown_role")


def test_the_administrators_page_refuses_conflicting_roles(
    client: TestClient, api: Api, runtime: Runtime
) -> None:
    admin = Pages(client)
    assert admin.login("admin").status_code == 303
    response = admin.post("/admin/users", {"username": "baru", "full_name": "Pengguna Baru",
                                           "email": "", "roles": ["finance", "admin"],
                                           "password": PASSWORD})
    assert response.status_code == 422
    assert "tidak boleh" in response.text
    assert "conflicting_roles" not in response.text
    assert "baru" not in usernames(runtime)


def test_the_cli_refuses_conflicting_roles(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BERKAS_DATABASE_URL",
                       runtime.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("BERKAS_SECRET_KEY", SECRET)
    command = ["users", "create", "baru", "--role", "auditor", "--role", "kabid",
               "--email", "baru@example.test", "--full-name", "Pengguna Baru",
               "--password-stdin"]
    refused = CliRunner().invoke(cli, command, input=f"{PASSWORD}\n")
    assert refused.exit_code == 1, refused.output
    assert "conflicting_roles" in refused.output
    assert "baru" not in usernames(runtime)
    allowed = CliRunner().invoke(cli, [*command[:5], "--email", "baru@example.test",
                                       "--full-name", "Pengguna Baru", "--password-stdin"],
                                 input=f"{PASSWORD}\n")
    assert allowed.exit_code == 0, allowed.output
    assert "baru" in usernames(runtime)


@pytest.mark.parametrize("roles", [("finance", "kadis"), ("auditor", "admin")])
def test_the_service_the_demo_and_the_bench_call_refuses_them_too(
    runtime: Runtime, roles: tuple[str, ...]
) -> None:
    with runtime.sessions() as session, pytest.raises(BadInput) as refused:
        create_user(session, username="baru", full_name="Pengguna Baru", email="",
                    roles=roles, password=PASSWORD, now=runtime.clock())
    assert refused.value.code == "conflicting_roles"
    assert "baru" not in usernames(runtime)
