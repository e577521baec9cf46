"""Case lists as spreadsheets (issue 15): the rows of a filtered list, read in keyset
batches, and the writers that turn a table of typed cells into CSV or XLSX, chunk by chunk.

Nothing here holds a whole list. :func:`case_export` reads :data:`BATCH` cases at a time
through the list's own keyset pagination (``cases.services.listing``: the same filters and
sort orders as ``GET /api/cases``), and the writers consume rows from an iterator:

- **XLSX** (openpyxl in write-only mode): each row goes to openpyxl's temporary file as it
  comes; the finished workbook (a zip, whose directory comes last) is then read back in
  :data:`CHUNK` pieces. Amounts are numbers in the Rupiah format :data:`RUPIAH_FORMAT`,
  dates real dates (``DD/MM/YYYY``, the day in WITA), a text that opens with "=" stays text.
- **CSV**: UTF-8 with a BOM (so that Excel reads it as UTF-8), fields separated by ``;``
  (:data:`CSV_DELIMITER`): Excel in the Indonesian locale, whose decimal mark is the comma,
  splits a file on ``;`` when it opens it, where ``,`` would leave each line in one column.
  Amounts are whole numbers without separators and dates ISO 8601 (``2026-02-04``), which
  every locale reads alike; lines end in CRLF (RFC 4180). A text that a spreadsheet would
  take for a formula (opening with ``= + - @``, a tab or a CR) gets a leading apostrophe
  (OWASP, CSV injection).

No FastAPI here: the routes wrap these iterators in their streaming responses.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

# openpyxl ships no type hints, nor is there a stubs package among the dependencies.
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from sqlmodel import Session, col, select

from cases.models import Case, Deadline, Party
from cases.permissions import require
from cases.services.cases import workflow_definition
from cases.services.listing import CaseQuery, list_cases
from cases.services.parties import npwp_display
from infra.context import Ctx
from workflows import DEFINITIONS

BATCH = 500  # cases read per query
CHUNK = 64 * 1024  # bytes handed to the response at a time
CSV_DELIMITER = ";"
CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUPIAH_FORMAT = '"Rp"#,##0'
DATE_FORMAT = "DD/MM/YYYY"
PERCENT_FORMAT = "0.00%"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | date | None


class Kind(StrEnum):
    """What a column holds, which decides how each format writes it."""

    TEXT = "text"
    INT = "int"
    MONEY = "money"  # whole Rupiah
    DATE = "date"
    PERCENT = "percent"  # a percentage (45.5 is 45,5 %)


@dataclass(frozen=True, slots=True)
class Column:
    """A column of an export: the key of its value, its Indonesian header, its kind, its
    width in an XLSX sheet, and whether a recap's totals row sums it."""

    key: str
    label: str
    kind: Kind = Kind.TEXT
    width: int = 16
    summed: bool = False


CASE_COLUMNS = (
    Column("reference", "Nomor berkas", width=16),
    Column("workflow", "Alur", width=28),
    Column("state", "Status", width=18),
    Column("fiscal_year", "Tahun anggaran", Kind.INT, width=10),
    Column("title", "Judul", width=40),
    Column("applicant_name", "Pemohon", width=32),
    Column("npwp", "NPWP", width=22),
    Column("amount", "Nilai diajukan", Kind.MONEY),
    Column("recommended_amount", "Nilai rekomendasi", Kind.MONEY),
    Column("approved_amount", "Nilai disetujui", Kind.MONEY),
    Column("paid_amount", "Dibayar", Kind.MONEY),
    Column("refunded_amount", "Dikembalikan (STS)", Kind.MONEY),
    Column("registered_on", "Tanggal daftar", Kind.DATE, width=12),
    Column("due_on", "Tenggat", Kind.DATE, width=12),
    Column("overdue", "Lewat tenggat", width=10),
)


def disposition(filename: str) -> str:
    """The ``Content-Disposition`` of a download named ``filename`` (ASCII, no quotes)."""
    return f'attachment; filename="{filename}"'


# --- the rows of a case list ---------------------------------------------------------------

def case_export(ctx: Ctx, query: CaseQuery) -> Iterator[tuple[Cell, ...]]:
    """The cases ``query`` lists (its limit and cursor aside), as rows of
    :data:`CASE_COLUMNS`. Refused now (not once the response has started) when the caller
    may not export or the query names an unknown workflow; the rows are read as they are
    taken, :data:`BATCH` at a time."""
    require(ctx.actor, "export_cases")
    if query.workflow is not None:
        workflow_definition(query.workflow)
    query = replace(query, limit=BATCH, cursor=None, now=query.now or ctx.now)
    return _batches(ctx.session, query, ctx.tz)


def _batches(session: Session, query: CaseQuery, tz: ZoneInfo) -> Iterator[tuple[Cell, ...]]:
    labels = _state_labels()
    cursor: str | None = None
    while True:
        cases, cursor = list_cases(session, replace(query, cursor=cursor))
        yield from _rows(session, cases, labels, tz, query.now)
        session.expunge_all()  # the batch is written: nothing of it stays in memory
        if cursor is None:
            return


def _state_labels() -> dict[tuple[str, str], tuple[str, str]]:
    """(workflow label, state label) by (workflow, state code)."""
    return {(d.name, s.code.value): (d.label, s.label)
            for d in DEFINITIONS.values() for s in d.states}


def _rows(session: Session, cases: Sequence[Case], labels: dict[tuple[str, str], tuple[str, str]],
          tz: ZoneInfo, now: datetime | None) -> Iterator[tuple[Cell, ...]]:
    """One batch: its parties' NPWP and its open deadlines in one statement each."""
    party_ids = {c.party_id for c in cases if c.party_id is not None}
    npwp = dict(session.exec(select(Party.id, Party.npwp).where(
        col(Party.id).in_(party_ids))).all()) if party_ids else {}
    due: dict[int, tuple[date, datetime]] = {}
    for case_id, due_date, due_at in session.exec(
        select(col(Deadline.case_id), col(Deadline.due_date), col(Deadline.due_at)).where(
            col(Deadline.case_id).in_([c.id for c in cases]),
            col(Deadline.closed_at).is_(None)).order_by(col(Deadline.due_at).desc())
    ):
        due[case_id] = (due_date, due_at)  # the soonest, should a case hold two
    for case in cases:
        workflow, state = labels.get((case.workflow, case.state), (case.workflow, case.state))
        deadline = due.get(case.id) if case.id is not None else None
        late = "" if deadline is None or now is None else (
            "Ya" if deadline[1] <= now else "Tidak")
        yield (case.reference, workflow, state, case.fiscal_year, case.title,
               case.applicant_name, npwp_display(npwp.get(case.party_id)) or None,
               case.amount, case.recommended_amount, case.approved_amount, case.paid_amount,
               case.refunded_amount, case.created_at.astimezone(tz).date(),
               deadline[0] if deadline else None, late)


# --- CSV -----------------------------------------------------------------------------------

def csv_chunks(columns: Sequence[Column], rows: Iterable[Sequence[Cell]]) -> Iterator[bytes]:
    """A CSV file of ``rows`` under the headers of ``columns`` (see the module's docstring
    for the format), about :data:`CHUNK` bytes at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([column.label for column in columns])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")  # the decimal comma, as ";" goes with
    if isinstance(value, int):
        return str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


# --- XLSX ----------------------------------------------------------------------------------

def xlsx_chunks(columns: Sequence[Column], rows: Iterable[Sequence[Cell]], *, sheet: str,
                heading: Sequence[str] = (), totals: Sequence[Cell] | None = None
                ) -> Iterator[bytes]:
    """An XLSX workbook of one sheet: the ``heading`` lines (a title, what it covers) and a
    blank line if any, the headers of ``columns`` (frozen), ``rows``, then ``totals`` in
    bold; read back :data:`CHUNK` bytes at a time once written."""
    with tempfile.TemporaryFile() as out:
        _write_xlsx(out, columns, rows, sheet, heading, totals)
        out.seek(0)
        while chunk := out.read(CHUNK):
            yield chunk


def _write_xlsx(out: Any, columns: Sequence[Column], rows: Iterable[Sequence[Cell]],
                sheet: str, heading: Sequence[str], totals: Sequence[Cell] | None) -> None:
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])  # Excel's limit on a sheet's name
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    header_row = len(heading) + 2 if heading else 1
    ws.freeze_panes = f"A{header_row + 1}"
    bold = Font(bold=True)
    for line in heading:
        ws.append([_styled(ws, _clean(line), bold)])
    if heading:
        ws.append([])
    ws.append([_styled(ws, column.label, bold) for column in columns])
    for row in rows:
        ws.append([_xlsx_cell(ws, column, value)
                   for column, value in zip(columns, row, strict=True)])
    if totals is not None:
        ws.append([_xlsx_cell(ws, column, value, bold)
                   for column, value in zip(columns, totals, strict=True)])
    book.save(out)


def _styled(ws: Any, value: Cell, font: Font | None = None, number_format: str = ""
            ) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, even when it opens with "=" (never a formula)
    if font is not None:
        cell.font = font
    if number_format:
        cell.number_format = number_format
    return cell


def _xlsx_cell(ws: Any, column: Column, value: Cell, font: Font | None = None) -> Any:
    """A value as its column's kind is written; plain values pass as they are (a styled
    cell for each would cost more than the rest of the row)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = _clean(value)
        return _styled(ws, value, font) if font or value.startswith("=") else value
    if column.kind is Kind.MONEY:
        return _styled(ws, value, font, RUPIAH_FORMAT)
    if column.kind is Kind.DATE:
        return _styled(ws, value, font, DATE_FORMAT)
    if column.kind is Kind.PERCENT and not isinstance(value, date):
        return _styled(ws, value / 100, font, PERCENT_FORMAT)
    return _styled(ws, value, font) if font else value


def _clean(text: str) -> str:
    """Control characters an XLSX cannot hold are dropped (openpyxl would refuse the row)."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", text))
