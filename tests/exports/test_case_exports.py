"""Issue 15: any case list, as filtered on the page or in ``GET /api/cases``, downloads as
XLSX or CSV with Indonesian headers, Rupiah as numbers and dates as dates (the day in WITA),
streamed from keyset batches; 10,000 cases are read back with openpyxl and the csv module."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, event

from infra.runtime import Runtime
from tests.api.helpers import Api
from tests.conftest import FakeClock
from tests.exports.seed import FORMULA_TITLE, Seeded, seed
from tests.web.helpers import Pages

MANY = 10_000
HEADERS = ["Nomor berkas", "Alur", "Status", "Tahun anggaran", "Judul", "Pemohon", "NPWP",
           "Nilai diajukan", "Nilai rekomendasi", "Nilai disetujui", "Dibayar",
           "Dikembalikan (STS)", "Tanggal daftar", "Tenggat", "Lewat tenggat"]
COL = {name: index for index, name in enumerate(HEADERS)}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def many(runtime: Runtime, clock: FakeClock) -> list[Seeded]:
    return seed(runtime, MANY, clock.now)


def sheet_rows(content: bytes) -> list[tuple[Any, ...]]:
    """The cells of the workbook's one sheet, row by row (openpyxl's read-only cells)."""
    book = load_workbook(io.BytesIO(content), read_only=True)
    assert book.sheetnames == ["Berkas"]
    return [tuple(row) for row in book["Berkas"].iter_rows()]


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM, so that Excel reads UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""),
                           delimiter=";"))


def by_reference(rows: list[tuple[Any, ...]]) -> dict[str, tuple[Any, ...]]:
    return {row[0].value: row for row in rows[1:]}


@contextmanager
def case_queries(engine: Engine) -> Iterator[list[str]]:
    """The statements that read rows of the cases table while the block runs."""
    seen: list[str] = []

    def note(*args: Any) -> None:
        statement = " ".join(str(args[2]).split())
        if "FROM cases" in statement and statement.startswith("SELECT"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_ten_thousand_cases_download_as_xlsx_with_typed_cells(
    api: Api, many: list[Seeded]
) -> None:
    response = api.get("audra", "/api/exports/cases.xlsx")  # the auditor reads everything
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"] == (
        'attachment; filename="berkas-2026-02-04.xlsx"')
    rows = sheet_rows(response.content)
    assert [cell.value for cell in rows[0]] == HEADERS
    assert len(rows) == MANY + 1
    found = by_reference(rows)
    assert set(found) == {s.reference for s in many}
    # Newest first, as the list shows them.
    assert rows[1][0].value == many[-1].reference

    paid = next(s for s in many if s.state == "paid" and s.npwp)
    row = found[paid.reference]
    money = row[COL["Nilai diajukan"]]
    assert isinstance(money.value, int)
    assert money.value == paid.amount
    assert money.number_format == '"Rp"#,##0'
    assert row[COL["Dibayar"]].value == paid.paid_amount
    assert row[COL["Dibayar"]].number_format == '"Rp"#,##0'
    registered = row[COL["Tanggal daftar"]]
    assert registered.is_date
    assert isinstance(registered.value, datetime)
    assert registered.value.date() == paid.registered_on
    assert registered.number_format == "DD/MM/YYYY"
    due = row[COL["Tenggat"]]
    assert due.is_date
    assert due.value.date() == paid.due_on
    assert row[COL["Tahun anggaran"]].value == paid.fiscal_year
    assert row[COL["Alur"]].value in ("Kerja Sama Publikasi Media", "Hibah")
    assert row[COL["Status"]].value == "Dicairkan" if paid.workflow == "grant" else "Dibayar"
    assert paid.npwp is not None
    assert row[COL["NPWP"]].value.replace(".", "").replace("-", "") == paid.npwp[1:]

    # The first case was registered at 20.00 UTC on 31 January: 1 February in WITA.
    first = found[many[0].reference]
    assert first[COL["Tanggal daftar"]].value.date().isoformat() == "2026-02-01"
    # A title that looks like a formula stays the text it is.
    formula = next(r for r in rows[1:] if r[COL["Judul"]].value == FORMULA_TITLE)
    assert formula[COL["Judul"]].data_type == "s"
    # No amount approved: an empty cell, not a zero.
    submitted = next(s for s in many if s.state == "submitted")
    assert found[submitted.reference][COL["Nilai disetujui"]].value is None


def test_a_filtered_xlsx_holds_only_the_matching_cases(api: Api, many: list[Seeded]) -> None:
    wanted = [s for s in many if s.workflow == "grant" and s.fiscal_year == 2025
              and s.state == "paid"]
    response = api.get("siti", "/api/exports/cases.xlsx",
                       params={"workflow": "grant", "fiscal_year": 2025, "state": "paid"})
    assert response.status_code == 200, response.text
    rows = sheet_rows(response.content)
    assert len(rows) == len(wanted) + 1
    assert {r[0].value for r in rows[1:]} == {s.reference for s in wanted}
    assert {(r[COL["Alur"]].value, r[COL["Status"]].value, r[COL["Tahun anggaran"]].value)
            for r in rows[1:]} == {("Hibah", "Dicairkan", 2025)}

    late = api.get("siti", "/api/exports/cases.xlsx", params={"overdue": "true"})
    late_rows = sheet_rows(late.content)
    assert {r[0].value for r in late_rows[1:]} == {s.reference for s in many if s.overdue}
    assert {r[COL["Lewat tenggat"]].value for r in late_rows[1:]} == {"Ya"}


def test_ten_thousand_cases_download_as_csv_read_in_batches(
    api: Api, many: list[Seeded], client: Any
) -> None:
    engine = client.app.state.runtime.engine
    with case_queries(engine) as queries:
        response = api.get("fina", "/api/exports/cases.csv")  # finance reads cases too
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="berkas-2026-02-04.csv"')
    # Keyset batches of 500, never the whole table at once.
    assert len(queries) >= MANY // 500
    assert all("LIMIT" in q for q in queries)

    rows = csv_rows(response.content)
    assert rows[0] == HEADERS
    assert len(rows) == MANY + 1
    found = {row[0]: row for row in rows[1:]}
    paid = next(s for s in many if s.state == "paid" and s.due_on)
    row = found[paid.reference]
    assert row[COL["Nilai diajukan"]] == str(paid.amount)  # digits only: every locale
    assert row[COL["Nilai disetujui"]] == str(paid.approved_amount)
    assert row[COL["Tanggal daftar"]] == paid.registered_on.isoformat()
    assert row[COL["Tenggat"]] == str(paid.due_on)
    assert row[COL["Tahun anggaran"]] == str(paid.fiscal_year)
    assert found[many[0].reference][COL["Tanggal daftar"]] == "2026-02-01"
    # Formula injection: the text is kept, behind an apostrophe.
    assert [r[COL["Judul"]] for r in rows if FORMULA_TITLE in r[COL["Judul"]]] == [
        "'" + FORMULA_TITLE]


def test_a_filtered_csv_holds_only_the_matching_cases(api: Api, many: list[Seeded]) -> None:
    response = api.get("audra", "/api/exports/cases.csv", params={
        "workflow": "media_verification", "overdue": "false", "fiscal_year": 2026})
    rows = csv_rows(response.content)
    wanted = {s.reference for s in many if s.workflow == "media_verification"
              and not s.overdue and s.fiscal_year == 2026}
    assert {r[0] for r in rows[1:]} == wanted
    assert len(rows) == len(wanted) + 1

    searched = csv_rows(api.get("audra", "/api/exports/cases.csv",
                                params={"q": "uji rumus"}).content)
    assert [r[COL["Judul"]] for r in searched[1:]] == ["'" + FORMULA_TITLE]
    by_due = csv_rows(api.get("audra", "/api/exports/cases.csv",
                              params={"sort": "due", "overdue": "true"}).content)
    assert len(by_due) - 1 == sum(s.overdue for s in many)


def test_bad_export_parameters_are_refused_with_their_code(api: Api) -> None:
    unknown = api.get("audra", "/api/exports/cases.xlsx", params={"workflow": "nope"})
    assert unknown.status_code == 422
    assert unknown.json()["detail"]["code"] == "unknown_workflow"
    year = api.get("audra", "/api/exports/cases.csv", params={"fiscal_year": 1900})
    assert year.status_code == 422
    assert year.json()["detail"]["code"] == "invalid_request"


def test_an_empty_list_downloads_as_headers_alone(api: Api) -> None:
    rows = sheet_rows(api.get("audra", "/api/exports/cases.xlsx").content)
    assert [[c.value for c in r] for r in rows] == [HEADERS]
    assert csv_rows(api.get("audra", "/api/exports/cases.csv").content) == [HEADERS]


def test_the_page_download_carries_the_lists_filters(
    browser_for: Any, many: list[Seeded]
) -> None:
    pages: Pages = browser_for("audra")
    response = pages.get("/cases/export.csv?workflow=grant&fiscal_year=2026&state=&q=&overdue=")
    assert response.status_code == 200, response.text
    rows = csv_rows(response.content)
    assert {r[0] for r in rows[1:]} == {s.reference for s in many
                                        if s.workflow == "grant" and s.fiscal_year == 2026}
