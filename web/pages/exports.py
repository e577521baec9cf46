"""Downloads of the case list ("Unduh XLSX", "Unduh CSV") and the recaps an auditor asks for
(issue 15), over ``cases.services.exports`` and ``cases.services.recaps``.

The case list's download buttons sit in its filter form (``formaction``), so they carry the
filters as they are on the page, applied or not. That form is HTMX: its submission arrives as
an HTMX request, which is answered with ``HX-Redirect`` to the same address, so that the
browser itself fetches the file (a download cannot be swapped into the table). Without
JavaScript the form goes there directly.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import Response, StreamingResponse

from cases.errors import BadInput
from cases.http.params import QueryText
from cases.limits import whole_number
from cases.permissions import require
from cases.services import exports as export_service
from cases.services import listing
from cases.services import recaps as recap_service
from web.render import is_htmx, page
from web.session import Page, PageDep
from workflows.fields import FIRST_YEAR, LAST_YEAR

router = APIRouter()


def _year(text: str) -> int | None:
    """A fiscal year typed into a URL: None when empty, BadInput when not a year."""
    if not text:
        return None
    year = whole_number(text, FIRST_YEAR, LAST_YEAR)
    if year is None:
        raise BadInput(f"Tahun anggaran harus {FIRST_YEAR}–{LAST_YEAR}", "invalid_fiscal_year")
    return year


def _download(who: Page, extension: Literal["csv", "xlsx"], filters: dict[str, str],
              sort: Literal["new", "due"]) -> Response:
    """The case list as filtered on the page (read as the list reads its filters), as a
    CSV or XLSX file; an HTMX request is told to fetch it itself."""
    require(who.actor, "export_cases")
    url = who.request.url
    if is_htmx(who.request):
        return Response(headers={"HX-Redirect": url.path + (f"?{url.query}" if url.query
                                                            else "")})
    ctx = who.ctx
    rows = export_service.case_export(ctx, listing.CaseQuery(
        workflow=filters["workflow"] or None, state=filters["state"] or None,
        q=filters["q"] or None, fiscal_year=_year(filters["fiscal_year"]),
        overdue={"true": True, "false": False}.get(filters["overdue"]), now=ctx.now,
        sort=sort))
    columns = export_service.CASE_COLUMNS
    if extension == "csv":
        chunks = export_service.csv_chunks(columns, rows)
        media_type = export_service.CSV_MEDIA_TYPE
    else:
        chunks = export_service.xlsx_chunks(columns, rows, sheet="Berkas")
        media_type = export_service.XLSX_MEDIA_TYPE
    filename = f"berkas-{ctx.now.astimezone(ctx.tz).date().isoformat()}.{extension}"
    return StreamingResponse(chunks, media_type=media_type, headers={
        "Content-Disposition": export_service.disposition(filename)})


@router.get("/cases/export.xlsx")
def cases_xlsx(who: PageDep, workflow: QueryText = "", state: QueryText = "",
               q: QueryText = "", fiscal_year: QueryText = "", overdue: QueryText = "",
               sort: Literal["new", "due"] = "new") -> Response:
    filters = {"workflow": workflow, "state": state, "q": q, "fiscal_year": fiscal_year,
               "overdue": overdue}
    return _download(who, "xlsx", filters, sort)


@router.get("/cases/export.csv")
def cases_csv(who: PageDep, workflow: QueryText = "", state: QueryText = "",
              q: QueryText = "", fiscal_year: QueryText = "", overdue: QueryText = "",
              sort: Literal["new", "due"] = "new") -> Response:
    filters = {"workflow": workflow, "state": state, "q": q, "fiscal_year": fiscal_year,
               "overdue": overdue}
    return _download(who, "csv", filters, sort)


@router.get("/recaps")
def recaps(who: PageDep, fiscal_year: QueryText = "") -> Response:
    """The three recaps, for the fiscal year chosen (this one by default)."""
    require(who.actor, "read_recaps")
    ctx = who.ctx
    year = _year(fiscal_year) or recap_service.this_year(ctx)
    return page(who.request, "recaps.html", {
        "kinds": list(recap_service.RECAPS.values()), "year": year,
        "years": sorted(set(recap_service.fiscal_years(ctx)) | {year}, reverse=True),
    }, who=who)


# The workbook's route first: ``/recaps/hibah.xlsx`` is not the recap named "hibah.xlsx".
@router.get("/recaps/{recap}.xlsx")
def recap_xlsx(who: PageDep, recap: str, fiscal_year: QueryText = "") -> Response:
    ctx = who.ctx
    found = recap_service.recap(ctx, recap, _year(fiscal_year))
    filename = f"rekap-{found.name}-{found.fiscal_year}.xlsx"
    return StreamingResponse(recap_service.recap_xlsx(ctx, found),
                             media_type=export_service.XLSX_MEDIA_TYPE, headers={
                                 "Content-Disposition": export_service.disposition(filename)})


@router.get("/recaps/{recap}")
def recap_page(who: PageDep, recap: str, fiscal_year: QueryText = "") -> Response:
    """A recap as a table with its totals, and the link to its workbook."""
    ctx = who.ctx
    found = recap_service.recap(ctx, recap, _year(fiscal_year))
    return page(who.request, "recap.html", {
        "recap": found, "kinds": list(recap_service.RECAPS.values()),
        "years": sorted(set(recap_service.fiscal_years(ctx)) | {found.fiscal_year},
                        reverse=True),
    }, who=who)
