"""An acting official in a real browser: the admin registers a Plh. Kadis warrant with its
scan through the page; the Kabid appointed by it sees the Kadis's queue, approves a reviewed
case on its page, and the case's timeline names the capacity they signed in."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from tests.api.helpers import Api
from tests.browser.conftest import PDF, Person

Make = Callable[..., Person]
PLH_KADIS = "Plh. Kepala Dinas Komunikasi dan Informatika"
NUMBER = "800/12/SPT/DISKOMINFO/2026"


def register_plh_kadis(admin: Person) -> None:
    """The admin types the warrant from its paper and uploads its scan: siti (the Kabid)
    acts for ahmad (the Kadis) from today, Wednesday 4 February 2026, to 13 February."""
    page = admin.open("/admin/warrants")
    expect(page.get_by_role("heading", level=1)).to_have_text("Surat perintah Plh./Plt.")
    page.get_by_label("Jenis surat perintah").select_option("plh")
    page.get_by_label("Nomor surat perintah").fill(NUMBER)
    page.get_by_label("Tanggal surat perintah").fill("2026-02-03")
    page.get_by_label("Nama penanda tangan").fill("H. Abdul Hadi")
    page.get_by_label("Jabatan penanda tangan").fill("Bupati Balangan")
    page.get_by_label("Jabatan yang diisi").select_option("kadis")
    page.get_by_label("Pejabat yang digantikan").select_option(
        label="Ahmad — Kepala Dinas (Pengguna Anggaran)")
    page.get_by_label("Pejabat Plh./Plt.").select_option(
        label="Siti — Kepala Bidang PIKP (PPTK)")
    page.get_by_label("Berlaku mulai").fill("2026-02-04")
    page.get_by_label("Berlaku sampai").fill("2026-02-13")
    page.get_by_label("Catatan").fill("Kadis mengikuti diklat kepemimpinan")
    page.get_by_label("Pindaian surat perintah").set_input_files(
        {"name": "sp-plh-kadis.pdf", "mimeType": "application/pdf",
         "buffer": PDF + b"% surat perintah Plh.\n"})
    page.get_by_role("button", name="Catat surat perintah").click()
    expect(page.locator(".note.ok")).to_contain_text(
        f"Surat perintah {NUMBER} dicatat: Siti sebagai {PLH_KADIS}")
    row = page.locator("tr[id^=warrant-]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(PLH_KADIS)
    expect(row).to_contain_text("4 Februari 2026 s.d. 13 Februari 2026")
    expect(row.locator(".tag")).to_have_text("Berlaku")
    expect(row.get_by_role("link", name="sp-plh-kadis.pdf")).to_be_visible()


def test_a_plh_kadis_appointed_through_the_page_approves_a_reviewed_case(
    person: Make, api: Api
) -> None:
    # A case registered by rina and reviewed by fajar, waiting for the Kadis.
    api.set_budget("media_verification", 600_000_000)
    case_id = api.to_reviewed_media("rina")
    register_plh_kadis(person("admin"))

    siti = person("siti")
    page = siti.page
    expect(page.locator(".me .acting")).to_have_text(
        f"{PLH_KADIS} (SP {NUMBER}, s.d. 13 Februari 2026)")
    menu = page.get_by_role("navigation", name="Menu utama")
    menu.get_by_role("link", name="Persetujuan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Persetujuan Kadis oleh {PLH_KADIS}, Siti")
    queued = page.locator("table.cases tbody tr")
    expect(queued).to_have_count(1)
    expect(queued).to_contain_text("MV-2026-0001")
    queued.get_by_role("link", name="Setujui dan catat SPK di halaman berkas").click()
    expect(page).to_have_url(f"{siti.live.url}/cases/{case_id}#h-actions")

    siti.fire("Setujui dan catat SPK", {
        "Nomor SPK": "027/01/SPK-PUB/DISKOMINFO/2026", "Tanggal SPK": "2026-03-02",
        "Nilai SPK": "45.000.000", "Awal masa kontrak": "2026-03-02",
        "Akhir masa kontrak": "2026-11-30"})
    expect(page.locator("h1 .state")).to_have_text("Disetujui Kadis")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text(f"{PLH_KADIS}, Siti")
    expect(timeline).to_contain_text("Terverifikasi → Disetujui Kadis")

    # The Kadis's queue is empty now, for the Plh. as for the Kadis.
    expect(siti.open("/signoff").locator("main")).to_contain_text(
        "Tidak ada berkas yang menunggu persetujuan.")
