"""Documents on the case page: a "Terbitkan" button per kind its viewer may issue in the
case's state, the case's issued documents with their download and, for whoever may, the
revocation form; refusals come back on the page, in Indonesian."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.api.helpers import Api
from tests.letters.helpers import TERMIN, issued, text_of
from tests.web.helpers import Pages, form_of, problem_of, section, visible_text

Login = Callable[[str], Pages]
BA = "Berita Acara Hasil Verifikasi Perusahaan Pers"
NOTICE = "Surat Pemberitahuan Hasil Verifikasi"
BAST = "Berita Acara Pemeriksaan dan Serah Terima Pekerjaan"


def letters_of(html: str) -> str:
    return visible_text(section(html, "letters")) if 'id="letters"' in html else ""


def test_each_viewer_is_offered_the_kinds_they_may_issue_now(
    api: Api, browser_for: Login
) -> None:
    case_id = api.to_reviewed_media()
    offered = {who: letters_of(browser_for(who).get(f"/cases/{case_id}").text)
               for who in ("fajar", "ahmad", "dewi", "audra")}
    assert f"Terbitkan {BA}" in offered["fajar"]
    assert f"Terbitkan {NOTICE}" not in offered["fajar"]
    assert f"Terbitkan {NOTICE}" in offered["ahmad"]
    assert f"Terbitkan {BAST}" not in offered["ahmad"]  # only once the SPK is approved
    assert offered["dewi"] == ""  # nothing to issue, nothing issued yet
    assert "Terbitkan" not in offered["audra"]


def test_issuing_from_the_case_page_names_the_number_and_lists_the_document(
    api: Api, browser_for: Login
) -> None:
    case_id = api.to_reviewed_media()
    fajar = browser_for("fajar")
    done = fajar.post(f"/cases/{case_id}/letters/ba_hasil_verifikasi",
                      follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/cases/{case_id}#letters"
    shown = fajar.get(f"/cases/{case_id}")
    assert f"{BA} diterbitkan dengan nomor 400.14.2.1/1/Diskominfo/2026." in visible_text(
        shown.text)
    listed = letters_of(shown.text)
    for text in ("400.14.2.1/1/Diskominfo/2026", BA, "4 Februari 2026", "Fajar",
                 "Verifikator Bidang", "Berlaku", "Unduh PDF"):
        assert text in listed, text
    assert "menerbitkan dokumen: nomor 400.14.2.1/1/Diskominfo/2026" in visible_text(
        shown.text)
    letter_id = api.get("fajar", f"/api/cases/{case_id}/letters").json()[0]["id"]
    pdf = fajar.get(f"/letters/{letter_id}")
    assert pdf.status_code == 200
    assert pdf.headers["content-disposition"].startswith("attachment;")
    assert "400.14.2.1/1/Diskominfo/2026" in text_of(pdf.content)


def test_a_kind_that_asks_for_input_has_its_form_and_a_refusal_keeps_what_was_typed(
    api: Api, browser_for: Login
) -> None:
    case_id = api.to_approved_media()
    siti = browser_for("siti")
    page = siti.get(f"/cases/{case_id}").text
    form = form_of(page, f"/cases/{case_id}/letters/ba_pemeriksaan")
    for name in ("data.period_start", "data.period_end", "data.publications", "data.value"):
        assert f'name="{name}"' in form
    typed = {"data.period_start": "2026-03-31", "data.period_end": "2026-03-02",
             "data.publications": "Berita daring 3 Maret", "data.value": "12.500.000"}
    refused = siti.post(f"/cases/{case_id}/letters/ba_pemeriksaan", typed)
    assert refused.status_code == 422
    assert "akhir periode tidak boleh sebelum awal periode" in problem_of(refused.text)
    assert 'value="12.500.000"' in form_of(refused.text,
                                           f"/cases/{case_id}/letters/ba_pemeriksaan")
    done = siti.post(f"/cases/{case_id}/letters/ba_pemeriksaan", {
        **typed, "data.period_start": TERMIN["period_start"],
        "data.period_end": TERMIN["period_end"]}, follow_redirects=False)
    assert done.status_code == 303
    [letter] = api.get("siti", f"/api/cases/{case_id}/letters").json()
    assert letter["kind"] == "ba_pemeriksaan"
    text = text_of(api.get("siti", letter["download_url"]).content)
    assert "Rp12.500.000,00 (dua belas juta lima ratus ribu rupiah)" in text


def test_a_kind_not_allowed_now_is_refused_on_the_page_in_indonesian(
    api: Api, browser_for: Login
) -> None:
    case_id = api.to_reviewed_media()
    refused = browser_for("fajar").post(f"/cases/{case_id}/letters/ba_pemeriksaan")
    assert refused.status_code == 403
    assert "tidak boleh menerbitkan" in problem_of(refused.text)
    assert "role_not_permitted" not in visible_text(refused.text)


def test_a_document_is_revoked_from_the_case_page_with_a_reason(
    api: Api, browser_for: Login
) -> None:
    case_id = api.to_reviewed_media()
    letter = issued(api, "fajar", case_id, "ba_hasil_verifikasi")
    auditor = letters_of(browser_for("audra").get(f"/cases/{case_id}").text)
    assert letter["number"] in auditor
    assert "Cabut" not in auditor
    rina = browser_for("rina")
    form = form_of(rina.get(f"/cases/{case_id}").text, f"/letters/{letter['id']}/revoke")
    assert 'name="reason"' in form
    empty = rina.post(f"/letters/{letter['id']}/revoke", {"reason": " "})
    assert empty.status_code == 422
    assert "Alasan pencabutan wajib diisi" in problem_of(empty.text)
    done = rina.post(f"/letters/{letter['id']}/revoke", {"reason": "Nama media salah ketik"},
                     follow_redirects=False)
    assert done.status_code == 303
    shown = rina.get(f"/cases/{case_id}").text
    assert f"{BA} nomor {letter['number']} dicabut." in visible_text(shown)
    listed = letters_of(shown)
    assert "Dicabut" in listed
    assert "Nama media salah ketik" in listed
    assert f'action="/letters/{letter["id"]}/revoke"' not in shown


def test_the_auditor_downloads_from_the_page_but_may_not_post(
    api: Api, browser_for: Login
) -> None:
    case_id = api.to_reviewed_media()
    letter: dict[str, Any] = issued(api, "fajar", case_id, "ba_hasil_verifikasi")
    audra = browser_for("audra")
    assert audra.get(f"/letters/{letter['id']}").status_code == 200
    assert audra.post(f"/cases/{case_id}/letters/ba_hasil_verifikasi").status_code == 403
    assert audra.post(f"/letters/{letter['id']}/revoke", {"reason": "x"}).status_code == 403
    assert len(api.get("audra", f"/api/cases/{case_id}/letters").json()) == 1
