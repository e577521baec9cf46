"""The pages through TestClient: sessions, CSRF, roles, refusals rendered as pages, and the
case page as docs/domain.md shows a case (party, SPK, NPHD, Keputusan, payments against the
value each BAST accepted, refunds, registration data corrected before approval; reasons with
their legal basis and never their codes)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from cases.models import Case, Document, DocumentBlob, User
from infra.runtime import Runtime
from tests.api.helpers import (
    COMPANY,
    GRANT_REVIEW_DOCS,
    MEDIA_REVIEW_DOCS,
    NPHD,
    ORGANISATION,
    PDF,
    SITE_VISIT,
    SPK,
    Api,
    termin,
)
from tests.routes import flat_routes
from tests.web.helpers import Pages, csrf_of, form_of, problem_of, section, visible_text

Login = Callable[[str], Pages]
MEDIA_FORM = {"case.title": "Kerja sama", "case.fiscal_year": "2026",
              "applicant.media_name": "Uji Pos", "applicant.media_type": "online",
              "applicant.editor_in_chief": "Pemred", "applicant.dewan_pers_status": "factual"}
# Reason codes the guards give: none may be read on a page.
CODES = ("same_actor", "missing_document", "unchecked_document", "invalid_document",
         "missing_field", "role_not_permitted", "invalid_state", "document_already_paid",
         "over_contract", "missing_factual_verification", "over_accepted_value",
         "missing_document_value", "missing_value", "invalid_value", "case_data_fixed",
         "keputusan_number", "spm_before_bast", "bast_before_contract", "nothing_to_pay",
         "nphd_already_recorded", "missing_nphd")


def codes_shown(html_text: str) -> list[str]:
    text = visible_text(html_text)
    return [code for code in CODES if code in text]


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


# --- registration ---------------------------------------------------------------------------

def test_registering_through_the_form_shows_errors_next_to_the_fields(
    browser_for: Login, api: Api
) -> None:
    company = api.party(COMPANY)
    rina = browser_for("rina")
    response = rina.post("/cases/new?workflow=media_verification", {
        **MEDIA_FORM, "case.amount": "Rp 45.000.000", "case.party_id": str(company),
        "applicant.media_name": "", "applicant.media_type": "koran",
    })
    assert response.status_code == 422
    errors = re.findall(r'<p class="field-error">([^<]+)</p>', response.text)
    assert "Nama media wajib diisi" in errors
    # The choices are named as the select names them, not by their codes.
    assert "pilihan yang sah: Cetak, Daring (online), Radio, Televisi" in errors
    assert 'value="Rp 45.000.000"' in response.text  # what was typed is kept
    assert re.search(rf'<option value="{company}" selected>', response.text)

    created = rina.post("/cases/new?workflow=media_verification", {
        **MEDIA_FORM, "case.amount": "45.000.000", "case.party_id": str(company),
    }, follow_redirects=False)
    assert created.status_code == 303
    page = rina.get(created.headers["location"])
    assert "MV-2026-0001" in page.text
    assert "Rp45.000.000" in page.text
    assert "Kerja Sama Publikasi Media" in page.text


def test_the_registration_page_lists_the_parties_of_the_workflows_kind(
    browser_for: Login, api: Api
) -> None:
    company, organisation = api.party(COMPANY), api.party(ORGANISATION)
    rina = browser_for("rina")
    media = rina.get("/cases/new?workflow=media_verification").text
    assert "PT Balangan Media Utama — NPWP 01.234.567.8-901.000 — NIB 1234567890123" in media
    assert "PWI Kabupaten Balangan" not in media
    assert 'href="/parties/new"' in media
    assert "Daftarkan pihak baru" in media
    grant = rina.get("/cases/new?workflow=grant").text
    assert f'<option value="{organisation}"' in grant
    assert f'<option value="{company}"' not in grant
    assert "Nomor Keputusan Bupati" in grant

    # The search narrows the list (swapped in as one types; a plain GET without scripts).
    other = api.party({"kind": "company", "name": "PV Radio Tabalong", "npwp": "031234567890100",
                       "nib": "9876543210123", "is_pkp": True})
    found = rina.get("/cases/new/parties", params={"workflow": "media_verification",
                                                    "party_q": "radio"}).text
    assert f'<option value="{other}"' in found
    assert f'<option value="{company}"' not in found
    assert "— PKP" in found
    by_npwp = rina.get("/cases/new", params={"workflow": "media_verification",
                                             "party_q": "01.234"}).text
    assert f'<option value="{company}"' in by_npwp
    assert f'<option value="{other}"' not in by_npwp

    # The grant is named by its party; the case is the party's.
    created = rina.post("/cases/new?workflow=grant", {
        "case.title": "Hibah PWI 2026", "case.fiscal_year": "2026", "case.amount": "150000000",
        "case.party_id": str(organisation), "applicant.chair": "Ketua Uji",
        "data.keputusan_number": "188.45/123/KUM/2026", "data.keputusan_date": "2026-01-15",
        "data.keputusan_amount": "150.000.000",
    }, follow_redirects=False)
    assert created.status_code == 303, created.text
    case_id = int(created.headers["location"].rsplit("/", 1)[1])
    case = api.case("rina", case_id)
    assert (case["party"]["id"], case["applicant_name"]) == (organisation,
                                                              "PWI Kabupaten Balangan")


def test_a_case_without_a_party_or_with_one_of_the_wrong_kind_is_refused(
    browser_for: Login, api: Api
) -> None:
    organisation = api.party(ORGANISATION)
    rina = browser_for("rina")
    missing = rina.post("/cases/new?workflow=media_verification",
                        {**MEDIA_FORM, "case.amount": "45.000.000"})
    assert missing.status_code == 422
    block = missing.text.split('id="party-select"', 1)[1].split("</div>", 1)[0]
    assert "pihak pemohon wajib dipilih" in block
    wrong = rina.post("/cases/new?workflow=media_verification", {
        **MEDIA_FORM, "case.amount": "45.000.000", "case.party_id": str(organisation)})
    assert wrong.status_code == 422
    assert "Kerja Sama Publikasi Media hanya untuk perusahaan pers" in wrong.text
    assert api.get("rina", "/api/cases").json()["items"] == []


# --- refusals: messages and bases, never codes ----------------------------------------------

def test_a_blocked_transition_shows_its_message_and_basis_but_no_code(
    browser_for: Login, api: Api
) -> None:
    case_id = api.create_media("rina")["id"]
    rina, fajar = browser_for("rina"), browser_for("fajar")
    own = rina.get(f"/cases/{case_id}").text
    assert 'data-trigger="review"' in own
    why = own.split('id="why-review"', 1)[1].split("</ul>", 1)[0]
    text = visible_text(why)
    assert "Anda yang mendaftarkan berkas ini (prinsip empat mata)" in text
    assert "Dasar: PP 60/2008 (SPIP, pemisahan fungsi)" in text
    assert "Surat permohonan kerja sama publikasi belum diunggah" in text
    assert "Dasar: Perpres 16/2018" in text
    assert codes_shown(own) == []
    assert "<code>" not in own

    # Sent anyway, the refusal lists every reason the same way.
    refused = fajar.post(f"/cases/{case_id}/transitions/review",
                         {"version": str(api.case("rina", case_id)["version"])})
    assert refused.status_code == 422
    problem = visible_text(section(refused.text, "problem"))
    assert "Syarat transisi belum terpenuhi" in problem
    assert "Boks redaksi / susunan redaksi belum diunggah" in problem
    assert "Dasar: Peraturan Dewan Pers 03/2019" in problem
    assert codes_shown(refused.text) == []


def test_a_form_field_is_named_by_its_label_in_a_refusal(
    browser_for: Login, api: Api
) -> None:
    case_id = api.create_media("rina", amount=40_000_000)["id"]
    api.set_budget("media_verification", 600_000_000)
    api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS)
    assert api.fire("fajar", case_id, "review", data=SITE_VISIT).status_code == 200
    ahmad = browser_for("ahmad")
    version = str(api.case("rina", case_id)["version"])
    refused = ahmad.post(f"/cases/{case_id}/transitions/approve", {
        "version": version, "data.spk_number": "027/SPK/2026", "data.spk_date": "2026-03-02",
        "data.approved_amount": "40.000.000", "data.contract_start": "2026-03-02",
        "data.contract_end": "2026-02-01"})
    assert refused.status_code == 422
    problem = visible_text(section(refused.text, "problem"))
    assert "akhir masa kontrak sebelum awalnya" in problem
    assert "Dasar: Perpres 16/2018 jo. Perpres 12/2021" in problem
    # What was typed is still in the form, opened again.
    assert 'value="027/SPK/2026"' in refused.text
    assert '<details open>' in refused.text

    typo = ahmad.post(f"/cases/{case_id}/transitions/approve", {
        "version": version, "data.spk_number": "027/SPK/2026", "data.spk_date": "2026-03-02",
        "data.approved_amount": "empat puluh juta", "data.contract_start": "2026-03-02",
        "data.contract_end": "2026-11-30"})
    assert typo.status_code == 422
    assert "Nilai SPK: harus bilangan bulat Rupiah" in visible_text(section(typo.text,
                                                                            "problem"))
    assert "approved_amount" not in visible_text(typo.text)

    # A transition the state does not allow is named by its label, never its trigger.
    wrong_state = browser_for("dewi").post(f"/cases/{case_id}/transitions/pay",
                                           {"version": version})
    assert wrong_state.status_code == 409
    problem = visible_text(wrong_state.text.split('id="problem"', 1)[1].split("</div>")[0])
    assert problem.endswith("Catat pembayaran termin terakhir tidak dapat dilakukan pada "
                            "status Terverifikasi")


def test_a_stale_form_is_not_applied(browser_for: Login, api: Api) -> None:
    case_id = api.create_media("rina")["id"]
    fajar = browser_for("fajar")
    version = api.case("rina", case_id)["version"]
    assert api.fire("siti", case_id, "return_for_revision", comment="NIB").status_code == 200
    stale = fajar.post(f"/cases/{case_id}/transitions/withdraw",
                       {"version": str(version), "comment": "batal"})
    assert stale.status_code == 409
    assert "Berkas ini berubah ketika Anda sedang melihatnya" in stale.text
    assert api.case("rina", case_id)["state"] == "returned"


# --- documents: MS / TMS --------------------------------------------------------------------

def test_documents_are_checked_ms_or_tms_and_tms_needs_a_note(
    browser_for: Login, api: Api
) -> None:
    case_id = api.create_media("rina")["id"]
    doc_id = api.upload("rina", case_id, "npwp").json()["id"]
    fajar = browser_for("fajar")
    page = fajar.get(f"/cases/{case_id}").text
    form = page.split(f'action="/cases/{case_id}/documents/{doc_id}/check"', 1)[1]
    form = form.split("</form>", 1)[0]
    assert 'value="true" formnovalidate title="Memenuhi syarat">MS</button>' in form
    assert 'value="false" title="Tidak memenuhi syarat: tulis catatannya">TMS</button>' in form
    assert "catatan (wajib bila TMS)" in form
    assert "Belum diperiksa" in visible_text(page)
    assert "Belum diunggah" in visible_text(page)

    no_note = fajar.post(f"/cases/{case_id}/documents/{doc_id}/check", {"valid": "false"})
    assert no_note.status_code == 422
    assert ("Catatan wajib diisi bila dokumen dinyatakan tidak memenuhi syarat (TMS)"
            in no_note.text)
    tms = fajar.post(f"/cases/{case_id}/documents/{doc_id}/check",
                     {"valid": "false", "note": "NPWP tidak terbaca"}, follow_redirects=False)
    assert tms.status_code == 303
    shown = visible_text(fajar.get(f"/cases/{case_id}").text)
    assert "Tidak memenuhi syarat (TMS) NPWP tidak terbaca" in shown
    ms = fajar.post(f"/cases/{case_id}/documents/{doc_id}/check", {"valid": "true"},
                    follow_redirects=False)
    assert ms.status_code == 303
    assert "Memenuhi syarat (MS)" in visible_text(fajar.get(f"/cases/{case_id}").text)
    assert api.case("rina", case_id)["documents"][0]["status"] == "valid"


def test_a_bast_is_ms_only_with_the_value_of_the_work_it_accepted(
    browser_for: Login, api: Api
) -> None:
    case_id = api.to_approved_media(45_000_000)
    bast = api.upload("rina", case_id, "bast").json()["id"]
    spk = next(d["id"] for d in api.case("rina", case_id)["documents"] if d["kind"] == "spk")
    fajar = browser_for("fajar")
    page = fajar.get(f"/cases/{case_id}").text
    check = f"/cases/{case_id}/documents/{bast}/check"
    form = form_of(page, check)
    # The value is asked beside the MS button only, under its own label; other kinds state none.
    assert (f'<label for="value-{bast}">Nilai pekerjaan yang diterima (BAST)</label>'
            in form)
    with_ms = form.split('class="ms-value"', 1)[1].split("</span>", 1)[0]
    assert 'name="value"' in with_ms
    assert ">MS</button>" in with_ms
    assert ">TMS</button>" not in with_ms
    assert 'name="value"' not in form_of(page, f"/cases/{case_id}/documents/{spk}/check")

    missing = fajar.post(check, {"valid": "true", "note": "sesuai asli"})
    assert missing.status_code == 422
    assert problem_of(missing.text) == ("Nilai pekerjaan yang diterima (BAST) wajib diisi "
                                        "untuk menyatakan BAST memenuhi syarat (MS) Ke "
                                        "dokumennya")
    assert f'<a href="#doc-{bast}">Ke dokumennya</a>' in missing.text
    # Said again beside the document, whose form keeps what was typed.
    beside = missing.text.split(f'data-doc="{bast}"', 1)[1].split("</form>", 1)[0]
    assert "wajib diisi untuk menyatakan BAST memenuhi syarat (MS)" in visible_text(beside)
    assert 'value="sesuai asli"' in beside
    typo = fajar.post(check, {"valid": "true", "value": "lima belas juta"})
    assert typo.status_code == 422
    assert problem_of(typo.text).startswith("Nilai pekerjaan yang diterima (BAST) harus "
                                            "angka Rupiah, mis. 15.000.000")
    assert 'value="lima belas juta"' in form_of(typo.text, check)
    zero = fajar.post(check, {"valid": "true", "value": "0"})
    assert zero.status_code == 422
    assert "harus lebih dari nol" in problem_of(zero.text)
    for refused in (missing, typo, zero):
        assert codes_shown(refused.text) == []
    assert api.case("rina", case_id)["documents"][-1]["status"] == "unchecked"

    ms = fajar.post(check, {"valid": "true", "value": "15.000.000"}, follow_redirects=False)
    assert ms.status_code == 303
    page = fajar.get(f"/cases/{case_id}").text
    assert ("Dokumen dokumen.pdf: Memenuhi syarat (MS), nilai diterima Rp15.000.000."
            in visible_text(page))
    doc = next(d for d in api.case("rina", case_id)["documents"] if d["id"] == bast)
    assert (doc["status"], doc["value"]) == ("valid", 15_000_000)
    shown = visible_text(page.split(f'data-doc="{bast}"', 1)[1].split("<form", 1)[0])
    assert "Memenuhi syarat (MS) nilai diterima Rp15.000.000" in shown
    assert 'value="15.000.000"' in form_of(page, check)  # checked again, it starts from it

    # TMS states no value: whatever is in the box is not read.
    tms = fajar.post(check, {"valid": "false", "note": "tanpa tanda tangan", "value": "abc"},
                     follow_redirects=False)
    assert tms.status_code == 303
    doc = next(d for d in api.case("rina", case_id)["documents"] if d["id"] == bast)
    assert (doc["status"], doc["value"]) == ("invalid", None)


def test_a_document_of_a_kind_no_longer_defined_is_listed_by_its_code(
    browser_for: Login, api: Api, runtime: Runtime
) -> None:
    case_id = api.create_media("rina")["id"]
    with runtime.sessions() as session:
        rina = session.exec(select(User).where(User.username == "rina")).one()
        case = session.get(Case, case_id)
        assert case is not None
        doc = Document(case_id=case_id, kind="kontrak", filename="kontrak-2024.pdf",
                       content_type="application/pdf", size=len(PDF),
                       sha256=hashlib.sha256(PDF).hexdigest(), status="valid",
                       uploaded_by=rina.id, uploaded_at=case.created_at)
        session.add(doc)
        session.flush()
        assert doc.id is not None
        session.add(DocumentBlob(document_id=doc.id, content=PDF))
        session.commit()
    page = browser_for("fajar").get(f"/cases/{case_id}")
    assert page.status_code == 200
    legacy = page.text.split("Dokumen lain", 1)[1].split("</table>", 1)[0]
    assert "kontrak" in legacy
    assert "kontrak-2024.pdf" in legacy
    assert "Memenuhi syarat (MS)" in legacy


# --- the case page of a media contract: party, category, SPK, termins -----------------------

def test_the_media_case_page_shows_party_category_and_spk(
    browser_for: Login, api: Api
) -> None:
    case_id = api.to_approved_media(45_000_000)
    dewi = browser_for("dewi")
    page = dewi.get(f"/cases/{case_id}").text
    party = visible_text(section(page, "h-party"))
    assert "PT Balangan Media Utama" in party
    assert "NPWP 01.234.567.8-901.000" in party
    assert "NIB 1234567890123" in party
    assert "PKP Tidak" in party
    assert 'href="/parties/' in section(page, "h-party")
    data = visible_text(section(page, "h-data"))
    assert "Kategori media Kategori A (terverifikasi faktual)" in data
    assert "Catatan kunjungan lapangan Kantor redaksi dikunjungi" in data
    spk = visible_text(page.split("SPK (kontrak)", 1)[1].split("</section>", 1)[0])
    assert f"Nomor SPK {SPK['spk_number']}" in spk
    assert "Tanggal SPK Senin, 2 Maret 2026" in spk
    assert "Nilai kontrak (SPK) Rp45.000.000" in spk
    assert "Masa kontrak 2 Maret 2026 s.d. 30 November 2026" in spk
    assert "Disetujui Kadis" in page


def payment_form(page: str, case_id: int, trigger: str) -> str:
    return page.split(f'action="/cases/{case_id}/transitions/{trigger}"', 1)[1].split(
        "</form>", 1)[0]


def test_each_termin_is_paid_against_its_own_bast_chosen_from_the_case_documents(
    browser_for: Login, api: Api
) -> None:
    case_id = api.to_approved_media(45_000_000)
    dewi = browser_for("dewi")
    bast1, tayang1 = api.upload_valid("rina", case_id, ("bast", "bukti_tayang"))
    form = payment_form(dewi.get(f"/cases/{case_id}").text, case_id, "record_payment")
    # Each BAST with the value its check recorded as accepted.
    assert re.search(rf'<option value="{bast1}" selected>dokumen\.pdf — diunggah 4 Februari '
                     r"2026 — MS — diterima Rp50\.000\.000</option>", form)
    assert "PPN tidak dipungut" in form
    first = termin(bast1, tayang1, 20_000_000)
    sent = dewi.post(f"/cases/{case_id}/transitions/record_payment", {
        "version": str(api.case("rina", case_id)["version"]),
        **{f"data.{k}": str(v) for k, v in first.items()},
        "data.gross": "20.000.000", "data.net": "19600000",
    }, follow_redirects=False)
    assert sent.status_code == 303, sent.text

    bast2, tayang2 = api.upload_valid("rina", case_id, ("bast", "bukti_tayang"))
    form = payment_form(dewi.get(f"/cases/{case_id}").text, case_id, "record_payment")
    assert re.search(rf'<option value="{bast1}" +disabled>[^<]*sudah dipakai termin 1', form)
    assert f'<option value="{bast2}" selected>' in form
    assert "Sudah dibayar Rp20.000.000 dari nilai kontrak (SPK) Rp45.000.000" in form
    reused = dewi.post(f"/cases/{case_id}/transitions/record_payment", {
        "version": str(api.case("rina", case_id)["version"]),
        **{f"data.{k}": str(v) for k, v in termin(bast1, tayang2, 20_000_000, n=2).items()}})
    assert reused.status_code == 422
    assert "sudah dipakai termin sebelumnya" in visible_text(section(reused.text, "problem"))
    assert "Dasar: UU 1/2004 Pasal 21 ayat (1)" in visible_text(section(reused.text, "problem"))
    assert api.fire("dewi", case_id, "record_payment",
                    data=termin(bast2, tayang2, 20_000_000, n=2)).status_code == 200

    page = dewi.get(f"/cases/{case_id}").text
    payments = section(page, "h-pay")
    rows = re.findall(r'<tr data-seq="(\d+)">(.*?)</tr>', payments, re.DOTALL)
    assert [seq for seq, _ in rows] == ["1", "2"]
    first_row = visible_text(rows[0][1])
    assert "SPM/001/LS/2026 18 Mei 2026" in first_row
    assert "SP2D/001/LS/2026 20 Mei 2026" in first_row
    # The gross, with the value its BAST accepted beside it; PPh 23, PPN, net.
    assert "Rp20.000.000 diterima Rp50.000.000 Rp400.000 Rp0 Rp19.600.000" in first_row
    assert "Bruto diterima (BAST) PPh 23 PPN Neto" in visible_text(payments)
    assert "dokumen.pdf BAST 15 Mei 2026" in first_row
    assert "Dewi" in first_row
    assert f'href="/cases/{case_id}/documents/{bast1}"' in rows[0][1]
    assert f'href="/cases/{case_id}/documents/{tayang1}"' in rows[0][1]
    assert f'href="/cases/{case_id}/documents/{bast2}"' in rows[1][1]
    summary = visible_text(payments)
    assert ("Jumlah dibayar (bruto): Rp40.000.000 dari nilai kontrak (SPK) Rp45.000.000; "
            "sisa Rp5.000.000") in summary
    assert "dipakai termin 2" in visible_text(page)
    timeline = visible_text(section(page, "h-time"))
    assert "Catat pembayaran termin: Disetujui Kadis → Disetujui Kadis" in timeline
    assert "memeriksa dokumen: BAST / berita acara pemeriksaan pekerjaan (per termin) (Memenuhi " \
        "syarat (MS), nilai diterima Rp50.000.000)" in timeline


def termin_form(version: int, data: dict[str, object]) -> dict[str, str]:
    return {"version": str(version), **{f"data.{k}": str(v) for k, v in data.items()}}


def test_a_termin_above_what_its_bast_accepted_is_refused_with_message_and_basis(
    browser_for: Login, api: Api, runtime: Runtime
) -> None:
    case_id = api.to_approved_media(45_000_000)
    bast, tayang = api.upload_valid("rina", case_id, ("bast", "bukti_tayang"),
                                    value=15_000_000)
    dewi = browser_for("dewi")
    form = payment_form(dewi.get(f"/cases/{case_id}").text, case_id, "record_payment")
    assert re.search(rf'<option value="{bast}" selected>[^<]* — MS — diterima Rp15\.000\.000'
                     "</option>", form)
    version = api.case("rina", case_id)["version"]
    over = dewi.post(f"/cases/{case_id}/transitions/record_payment",
                     termin_form(version, termin(bast, tayang, 20_000_000)))
    assert over.status_code == 422
    problem = problem_of(over.text)
    assert ("bruto melebihi nilai yang diterima dalam BAST / berita acara pemeriksaan "
            "pekerjaan (per termin) (Rp15.000.000)") in problem
    assert "Dasar: UU 1/2004 Pasal 21 ayat (1)" in problem
    assert codes_shown(over.text) == []
    assert 'value="20000000"' in payment_form(over.text, case_id, "record_payment")
    assert api.case("rina", case_id)["payments"] == []

    # A BAST checked MS before its value was asked (none recorded) pays nothing.
    with runtime.sessions() as session:
        doc = session.get(Document, bast)
        assert doc is not None
        doc.value = None
        session.commit()
    form = payment_form(dewi.get(f"/cases/{case_id}").text, case_id, "record_payment")
    assert re.search(rf'<option value="{bast}" >[^<]* — MS — nilai diterima belum dicatat'
                     "</option>", form)
    unvalued = dewi.post(f"/cases/{case_id}/transitions/record_payment",
                         termin_form(version, termin(bast, tayang, 15_000_000)))
    assert unvalued.status_code == 422
    assert ("nilai pekerjaan yang diterima belum dicatat saat pemeriksaan"
            in problem_of(unvalued.text))
    api.check("rina", case_id, bast, valid=True, value=15_000_000)
    paid = dewi.post(f"/cases/{case_id}/transitions/record_payment",
                     termin_form(api.case("rina", case_id)["version"],
                                 termin(bast, tayang, 15_000_000)), follow_redirects=False)
    assert paid.status_code == 303, paid.text


def test_the_same_bytes_pay_once_even_uploaded_to_another_case(
    browser_for: Login, api: Api
) -> None:
    scan = PDF + b"% BAST termin 1, pindaian yang sama\n"
    first = api.to_approved_media(45_000_000)
    bast = api.upload("rina", first, "bast", content=scan).json()["id"]
    api.check("rina", first, bast, valid=True, value=20_000_000)
    (tayang,) = api.upload_valid("rina", first, ("bukti_tayang",))
    assert api.fire("dewi", first, "record_payment",
                    data=termin(bast, tayang, 20_000_000)).status_code == 200

    second = api.to_approved_media(30_000_000)
    copy = api.upload("rina", second, "bast", content=scan).json()["id"]
    api.check("rina", second, copy, valid=True, value=20_000_000)
    (tayang2,) = api.upload_valid("rina", second, ("bukti_tayang",))
    dewi = browser_for("dewi")
    form = payment_form(dewi.get(f"/cases/{second}").text, second, "record_payment")
    assert re.search(rf'<option value="{copy}" +disabled>[^<]*berkas yang sama sudah dipakai '
                     "pembayaran lain</option>", form)
    sent = dewi.post(f"/cases/{second}/transitions/record_payment", termin_form(
        api.case("rina", second)["version"], termin(copy, tayang2, 20_000_000)))
    assert sent.status_code == 422
    problem = problem_of(sent.text)
    assert "berkas yang sama persis sudah dipakai untuk pembayaran lain" in problem
    assert "Dasar: UU 1/2004 Pasal 21 ayat (1)" in problem
    assert codes_shown(sent.text) == []


@pytest.mark.parametrize(("changes", "message"), [
    ({"spm_date": "2026-05-14"}, "tanggal SPM sebelum tanggal BAST"),
    ({"bast_date": "2026-03-01", "spm_date": "2026-03-01", "sp2d_date": "2026-03-03"},
     "tanggal BAST sebelum SPK atau awal masa kontrak"),
    ({"gross": 0, "pph23": 0, "net": 0}, "nilai bruto dan neto termin harus lebih dari nol"),
])
def test_the_new_payment_guards_speak_on_the_page(
    browser_for: Login, api: Api, changes: dict[str, object], message: str
) -> None:
    case_id = api.to_approved_media(45_000_000)
    bast, tayang = api.upload_valid("rina", case_id, ("bast", "bukti_tayang"))
    refused = browser_for("dewi").post(
        f"/cases/{case_id}/transitions/record_payment",
        termin_form(api.case("rina", case_id)["version"],
                    termin(bast, tayang, 20_000_000) | changes))
    assert refused.status_code == 422
    assert message in problem_of(refused.text)
    assert "Dasar: " in problem_of(refused.text)
    assert codes_shown(refused.text) == []


def test_the_final_payment_is_the_last_termin_or_nothing_more_with_a_reason(
    browser_for: Login, api: Api
) -> None:
    case_id = api.to_approved_media(45_000_000)
    bast, tayang = api.upload_valid("rina", case_id, ("bast", "bukti_tayang"))
    assert api.fire("dewi", case_id, "record_payment",
                    data=termin(bast, tayang, 20_000_000)).status_code == 200
    dewi = browser_for("dewi")
    page = dewi.get(f"/cases/{case_id}").text
    form = page.split(f'action="/cases/{case_id}/transitions/pay"', 1)[1].split("</form>", 1)[0]
    explained = visible_text(form)
    assert "Pembayaran terakhir: pilih salah satu" in explained
    assert "Termin terakhir: sisa pekerjaan sudah diterima" in explained
    assert "Tidak ada lagi yang dibayar: sisa kontrak tidak akan dibayar" in explained
    assert 'name="mode" value="payment" checked' in form
    assert "Alasan penutupan pembayaran (sisa kontrak tidak dibayar)" in form
    assert "Atau:" not in explained

    # The documents still chosen in the other half of the form do not count.
    closed = dewi.post(f"/cases/{case_id}/transitions/pay", {
        "version": str(api.case("rina", case_id)["version"]), "mode": "closing",
        "data.bast_document_id": str(bast), "data.gross": "25.000.000",
        "data.closing_reason": "Media berhenti terbit per Agustus 2026"},
        follow_redirects=False)
    assert closed.status_code == 303, closed.text
    case = api.case("rina", case_id)
    assert (case["state_label"], case["paid_amount"]) == ("Dibayar", 20_000_000)
    page = visible_text(dewi.get(f"/cases/{case_id}").text)
    assert "Tidak ada lagi yang dibayar: Media berhenti terbit per Agustus 2026" in page
    assert "sisa Rp25.000.000" in page


# --- the case page of a grant: Keputusan, NPHD, disbursement, LPJ with a refund -------------

def test_the_grant_case_page_shows_decision_nphd_disbursement_and_refund(
    browser_for: Login, api: Api
) -> None:
    case_id = api.to_approved_grant(150_000_000, recommended=125_000_000)
    api.upload_valid("rina", case_id, ("kuitansi",))
    assert api.fire("dewi", case_id, "pay", data={
        "spm_number": "SPM/099/LS/2026", "spm_date": "2026-03-12",
        "sp2d_number": "SP2D/099/LS/2026", "sp2d_date": "2026-03-13",
        "gross": 125_000_000}).status_code == 200
    api.upload_valid("rina", case_id, ("lpj", "pernyataan_penggunaan", "sts"))
    assert api.fire("rina", case_id, "report", data={
        "spent_amount": 120_000_000, "refund_amount": 5_000_000,
        "refund_date": "2026-12-20"}).status_code == 200

    page = browser_for("siti").get(f"/cases/{case_id}").text
    shown = visible_text(page)
    assert "LPJ diterima" in shown
    decision = visible_text(page.split("Keputusan Bupati</h2>", 1)[1].split("</section>", 1)[0])
    assert "Nomor 188.45/123/KUM/2026" in decision
    assert "Tanggal Kamis, 15 Januari 2026" in decision
    assert "Nilai hibah Rp150.000.000" in decision
    nphd = visible_text(page.split("NPHD (perjanjian hibah)</h2>", 1)[1]
                        .split("</section>", 1)[0])
    assert f"Nomor NPHD {NPHD['nphd_number']}" in nphd
    assert "Nilai hibah disetujui Rp125.000.000" in nphd
    lpj = visible_text(page.split("LPJ dan sisa dana</h2>", 1)[1].split("</section>", 1)[0])
    assert "Digunakan Rp120.000.000" in lpj
    assert "Disetor ke Kas Daerah (STS) Rp5.000.000" in lpj
    assert "Tanggal setor Minggu, 20 Desember 2026" in lpj
    payments = visible_text(section(page, "h-pay"))
    assert "Pencairan SPM SP2D Jumlah Dicatat oleh" in payments
    assert "BAST" not in payments
    assert "1 SPM/099/LS/2026 12 Maret 2026 SP2D/099/LS/2026 13 Maret 2026 Rp125.000.000" in (
        payments)
    assert "Sisa dana dikembalikan ke Kas Daerah (STS): Rp5.000.000 pada 20 Desember 2026; " \
        "realisasi bersih Rp120.000.000" in payments
    assert codes_shown(page) == []
    assert GRANT_REVIEW_DOCS[0] not in shown


def test_the_nphd_is_asked_with_the_disbursement_only_of_a_grant_approved_without_it(
    browser_for: Login, api: Api, runtime: Runtime
) -> None:
    case_id = api.to_approved_grant(150_000_000, recommended=125_000_000)
    api.upload_valid("rina", case_id, ("kuitansi",))
    dewi = browser_for("dewi")
    form = visible_text(payment_form(dewi.get(f"/cases/{case_id}").text, case_id, "pay"))
    assert "Jumlah dicairkan" in form
    assert "NPHD" not in form  # recorded at approval: never typed again

    # A grant approved under revision 1 recorded no NPHD: its disbursement asks it.
    with runtime.sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.nphd_number, case.nphd_date = None, None
        session.commit()
    page = dewi.get(f"/cases/{case_id}").text
    form = payment_form(page, case_id, "pay")
    assert "NPHD berkas ini belum dicatat saat persetujuan" in visible_text(form)
    assert "Nomor NPHD (hanya bila belum dicatat saat persetujuan)" in form
    assert "Tanggal NPHD (hanya bila belum dicatat saat persetujuan)" in form
    version = str(api.case("rina", case_id)["version"])
    money = {"data.spm_number": "SPM/099/LS/2026", "data.spm_date": "2026-03-12",
             "data.sp2d_number": "SP2D/099/LS/2026", "data.sp2d_date": "2026-03-13",
             "data.gross": "125.000.000"}
    without = dewi.post(f"/cases/{case_id}/transitions/pay", {"version": version, **money})
    assert without.status_code == 422
    assert "nomor dan tanggal NPHD belum dicatat" in problem_of(without.text)
    paid = dewi.post(f"/cases/{case_id}/transitions/pay", {
        "version": version, **money, "data.nphd_number": "NPHD/07/DISKOMINFO/2026",
        "data.nphd_date": "2026-03-10"}, follow_redirects=False)
    assert paid.status_code == 303, paid.text
    shown = api.case("rina", case_id)
    assert (shown["state"], shown["nphd_number"]) == ("paid", "NPHD/07/DISKOMINFO/2026")


def test_the_auditor_reads_a_case_but_is_shown_no_form_that_changes_it(
    browser_for: Login, api: Api
) -> None:
    case_id = api.to_approved_media(45_000_000)
    audra = browser_for("audra")
    page = audra.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert "sebagai pemeriksa" in page.text
    actions = re.findall(r'<form [^>]*action="([^"]+)"', page.text)
    assert actions == ["/logout"]
    assert "data-trigger" not in page.text
    assert "Nilai kontrak (SPK) Rp45.000.000" in visible_text(page.text)
    assert audra.get(f"/cases/{case_id}/documents/"
                     f"{api.case('rina', case_id)['documents'][0]['id']}").status_code == 200
    nav = page.text.split('aria-label="Menu utama"', 1)[1].split("</nav>", 1)[0]
    assert "Berkas baru" not in nav
    assert 'href="/parties"' in nav
    # Sent anyway, any change is refused.
    refused = audra.post(f"/cases/{case_id}/comments", {"body": "catatan"})
    assert refused.status_code == 403


# --- registration data: corrected before review, completed after, fixed once approved -------

def test_the_registration_data_form_corrects_a_keputusan_before_review(
    browser_for: Login, api: Api
) -> None:
    case_id = api.create_grant("rina")["id"]
    action = f"/cases/{case_id}/data"
    siti = browser_for("siti")
    page = siti.get(f"/cases/{case_id}").text
    assert "Ubah data pendaftaran" in visible_text(section(page, "h-data"))
    form = form_of(page, action)
    for prefilled in ('value="188.45/123/KUM/2026"', 'value="2026-01-15"',
                      'value="150.000.000"'):
        assert prefilled in form
    assert "disabled" not in form
    version = str(api.case("rina", case_id)["version"])

    # The registration checks run again, and the form comes back open with what was typed.
    below = siti.post(action, {"version": version, "data.keputusan_number": "188.45/124/KUM/2026",
                               "data.keputusan_amount": "100.000.000"})
    assert below.status_code == 422
    assert "melebihi nilai Keputusan Bupati (Rp100.000.000)" in problem_of(below.text)
    assert '<details class="data-edit" id="data-edit" open>' in below.text
    assert 'value="188.45/124/KUM/2026"' in form_of(below.text, action)

    fixed = siti.post(action, {"version": version, "data.keputusan_number": "188.45/124/KUM/2026"},
                      follow_redirects=False)
    assert fixed.status_code == 303, fixed.text
    page = siti.get(f"/cases/{case_id}").text
    assert "Data pendaftaran HB-2026-0001 diubah." in visible_text(page)
    decision = visible_text(page.split("Keputusan Bupati</h2>", 1)[1].split("</section>", 1)[0])
    assert "Nomor 188.45/124/KUM/2026" in decision
    assert ("Siti — mengubah data pendaftaran: Nomor Keputusan Bupati "
            "188.45/123/KUM/2026 → 188.45/124/KUM/2026") in visible_text(section(page, "h-time"))
    assert api.case("rina", case_id)["data"]["keputusan_number"] == "188.45/124/KUM/2026"
    stale = siti.post(action, {"version": version, "data.keputusan_number": "188.45/125"})
    assert stale.status_code == 409
    assert "Berkas ini berubah ketika Anda sedang melihatnya" in stale.text

    # Reviewed: what was recorded is locked; only what is missing may be completed.
    api.upload_valid("rina", case_id, GRANT_REVIEW_DOCS)
    assert api.fire("fajar", case_id, "review",
                    data={"recommended_amount": 125_000_000}).status_code == 200
    page = siti.get(f"/cases/{case_id}").text
    form = form_of(page, action)
    assert re.search(r'id="data-keputusan_number"[^>]* disabled', form)
    assert not re.search(r'id="data-purpose"[^>]* disabled', form)
    assert "hanya isian yang masih kosong dapat dilengkapi" in visible_text(form)
    version = str(api.case("rina", case_id)["version"])
    forged = siti.post(action, {"version": version, "data.keputusan_number": "188.45/999"})
    assert forged.status_code == 409
    assert problem_of(forged.text) == (
        "Data berkas HB-2026-0001 sudah diverifikasi; yang sudah tercatat tidak dapat diubah "
        "(Nomor Keputusan Bupati)")
    assert codes_shown(forged.text) == []
    filled = siti.post(action, {"version": version, "data.purpose": "Uji kompetensi wartawan"},
                       follow_redirects=False)
    assert filled.status_code == 303, filled.text

    # Approved: nothing changes any more, and the form is gone.
    api.upload_valid("rina", case_id, ("nphd",))
    api.set_budget("grant", 500_000_000)
    assert api.fire("ahmad", case_id, "approve", data=NPHD).status_code == 200
    assert f'action="{action}"' not in siti.get(f"/cases/{case_id}").text
    # Neither is it shown to those who do not register cases, nor for a media contract.
    other = api.create_grant("rina")["id"]
    assert f'action="/cases/{other}/data"' not in browser_for("dewi").get(
        f"/cases/{other}").text
    media = api.create_media("rina")["id"]
    assert f'action="/cases/{media}/data"' not in siti.get(f"/cases/{media}").text


# --- the Kadis's queue ----------------------------------------------------------------------

def test_the_kadis_rejects_several_cases_at_once_and_approves_each_on_its_page(
    browser_for: Login, api: Api
) -> None:
    api.set_budget("media_verification", 600_000_000)
    first = api.create_media("rina", amount=45_000_000)["id"]
    second = api.create_media("rina", amount=30_000_000)["id"]
    for case_id in (first, second):
        api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS)
        assert api.fire("fajar", case_id, "review", data=SITE_VISIT).status_code == 200
    ahmad = browser_for("ahmad")
    queue = ahmad.get("/signoff").text
    assert "Kategori A (terverifikasi faktual)" in queue
    assert f'href="/cases/{first}#h-actions"' in queue
    assert "Setujui yang dipilih" not in queue  # an SPK is recorded case by case
    picks = [f"{c}:{api.case('rina', c)['version']}" for c in (first, second)]

    # A bulk approval sent anyway says what each case lacks, by label.
    forged = ahmad.post("/signoff", {"action": "approve", "case": picks[:1]})
    assert forged.status_code == 200
    assert "Nomor SPK wajib diisi" in visible_text(forged.text)
    assert codes_shown(forged.text) == []
    assert api.case("rina", first)["state"] == "reviewed"

    result = ahmad.post("/signoff", {"action": "reject", "case": picks,
                                     "comment": "Tidak sesuai kebutuhan publikasi"})
    assert result.status_code == 200
    assert "MV-2026-0001</a>:\n      berhasil — Ditolak" in result.text
    assert "MV-2026-0002</a>:\n      berhasil — Ditolak" in result.text
    assert {api.case("rina", c)["state"] for c in (first, second)} == {"rejected"}


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


def test_the_labels_of_domain_md_are_the_pages(browser_for: Login, api: Api) -> None:
    api.create_media("rina")
    api.create_grant("rina")
    siti = browser_for("siti")
    home = visible_text(siti.get("/").text + siti.get("/cases").text)
    for label in ("Kerja Sama Publikasi Media", "Hibah", "Terverifikasi", "Disetujui Kadis",
                  "Dicairkan", "LPJ diterima", "Selesai", "Rp45.000.000"):
        assert label in home, label


@pytest.mark.parametrize("path", ["/", "/cases", "/cases/new", "/cases/new?workflow=grant",
                                  "/workflows", "/notifications"])
def test_every_officer_page_renders(browser_for: Login, api: Api, path: str) -> None:
    api.create_media("rina")
    assert browser_for("rina").get(path).status_code == 200


@pytest.mark.parametrize("username", ["audra", "fina"])
@pytest.mark.parametrize("path", ["/", "/cases", "/cases/1", "/parties", "/budgets"])
def test_every_reader_page_renders_for_finance_and_the_auditor(
    browser_for: Login, api: Api, username: str, path: str
) -> None:
    api.create_media("rina")
    assert browser_for(username).get(path).status_code == 200


@pytest.mark.parametrize("path", ["/admin/users", "/admin/emails"])
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
