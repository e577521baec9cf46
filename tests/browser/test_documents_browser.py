"""Documents and exports in a real browser (issue 15): an officer issues the BA hasil
verifikasi from the case page; anyone, not logged in, opens the verification page its QR code
leads to; the case list downloads as a spreadsheet that opens with the cases in it."""

from __future__ import annotations

import io
from collections.abc import Callable

from openpyxl import load_workbook
from playwright.sync_api import Browser, expect

from tests.api.helpers import Api
from tests.browser.conftest import Live, Person

Make = Callable[..., Person]
BA = "Berita Acara Hasil Verifikasi Perusahaan Pers"


def test_an_officer_issues_a_ba_anyone_verifies_it_and_the_list_downloads_as_xlsx(
    person: Make, api: Api, browser: Browser, live: Live
) -> None:
    api.set_budget("media_verification", 600_000_000)
    case_id = api.to_reviewed_media("rina")

    fajar = person("fajar")
    page = fajar.open(f"/cases/{case_id}")
    page.get_by_role("button", name=f"Terbitkan {BA}").click()
    expect(page.locator(".note.ok")).to_contain_text("diterbitkan")
    row = page.locator("table.letters tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(BA)
    expect(row.locator(".tag")).to_have_text("Berlaku")
    number = row.locator("td").first.inner_text().strip()
    assert number.endswith("/Diskominfo/2026"), number
    with page.expect_download() as pdf:
        row.get_by_role("link", name="Unduh PDF").click()
    assert pdf.value.path().read_bytes()[:5] == b"%PDF-"
    verify_url = row.get_by_role("link", name="Periksa keaslian").get_attribute("href")
    assert verify_url is not None
    assert "/v/" in verify_url

    # A stranger (a new browser, no session) follows the QR code's address.
    stranger = browser.new_context(locale="id-ID", timezone_id="Asia/Makassar").new_page()
    stranger.goto(verify_url if verify_url.startswith("http") else f"{live.url}{verify_url}")
    main = stranger.locator("main")
    expect(main).to_contain_text(number)
    expect(main).to_contain_text(BA)
    expect(main).to_contain_text("MV-2026-0001")
    expect(main).not_to_contain_text("Balangan Pos")  # the page names no party
    stranger.context.close()

    page = fajar.open("/cases?workflow=media_verification")
    with page.expect_download() as xlsx:
        page.get_by_role("button", name="Unduh XLSX").click()
    sheet = load_workbook(io.BytesIO(xlsx.value.path().read_bytes()), read_only=True).active
    assert sheet is not None
    references = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert references == ["MV-2026-0001"]
