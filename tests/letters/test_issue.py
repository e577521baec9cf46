"""Documents Berkas issues (issue 15): each kind, read back from its PDF as a person reads
it: the kop surat, the number, the place and date, amounts in figures and words, the names,
and the signature block with "Plh." before the title when signed under a warrant."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from pypdf import PdfReader
from sqlmodel import select

from app import create_app
from cases.letters.qr import qr_png
from cases.models import User
from infra.config import Settings
from infra.runtime import Runtime
from tests.api.helpers import DECISION, Api
from tests.conftest import SECRET, FakeClock
from tests.letters.helpers import (
    PLH_KADIS,
    PLH_NUMBER,
    TERMIN,
    issue,
    issued,
    pdf_of,
    plh_kadis,
    profile,
    text_of,
)

KOP = ("PEMERINTAH KABUPATEN BALANGAN", "DINAS KOMUNIKASI DAN INFORMATIKA", "Paringin")
DATED = "Paringin, 4 Februari 2026"
VERIFIER_NIP = "199001012015031001"


def test_the_verification_ba_prints_its_number_findings_amount_in_words_and_signer(
    api: Api,
) -> None:
    profile(api, "fajar", "Penata Muda (III/a)", "1990 0101 2015 03 1 001")
    case_id = api.to_reviewed_media()
    letter = issued(api, "fajar", case_id, "ba_hasil_verifikasi")
    assert letter["number"] == "400.14.2.1/1/Diskominfo/2026"
    assert (letter["seq"], letter["year"], letter["status"]) == (1, 2026, "valid")
    assert letter["signer"] == {
        "name": "Fajar", "rank": "Penata Muda (III/a)", "nip": VERIFIER_NIP,
        "title": "Verifikator Bidang Pengelolaan Informasi dan Komunikasi Publik",
        "warrant_id": None, "warrant_number": ""}
    content = pdf_of(api, "fajar", letter)
    assert content.startswith(b"%PDF-")
    assert hashlib.sha256(content).hexdigest() == letter["sha256"]
    text = text_of(content)
    for shown in (*KOP, "BERITA ACARA HASIL VERIFIKASI PERUSAHAAN PERS",
                  "Nomor: 400.14.2.1/1/Diskominfo/2026", DATED,
                  "Rabu tanggal empat bulan Februari tahun dua ribu dua puluh enam",
                  "PT Balangan Media Utama", "Balangan Pos", "01.234.567.8-901.000",
                  "Rp45.000.000,00 (empat puluh lima juta rupiah)",
                  "Surat permohonan kerja sama publikasi MS", "kategori A",
                  "Fajar", "Penata Muda (III/a)", f"NIP. {VERIFIER_NIP}",
                  letter["verify_url"]):
        assert shown in text, shown
    assert "Plh." not in text


def test_the_issue_is_in_the_case_audit_trail_with_its_number_and_digest(api: Api) -> None:
    case_id = api.to_reviewed_media()
    letter = issued(api, "fajar", case_id, "ba_hasil_verifikasi")
    entry = api.get("siti", f"/api/cases/{case_id}/audit").json()[-1]
    assert entry["action"] == "letter_issued"
    assert entry["payload"] == {"letter_id": letter["id"], "kind": "ba_hasil_verifikasi",
                                "number": letter["number"], "sha256": letter["sha256"],
                                "size": letter["size"]}
    assert api.audit_check()["ok"] is True


def test_a_plh_kadis_signs_the_notice_to_the_company_as_plh(api: Api) -> None:
    warrant = plh_kadis(api)
    profile(api, "siti", "Pembina (IV/a)", "197805122005011003")
    case_id = api.to_reviewed_media()
    letter = issued(api, "siti", case_id, "pemberitahuan_hasil_verifikasi")
    assert letter["signer"]["title"] == PLH_KADIS
    assert (letter["signer"]["warrant_id"], letter["signer"]["warrant_number"]) == (
        warrant["id"], PLH_NUMBER)
    text = text_of(pdf_of(api, "siti", letter))
    for shown in (*KOP, DATED, "Nomor : 400.14.2.2/1/Diskominfo/2026",
                  "Yth. Pimpinan PT Balangan Media Utama", "memenuhi syarat", "kategori A",
                  f"{PLH_KADIS},", "Siti", "Pembina (IV/a)", "NIP. 197805122005011003"):
        assert shown in text, shown
    entry = api.get("siti", f"/api/cases/{case_id}/audit").json()[-1]
    assert entry["actor"] == f"{PLH_KADIS}, Siti"
    assert entry["payload"]["warrant"]["number"] == PLH_NUMBER


def test_the_kadis_in_their_own_right_signs_without_plh(api: Api) -> None:
    plh_kadis(api)
    case_id = api.to_reviewed_media()
    letter = issued(api, "ahmad", case_id, "pemberitahuan_hasil_verifikasi")
    assert letter["signer"]["title"] == "Kepala Dinas Komunikasi dan Informatika"
    text = text_of(pdf_of(api, "ahmad", letter))
    assert "Kepala Dinas Komunikasi dan Informatika, Ahmad" in text
    assert "Plh." not in text


def test_the_bast_of_a_termin_prints_its_period_publications_and_value_in_words(
    api: Api,
) -> None:
    case_id = api.to_approved_media()
    letter = issued(api, "siti", case_id, "ba_pemeriksaan", TERMIN)
    text = text_of(pdf_of(api, "siti", letter))
    for shown in (*KOP, "BERITA ACARA PEMERIKSAAN DAN SERAH TERIMA PEKERJAAN",
                  "Nomor: 400.14.2.3/1/Diskominfo/2026", "027/01/SPK-PUB/DISKOMINFO/2026",
                  "2 Maret 2026 sampai dengan 31 Maret 2026",
                  "Berita daring 3 Maret 2026: Rakor verifikasi media",
                  "Berita daring 17 Maret 2026: Hibah PWI Balangan",
                  "Rp12.500.000,00 (dua belas juta lima ratus ribu rupiah)",
                  "Rp45.000.000,00 (empat puluh lima juta rupiah)",
                  "PIHAK PERTAMA", "PIHAK KEDUA", "Pemred Uji", "Siti", DATED):
        assert shown in text, shown


def test_the_bast_refuses_a_missing_value_and_a_period_that_ends_before_it_starts(
    api: Api,
) -> None:
    case_id = api.to_approved_media()
    missing = issue(api, "siti", case_id, "ba_pemeriksaan",
                    {k: v for k, v in TERMIN.items() if k != "value"})
    assert missing.status_code == 422, missing.text
    assert missing.json()["detail"]["code"] == "invalid_input"
    assert [r["code"] for r in missing.json()["detail"]["reasons"]] == ["missing_field"]
    backwards = issue(api, "siti", case_id, "ba_pemeriksaan",
                      {**TERMIN, "period_end": "2026-03-01"})
    assert backwards.status_code == 422
    assert [r["code"] for r in backwards.json()["detail"]["reasons"]] == ["invalid_period"]
    assert api.get("siti", f"/api/cases/{case_id}/letters").json() == []


def test_the_draft_nphd_is_filled_from_the_grant_case(api: Api) -> None:
    api.set_budget("grant", 500_000_000)
    case_id = api.to_reviewed_grant()
    letter = issued(api, "ahmad", case_id, "draf_nphd")
    assert letter["number"] == "400.14.3.1/1/Diskominfo/2026"
    text = text_of(pdf_of(api, "ahmad", letter))
    for shown in (*KOP, "NASKAH PERJANJIAN HIBAH DAERAH", "PWI KABUPATEN BALANGAN",
                  "Nomor: 400.14.3.1/1/Diskominfo/2026", "Ketua Uji", "PWI Kabupaten Balangan",
                  f"Nomor {DECISION['keputusan_number']} tanggal 15 Januari 2026",
                  "Rp150.000.000,00 (seratus lima puluh juta rupiah)",
                  "Rp125.000.000,00 (seratus dua puluh lima juta rupiah)",
                  "paling lambat tanggal 10 Januari 2027", "Kas Daerah",
                  "Kepala Dinas Komunikasi dan Informatika", "Ahmad"):
        assert shown in text, shown


def test_the_lpj_ba_prints_what_was_paid_spent_and_refunded(api: Api) -> None:
    case_id = api.to_paid_grant()
    api.upload_valid("rina", case_id, ("lpj", "pernyataan_penggunaan", "sts"))
    reported = api.fire("rina", case_id, "report", data={
        "spent_amount": 120_000_000, "refund_amount": 5_000_000,
        "refund_date": "2026-12-15"})
    assert reported.status_code == 200, reported.text
    letter = issued(api, "fajar", case_id, "ba_verifikasi_lpj")
    text = text_of(pdf_of(api, "fajar", letter))
    for shown in (*KOP, "Nomor: 400.14.3.2/1/Diskominfo/2026",
                  "Rp125.000.000,00 (seratus dua puluh lima juta rupiah)",
                  "Rp120.000.000,00 (seratus dua puluh juta rupiah)",
                  "Rp5.000.000,00 (lima juta rupiah)", "15 Desember 2026",
                  "NPHD/07/DISKOMINFO/2026", "LPJ dinyatakan lengkap", "Fajar"):
        assert shown in text, shown


def test_numbers_run_per_kind_and_start_again_each_year(
    api: Api, clock: FakeClock
) -> None:
    case_id = api.to_reviewed_media()
    numbers = [issued(api, "fajar", case_id, "ba_hasil_verifikasi")["number"]
               for _ in range(2)]
    notice = issued(api, "ahmad", case_id, "pemberitahuan_hasil_verifikasi")["number"]
    assert numbers == ["400.14.2.1/1/Diskominfo/2026", "400.14.2.1/2/Diskominfo/2026"]
    # A kind of its own: a code and a sequence of its own, so never the BA's number.
    assert notice == "400.14.2.2/1/Diskominfo/2026"
    clock.now = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)
    api.forget_tokens()
    assert issued(api, "fajar", case_id, "ba_hasil_verifikasi")["number"] == (
        "400.14.2.1/1/Diskominfo/2027")


def test_a_name_beyond_latin1_prints_in_its_nearest_spelling(
    api: Api, runtime: Runtime
) -> None:
    with runtime.sessions() as session:
        fajar = session.exec(select(User).where(User.username == "fajar")).one()
        fajar.full_name = "Fajar Nur’aini — S.Sos. ≤ 𝐁 ş"
        session.add(fajar)
        session.commit()
    case_id = api.to_reviewed_media()
    letter = issued(api, "fajar", case_id, "ba_hasil_verifikasi")
    assert letter["signer"]["name"] == "Fajar Nur’aini — S.Sos. ≤ 𝐁 ş"  # stored as typed
    assert "Fajar Nur'aini - S.Sos. <= B s" in text_of(pdf_of(api, "fajar", letter))


def test_the_case_letters_list_and_the_download_is_an_attachment(api: Api) -> None:
    case_id = api.to_approved_media()
    first = issued(api, "fajar", case_id, "ba_hasil_verifikasi")
    second = issued(api, "siti", case_id, "ba_pemeriksaan", TERMIN)
    listed = api.get("audra", f"/api/cases/{case_id}/letters").json()
    assert [(x["id"], x["kind"], x["status"]) for x in listed] == [
        (first["id"], "ba_hasil_verifikasi", "valid"), (second["id"], "ba_pemeriksaan", "valid")]
    download = api.get("audra", f"/api/letters/{first['id']}")
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["etag"] == f'"{first["sha256"]}"'
    assert first["verify_url"].startswith("http://127.0.0.1:8000/v/")
    assert len(first["verify_url"].rsplit("/", 1)[1]) >= 32


def test_the_kop_place_number_pattern_logo_and_address_come_from_the_settings(
    settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(qr_png("logo kabupaten"))
    custom = settings.model_copy(update={
        "letterhead_government": "PEMERINTAH KABUPATEN HULU SUNGAI UTARA",
        "letterhead_department": "DINAS KOMUNIKASI, INFORMATIKA, STATISTIK DAN PERSANDIAN",
        "letterhead_address": "Jl. Norman Umar No. 1, Amuntai",
        "letterhead_contact": "Telepon (0527) 61234, diskominfo@hsu.example.go.id",
        "letterhead_logo": str(logo), "letter_place": "Amuntai",
        "letter_unit": "Dinas Kominfo Kabupaten Hulu Sungai Utara",
        "letter_number_pattern": "{code}/{seq:03d}/DKISP/{year}",
        "base_url": "https://berkas.example.go.id"})
    with TestClient(create_app(custom, clock)) as client:
        api = Api(client)
        case_id = api.to_reviewed_media()
        letter = issued(api, "fajar", case_id, "ba_hasil_verifikasi")
        content = pdf_of(api, "fajar", letter)
    assert letter["number"] == "400.14.2.1/001/DKISP/2026"
    assert letter["issuing_unit"] == "Dinas Kominfo Kabupaten Hulu Sungai Utara"
    assert letter["verify_url"].startswith("https://berkas.example.go.id/v/")
    text = text_of(content)
    for shown in ("PEMERINTAH KABUPATEN HULU SUNGAI UTARA", "PERSANDIAN",
                  "Jl. Norman Umar No. 1, Amuntai", "Telepon (0527) 61234",
                  "Amuntai, 4 Februari 2026", "Nomor: 400.14.2.1/001/DKISP/2026",
                  letter["verify_url"]):
        assert shown in text, shown
    assert "BALANGAN" not in text
    # The logo beside the kop and the QR code at the foot of the page.
    assert len(PdfReader(io.BytesIO(content)).pages[0].images) == 2


def test_settings_refuse_a_logo_that_is_not_there(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="is not a file"):
        Settings(env="test", secret_key=SECRET, letterhead_logo=str(tmp_path / "none.png"))
