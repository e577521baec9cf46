"""Berkas in a real browser: every role, both workflows walked through the pages only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from infra.runtime import Runtime
from tests.api.helpers import MEDIA_REVIEW_DOCS, SITE_VISIT, Api
from tests.browser.conftest import Person
from workflows import get_definition

Make = Callable[..., Person]
MEDIA = get_definition("media_verification")
GRANT = get_definition("grant")


def labels_of(gate: str, workflow: str = "media_verification") -> list[str]:
    """The labels of the documents every case needs at ``gate`` (a print medium's: no IPP)."""
    return [d.label for d in get_definition(workflow).gate_documents(gate)]


@pytest.mark.parametrize(("username", "has", "lacks"), [
    ("rina", ["Berkas baru", "Daftar berkas", "Pihak"], ["Persetujuan", "Pengguna"]),
    ("siti", ["Berkas baru"], ["Persetujuan", "Pengguna"]),
    ("ahmad", ["Persetujuan", "Pagu"], ["Berkas baru", "Pengguna"]),
    ("dewi", ["Daftar berkas"], ["Berkas baru", "Persetujuan", "Pengguna"]),
    ("fina", ["Pagu", "Daftar berkas"], ["Berkas baru", "Persetujuan", "Pengguna"]),
    ("audra", ["Daftar berkas", "Pihak", "Jejak audit"], ["Berkas baru", "Persetujuan"]),
    ("admin", ["Pengguna", "Surel"], ["Berkas baru", "Persetujuan"]),
])
def test_each_role_logs_in_and_sees_its_own_menu(
    person: Make, username: str, has: list[str], lacks: list[str]
) -> None:
    menu = person(username).page.get_by_role("navigation", name="Menu utama")
    for item in has:
        expect(menu.get_by_role("link", name=item)).to_be_visible()
    for item in lacks:
        expect(menu.get_by_role("link", name=item)).to_have_count(0)


def upload_checked(officer: Person, files: dict[str, str],
                   values: dict[str, str] | None = None) -> None:
    """Upload each file under its kind's label, then check every one MS (a BAST with the
    value ``values`` gives its file name)."""
    for label, name in files.items():
        officer.upload(label, name=name)
        expect(officer.page.locator(".note.ok")).to_contain_text(f"Dokumen {name} diunggah")
    officer.mark_all_valid(values)


def expect_state(who: Person, label: str) -> None:
    expect(who.page.locator("h1 .state")).to_have_text(label)


def termin(n: int, gross: str, net: str) -> dict[str, str]:
    """The fields of termin ``n``, typed as the treasurer types them."""
    return {"Nomor SPM": f"SPM/{n:03d}/LS/2026", "Tanggal SPM": f"2026-0{4 + n}-18",
            "Nomor SP2D": f"SP2D/{n:03d}/LS/2026", "Tanggal SP2D": f"2026-0{4 + n}-20",
            "Tanggal BAST": f"2026-0{4 + n}-15", "Nilai bruto termin": gross,
            "PPh Pasal 23 dipotong": _pph(gross),
            "Nilai bersih ditransfer": net}


def _pph(gross: str) -> str:
    """PPh 23 of 2 %, written with thousands dots."""
    return f"{int(gross.replace('.', '')) * 2 // 100:,}".replace(",", ".")


def documents_of(n: int) -> dict[str, str]:
    """The BAST and proof of publication of termin ``n``, chosen by their file names."""
    return {"BAST / BA pemeriksaan termin ini": f"bast-termin-{n}.pdf",
            "Bukti tayang termin ini": f"tayang-termin-{n}.pdf"}


def register_media_case(person: Make) -> tuple[Person, str]:
    """Finance enters the pagu; an officer registers the company and its case, uploads the
    review documents and checks them MS. The officer, and the case's path."""
    person("fina").set_budget(MEDIA.label, "600.000.000")
    rina = person("rina")
    rina.register_party("Perusahaan pers", "PT Balangan Media Utama", "01.234.567.8-901.000",
                        "1234567890123")
    page = rina.open("/cases/new?workflow=media_verification")
    page.get_by_label("Pihak pemohon").select_option(label=(
        "PT Balangan Media Utama — NPWP 01.234.567.8-901.000 — NIB 1234567890123"))
    page.get_by_label("Nama media").fill("Balangan Pos")
    page.get_by_label("Jenis media").select_option("online")
    page.get_by_label("Pemimpin redaksi").fill("Pemred Uji")
    page.get_by_label("Status Dewan Pers").select_option("factual")
    page.get_by_label("Judul").fill("Kerja sama publikasi 2026")
    page.get_by_label("Nilai kontrak yang diusulkan").fill("45.000.000")
    page.get_by_role("button", name="Daftarkan berkas").click()
    expect(page.locator(".note.ok")).to_contain_text("MV-2026-0001 terdaftar")
    upload_checked(rina, {label: f"{i}.pdf" for i, label in enumerate(labels_of("review"))})
    expect(page.locator("button[data-trigger=review]")).to_be_disabled()
    expect(page.locator("#why-review")).to_contain_text("prinsip empat mata")
    expect(page.locator("#why-review")).to_contain_text("Dasar: PP 60/2008")
    return rina, page.url.removeprefix(rina.live.url)


def upload_termin_documents(officer: Person, case_url: str, n: int, accepted: str) -> None:
    """Termin ``n``'s BAST (checked MS with the value ``accepted``) and proof of
    publication."""
    officer.open(case_url)
    upload_checked(officer, {MEDIA.document(kind).label: f"{name}-termin-{n}.pdf"  # type: ignore
                             for kind, name in (("bast", "bast"), ("bukti_tayang", "tayang"))},
                   values={f"bast-termin-{n}.pdf": accepted})


def first_termin_documents(officer: Person) -> None:
    """Termin 1's BAST, refused MS without the value of the work it accepted (typed beside
    its MS button), then checked with it; and its proof of publication."""
    officer.upload(MEDIA.document("bast").label, name="bast-termin-1.pdf")  # type: ignore
    bast = officer.page.locator(".doc", has_text="bast-termin-1.pdf")
    bast.get_by_role("button", name="MS", exact=True).click()
    expect(officer.page.locator("#problem")).to_contain_text(
        "Nilai pekerjaan yang diterima (BAST) wajib diisi untuk menyatakan BAST memenuhi "
        "syarat (MS)")
    expect(bast.locator(".tag.unchecked")).to_be_visible()
    upload_checked(officer, {
        MEDIA.document("bukti_tayang").label: "tayang-termin-1.pdf"},  # type: ignore
        values={"bast-termin-1.pdf": "20.000.000"})
    expect(bast).to_contain_text("nilai diterima Rp20.000.000")


def test_a_media_contract_walks_from_registration_to_its_final_report_through_the_pages(
    person: Make,
) -> None:
    rina, case_url = register_media_case(person)

    # Review: the officer who did not register it; the category follows the Dewan Pers.
    fajar = person("fajar")
    fajar.open(case_url)
    fajar.fire("Verifikasi", {"Catatan kunjungan lapangan (verifikasi faktual; kosongkan "
                              "bila BA verifikasi faktual diunggah)": "Kantor redaksi sesuai"},
               comment="Lengkap, terverifikasi faktual")
    expect_state(fajar, "Terverifikasi")
    expect(fajar.page.locator("#h-data + dl")).to_contain_text(
        "Kategori A (terverifikasi faktual)")

    # Approve: the Kadis records the SPK.
    kadis = person("ahmad")
    kadis.open(case_url)
    kadis.fire("Setujui dan catat SPK", {
        "Nomor SPK": "027/01/SPK-PUB/DISKOMINFO/2026", "Tanggal SPK": "2026-03-02",
        "Nilai SPK": "45.000.000", "Awal masa kontrak": "2026-03-02",
        "Akhir masa kontrak": "2026-11-30"})
    expect_state(kadis, "Disetujui Kadis")
    expect(kadis.page.locator(".block", has_text="SPK (kontrak)")).to_contain_text(
        "2 Maret 2026 s.d. 30 November 2026")

    # Two termins, each paid only against its own BAST and proof of publication.
    rina.open(case_url)
    upload_checked(rina, {"SPK / surat perjanjian bertanda tangan": "spk-ttd.pdf"})
    first_termin_documents(rina)
    dewi = person("dewi")
    dewi.open(case_url)
    expect(dewi.page.locator("#record_payment-bast_document_id option:checked")).to_contain_text(
        "bast-termin-1.pdf")
    expect(dewi.page.locator("#record_payment-bast_document_id option:checked")).to_contain_text(
        "MS — diterima Rp20.000.000")
    dewi.fire("Catat pembayaran termin", termin(1, "20.000.000", "19600000"),
              choices=documents_of(1))
    expect(dewi.page.locator(".note.ok")).to_contain_text("Catat pembayaran termin")
    expect_state(dewi, "Disetujui Kadis")
    upload_termin_documents(rina, case_url, 2, "20.000.000")
    dewi.open(case_url)
    used = dewi.page.locator("#record_payment-bast_document_id option",
                             has_text="bast-termin-1.pdf")
    expect(used).to_contain_text("sudah dipakai termin 1")
    expect(used).to_be_disabled()
    dewi.fire("Catat pembayaran termin", termin(2, "20.000.000", "19.600.000"),
              choices=documents_of(2))
    expect(dewi.page.locator("#payments tbody tr")).to_have_count(2)

    # The final termin: the rest of the contract, no more than its BAST accepted.
    upload_termin_documents(rina, case_url, 3, "5.000.000")
    dewi.open(case_url)
    pay = dewi.page.locator("li.action", has=dewi.page.locator(
        "summary:text-is('Catat pembayaran termin terakhir')"))
    pay.locator("summary").click()
    expect(pay.locator(".pay-mode")).to_contain_text("Tidak ada lagi yang dibayar")
    expect(pay.get_by_label("Alasan penutupan pembayaran (sisa kontrak tidak dibayar)")
           ).to_be_hidden()
    pay.locator("summary").click()
    dewi.fire("Catat pembayaran termin terakhir", termin(3, "5.000.000", "4900000"), choices={
        "BAST / BA pemeriksaan termin ini": "bast-termin-3.pdf",
        "Bukti tayang termin ini": "tayang-termin-3.pdf"})
    expect_state(dewi, "Dibayar")
    payments = dewi.page.locator("#payments")
    expect(payments.locator("tbody tr")).to_have_count(3)
    expect(payments.locator("tbody tr .accepted")).to_have_text(
        ["diterima Rp20.000.000", "diterima Rp20.000.000", "diterima Rp5.000.000"])
    expect(payments).to_contain_text("Jumlah dibayar (bruto): Rp45.000.000 dari nilai kontrak "
                                     "(SPK) Rp45.000.000; sisa Rp0")
    expect(payments.locator("tbody tr").nth(0)).to_contain_text("bast-termin-1.pdf")

    # The final report closes it.
    fajar.open(case_url)
    upload_checked(fajar, {labels_of("report")[0]: "laporan-akhir.pdf"})
    fajar.fire("Catat laporan akhir", {"Evaluasi mitra media": "Tepat waktu, 36 tayangan"})
    expect_state(fajar, "Selesai")
    expect(fajar.page.locator(".timeline")).to_contain_text("Dibayar → Selesai")


def correct_the_keputusan(page: Page) -> None:
    """The Keputusan's number was registered with last year's: corrected before the review,
    on the case page ("Ubah data pendaftaran")."""
    page.locator("#data-edit summary").click()
    number = page.locator("#data-edit").get_by_label("Nomor Keputusan Bupati")
    expect(number).to_have_value("188.45/123/KUM/2025")
    number.fill("188.45/123/KUM/2026")
    page.get_by_role("button", name="Simpan data pendaftaran").click()
    expect(page.locator(".note.ok")).to_contain_text("Data pendaftaran HB-2026-0001 diubah")
    expect(page.locator(".block", has_text="Keputusan Bupati")).to_contain_text(
        "188.45/123/KUM/2026")
    expect(page.locator(".timeline")).to_contain_text(
        "mengubah data pendaftaran: Nomor Keputusan Bupati 188.45/123/KUM/2025 → "
        "188.45/123/KUM/2026")


def test_a_grant_walks_from_registration_to_its_lpj_with_a_refund_through_the_pages(
    person: Make,
) -> None:
    person("fina").set_budget(GRANT.label, "250000000")
    siti = person("siti")
    siti.register_party("Organisasi", "PWI Kabupaten Balangan", "02.345.678.9-012.000")
    page = siti.open("/cases/new?workflow=grant")
    page.get_by_label("Pihak pemohon").select_option(
        label="PWI Kabupaten Balangan — NPWP 02.345.678.9-012.000")
    page.get_by_label("Ketua").fill("Ketua PWI Balangan")
    page.get_by_label("Judul").fill("Hibah APBD 2026 PWI")
    page.get_by_label(GRANT.amount_label).fill("150.000.000")
    page.get_by_label("Nomor Keputusan Bupati").fill("188.45/123/KUM/2025")
    page.get_by_label("Tanggal Keputusan Bupati").fill("2026-01-15")
    page.get_by_label("Nilai hibah dalam Keputusan Bupati").fill("150.000.000")
    page.get_by_role("button", name="Daftarkan berkas").click()
    expect(page.locator(".note.ok")).to_contain_text("HB-2026-0001 terdaftar")
    expect(page.locator(".lead")).to_contain_text("PWI Kabupaten Balangan")
    correct_the_keputusan(page)
    case_url = page.url.removeprefix(siti.live.url)
    upload_checked(siti, {label: f"{i}.pdf" for i, label in enumerate(labels_of("review",
                                                                                "grant"))})

    rina = person("rina")
    rina.open(case_url)
    rina.fire("Evaluasi", {"Nilai rekomendasi": "125.000.000"})
    expect_state(rina, "Dievaluasi")
    upload_checked(rina, {labels_of("approve", "grant")[0]: "nphd-ttd.pdf"})

    kadis = person("ahmad")
    kadis.open(case_url)
    kadis.fire("Setujui", {"Nomor NPHD": "NPHD/07/DISKOMINFO/2026",
                           "Tanggal NPHD": "2026-03-10"})
    expect_state(kadis, "Disetujui Kadis")
    expect(kadis.page.locator(".block", has_text="NPHD")).to_contain_text("Rp125.000.000")

    rina.open(case_url)
    upload_checked(rina, {labels_of("pay", "grant")[0]: "kuitansi.pdf"})
    dewi = person("dewi")
    dewi.open(case_url)
    # The NPHD was recorded at approval: the disbursement does not ask it again.
    expect(dewi.page.locator("[name='data.nphd_number'], [name='data.nphd_date']")
           ).to_have_count(0)
    dewi.fire("Catat pencairan", {
        "Nomor SPM": "SPM/099/LS/2026", "Tanggal SPM": "2026-03-12",
        "Nomor SP2D": "SP2D/099/LS/2026", "Tanggal SP2D": "2026-03-13",
        "Jumlah dicairkan": "125000000"})
    expect_state(dewi, "Dicairkan")

    # The LPJ: 5 million unspent went back to the Kas Daerah by an STS.
    rina.open(case_url)
    upload_checked(rina, {**{label: f"lpj-{i}.pdf"
                             for i, label in enumerate(labels_of("report", "grant"))},
                          GRANT.document("sts").label: "sts-setoran.pdf"})  # type: ignore
    rina.fire("Terima LPJ", {"Dana yang digunakan": "120.000.000"})
    expect(rina.page.locator("#problem")).to_contain_text("sisa dana yang disetor harus "
                                                          "Rp5.000.000")
    expect(rina.page.locator("#problem")).to_contain_text("Dasar: Permendagri 77/2020")
    rina.page.get_by_label("Sisa dana yang disetor (bila ada)").fill("5.000.000")
    rina.page.get_by_label("Tanggal setor ke Kas Daerah").fill("2026-12-20")
    rina.page.locator("li.action", has=rina.page.locator("summary:text-is('Terima LPJ')")
                      ).get_by_role("button", name="Terima LPJ").click()
    expect_state(rina, "LPJ diterima")
    expect(rina.page.locator("#payments")).to_contain_text(
        "Sisa dana dikembalikan ke Kas Daerah (STS): Rp5.000.000 pada 20 Desember 2026")


def test_a_disguised_upload_is_refused_with_a_message(person: Make, api: Api) -> None:
    case_id = api.create_media("rina")["id"]
    rina = person("rina")
    rina.open(f"/cases/{case_id}")
    rina.upload(labels_of("review")[0], name="npwp.pdf", content=b"MZ\x90\x00 not a pdf")
    expect(rina.page.locator("#problem")).to_contain_text("Hanya PDF, JPEG atau PNG")
    expect(rina.page.locator(".tag.missing").first).to_be_visible()


def test_the_kadis_rejects_two_cases_and_sees_each_result(person: Make, api: Api) -> None:
    api.set_budget("media_verification", 600_000_000)
    ids = [api.create_media("rina", amount=amount)["id"] for amount in (45_000_000, 30_000_000)]
    for case_id in ids:
        api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS)
        assert api.fire("fajar", case_id, "review", data=SITE_VISIT).status_code == 200
    page = person("ahmad").open("/signoff")
    expect(page.get_by_role("link", name="Setujui dan catat SPK di halaman berkas")
           ).to_have_count(2)
    page.get_by_label("Pilih semua").check()
    page.get_by_label("Catatan (wajib untuk menolak)").fill("Tidak sesuai kebutuhan 2026")
    page.get_by_role("button", name="Tolak yang dipilih").click()
    results = page.locator(".results > li")
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_contain_text("berhasil — Ditolak")
    expect(results.nth(1)).to_contain_text("berhasil — Ditolak")


def test_a_stale_page_says_the_case_changed_and_shows_it_fresh(person: Make, api: Api) -> None:
    case_id = api.create_media("rina")["id"]
    fajar, siti = person("fajar"), person("siti")
    fajar.open(f"/cases/{case_id}")
    siti.open(f"/cases/{case_id}")
    siti.fire("Kembalikan untuk perbaikan", comment="NIB belum sesuai KBLI")
    expect(siti.page.locator("h1 .state")).to_have_text("Dikembalikan")

    fajar.fire("Batalkan", comment="Perusahaan mengundurkan diri")
    expect(fajar.page.locator("#stale")).to_contain_text(
        "Berkas ini berubah ketika Anda sedang melihatnya")
    expect(fajar.page.locator("h1 .state")).to_have_text("Dikembalikan")


def test_the_inbox_badge_counts_unread_notices_until_read(
    person: Make, api: Api, runtime: Runtime
) -> None:
    api.create_media("rina")
    fajar = person("fajar")
    expect(fajar.page.locator("#badge")).to_have_text("1")
    page = fajar.open("/notifications")
    expect(page.locator(".inbox-list")).to_contain_text("Menunggu tindakan Anda: MV-2026-0001")
    page.get_by_role("button", name="Tandai semua dibaca").click()
    expect(page.locator("#badge")).to_have_text("0")


def test_an_admin_creates_an_account_that_works_then_deactivates_it(person: Make) -> None:
    page = person("admin").open("/admin/users")
    page.get_by_label("Nama pengguna").fill("bayu")
    page.get_by_label("Nama lengkap").fill("Bayu Pratama")
    page.get_by_label("Surel").fill("bayu@example.test")
    page.get_by_label("Petugas / verifikator Bidang PIKP").check()
    page.get_by_label("Kata sandi awal").fill("rahasia-uji-123")
    page.get_by_role("button", name="Buat akun").click()
    expect(page.locator(".note.ok")).to_contain_text("Akun bayu dibuat")

    bayu = person("bayu")
    expect(bayu.page.get_by_role("link", name="Berkas baru")).to_be_visible()

    page.locator("button[data-user=bayu]").click()
    expect(page.locator(".note.ok")).to_contain_text("Akun bayu dinonaktifkan")
    bayu.page.reload()
    expect(bayu.page.get_by_role("heading", level=1)).to_have_text("Masuk ke Berkas")


def test_a_phone_can_read_the_case_page_without_scrolling_sideways(
    person: Make, api: Api
) -> None:
    case_id = api.create_media("rina")["id"]
    page = person("fajar", viewport=(390, 844)).open(f"/cases/{case_id}")
    expect(page.locator("h1")).to_contain_text("MV-2026-0001")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
