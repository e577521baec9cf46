"""Exports and recaps (issue 15): a case list as CSV or XLSX, streamed, and the recaps an
auditor asks for, as JSON or XLSX. Thin routes over ``cases.services.exports`` and
``cases.services.recaps``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from cases.http.deps import CtxDep
from cases.http.params import QueryText
from cases.services import exports as export_service
from cases.services import listing
from cases.services import recaps as recap_service
from infra.context import Ctx
from workflows.fields import FIRST_YEAR, LAST_YEAR

router = APIRouter(tags=["exports"])

Year = Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)]


class CsvResponse(StreamingResponse):
    media_type = export_service.CSV_MEDIA_TYPE


class XlsxResponse(StreamingResponse):
    media_type = export_service.XLSX_MEDIA_TYPE


def _file(description: str, media_type: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description, "content": {
        media_type: {"schema": {"type": "string", "format": "binary"}}}}}


def _filename(ctx: Ctx, extension: str) -> str:
    return f"berkas-{ctx.now.astimezone(ctx.tz).date().isoformat()}.{extension}"


def _query(ctx: Ctx, workflow: str | None, state: str | None, q: str | None,
           fiscal_year: int | None, overdue: bool | None,
           sort: Literal["new", "due"]) -> listing.CaseQuery:
    return listing.CaseQuery(workflow=workflow, state=state, q=q, fiscal_year=fiscal_year,
                             overdue=overdue, now=ctx.now, sort=sort)


@router.get("/exports/cases.csv", response_class=CsvResponse,
            responses=_file("The cases as CSV (UTF-8 with BOM, ';')", "text/csv"))
def export_csv(
    ctx: CtxDep,
    workflow: QueryText | None = None,
    state: QueryText | None = None,
    q: QueryText | None = None,
    fiscal_year: Year = None,
    overdue: bool | None = None,
    sort: Literal["new", "due"] = "new",
) -> CsvResponse:
    """The cases the same filters list in ``GET /api/cases``, every page of them, as CSV."""
    rows = export_service.case_export(
        ctx, _query(ctx, workflow, state, q, fiscal_year, overdue, sort))
    return CsvResponse(export_service.csv_chunks(export_service.CASE_COLUMNS, rows),
                       headers={"Content-Disposition": export_service.disposition(
                           _filename(ctx, "csv"))})


@router.get("/exports/cases.xlsx", response_class=XlsxResponse,
            responses=_file("The cases as an XLSX workbook", export_service.XLSX_MEDIA_TYPE))
def export_xlsx(
    ctx: CtxDep,
    workflow: QueryText | None = None,
    state: QueryText | None = None,
    q: QueryText | None = None,
    fiscal_year: Year = None,
    overdue: bool | None = None,
    sort: Literal["new", "due"] = "new",
) -> XlsxResponse:
    """The cases the same filters list in ``GET /api/cases``, every page of them, as XLSX."""
    rows = export_service.case_export(
        ctx, _query(ctx, workflow, state, q, fiscal_year, overdue, sort))
    return XlsxResponse(export_service.xlsx_chunks(export_service.CASE_COLUMNS, rows,
                                                   sheet="Berkas"),
                        headers={"Content-Disposition": export_service.disposition(
                            _filename(ctx, "xlsx"))})


class RecapColumnOut(BaseModel):
    key: str
    label: str
    kind: str


# bool first: a flag stays a flag (``lpj_overdue``), not the number 1.
RecapCell = bool | str | int | float | date | None


class RecapOut(BaseModel):
    """A recap: its columns (key, Indonesian label, kind: text, int, money in whole Rupiah,
    date, percent), its rows keyed by column (and by a few codes beside their labels:
    ``lpj_status_code``, ``lpj_overdue``, ``workflow_code``), and the totals of the columns
    that add up."""

    name: str
    title: str
    fiscal_year: int
    generated_at: datetime
    note: str
    columns: list[RecapColumnOut]
    rows: list[dict[str, RecapCell]]
    totals: dict[str, RecapCell]


# The workbook's route first: ``/recaps/hibah.xlsx`` is not the recap named "hibah.xlsx".
@router.get("/recaps/{recap}.xlsx", response_class=XlsxResponse,
            responses=_file("The recap as an XLSX workbook", export_service.XLSX_MEDIA_TYPE))
def recap_xlsx(ctx: CtxDep, recap: str, fiscal_year: Year = None) -> XlsxResponse:
    """A recap (``hibah``, ``media``, ``pagu``) of a fiscal year (this one by default) as an
    XLSX workbook; 404 ``unknown_recap`` for any other name."""
    found = recap_service.recap(ctx, recap, fiscal_year)
    filename = f"rekap-{found.name}-{found.fiscal_year}.xlsx"
    return XlsxResponse(recap_service.recap_xlsx(ctx, found),
                        headers={"Content-Disposition": export_service.disposition(filename)})


@router.get("/recaps/{recap}")
def recap_json(ctx: CtxDep, recap: str, fiscal_year: Year = None) -> RecapOut:
    """A recap (``hibah``, ``media``, ``pagu``) of a fiscal year (this one by default);
    404 ``unknown_recap`` for any other name."""
    found = recap_service.recap(ctx, recap, fiscal_year)
    return RecapOut(
        name=found.name, title=found.title, fiscal_year=found.fiscal_year,
        generated_at=found.generated_at, note=found.note,
        columns=[RecapColumnOut(key=c.key, label=c.label, kind=c.kind.value)
                 for c in found.columns],
        rows=[dict(row) for row in found.rows], totals=dict(found.totals))
