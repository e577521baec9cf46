"""From a letter's data to its PDF: a Jinja2 HTML template (``templates/``) laid out by
fpdf2's ``write_html``, pure Python, so that a fresh machine issues documents with no system
package. The kop surat heads the first page; every page carries, at its foot, the QR code of
the document's public verification page, its number and the page count.

Everything printed goes through :func:`~cases.letters.latin1.to_latin1`: the core font
(Helvetica) holds Latin-1 only. Any failure of the layout is a :class:`LetterRenderError`
(422, ``letter_render_failed``), never a traceback: the issue that asked for it rolls back and
takes no number.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import structlog
from fpdf import FPDF
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from cases.errors import BadInput
from cases.letters.latin1 import to_latin1
from cases.letters.office import Office
from cases.letters.qr import qr_png
from cases.letters.words import (
    day_in_words,
    document_date,
    rupiah_figures,
    rupiah_in_full,
    terbilang,
)

log = structlog.get_logger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
FONT = "helvetica"
MARGIN = 20.0  # mm, left and right
TOP = 15.0
FOOT = 34.0  # the height kept free at the foot of each page for the QR code
QR_SIZE = 24.0
KEEP_GAP = 4.0  # mm above a signature block
_TABLE = re.compile(r"(<table\b.*?</table>)", re.DOTALL)
_HTML: dict[str, Any] = {"font_family": FONT, "table_line_separators": True,
                         "li_prefix_color": (0, 0, 0)}


class LetterRenderError(BadInput):
    """The document could not be laid out (a template, the data, the logo): nothing was
    issued."""

    code = "letter_render_failed"


def _printable(value: Any) -> Any:
    """Every value a template prints, in Latin-1 (``finalize`` of the environment)."""
    if value is None:
        return ""
    return to_latin1(value) if isinstance(value, str) else value


def _tgl(value: date | str | None) -> str:
    if value is None or value == "":
        return "-"
    return document_date(date.fromisoformat(value) if isinstance(value, str) else value)


def _money(fn: Any) -> Any:
    def shown(value: int | None) -> str:
        return "-" if value is None else str(fn(value))
    return shown


ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                  undefined=StrictUndefined, finalize=_printable, trim_blocks=True,
                  lstrip_blocks=True)
ENV.filters.update({
    "rupiah": _money(rupiah_figures), "uang": _money(rupiah_in_full),
    "terbilang": _money(terbilang), "tgl": _tgl, "hari": day_in_words,
})


class LetterPDF(FPDF):
    """An A4 page with the verification block at the foot of every page."""

    def __init__(self, number: str, verify_url: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.number, self.verify_url = to_latin1(number), to_latin1(verify_url)
        self.qr = qr_png(verify_url)
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(auto=True, margin=FOOT)

    def footer(self) -> None:
        top = self.h - FOOT + 6
        self.set_draw_color(160)
        self.line(MARGIN, top - 2, self.w - MARGIN, top - 2)
        self.image(io.BytesIO(self.qr), x=MARGIN, y=top, w=QR_SIZE, h=QR_SIZE)
        self.set_xy(MARGIN + QR_SIZE + 4, top + 2)
        self.set_font(FONT, size=8)
        width = self.w - 2 * MARGIN - QR_SIZE - 4
        self.multi_cell(width, 4, "Dicetak dari sistem Berkas; sah bila ditandatangani dan "
                        "dicap. Pindai kode QR atau buka alamat berikut untuk mencocokkannya "
                        "dengan arsip dan memeriksa apakah masih berlaku:",
                        new_x="LEFT", new_y="NEXT")
        self.multi_cell(width, 4, self.verify_url, new_x="LEFT", new_y="NEXT")
        self.multi_cell(width, 4, f"Nomor {self.number} - halaman {self.page_no()} dari {{nb}}",
                        new_x="LEFT", new_y="NEXT")


def _write(pdf: FPDF, html: str) -> None:
    """Lay ``html`` out, a table apart from what surrounds it: fpdf2 (2.8) puts a gap of
    several lines between a table and a paragraph that follows it in the same call, and
    none across calls. A table marked ``data-keep`` (a signature block) is never split
    across two pages."""
    for piece in _TABLE.split(html):
        if not piece.strip():
            continue
        if piece.startswith("<table") and "data-keep" in piece:
            pdf.ln(KEEP_GAP)
            with pdf.offset_rendering() as trial:
                trial.write_html(piece, **_HTML)
            if trial.page_break_triggered:
                pdf.add_page()
        pdf.write_html(piece, **_HTML)


def render_pdf(template: str, context: Mapping[str, Any], *, office: Office, number: str,
               title: str, verify_url: str, issued_at: datetime) -> bytes:
    """The PDF of ``template`` filled with ``context``, headed by ``office``'s kop surat.
    Raises :class:`LetterRenderError` for anything that keeps it from being laid out."""
    try:
        html = ENV.get_template(template).render(**context, office=office, number=number,
                                                 title=title)
        pdf = LetterPDF(number, verify_url)
        pdf.set_title(to_latin1(f"{title} {number}"))
        pdf.set_author(to_latin1(office.unit))
        pdf.set_creator("Berkas")
        pdf.set_creation_date(issued_at)
        pdf.add_page()
        if office.logo:
            pdf.image(office.logo, x=MARGIN, y=TOP, h=22)
        pdf.set_font(FONT, size=11)
        _write(pdf, to_latin1(html))
        return bytes(pdf.output())
    except Exception as exc:
        log.error("letter.render_failed", template=template, number=number,
                  error=f"{type(exc).__name__}: {exc}")
        raise LetterRenderError(
            f"Dokumen {title} tidak dapat disusun; tidak ada nomor yang terpakai. Periksa "
            "isian dan pengaturan kop surat, lalu coba lagi.",
            "letter_render_failed") from exc
