"""Sessions end when they should: a logout, a password change or reset, deactivation and a
role change end every token and cookie of the user at once (issue 11, point 3); responses to
a logged-in caller are never cached, and the cookie is Secure behind TLS (points 4 and 5)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app import cli, create_app
from cases import system_audit
from infra.config import Settings
from infra.runtime import Runtime
from tests.api.helpers import Api
from tests.conftest import PASSWORD, FakeClock
from tests.web.helpers import Pages


def fresh_token(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def me(client: TestClient, headers: dict[str, str]) -> tuple[int, str]:
    response = client.get("/api/me", headers=headers)
    return response.status_code, response.json()["detail"]["code"] if response.is_error else ""


def user_id(api: Api, username: str) -> int:
    return next(u["id"] for u in api.get("admin", "/api/users").json()
                if u["username"] == username)


@pytest.fixture
def browser(client: TestClient) -> Iterator[Pages]:
    """Rina in a browser of her own (cookies apart from the API client's)."""
    with TestClient(client.app) as own:
        pages = Pages(own)
        assert pages.login("rina").status_code == 303
        yield pages


def page_is_open(pages: Pages) -> bool:
    return pages.get("/", follow_redirects=False).status_code == 200


def test_api_logout_ends_every_token_and_page_session_of_the_user(
    client: TestClient, browser: Pages
) -> None:
    phone, laptop = fresh_token(client, "rina"), fresh_token(client, "rina")
    fajar = fresh_token(client, "fajar")
    assert client.post("/api/auth/logout", headers=phone).status_code == 204
    assert me(client, phone) == me(client, laptop) == (401, "token_revoked")
    assert not page_is_open(browser)
    assert me(client, fajar) == (200, "")  # nobody else's
    assert me(client, fresh_token(client, "rina")) == (200, "")  # and she can log in again


def test_page_logout_ends_the_api_tokens_too(client: TestClient, browser: Pages) -> None:
    token = fresh_token(client, "rina")
    copied = dict(browser.client.cookies)  # the cookie, as a thief would have kept it
    response = browser.post("/logout", follow_redirects=False)
    assert response.status_code == 303
    assert me(client, token) == (401, "token_revoked")
    with TestClient(client.app, cookies=copied) as thief:
        assert thief.get("/", follow_redirects=False).status_code == 303


def test_changing_ones_password_ends_other_sessions_and_gives_a_fresh_token(
    client: TestClient, browser: Pages
) -> None:
    old = fresh_token(client, "rina")
    body = {"current_password": PASSWORD, "new_password": "sandi-baru-2026"}
    response = client.post("/api/me/password", headers=old, json=body)
    assert response.status_code == 200, response.text
    new = {"Authorization": f"Bearer {response.json()['access_token']}"}
    assert me(client, old) == (401, "token_revoked")
    assert not page_is_open(browser)
    assert me(client, new) == (200, "")
    assert client.post("/api/auth/token", data={"username": "rina", "password": PASSWORD}
                       ).status_code == 401
    assert me(client, fresh_token(client, "rina", "sandi-baru-2026")) == (200, "")


@pytest.mark.parametrize(("current", "new", "status", "code"), [
    ("bukan-sandi-ini", "sandi-baru-2026", 422, "wrong_password"),
    (PASSWORD, "pendek", 422, "weak_password"),
])
def test_a_password_change_needs_the_current_password_and_a_strong_one(
    client: TestClient, current: str, new: str, status: int, code: str
) -> None:
    token = fresh_token(client, "rina")
    response = client.post("/api/me/password", headers=token,
                           json={"current_password": current, "new_password": new})
    assert (response.status_code, response.json()["detail"]["code"]) == (status, code)
    assert me(client, token) == (200, "")  # nothing changed, nothing ended


def test_an_admin_password_reset_ends_the_users_sessions(
    api: Api, client: TestClient, browser: Pages
) -> None:
    token = fresh_token(client, "rina")
    response = api.post("admin", f"/api/users/{user_id(api, 'rina')}/password",
                        json={"password": "sandi-dari-admin"})
    assert response.status_code == 200, response.text
    assert me(client, token) == (401, "token_revoked")
    assert not page_is_open(browser)


def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(
    api: Api, client: TestClient, browser: Pages
) -> None:
    token, rina = fresh_token(client, "rina"), user_id(api, "rina")
    assert api.post("admin", f"/api/users/{rina}/active", json={"active": False}
                    ).status_code == 200
    assert me(client, token) == (401, "inactive_user")
    assert api.post("admin", f"/api/users/{rina}/active", json={"active": True}
                    ).status_code == 200
    assert me(client, token) == (401, "token_revoked")
    assert not page_is_open(browser)
    assert me(client, fresh_token(client, "rina")) == (200, "")


def test_a_role_change_ends_sessions_and_the_new_roles_apply(
    api: Api, client: TestClient
) -> None:
    token, fajar = fresh_token(client, "fajar"), user_id(api, "fajar")
    response = api.put("admin", f"/api/users/{fajar}/roles", json={"roles": ["kabid"]})
    assert (response.status_code, response.json()["roles"]) == (200, ["kabid"])
    assert me(client, token) == (401, "token_revoked")
    again = client.get("/api/me", headers=fresh_token(client, "fajar")).json()
    assert again["roles"] == ["kabid"]


@pytest.mark.parametrize(("who", "target", "roles", "status", "code"), [
    ("admin", "fajar", ["officer", "raja"], 422, "unknown_role"),
    ("admin", "fajar", [], 422, "unknown_role"),
    ("admin", "admin", ["kadis"], 422, "cannot_demote_self"),
    ("siti", "fajar", ["kadis"], 403, "role_not_permitted"),
    ("admin", "nobody", ["officer"], 404, "user_not_found"),
])
def test_a_role_change_is_refused_when_it_should_be(
    api: Api, who: str, target: str, roles: list[str], status: int, code: str
) -> None:
    target_id = 999_999 if target == "nobody" else user_id(api, target)
    response = api.put(who, f"/api/users/{target_id}/roles", json={"roles": roles})
    assert (response.status_code, response.json()["detail"]["code"]) == (status, code)
    assert api.get("fajar", "/api/me").json()["roles"] == ["officer"]


def test_an_admin_may_add_a_role_to_their_own_account(api: Api) -> None:
    admin = user_id(api, "admin")
    response = api.put("admin", f"/api/users/{admin}/roles", json={"roles": ["admin", "kadis"]})
    assert (response.status_code, response.json()["roles"]) == (200, ["admin", "kadis"])


def test_every_user_act_is_in_the_system_audit_without_a_password(
    api: Api, client: TestClient, runtime: Runtime
) -> None:
    created = api.post("admin", "/api/users", json={
        "username": "bayu", "full_name": "Bayu", "email": "", "roles": ["officer"],
        "password": "sandi-bayu-2026"}).json()["id"]
    api.put("admin", f"/api/users/{created}/roles", json={"roles": ["kabid"]})
    api.post("admin", f"/api/users/{created}/password", json={"password": "sandi-reset-2026"})
    api.post("admin", f"/api/users/{created}/active", json={"active": False})
    api.post("admin", f"/api/users/{created}/active", json={"active": True})
    client.post("/api/me/password", headers=fresh_token(client, "bayu", "sandi-reset-2026"),
                json={"current_password": "sandi-reset-2026", "new_password": "sandi-bayu-baru"})
    with runtime.sessions() as session:
        entries = list(reversed(system_audit.latest(session)))
    acts = [(e.action, e.target, e.actor_name) for e in entries]
    assert acts[-6:] == [("user_created", "bayu", "Admin"), ("roles_changed", "bayu", "Admin"),
                         ("password_reset", "bayu", "Admin"),
                         ("user_deactivated", "bayu", "Admin"),
                         ("user_activated", "bayu", "Admin"), ("password_changed", "bayu", "Bayu")]
    assert entries[-5].payload == {"old": ["officer"], "new": ["kabid"]}
    recorded = repr([(e.payload, e.target) for e in entries])
    assert not any(secret in recorded for secret in
                   ("sandi-bayu-2026", "sandi-reset-2026", "sandi-bayu-baru", "argon2"))


def test_responses_to_a_logged_in_caller_are_never_stored(
    api: Api, client: TestClient, browser: Pages
) -> None:
    assert api.get("rina", "/api/me").headers["Cache-Control"] == "no-store"
    assert browser.get("/").headers["Cache-Control"] == "no-store"
    token = client.post("/api/auth/token", data={"username": "rina", "password": PASSWORD})
    assert token.headers["Cache-Control"] == "no-store"  # the token itself (RFC 6749, 5.1)
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")


@pytest.fixture
def behind_tls(settings: Settings, clock: FakeClock) -> Iterator[Any]:
    """A TestClient factory for the app behind a TLS-ending proxy at 192.0.2.10."""
    app = create_app(settings.model_copy(update={"trusted_proxies": ["192.0.2.0/24"]}), clock)
    opened: list[TestClient] = []

    def connect(peer: str) -> TestClient:
        opened.append(TestClient(app, client=(peer, 50000)).__enter__())
        return opened[-1]

    yield connect
    for test_client in opened:
        test_client.__exit__(None, None, None)


@pytest.mark.parametrize(("peer", "secure"), [("192.0.2.10", True), ("203.0.113.9", False)])
def test_the_session_cookie_is_secure_when_a_trusted_proxy_says_https(
    behind_tls: Any, peer: str, secure: bool
) -> None:
    pages = Pages(behind_tls(peer))
    pages.client.headers["X-Forwarded-Proto"] = "https"
    response = pages.login("rina")
    assert response.status_code == 303
    cookie = next(v for k, v in response.headers.multi_items()
                  if k == "set-cookie" and v.startswith("berkas_session="))
    assert ("; secure" in cookie.lower()) is secure


@pytest.mark.parametrize(("proxies", "expected"), [
    ('["10.0.0.1", "192.0.2.0/24"]', {"proxy_headers": True,
                                      "forwarded_allow_ips": "10.0.0.1,192.0.2.0/24"}),
    ("[]", {"proxy_headers": False}),
])
def test_serve_hands_the_trusted_proxies_to_uvicorn(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, proxies: str, expected: dict[str, Any]
) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda _app, **kw: calls.append(kw))
    env = {"BERKAS_TRUSTED_PROXIES": proxies, "BERKAS_ENV": "test",
           "BERKAS_SECRET_KEY": "s" * 32, "BERKAS_SCHEDULER": "false",
           "BERKAS_DATABASE_URL": f"sqlite:///{tmp_path}/serve.db"}
    result = CliRunner().invoke(cli, ["serve"], env=env)
    assert result.exit_code == 0, result.output
    assert {k: calls[0].get(k) for k in expected} == expected
