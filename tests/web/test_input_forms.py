"""The page forms refuse what no column can hold, on every database, and say which field
(issue 11): long texts, numbers that are no numbers (``²``), years and dates out of range,
forged sign-off picks and line breaks in one-line fields. Notes keep their lines."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.api.helpers import (
    COMPANY,
    DECISION,
    GRANT_REVIEW_DOCS,
    MEDIA_APPLICANT,
    MEDIA_REVIEW_DOCS,
    ORGANISATION,
    SITE_VISIT,
    Api,
)
from tests.web.helpers import Pages, section, visible_text

Login = Callable[[str], Pages]
MEDIA_FORM = {"case.title": "Kerja sama", "case.fiscal_year": "2026",
              "case.amount": "45.000.000",
              **{f"applicant.{k}": v for k, v in MEDIA_APPLICANT.items()}}


def field_errors(html: str, field: str) -> list[str]:
    """The messages shown under the input named ``field`` of the registration form."""
    block = html.split(f'for="{field}"', 1)[1].split('<div class="field', 1)[0]
    return re.findall(r'<p class="field-error">([^<]+)</p>', block)


def audit_actions(api: Api, case_id: int) -> list[str]:
    return [e["action"] for e in api.get("siti", f"/api/cases/{case_id}/audit").json()]


def register(pages: Pages, api: Api, **changes: str) -> Any:
    return pages.post("/cases/new?workflow=media_verification", {
        **MEDIA_FORM, "case.party_id": str(api.party(COMPANY)), **changes},
        follow_redirects=False)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("case.title", "x" * 301, "paling banyak 300 karakter"),
    ("case.title", "Kerja\r\nsama", "harus satu baris, tanpa baris baru"),
    ("applicant.media_name", "Balangan\r\nPos", "harus satu baris, tanpa baris baru"),
    ("case.fiscal_year", "²", "tahun 2000–2100"),
    ("case.fiscal_year", "9" * 30, "tahun 2000–2100"),
    ("case.submitted_at", "0001-01-01", "tanggal tidak valid (tahun 2000–2100)"),
    ("case.submitted_at", "9999-12-31", "tanggal tidak valid (tahun 2000–2100)"),
])
def test_the_registration_form_names_the_field_it_refuses(
    browser_for: Login, api: Api, field: str, value: str, message: str
) -> None:
    response = register(browser_for("siti"), api, **{field: value})
    assert response.status_code == 422, response.text
    assert message in field_errors(response.text, field)
    assert api.get("siti", "/api/cases").json()["items"] == []


def test_a_note_typed_on_the_registration_form_keeps_its_lines(
    browser_for: Login, api: Api
) -> None:
    created = browser_for("rina").post("/cases/new?workflow=grant", {
        "case.title": "Hibah PWI 2026", "case.fiscal_year": "2026",
        "case.amount": "150.000.000", "case.party_id": str(api.party(ORGANISATION)),
        "applicant.chair": "Ketua", "data.purpose": "Satu\r\nDua",
        **{f"data.{k}": str(v) for k, v in DECISION.items()}}, follow_redirects=False)
    assert created.status_code == 303, created.text
    case = api.get("rina", "/api/cases").json()["items"][0]
    assert api.case("rina", case["id"])["data"]["purpose"] == "Satu\r\nDua"


def test_the_forms_take_their_lengths_from_the_length_table(
    browser_for: Login, api: Api
) -> None:
    rina = browser_for("rina")
    assert 'name="case.title" required maxlength="300"' in rina.get("/cases/new").text
    case_id = api.create_media()["id"]
    api.upload("rina", case_id, "npwp")
    page = rina.get(f"/cases/{case_id}").text
    assert 'name="note" maxlength="2000"' in page
    assert 'name="body" rows="2" required maxlength="4000"' in page


def test_case_page_texts_longer_than_their_column_are_refused_and_change_nothing(
    browser_for: Login, api: Api
) -> None:
    case_id = api.create_media()["id"]
    doc_id = api.upload("rina", case_id, "npwp").json()["id"]
    fajar = browser_for("fajar")
    version = str(api.case("rina", case_id)["version"])
    before = audit_actions(api, case_id)
    for path, form in (
        (f"/cases/{case_id}/comments", {"body": "x" * 4001}),
        (f"/cases/{case_id}/documents/{doc_id}/check", {"valid": "false", "note": "x" * 2001}),
        (f"/cases/{case_id}/transitions/return_for_revision",
         {"version": version, "comment": "x" * 4001}),
    ):
        response = fajar.post(path, form)
        assert response.status_code == 422, (path, response.text)
        problem = visible_text(section(response.text, "problem"))
        assert re.search(r"(Komentar|Catatan pemeriksaan|Catatan): paling banyak \d+ karakter",
                         problem), problem
        assert "too_long" not in visible_text(response.text)
    assert audit_actions(api, case_id) == before
    assert api.case("rina", case_id)["state"] == "submitted"


def test_a_comment_typed_on_the_case_page_keeps_its_lines(
    browser_for: Login, api: Api
) -> None:
    case_id = api.create_media()["id"]
    sent = browser_for("fajar").post(f"/cases/{case_id}/comments", {"body": "Satu\r\nDua"},
                                     follow_redirects=False)
    assert sent.status_code == 303
    assert api.get("siti", f"/api/cases/{case_id}/audit").json()[-1]["comment"] == "Satu\r\nDua"


@pytest.mark.parametrize("version", ["²", "9" * 30, "0"])
def test_a_transition_form_with_a_version_that_is_no_number_is_refused(
    browser_for: Login, api: Api, version: str
) -> None:
    case_id = api.create_media()["id"]
    response = browser_for("fajar").post(f"/cases/{case_id}/transitions/return_for_revision",
                                         {"version": version, "comment": "NIB"})
    assert response.status_code == 422, response.text
    assert api.case("rina", case_id)["state"] == "submitted"


@pytest.mark.parametrize("year", ["²", "9" * 30, "1999"])
def test_the_case_list_refuses_a_year_it_cannot_filter_by(
    browser_for: Login, api: Api, year: str
) -> None:
    api.create_media()
    response = browser_for("rina").get("/cases", params={"fiscal_year": year})
    assert response.status_code == 422, response.text
    assert "Tahun anggaran harus 2000–2100" in response.text


def test_the_case_list_refuses_a_forged_cursor(browser_for: Login, api: Api) -> None:
    api.create_media()
    forged = base64.urlsafe_b64encode(f"c:{2**63}".encode()).decode().rstrip("=")
    rina = browser_for("rina")
    response = rina.get("/cases", params={"cursor": forged})
    assert response.status_code == 422, response.text
    assert "Kursor halaman tidak valid" in response.text
    partial = rina.get("/cases", params={"cursor": forged}, headers={"HX-Request": "true"})
    assert partial.status_code == 200  # HTMX swaps only a 2xx: the table says it instead
    assert "Kursor halaman tidak valid" in partial.text


@pytest.mark.parametrize("year", ["²", "9" * 30])
def test_the_budget_form_refuses_a_year_that_is_no_plausible_year(
    browser_for: Login, api: Api, year: str
) -> None:
    response = browser_for("fina").post("/budgets", {
        "workflow": "grant", "fiscal_year": year, "amount": "100.000.000",
        "dpa_number": "DPA/2026/2.16.01", "dpa_date": "2026-01-02"})
    assert response.status_code == 422, response.text
    assert api.get("fina", "/api/budgets").json() == []


def reviewed_case(api: Api) -> int:
    api.set_budget("media_verification", 600_000_000)
    case_id: int = api.create_media("rina")["id"]
    api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS)
    assert api.fire("fajar", case_id, "review", data=SITE_VISIT).status_code == 200
    return case_id


@pytest.mark.parametrize("forged", ["²:1", f"{2**63}:1", "1:²", f"1:{2**31}"])
def test_signoff_refuses_a_forged_pick_and_decides_nothing(
    browser_for: Login, api: Api, forged: str
) -> None:
    case_id = reviewed_case(api)
    picks = [f"{case_id}:{api.case('rina', case_id)['version']}", forged]
    response = browser_for("ahmad").post("/signoff", {"action": "approve", "case": picks})
    assert response.status_code == 422, response.text
    assert api.case("rina", case_id)["state"] == "reviewed"


def test_signoff_refuses_a_comment_longer_than_the_audit_trail_holds(
    browser_for: Login, api: Api
) -> None:
    case_id = reviewed_case(api)
    pick = f"{case_id}:{api.case('rina', case_id)['version']}"
    response = browser_for("ahmad").post("/signoff", {
        "action": "reject", "case": [pick], "comment": "x" * 4001})
    assert response.status_code == 422, response.text
    assert "paling banyak 4000 karakter" in response.text
    assert api.case("rina", case_id)["state"] == "reviewed"


@pytest.mark.parametrize(("full_name", "message"), [
    ("x" * 201, "paling banyak 200 karakter"),
    ("Nama\r\nBaru", "harus satu baris, tanpa baris baru"),
])
def test_the_user_form_refuses_a_full_name_no_column_holds(
    browser_for: Login, api: Api, full_name: str, message: str
) -> None:
    response = browser_for("admin").post("/admin/users", {
        "username": "baru", "full_name": full_name, "email": "baru@example.test",
        "roles": "officer", "password": "rahasia-uji-123"})
    assert response.status_code == 422, response.text
    assert message in response.text
    assert "baru" not in [u["username"] for u in api.get("admin", "/api/users").json()]


@pytest.mark.parametrize("typed", ["²", "abc", "9" * 30, "-1"])
def test_a_document_that_is_no_document_id_is_refused_by_its_label(
    browser_for: Login, api: Api, typed: str
) -> None:
    case_id = api.to_approved_media()
    response = browser_for("dewi").post(f"/cases/{case_id}/transitions/record_payment", {
        "version": str(api.case("rina", case_id)["version"]),
        "data.bast_document_id": typed, "data.gross": "20.000.000"})
    assert response.status_code == 422, response.text
    problem = visible_text(section(response.text, "problem"))
    assert ("BAST / BA pemeriksaan termin ini: harus nomor dokumen yang diunggah pada berkas "
            "ini") in problem
    assert api.case("rina", case_id)["payments"] == []


@pytest.mark.parametrize(("typed", "amount"), [
    ("12.500.000", 12_500_000), ("12500000", 12_500_000), ("Rp 12.500.000", 12_500_000),
    ("Rp12.500.000", 12_500_000),
])
def test_an_amount_is_read_as_officers_type_it(
    browser_for: Login, api: Api, typed: str, amount: int
) -> None:
    api.set_budget("grant", 500_000_000)
    case_id = api.create_grant()["id"]
    api.upload_valid("rina", case_id, GRANT_REVIEW_DOCS)
    sent = browser_for("fajar").post(f"/cases/{case_id}/transitions/review", {
        "version": str(api.case("rina", case_id)["version"]),
        "data.recommended_amount": typed}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert api.case("rina", case_id)["recommended_amount"] == amount


@pytest.mark.parametrize(("typed", "message"), [
    ("²", "harus angka Rupiah"), ("9" * 30, "harus angka Rupiah"), ("-1", "harus angka Rupiah"),
    ("15,5 juta", "harus angka Rupiah"), ("9" * 16, "harus lebih dari nol dan masuk akal"),
])
def test_a_bast_value_that_is_no_amount_is_refused_and_changes_nothing(
    browser_for: Login, api: Api, typed: str, message: str
) -> None:
    case_id = api.to_approved_media()
    doc_id = api.upload("rina", case_id, "bast").json()["id"]
    before = audit_actions(api, case_id)
    response = browser_for("fajar").post(f"/cases/{case_id}/documents/{doc_id}/check",
                                         {"valid": "true", "value": typed})
    assert response.status_code == 422, response.text
    problem = visible_text(section(response.text, "problem"))
    assert f"Nilai pekerjaan yang diterima (BAST) {message}" in problem
    assert audit_actions(api, case_id) == before


@pytest.mark.parametrize(("field", "value", "message"), [
    ("data.keputusan_number", "x" * 101, "Nomor Keputusan Bupati: paling banyak 100 karakter"),
    ("data.keputusan_number", "188.45\r\n123", "Nomor Keputusan Bupati: harus satu baris"),
    ("data.keputusan_date", "0001-01-01",
     "Tanggal Keputusan Bupati: tanggal harus antara tahun 2000"),
    ("data.keputusan_amount", "²", "Nilai hibah dalam Keputusan Bupati: harus bilangan bulat"),
    ("version", "²", "Formulir tidak lengkap; muat ulang halaman"),
])
def test_the_registration_data_form_names_the_field_it_refuses(
    browser_for: Login, api: Api, field: str, value: str, message: str
) -> None:
    case_id = api.create_grant()["id"]
    before = audit_actions(api, case_id)
    response = browser_for("rina").post(f"/cases/{case_id}/data", {
        "version": str(api.case("rina", case_id)["version"]),
        "data.keputusan_number": "188.45/124/KUM/2026", field: value})
    assert response.status_code == 422, response.text
    assert message in visible_text(response.text.split('id="problem"', 1)[1].split("</div>")[0])
    assert "keputusan_" not in visible_text(response.text)
    assert audit_actions(api, case_id) == before
    assert api.case("rina", case_id)["data"] == DECISION
