"""Issue 15 on the pages: the case list's download buttons carry its filters, the recaps
render as tables with their totals and a download, and who may not read is refused."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.api.helpers import Api
from tests.conftest import FakeClock
from tests.exports.recap_data import grants
from tests.web.helpers import Pages, form_of, visible_text

Login = Callable[[str], Pages]


def test_the_case_list_offers_downloads_inside_its_filter_form(
    api: Api, browser_for: Login
) -> None:
    api.create_media("rina")
    api.create_grant("rina")
    pages = browser_for("siti")
    html = pages.get("/cases?workflow=grant&fiscal_year=2026").text
    form = form_of(html, "/cases")
    # Buttons of the filter form: they send its fields, the filters on the page.
    assert 'formaction="/cases/export.xlsx"' in form
    assert 'formaction="/cases/export.csv"' in form
    assert "Unduh XLSX" in visible_text(form)
    assert "Unduh CSV" in visible_text(form)

    # The form is HTMX: its request is told to fetch the file itself, filters and all.
    query = "workflow=grant&state=&fiscal_year=2026&overdue=&sort=new&q="
    told = pages.get(f"/cases/export.xlsx?{query}", headers={"HX-Request": "true"})
    assert told.status_code == 200
    assert told.headers["HX-Redirect"] == f"/cases/export.xlsx?{query}"
    assert told.content == b""
    workbook = pages.get(f"/cases/export.xlsx?{query}")
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content), read_only=True)["Berkas"]
    rows = list(sheet.iter_rows(values_only=True))
    assert [(r[0], r[1]) for r in rows[1:]] == [("HB-2026-0001", "Hibah")]


def test_a_refused_filter_downloads_nothing_but_an_error_page(browser_for: Login) -> None:
    pages = browser_for("audra")
    response = pages.get("/cases/export.csv?fiscal_year=dua")
    assert response.status_code == 422
    assert "Tahun anggaran harus" in visible_text(response.text)
    unknown = pages.get("/cases/export.xlsx?workflow=nope")
    assert unknown.status_code == 422


def test_the_recaps_page_lists_the_three_recaps_for_the_chosen_year(
    browser_for: Login
) -> None:
    pages = browser_for("audra")
    response = pages.get("/recaps?fiscal_year=2025")
    assert response.status_code == 200
    text = visible_text(response.text)
    for title in ("Rekap penerima hibah TA 2025", "Rekap mitra media TA 2025",
                  "Rekap realisasi pagu TA 2025"):
        assert title in text
    for name in ("hibah", "media", "pagu"):
        assert f'href="/recaps/{name}?fiscal_year=2025"' in response.text
        assert f'href="/recaps/{name}.xlsx?fiscal_year=2025"' in response.text
    options = re.findall(r'<option value="(\d+)" ?(selected)?>', response.text)
    assert ("2025", "selected") in options
    assert ("2026", "") in options  # this year is always offered
    assert pages.get("/recaps").status_code == 200  # this year's, by default
    assert pages.get("/recaps?fiscal_year=dua").status_code == 422


def test_a_recap_page_shows_its_table_totals_and_download(
    api: Api, clock: FakeClock, browser_for: Login
) -> None:
    grants(api, clock)
    pages = browser_for("audra")
    response = pages.get("/recaps/hibah?fiscal_year=2026")
    assert response.status_code == 200
    text = visible_text(response.text)
    assert "Rekap penerima hibah TA 2026" in text
    assert "HB-2026-0001 PWI Kabupaten Balangan 02.345.678.9-012.000 LPJ diterima" in text
    assert "Rp125.000.000" in text
    assert "Tepat waktu" in text
    assert "Terlambat" in text
    assert "Belum diterima, lewat batas" in text
    assert "Belum dicairkan" in text
    totals = visible_text(response.text.split('id="recap-totals"', 1)[1].split("</tr>")[0])
    assert "Jumlah" in response.text
    assert "Rp305.000.000" in totals
    assert "Rp265.000.000" in totals
    assert 'href="/recaps/hibah.xlsx?fiscal_year=2026"' in response.text
    workbook = pages.get("/recaps/hibah.xlsx?fiscal_year=2026")
    assert workbook.status_code == 200
    assert load_workbook(io.BytesIO(workbook.content))["hibah"]["A1"].value == (
        "Rekap penerima hibah TA 2026")

    pagu = visible_text(pages.get("/recaps/pagu?fiscal_year=2026").text)
    assert "48,00 %" in pagu
    assert pages.get("/recaps/media?fiscal_year=2026").status_code == 200
    missing = pages.get("/recaps/nope")
    assert missing.status_code == 404
    assert "tidak dikenal" in visible_text(missing.text)


def test_the_auditor_downloads_and_a_stranger_or_the_admin_is_refused(
    api: Api, client: TestClient, browser_for: Login
) -> None:
    api.create_media("rina")
    auditor = browser_for("audra")
    for path in ("/cases/export.xlsx", "/cases/export.csv", "/recaps/pagu.xlsx"):
        assert auditor.get(path).status_code == 200, path
    for path in ("/api/exports/cases.csv", "/api/exports/cases.xlsx", "/api/recaps/media"):
        assert api.get("audra", path).status_code == 200, path

    for path in ("/cases/export.xlsx", "/cases/export.csv", "/recaps", "/recaps/hibah",
                 "/recaps/hibah.xlsx"):
        stranger = client.get(path, follow_redirects=False)
        assert stranger.status_code == 303, path
        assert stranger.headers["location"].startswith("/login?next=")
    for path in ("/api/exports/cases.csv", "/api/exports/cases.xlsx"):
        assert client.get(path).status_code == 401, path

    refused = api.get("admin", "/api/exports/cases.csv")
    assert refused.status_code == 403
    assert refused.json()["detail"]["code"] == "role_not_permitted"
    admin = browser_for("admin")
    assert admin.get("/cases/export.csv").status_code == 403
    assert admin.get("/recaps").status_code == 403
