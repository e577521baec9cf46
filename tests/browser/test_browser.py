"""Berkas in a real browser: every role, both workflows walked through the pages only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from infra.runtime import Runtime
from tests.api.helpers import MEDIA_REVIEW_DOCS, Api
from tests.browser.conftest import Person
from workflows import get_definition

Make = Callable[..., Person]
MEDIA = get_definition("media_verification")
GRANT = get_definition("grant")


def labels_of(gate: str, workflow: str = "media_verification") -> list[str]:
    return [d.label for d in get_definition(workflow).gate_documents(gate)]


@pytest.mark.parametrize(("username", "has", "lacks"), [
    ("rina", ["Berkas baru", "Daftar berkas"], ["Persetujuan", "Pengguna"]),
    ("siti", ["Berkas baru"], ["Persetujuan", "Pengguna"]),
    ("ahmad", ["Persetujuan", "Pagu"], ["Berkas baru", "Pengguna"]),
    ("dewi", ["Daftar berkas"], ["Berkas baru", "Persetujuan", "Pengguna"]),
    ("admin", ["Pengguna", "Surel", "Pagu"], ["Berkas baru", "Persetujuan"]),
])
def test_each_role_logs_in_and_sees_its_own_menu(
    person: Make, username: str, has: list[str], lacks: list[str]
) -> None:
    menu = person(username).page.get_by_role("navigation", name="Menu utama")
    for item in has:
        expect(menu.get_by_role("link", name=item)).to_be_visible()
    for item in lacks:
        expect(menu.get_by_role("link", name=item)).to_have_count(0)


def test_a_media_case_walks_from_registration_to_reported_through_the_pages(
    person: Make,
) -> None:
    kadis = person("ahmad")
    kadis.open("/budgets").get_by_label("Pagu", exact=True).fill("600.000.000")
    kadis.page.get_by_role("button", name="Simpan").click()
    expect(kadis.page.locator(".note.ok")).to_contain_text("Pagu disimpan")

    rina = person("rina")
    page = rina.open("/cases/new?workflow=media_verification")
    page.get_by_label("Judul").fill("Kerja sama publikasi 2026")
    page.get_by_label("Nilai kontrak yang diusulkan").fill("45.000.000")
    page.get_by_label("Nama perusahaan pers").fill("PT Balangan Media Utama")
    page.get_by_label("Nama media").fill("Balangan Pos")
    page.get_by_label("Jenis media").select_option("online")
    page.get_by_label("Pemimpin redaksi").fill("Pemred Uji")
    page.get_by_label("Status Dewan Pers").select_option("factual")
    page.get_by_role("button", name="Daftarkan berkas").click()
    expect(page.locator(".note.ok")).to_contain_text("MV-2026-0001 terdaftar")
    case_url = page.url.removeprefix(rina.live.url)
    for label in labels_of("review"):
        rina.upload(label)
    rina.mark_all_valid()
    blocked = page.locator("button[data-trigger=review]")
    expect(blocked).to_be_disabled()
    expect(page.locator("#why-review")).to_contain_text("prinsip empat mata")

    fajar = person("fajar")
    fajar.open(case_url)
    fajar.fire("Verifikasi", {"Tingkat media": "A"}, comment="Lengkap, terverifikasi faktual")
    expect(fajar.page.locator("h1 .state")).to_have_text("Terverifikasi")

    kadis.open(case_url)
    kadis.fire("Setujui")
    expect(kadis.page.locator("h1 .state")).to_have_text("Disetujui Kadis")

    dewi = person("dewi")
    dewi.open(case_url)
    for label in labels_of("pay"):
        dewi.upload(label)
    dewi.fire("Catat pembayaran", {"Nomor SP2D": "SP2D/0001/BLG/2026",
                                   "Tanggal pembayaran": "2026-04-15",
                                   "Jumlah dibayar": "45.000.000"})
    expect(dewi.page.locator("h1 .state")).to_have_text("Dibayar")

    fajar.open(case_url)
    fajar.upload(labels_of("report")[0])
    fajar.fire("Catat bukti tayang", comment="Tayang 12 kali")
    expect(fajar.page.locator("h1 .state")).to_have_text("Dilaporkan")
    expect(fajar.page.locator(".timeline")).to_contain_text("Dibayar → Dilaporkan")


def test_a_grant_walks_from_registration_to_reported_through_the_pages(person: Make) -> None:
    kadis = person("ahmad")
    kadis.open("/budgets").get_by_label("Jenis").select_option("grant")
    kadis.page.get_by_label("Pagu", exact=True).fill("250000000")
    kadis.page.get_by_role("button", name="Simpan").click()

    siti = person("siti")
    page = siti.open("/cases/new?workflow=grant")
    page.get_by_label("Judul").fill("Hibah APBD 2026 PWI")
    page.get_by_label(GRANT.amount_label).fill("150.000.000")
    for spec in GRANT.applicant_fields:
        if spec.required:
            page.get_by_label(spec.label).fill(f"{spec.label} uji")
    page.get_by_role("button", name="Daftarkan berkas").click()
    expect(page.locator(".note.ok")).to_contain_text("HB-2026-0001 terdaftar")
    case_url = page.url.removeprefix(siti.live.url)
    for label in labels_of("review", "grant"):
        siti.upload(label)
    siti.mark_all_valid()

    rina = person("rina")
    rina.open(case_url)
    rina.fire("Evaluasi", {"Nilai rekomendasi": "125.000.000"})
    expect(rina.page.locator("h1 .state")).to_have_text("Dievaluasi")
    kadis.open(case_url)
    kadis.fire("Setujui")
    expect(kadis.page.locator("h1 .state")).to_have_text("Disetujui Kadis")

    dewi = person("dewi")
    dewi.open(case_url)
    for label in labels_of("pay", "grant"):
        dewi.upload(label)
    pay_fields = {spec.label: value for spec, value in zip(
        GRANT.transition("pay").fields,  # type: ignore[union-attr]
        ["SP2D/0002/BLG/2026", "2026-04-20", "125000000", "NPHD/01/2026", "2026-04-10"],
        strict=False)}
    dewi.fire("Catat pencairan", pay_fields)
    expect(dewi.page.locator("h1 .state")).to_have_text("Dicairkan")

    rina.open(case_url)
    for label in labels_of("report", "grant"):
        rina.upload(label)
    rina.fire("Terima LPJ", {"Dana yang digunakan": "125000000"})
    expect(rina.page.locator("h1 .state")).to_have_text("LPJ diterima")


def test_a_disguised_upload_is_refused_with_a_message(person: Make, api: Api) -> None:
    case_id = api.create_media("rina")["id"]
    rina = person("rina")
    rina.open(f"/cases/{case_id}")
    rina.upload(labels_of("review")[0], name="npwp.pdf", content=b"MZ\x90\x00 not a pdf")
    expect(rina.page.locator("#problem")).to_contain_text("Hanya PDF, JPEG atau PNG")
    expect(rina.page.locator(".tag.missing").first).to_be_visible()


def test_the_kadis_signs_off_two_cases_and_sees_each_result(person: Make, api: Api) -> None:
    api.set_budget("media_verification", 600_000_000)
    ids = [api.create_media("rina", amount=amount)["id"] for amount in (45_000_000, 50_000_000)]
    for case_id, tier in zip(ids, ("A", "B"), strict=True):
        api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS)
        assert api.fire("fajar", case_id, "review", data={"tier": tier}).status_code == 200
    page = person("ahmad").open("/signoff")
    page.get_by_label("Pilih semua").check()
    page.get_by_role("button", name="Setujui yang dipilih").click()
    results = page.locator(".results > li")
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_contain_text("berhasil")
    expect(results.nth(1)).to_contain_text("plafon tingkat B")


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
