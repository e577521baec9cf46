"""Issue 15: the recaps an auditor asks for, as JSON and XLSX, computed on a small year made
through the API (``tests.exports.recap_data``): the grant recipients with their decision,
NPHD, payment, spending, refund and LPJ status; the media partners with their contract,
termins and taxes; the realisation of each pagu."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from openpyxl import load_workbook

from tests.api.helpers import Api
from tests.conftest import FakeClock
from tests.exports.recap_data import GRANT_PAGU, MEDIA_PAGU, grants, media

RUPIAH = '"Rp"#,##0'


def recap(api: Api, name: str, year: int = 2026, who: str = "audra") -> dict[str, Any]:
    response = api.get(who, f"/api/recaps/{name}", params={"fiscal_year": year})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def rows_by(body: dict[str, Any], key: str = "reference") -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in body["rows"]}


def test_the_hibah_recap_shows_each_recipients_decision_money_and_lpj_status(
    api: Api, clock: FakeClock
) -> None:
    grants(api, clock)
    body = recap(api, "hibah")
    assert body["title"] == "Rekap penerima hibah TA 2026"
    assert "10 Januari 2027" in body["note"]
    rows = rows_by(body)
    # The grant only registered is no recipient.
    assert list(rows) == ["HB-2026-0001", "HB-2026-0002", "HB-2026-0003", "HB-2026-0004"]
    on_time = rows["HB-2026-0001"]
    assert on_time == {
        "reference": "HB-2026-0001", "recipient": "PWI Kabupaten Balangan",
        "npwp": "02.345.678.9-012.000", "state": "LPJ diterima",
        "keputusan_number": "188.45/101/KUM/2026", "keputusan_date": "2026-01-15",
        "keputusan_amount": 125_000_000, "nphd_number": "NPHD/01/DISKOMINFO/2026",
        "nphd_date": "2026-03-10", "approved": 125_000_000, "paid": 125_000_000,
        "sp2d_date": "2026-03-20", "spent": 100_000_000, "refunded": 25_000_000,
        "refund_date": "2026-12-14", "lpj_received_on": "2026-12-15",
        "lpj_status": "Tepat waktu", "lpj_status_code": "on_time", "lpj_overdue": False,
    }
    late = rows["HB-2026-0002"]
    assert (late["lpj_status_code"], late["lpj_received_on"], late["refunded"]) == (
        "late", "2027-01-12", 0)  # received on the 12th in WITA, the 11th in UTC
    owed = rows["HB-2026-0003"]
    assert (owed["state"], owed["lpj_status_code"], owed["lpj_overdue"], owed["spent"]) == (
        "Dicairkan", "not_yet", True, None)
    assert owed["lpj_status"] == "Belum diterima, lewat batas"
    unpaid = rows["HB-2026-0004"]
    assert (unpaid["lpj_status_code"], unpaid["paid"], unpaid["sp2d_date"]) == (
        "not_disbursed", None, None)
    assert body["totals"] == {"keputusan_amount": 305_000_000, "approved": 305_000_000,
                              "paid": 265_000_000, "spent": 180_000_000,
                              "refunded": 25_000_000}
    assert recap(api, "hibah", 2025)["rows"] == []


def test_the_media_recap_sums_each_partners_termins_taxes_and_what_remains(
    api: Api
) -> None:
    media(api)
    body = recap(api, "media", who="fina")
    rows = rows_by(body)
    assert rows["MV-2026-0001"] == {
        "reference": "MV-2026-0001", "partner": "PT Balangan Media Utama",
        "media": "Balangan Pos",
        "npwp": "01.234.567.8-901.000", "tier": "A", "state": "Dibayar",
        "spk_number": "027/01/SPK-PUB/DISKOMINFO/2026", "spk_date": "2026-03-02",
        "contract_value": 45_000_000, "contract_start": "2026-03-02",
        "contract_end": "2026-11-30", "termins": 2, "gross": 45_000_000, "pph23": 900_000,
        "ppn": 0, "net": 44_100_000, "remaining": 0,
    }
    pkp = rows["MV-2026-0002"]
    assert (pkp["partner"], pkp["state"], pkp["termins"], pkp["gross"], pkp["pph23"],
            pkp["ppn"], pkp["net"], pkp["remaining"]) == (
        "PT Banua Televisi", "Disetujui Kadis", 1, 12_000_000, 240_000, 1_320_000,
        10_440_000, 18_000_000)
    assert body["totals"] == {"contract_value": 75_000_000, "termins": 3,
                              "gross": 57_000_000, "pph23": 1_140_000, "ppn": 1_320_000,
                              "net": 54_540_000, "remaining": 18_000_000}


def test_the_pagu_recap_shows_each_workflows_realisation_against_its_dpa(
    api: Api, clock: FakeClock
) -> None:
    media(api)
    grants(api, clock)
    body = recap(api, "pagu")
    rows = rows_by(body, "workflow_code")
    assert rows["grant"] == {
        "workflow": "Hibah", "workflow_code": "grant", "dpa_number": "DPA/2026/2.16.01",
        "dpa_date": "2026-01-02", "pagu": GRANT_PAGU, "committed": 305_000_000,
        "paid": 265_000_000, "refunded": 25_000_000, "realised": 240_000_000,
        "remaining": 220_000_000, "realised_percent": 48.0,
    }
    assert {k: rows["media_verification"][k] for k in (
        "pagu", "committed", "paid", "refunded", "realised", "remaining",
        "realised_percent")} == {
        "pagu": MEDIA_PAGU, "committed": 75_000_000, "paid": 57_000_000, "refunded": 0,
        "realised": 57_000_000, "remaining": 525_000_000, "realised_percent": 9.5}
    assert body["totals"] == {"pagu": 1_100_000_000, "committed": 380_000_000,
                              "paid": 322_000_000, "refunded": 25_000_000,
                              "realised": 297_000_000, "remaining": 745_000_000,
                              "realised_percent": 27.0}
    # The figures agree with the budgets the finance page shows.
    budgets = {(b["workflow"], b["fiscal_year"]): b
               for b in api.get("fina", "/api/budgets").json()}
    grant = budgets[("grant", 2026)]
    assert (grant["committed"], grant["remaining"]) == (305_000_000, 220_000_000)


def test_a_recap_downloads_as_a_workbook_with_its_title_table_and_totals(
    api: Api, clock: FakeClock
) -> None:
    grants(api, clock)
    response = api.get("audra", "/api/recaps/hibah.xlsx", params={"fiscal_year": 2026})
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == (
        'attachment; filename="rekap-hibah-2026.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content))["hibah"]
    assert sheet["A1"].value == "Rekap penerima hibah TA 2026"
    assert sheet["A3"].value == "Dibuat Selasa, 12 Januari 2027 pukul 07.30 WITA"
    header = [c.value for c in sheet[5]]
    assert header[:3] == ["Nomor berkas", "Penerima hibah", "NPWP"]
    assert sheet.freeze_panes == "A6"
    col = {label: index for index, label in enumerate(header)}
    first = sheet[6]
    assert first[0].value == "HB-2026-0001"
    assert first[col["Nilai Keputusan"]].value == 125_000_000
    assert first[col["Nilai Keputusan"]].number_format == RUPIAH
    assert isinstance(first[col["Tanggal NPHD"]].value, datetime)
    assert first[col["Tanggal NPHD"]].value.date().isoformat() == "2026-03-10"
    assert first[col["Status LPJ"]].value == "Tepat waktu"
    totals = sheet[10]
    assert totals[0].value == "Jumlah"
    assert totals[col["Dicairkan"]].value == 265_000_000
    assert totals[col["Dicairkan"]].number_format == RUPIAH
    assert totals[col["Dicairkan"]].font.b
    assert sheet.max_row == 10

    pagu = load_workbook(io.BytesIO(api.get(
        "audra", "/api/recaps/pagu.xlsx", params={"fiscal_year": 2026}).content))["pagu"]
    header = [c.value for c in pagu[5]]
    grant_row = next(r for r in pagu.iter_rows(min_row=6) if r[0].value == "Hibah")
    percent = grant_row[header.index("% realisasi")]
    assert (percent.value, percent.number_format) == (0.48, "0.00%")


def test_recaps_refuse_an_unknown_name_a_bad_year_and_whoever_may_not_read(
    api: Api
) -> None:
    for path in ("/api/recaps/nope", "/api/recaps/nope.xlsx"):
        unknown = api.get("audra", path)
        assert unknown.status_code == 404, path
        assert unknown.json()["detail"]["code"] == "unknown_recap"
    year = api.get("audra", "/api/recaps/hibah", params={"fiscal_year": 1800})
    assert year.status_code == 422
    assert api.get("audra", "/api/recaps/media", params={"fiscal_year": "dua"}
                   ).status_code == 422
    assert api.client.get("/api/recaps/hibah").status_code == 401
    assert api.client.get("/api/recaps/pagu.xlsx").status_code == 401
    admin = api.get("admin", "/api/recaps/pagu")  # the admin reads no cases
    assert admin.status_code == 403
    assert admin.json()["detail"]["code"] == "role_not_permitted"
    # Without a year: this year's (2026 by the clock).
    assert recap(api, "pagu", who="audra")["fiscal_year"] == 2026
    assert api.get("audra", "/api/recaps/pagu").json()["fiscal_year"] == 2026
