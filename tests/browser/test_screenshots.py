"""Screenshots of the main pages, over cases built through the API as docs/domain.md walks
them: media contracts at each step (two termins paid on one, each against its own BAST and the
value it accepted), a grant awaiting the Kadis, a grant closed by its LPJ with a refund.
`make screenshots` writes them to docs/screenshots/ (BERKAS_SCREENSHOTS); otherwise they go to
a temporary folder and are only checked to be real pictures of the right pages."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from infra.config import Settings
from tests.api.helpers import (
    GRANT_REVIEW_DOCS,
    MEDIA_REVIEW_DOCS,
    SITE_VISIT,
    VALUED,
    Api,
    termin,
)
from tests.browser.conftest import Live
from tests.conftest import PASSWORD

OUTLETS = (("Balangan Pos", "print", 45_000_000), ("Radar Paringin", "online", 36_000_000),
           ("Suara Balangan", "online", 30_000_000), ("Kabar Batumandi", "online", 18_000_000))


@dataclass(frozen=True)
class Scene:
    """The cases the screenshots show, by what each is."""

    media_paid: int
    grant_reviewed: int
    grant_closed: int


def media_company(api: Api, n: int, name: str) -> dict[str, object]:
    return {"kind": "company", "name": f"PT {name} Media", "npwp": f"01.234.567.8-90{n}.000",
            "nib": f"123456789012{n}", "address": "Paringin", "is_pkp": n == 1}


def upload(api: Api, case_id: int, kinds: tuple[str, ...], suffix: str = "",
           accepted: int = 20_000_000) -> list[int]:
    """Upload one document of each of ``kinds``, named after its kind (each scan its own
    bytes), and check it MS: a BAST with the value of the work it ``accepted``."""
    ids = []
    for kind in kinds:
        response = api.upload("rina", case_id, kind, filename=f"{kind}{suffix}.pdf")
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
        api.check("rina", case_id, ids[-1], valid=True,
                  value=accepted if kind in VALUED else None)
    return ids


def build_scene(api: Api) -> Scene:
    """Four media cases (two waiting for review, one for the Kadis, one with two termins
    paid), a grant waiting for the Kadis, and a grant closed by its LPJ with a refund."""
    api.set_budget("media_verification", 600_000_000)
    api.set_budget("grant", 500_000_000)
    media = []
    for n, (name, kind, amount) in enumerate(OUTLETS):
        case = api.create_media("rina", amount=amount, party=media_company(api, n, name),
                                media_name=name, media_type=kind,
                                editor_in_chief=f"Pemred {name}")
        media.append(case["id"])
    paid, reviewed = media[0], media[1]
    for case_id in (paid, reviewed):
        upload(api, case_id, MEDIA_REVIEW_DOCS)
        assert api.fire("fajar", case_id, "review", data=SITE_VISIT,
                        comment="Lengkap; kantor redaksi dikunjungi").status_code == 200
    assert api.fire("ahmad", paid, "approve", data={
        "spk_number": "027/01/SPK-PUB/DISKOMINFO/2026", "spk_date": "2026-03-02",
        "approved_amount": 45_000_000, "contract_start": "2026-03-02",
        "contract_end": "2026-11-30"}).status_code == 200
    upload(api, paid, ("spk",))
    for n in (1, 2):
        bast, tayang = upload(api, paid, ("bast", "bukti_tayang"), f"-termin-{n}")
        assert api.fire("dewi", paid, "record_payment", data=termin(
            bast, tayang, 20_000_000, n=n, bast_date=f"2026-0{4 + n}-15",
            sp2d_date=f"2026-0{4 + n}-20") | {"spm_date": f"2026-0{4 + n}-18"}
        ).status_code == 200
    upload(api, paid, ("bast", "bukti_tayang"), "-termin-3", accepted=5_000_000)

    api.set_budget("grant", 500_000_000, fiscal_year=2025)
    grant_closed = api.create_grant("rina", amount=100_000_000, fiscal_year=2025,
                                    keputusan_number="188.45/087/KUM/2025",
                                    keputusan_date="2025-01-20",
                                    keputusan_amount=100_000_000)["id"]
    upload(api, grant_closed, GRANT_REVIEW_DOCS)
    api.fire("fajar", grant_closed, "review", data={"recommended_amount": 100_000_000})
    upload(api, grant_closed, ("nphd", "kuitansi"))
    assert api.fire("ahmad", grant_closed, "approve", data={
        "nphd_number": "NPHD/05/DISKOMINFO/2025", "nphd_date": "2025-03-10"}).status_code == 200
    assert api.fire("dewi", grant_closed, "pay", data={
        "spm_number": "SPM/061/LS/2025", "spm_date": "2025-03-12",
        "sp2d_number": "SP2D/061/LS/2025", "sp2d_date": "2025-03-13",
        "gross": 100_000_000}).status_code == 200
    upload(api, grant_closed, ("lpj", "pernyataan_penggunaan", "sts"))
    assert api.fire("rina", grant_closed, "report", data={
        "spent_amount": 92_500_000, "refund_amount": 7_500_000, "refund_date": "2025-12-18"},
        comment="LPJ lengkap; sisa dana disetor ke Kas Daerah").status_code == 200

    grant_reviewed = api.create_grant("rina", amount=150_000_000)["id"]
    upload(api, grant_reviewed, GRANT_REVIEW_DOCS)
    assert api.fire("fajar", grant_reviewed, "review", data={
        "recommended_amount": 125_000_000}, comment="Sesuai RAB dan Keputusan Bupati"
    ).status_code == 200
    upload(api, grant_reviewed, ("nphd",))
    return Scene(paid, grant_reviewed, grant_closed)


def login(browser: Browser, live: Live, username: str, height: int = 768) -> Page:
    context = browser.new_context(viewport={"width": 1366, "height": height}, locale="id-ID",
                                  timezone_id="Asia/Makassar")
    page = context.new_page()
    page.goto(f"{live.url}/login")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tugas saya")
    return page


def shoot(page: Page, path: Path, *, until: str = "") -> None:
    """The page from its top: the window, or down to the end of the element ``until``."""
    if until:
        box = page.locator(until).bounding_box()
        assert box is not None
        page.screenshot(path=str(path), full_page=True,
                        clip={"x": 0, "y": 0, "width": 1366, "height": box["y"] + box["height"]
                              + 16})
    else:
        page.screenshot(path=str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_screenshots_of_the_main_pages(
    browser: Browser, live: Live, api: Api, settings: Settings, tmp_path: Path
) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("the pictures are the same on every database: taken once")
    folder = Path(os.environ.get("BERKAS_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    scene = build_scene(api)

    page = login(browser, live, "fajar")
    expect(page.locator("table.cases tbody tr")).to_have_count(2)
    shoot(page, folder / "dashboard.png")

    page = login(browser, live, "ahmad")
    page.goto(f"{live.url}/cases/{scene.grant_reviewed}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("HB-2026-0001")
    expect(page.locator(".note.warn")).to_contain_text("HB-2025-0001")
    page.locator("summary[data-trigger=approve]").click()
    page.get_by_label("Nomor NPHD").fill("NPHD/07/DISKOMINFO/2026")
    shoot(page, folder / "case.png")

    page.goto(f"{live.url}/signoff")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Persetujuan Kadis")
    expect(page.locator("table.cases tbody tr")).to_have_count(2)
    shoot(page, folder / "signoff.png")

    page = login(browser, live, "dewi")
    page.goto(f"{live.url}/cases/{scene.media_paid}")
    expect(page.locator("#payments tbody tr")).to_have_count(2)
    page.locator(".diagram").evaluate("e => e.closest('details').removeAttribute('open')")
    # The next termin's form: its BAST chosen with the value the work accepted.
    page.locator("summary[data-trigger=record_payment]").click()
    expect(page.locator("#record_payment-bast_document_id option:checked")).to_contain_text(
        "bast-termin-3.pdf — diunggah 4 Februari 2026 — MS — diterima Rp5.000.000")
    shoot(page, folder / "media_termins.png", until="#payments")

    page = login(browser, live, "audra")
    page.goto(f"{live.url}/cases/{scene.grant_closed}")
    expect(page.locator("h1 .state")).to_have_text("LPJ diterima")
    page.locator(".diagram").evaluate("e => e.closest('details').removeAttribute('open')")
    shoot(page, folder / "grant_lpj_refund.png", until="#payments")

    # Issue 15: an issued BA's first page, and the reports page.
    issued = api.post("fajar", f"/api/cases/{scene.media_paid}/letters/ba_hasil_verifikasi")
    assert issued.status_code == 201, issued.text
    pdf = api.get("fajar", f"/api/letters/{issued.json()['id']}")
    assert pdf.content[:5] == b"%PDF-"
    first_page_png(pdf.content, folder / "ba_hasil_verifikasi.png")

    page = login(browser, live, "ahmad")
    page.goto(f"{live.url}/reports?workflow=media_verification&fiscal_year=2026")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Laporan")
    # The money bars (pagu, committed, realised, refunded, remaining), as they print.
    money = page.locator("section[aria-labelledby=h-money]")
    money.screenshot(path=str(folder / "reports.png"))
    assert (folder / "reports.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def first_page_png(pdf: bytes, path: Path) -> None:
    """The first page of ``pdf`` as a PNG at 110 dpi, as it would print (pypdfium2)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        document[0].render(scale=110 / 72).to_pil().save(path)
    finally:
        document.close()
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
