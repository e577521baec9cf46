"""The pages through TestClient: sessions, CSRF, roles, refusals rendered as pages."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import MEDIA_REVIEW_DOCS, Api
from tests.routes import flat_routes
from tests.web.helpers import Pages, csrf_of

Login = Callable[[str], Pages]


def test_pages_send_a_stranger_to_the_login_page_and_back(client: TestClient) -> None:
    response = client.get("/cases?state=submitted", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/cases%3Fstate%3Dsubmitted"


def test_login_sets_an_httponly_lax_session_and_logout_ends_it(
    client: TestClient, api: Api
) -> None:
    pages = Pages(client)
    response = pages.login("rina")
    assert response.status_code == 303
    cookie = response.headers.get_list("set-cookie")
    session = next(c for c in cookie if c.startswith("berkas_session="))
    assert "HttpOnly" in session
    assert "SameSite=lax" in session
    assert "Rina" in client.get("/").text
    assert pages.post("/logout", follow_redirects=False).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_wrong_password_stays_on_the_login_page_with_a_message(
    client: TestClient, api: Api
) -> None:
    response = Pages(client).login("rina", "salah-sekali")
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah" in response.text


def test_a_login_form_without_its_csrf_cookie_is_refused(client: TestClient, api: Api) -> None:
    form = client.get("/login")
    client.cookies.clear()
    response = client.post("/login", data={"username": "rina", "password": "x",
                                           "csrf": csrf_of(form.text)})
    assert response.status_code == 403


def test_an_open_redirect_after_login_is_not_followed(client: TestClient, api: Api) -> None:
    form = client.get("/login?next=//evil.example/x")
    assert 'name="next" value="/"' in form.text


def test_a_form_without_the_session_csrf_token_changes_nothing(
    browser_for: Login, api: Api
) -> None:
    case_id = api.create_media("rina")["id"]
    fajar = browser_for("fajar")
    response = fajar.client.post(f"/cases/{case_id}/comments",
                                 data={"csrf": "palsu", "body": "komentar"})
    assert response.status_code == 403
    assert "Formulir kedaluwarsa" in response.text
    assert [e["action"] for e in api.get("siti", f"/api/cases/{case_id}/audit").json()] == [
        "case_created"]


def test_registering_through_the_form_shows_errors_next_to_the_fields(
    browser_for: Login,
) -> None:
    rina = browser_for("rina")
    response = rina.post("/cases/new?workflow=media_verification", {
        "case.title": "Kerja sama", "case.fiscal_year": "2026", "case.amount": "Rp 45.000.000",
        "applicant.company_name": "PT Uji", "applicant.media_name": "",
        "applicant.media_type": "koran", "applicant.editor_in_chief": "Pemred",
        "applicant.dewan_pers_status": "factual",
    })
    assert response.status_code == 422
    errors = re.findall(r'<p class="field-error">([^<]+)</p>', response.text)
    assert "Nama media wajib diisi" in errors
    assert any(e.startswith("pilihan yang sah") for e in errors)
    assert 'value="Rp 45.000.000"' in response.text  # what was typed is kept

    created = rina.post("/cases/new?workflow=media_verification", {
        "case.title": "Kerja sama", "case.fiscal_year": "2026", "case.amount": "45.000.000",
        "applicant.company_name": "PT Uji", "applicant.media_name": "Uji Pos",
        "applicant.media_type": "online", "applicant.editor_in_chief": "Pemred",
        "applicant.dewan_pers_status": "factual",
    }, follow_redirects=False)
    assert created.status_code == 303
    page = rina.get(created.headers["location"])
    assert "MV-2026-0001" in page.text
    assert "Rp 45.000.000" in page.text


def test_a_blocked_transition_shows_its_reasons_and_the_stale_form_is_not_applied(
    browser_for: Login, api: Api
) -> None:
    case_id = api.create_media("rina")["id"]
    rina, fajar = browser_for("rina"), browser_for("fajar")
    own = rina.get(f"/cases/{case_id}").text
    assert 'data-trigger="review"' in own
    assert "same_actor" in own
    assert "missing_document" in own

    version = api.case("rina", case_id)["version"]
    assert api.fire("siti", case_id, "return_for_revision", comment="NIB").status_code == 200
    stale = fajar.post(f"/cases/{case_id}/transitions/withdraw",
                       {"version": str(version), "comment": "batal"})
    assert stale.status_code == 409
    assert "Berkas ini berubah ketika Anda sedang melihatnya" in stale.text
    assert api.case("rina", case_id)["state"] == "returned"


def test_signoff_is_the_kadis_page_only(browser_for: Login) -> None:
    response = browser_for("rina").get("/signoff")
    assert response.status_code == 403
    assert "Antrean persetujuan hanya untuk Kepala Dinas" in response.text
    assert browser_for("ahmad").get("/signoff").status_code == 200


def test_an_unknown_case_is_a_page_not_json(browser_for: Login) -> None:
    response = browser_for("rina").get("/cases/999")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Berkas 999 tidak ditemukan" in response.text


def test_the_kadis_signs_off_several_cases_each_on_its_own(
    browser_for: Login, api: Api
) -> None:
    api.set_budget("media_verification", 600_000_000)
    ok = api.create_media("rina", amount=45_000_000)["id"]
    over = api.create_media("rina", amount=50_000_000)["id"]
    for case_id, tier in ((ok, "A"), (over, "B")):
        api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS)
        assert api.fire("fajar", case_id, "review", data={"tier": tier}).status_code == 200
    picks = [f"{c}:{api.case('rina', c)['version']}" for c in (ok, over)]
    result = browser_for("ahmad").post("/signoff", {"action": "approve", "case": picks})
    assert result.status_code == 200
    assert "MV-2026-0001</a>:\n      berhasil" in result.text
    assert "over_tier_ceiling" in result.text
    assert api.case("rina", ok)["state"] == "approved"
    assert api.case("rina", over)["state"] == "reviewed"


@pytest.mark.parametrize("path", ["/", "/cases", "/cases/new", "/workflows", "/notifications"])
def test_every_officer_page_renders(browser_for: Login, api: Api, path: str) -> None:
    api.create_media("rina")
    assert browser_for("rina").get(path).status_code == 200


@pytest.mark.parametrize("path", ["/admin/users", "/admin/emails", "/budgets", "/admin/audit"])
def test_admin_pages_are_refused_to_officers(browser_for: Login, path: str) -> None:
    assert browser_for("rina").get(path).status_code == 403
    assert browser_for("admin").get(path).status_code == 200


def test_no_page_changes_anything_by_get(client: TestClient) -> None:
    routes = flat_routes(client.app)  # type: ignore[arg-type]
    page_posts = {path for path, methods in routes
                  if "POST" in methods and not path.startswith("/api")}
    assert {"/logout", "/signoff", "/cases/{case_id}/transitions/{trigger}"} <= page_posts
    # An action answers POST only: no route serves both, so no link can act by GET.
    assert [path for path, methods in routes if {"GET", "POST"} <= methods] == []
