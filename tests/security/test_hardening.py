"""Throttled logins, secure headers, hostile uploads, and no secret in the logs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import COMPANY, MEDIA_APPLICANT, PDF, Api
from tests.conftest import PASSWORD, FakeClock
from tests.web.helpers import Pages


def login(client: TestClient, password: str) -> int:
    response = client.post("/api/auth/token", data={"username": "rina", "password": password})
    return response.status_code


def test_five_wrong_passwords_lock_the_username_for_fifteen_minutes_from_new_addresses(
    api: Api, clock: FakeClock
) -> None:
    """The TestClient's address never logged in as rina: the account limit holds for it (a
    known address passes it with the right password: see test_throttle_login)."""
    client = api.client
    assert [login(client, "salah") for _ in range(5)] == [401] * 5
    locked = client.post("/api/auth/token", data={"username": "rina", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["detail"]["code"] == "too_many_attempts"
    assert Pages(client).login("rina").status_code == 429  # the login page counts too
    assert client.post("/api/auth/token",
                       data={"username": "fajar", "password": PASSWORD}).status_code == 200
    clock.advance(minutes=15, seconds=1)
    assert login(client, PASSWORD) == 200
    assert login(client, "salah") == 401  # a success cleared the count


def test_pages_and_api_carry_security_headers(api: Api) -> None:
    for response in (api.client.get("/login"), api.get("rina", "/api/me")):
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_no_page_has_an_inline_script_style_or_event_handler() -> None:
    templates = list(Path("web/templates").glob("*.html"))
    assert templates
    for template in templates:
        html = template.read_text()
        assert "<script>" not in html, template
        assert not re.search(r"\sstyle=", html), template
        assert not re.search(r"\son[a-z]+=", html), template


def test_a_body_announced_too_large_is_refused_before_it_is_read(api: Api) -> None:
    case_id = api.create_media()["id"]
    response = api.client.post(f"/api/cases/{case_id}/documents", content=b"x",
                               headers={**api.headers("rina"), "Content-Length": str(10**9)})
    assert response.status_code == 413
    assert response.json()["detail"]["code"] == "file_too_large"


@pytest.mark.parametrize(("name", "stored"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("<script>alert(1)</script>.pdf", "script_.pdf"),
    ("C:\\\\Windows\\\\evil.exe", "evil.pdf"),
    ("\u202egpj.exe", "gpj.pdf"),
])
def test_hostile_file_names_are_stored_harmlessly(api: Api, name: str, stored: str) -> None:
    case_id = api.create_media()["id"]
    response = api.upload("rina", case_id, "npwp", PDF, filename=name)
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == stored


def test_a_pdf_with_scripts_is_only_ever_downloaded_never_rendered(api: Api) -> None:
    case_id = api.create_media()["id"]
    hostile = b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF"
    doc = api.upload("rina", case_id, "npwp", hostile).json()
    for path in (f"/api/cases/{case_id}/documents/{doc['id']}",):
        response = api.get("rina", path)
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["Content-Security-Policy"] == "sandbox"
        assert response.content == hostile


def test_a_zip_bomb_is_not_accepted(api: Api) -> None:
    case_id = api.create_media()["id"]
    zipped = b"PK\x03\x04" + b"\x00" * 64
    response = api.upload("rina", case_id, "npwp", zipped, filename="bom.pdf")
    assert response.status_code == 415


def test_passwords_and_tokens_never_reach_the_logs(
    api: Api, capfd: pytest.CaptureFixture[str]
) -> None:
    token = api.headers("rina")["Authorization"].removeprefix("Bearer ")
    api.get("rina", "/api/me")
    api.client.post("/api/auth/token", data={"username": "rina", "password": "bukan-ini-123"})
    Pages(api.client).login("fajar")
    logs = capfd.readouterr().err
    assert "user.login" in logs  # the logins were logged ...
    assert PASSWORD not in logs  # ... without what was typed
    assert "bukan-ini-123" not in logs
    assert token not in logs


def test_a_password_typed_as_a_username_is_not_logged(
    client: TestClient, capfd: pytest.CaptureFixture[str]
) -> None:
    typed = "Kadis-Rahasia-2026!"  # the password, in the username field
    client.post("/api/auth/token", data={"username": typed, "password": "rina"})
    client.post("/api/auth/token", data={"username": "rina", "password": "bukan-ini-123"})
    logs = capfd.readouterr().err
    assert logs.count("user.login_failed") == 2
    assert typed not in logs
    assert '"username": "rina"' in logs  # a name that names an account is logged as it is


def test_a_nul_character_is_refused_as_bad_input_on_every_database(api: Api) -> None:
    """PostgreSQL cannot store NUL in text: it must be a 4xx everywhere, never a 500."""
    case = api.create_media()
    case_id = case["id"]
    comment = api.post("rina", f"/api/cases/{case_id}/comments", json={"body": "a\x00b"})
    search = api.get("rina", "/api/cases", params={"q": "a\x00b"})
    applicant = api.post("rina", "/api/cases", json={
        "workflow": "media_verification", "title": "Uji", "fiscal_year": 2026, "amount": 1,
        "party_id": case["party"]["id"], "applicant": {**MEDIA_APPLICANT, "media_name": "PT\x00"}})
    party = api.post("rina", "/api/parties", json={**COMPANY, "npwp": "09.876.543.2-109.000",
                                                   "name": "PT\x00"})
    login = api.client.post("/api/auth/token", data={"username": "ri\x00na", "password": "x"})
    assert [r.status_code for r in (comment, search, applicant, party, login)] == [
        422, 422, 422, 422, 401]
    assert len(api.get("rina", f"/api/cases/{case_id}/audit").json()) == 1
