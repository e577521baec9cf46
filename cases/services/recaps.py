"""The recaps an auditor (Inspektorat, BPK) asks for, per fiscal year (issue 15): the grant
recipients, the media partners, and the realisation of each pagu.

Each recap is a :class:`Recap`: typed columns (:class:`cases.services.exports.Column`), rows
keyed by column, and totals; the API answers it as JSON, the pages show it as a table, and
:func:`recap_xlsx` writes it as a workbook. A recap reads a year's cases that hold budget
(``StateSpec.commits_budget``: approved, paid, reported), never the whole table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from cases.errors import BadInput, NotFound
from cases.models import AuditEntry, Budget, BudgetEntry, Case, Party, Payment
from cases.permissions import require
from cases.services.exports import Cell, Column, Kind, xlsx_chunks
from cases.services.facts import commitment
from cases.services.parties import npwp_display
from infra.context import Ctx
from workflows import DEFINITIONS, get_definition
from workflows.dates import format_date, format_datetime
from workflows.fields import FIRST_YEAR, LAST_YEAR

GRANT = "grant"
MEDIA = "media_verification"


@dataclass(frozen=True, slots=True)
class Recap:
    """One recap of one fiscal year, as of ``generated_at``. ``note`` says what it covers
    and how its figures are defined; ``rows`` may hold keys beyond the columns (codes that
    the JSON answer carries beside their labels)."""

    name: str
    title: str
    fiscal_year: int
    generated_at: datetime
    note: str
    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, Cell], ...]
    totals: Mapping[str, Cell]

    def table(self) -> Iterator[tuple[Cell, ...]]:
        """The rows as tuples, in the order of the columns."""
        for row in self.rows:
            yield tuple(row.get(c.key) for c in self.columns)

    def total_row(self) -> tuple[Cell, ...]:
        """The totals under the columns, "Jumlah" in the first."""
        return ("Jumlah", *(self.totals.get(c.key) for c in self.columns[1:]))


# What a recap's builder gives: its note, columns, rows and totals.
Built = tuple[str, tuple[Column, ...], list[dict[str, Cell]], dict[str, Cell]]


@dataclass(frozen=True, slots=True)
class RecapKind:
    """A recap that may be asked for: its name in URLs, title, what it shows, its builder."""

    name: str
    title: str
    description: str
    build: Callable[[Ctx, int], Built]


def recap(ctx: Ctx, name: str, fiscal_year: int | None = None) -> Recap:
    """The recap ``name`` of ``fiscal_year`` (this year in WITA when None), for whoever
    reads recaps. NotFound ``unknown_recap`` for a name that is none of :data:`RECAPS`;
    BadInput ``invalid_fiscal_year`` for a year out of range."""
    require(ctx.actor, "read_recaps")
    kind = RECAPS.get(name)
    if kind is None:
        raise NotFound(f"Rekap {name!r} tidak dikenal; pilih salah satu dari: "
                       f"{', '.join(RECAPS)}", "unknown_recap")
    year = this_year(ctx) if fiscal_year is None else fiscal_year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadInput(f"Tahun anggaran harus antara {FIRST_YEAR} dan {LAST_YEAR}",
                       "invalid_fiscal_year")
    note, columns, rows, totals = kind.build(ctx, year)
    return Recap(kind.name, f"{kind.title} TA {year}", year, ctx.now, note, columns,
                 tuple(rows), totals)


def this_year(ctx: Ctx) -> int:
    return ctx.now.astimezone(ctx.tz).year


def fiscal_years(ctx: Ctx) -> list[int]:
    """The years a recap may be asked for, the latest first: from the first fiscal year of
    the cases to the last (two reads of the index, however many cases), those with a pagu,
    and this one."""
    first, last = ctx.session.exec(select(func.min(Case.fiscal_year),
                                          func.max(Case.fiscal_year))).one()
    years = set(range(first, last + 1)) if first is not None and last is not None else set()
    years |= set(ctx.session.exec(select(Budget.fiscal_year).distinct()).all())
    return sorted(years | {this_year(ctx)}, reverse=True)


def recap_xlsx(ctx: Ctx, found: Recap) -> Iterator[bytes]:
    """The recap as an XLSX workbook: its title, its note and when it was made (WITA), the
    table and its totals."""
    heading = (found.title, found.note, f"Dibuat {format_datetime(found.generated_at, ctx.tz)}")
    return xlsx_chunks(found.columns, found.table(), sheet=found.name, heading=heading,
                       totals=found.total_row())


def _sums(columns: Sequence[Column], rows: Sequence[Mapping[str, Cell]]) -> dict[str, Cell]:
    out: dict[str, Cell] = {}
    for column in columns:
        if column.summed:
            out[column.key] = sum(v for row in rows if isinstance(v := row.get(column.key), int))
    return out


def _day(value: object) -> date | None:
    """A date kept in a case's data (ISO text), or None."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class Holder:
    """A case that holds budget, with its party (the press company, the organisation): its
    name (the case's applicant name when it has no party) and NPWP as people read it."""

    case: Case
    party_name: str
    npwp: str | None


def _holding_cases(session: Session, workflow: str, year: int) -> list[Holder]:
    """The year's cases of ``workflow`` that hold budget, with their parties."""
    rows = session.exec(
        select(Case, Party.name, Party.npwp)
        .outerjoin(Party, col(Party.id) == col(Case.party_id))
        .where(Case.workflow == workflow, Case.fiscal_year == year,
               col(Case.state).in_(get_definition(workflow).committed_states()))
        .order_by(col(Case.reference)))
    return [Holder(case, name or case.applicant_name, npwp_display(npwp) or None)
            for case, name, npwp in rows]


def _state(workflow: str, code: str) -> str:
    return next((s.label for s in get_definition(workflow).states if s.code == code), code)


# --- hibah ---------------------------------------------------------------------------------

ON_TIME, LATE, NOT_YET, NOT_DISBURSED = "on_time", "late", "not_yet", "not_disbursed"
LPJ_LABELS = {ON_TIME: "Tepat waktu", LATE: "Terlambat", NOT_YET: "Belum diterima",
              NOT_DISBURSED: "Belum dicairkan"}

HIBAH_COLUMNS = (
    Column("reference", "Nomor berkas"),
    Column("recipient", "Penerima hibah", width=32),
    Column("npwp", "NPWP", width=22),
    Column("state", "Status", width=16),
    Column("keputusan_number", "Nomor Keputusan Bupati", width=24),
    Column("keputusan_date", "Tanggal Keputusan", Kind.DATE, width=12),
    Column("keputusan_amount", "Nilai Keputusan", Kind.MONEY, summed=True),
    Column("nphd_number", "Nomor NPHD", width=24),
    Column("nphd_date", "Tanggal NPHD", Kind.DATE, width=12),
    Column("approved", "Disetujui", Kind.MONEY, summed=True),
    Column("paid", "Dicairkan", Kind.MONEY, summed=True),
    Column("sp2d_date", "Tanggal SP2D", Kind.DATE, width=12),
    Column("spent", "Digunakan", Kind.MONEY, summed=True),
    Column("refunded", "Dikembalikan (STS)", Kind.MONEY, summed=True),
    Column("refund_date", "Tanggal STS", Kind.DATE, width=12),
    Column("lpj_received_on", "LPJ diterima", Kind.DATE, width=12),
    Column("lpj_status", "Status LPJ", width=22),
)


def lpj_due(year: int) -> date:
    """The day a grant of ``year`` owes its LPJ by: the deadline the grant workflow sets on
    its report-owing state (10 January of the next year: docs/domain.md, Deadlines)."""
    definition = get_definition(GRANT)
    rule = next(r for state in definition.report_owing_states()
                if (r := definition.deadline(state)) is not None and r.next_year_on)
    assert rule.next_year_on is not None
    month, day = rule.next_year_on
    return date(year + 1, month, day)


def lpj_status(state: str, received_on: date | None, due: date) -> str:
    """The LPJ status of a grant case as of its due day (``lpj_due``).

    - ``on_time``: the LPJ was accepted (the case went to a state past the report-owing
      one) and the audit trail dates that transition, in WITA, on or before ``due``;
    - ``late``: accepted after ``due``, or accepted with no dated transition in the audit
      trail (an LPJ whose receipt cannot be dated cannot be shown on time);
    - ``not_yet``: the case is still in a report-owing state (``StateSpec.owes_report``:
      paid); past ``due`` it is overdue, which the row's ``lpj_overdue`` says;
    - ``not_disbursed``: approved but not yet paid, so no LPJ is owed.
    """
    definition = get_definition(GRANT)
    if state in definition.report_owing_states():
        return NOT_YET
    if not definition.state(state).terminal:
        return NOT_DISBURSED
    return ON_TIME if received_on is not None and received_on <= due else LATE


def _reported_on(ctx: Ctx, case_ids: list[int]) -> dict[int, date]:
    """When each case's LPJ was accepted: the day (WITA) of its last transition out of a
    report-owing state, from the audit trail."""
    owing = get_definition(GRANT).report_owing_states()
    rows = ctx.session.exec(select(AuditEntry.case_id, func.max(AuditEntry.at)).where(
        col(AuditEntry.case_id).in_(case_ids), AuditEntry.action == "transition",
        col(AuditEntry.from_state).in_(owing), col(AuditEntry.to_state).not_in(owing),
    ).group_by(col(AuditEntry.case_id))).all() if case_ids else []
    return {case_id: at.astimezone(ctx.tz).date() for case_id, at in rows}


def _last_sp2d(session: Session, case_ids: list[int]) -> dict[int, date]:
    rows = session.exec(select(Payment.case_id, func.max(Payment.sp2d_date)).where(
        col(Payment.case_id).in_(case_ids)).group_by(col(Payment.case_id))).all(
    ) if case_ids else []
    return dict(rows)


def _grant_row(holder: Holder, received: Mapping[int, date], sp2d: Mapping[int, date],
               due: date, today: date) -> dict[str, Cell]:
    case = holder.case
    assert case.id is not None
    status = lpj_status(case.state, received.get(case.id), due)
    overdue = status == NOT_YET and today > due
    return {
        "reference": case.reference, "recipient": holder.party_name, "npwp": holder.npwp,
        "state": _state(GRANT, case.state),
        "keputusan_number": case.data.get("keputusan_number"),
        "keputusan_date": _day(case.data.get("keputusan_date")),
        "keputusan_amount": case.data.get("keputusan_amount"),
        "nphd_number": case.nphd_number, "nphd_date": case.nphd_date,
        "approved": case.approved_amount, "paid": case.paid_amount,
        "sp2d_date": sp2d.get(case.id), "spent": case.spent_amount,
        "refunded": case.refunded_amount, "refund_date": case.refund_date,
        "lpj_received_on": received.get(case.id),
        "lpj_status": LPJ_LABELS[status] + (", lewat batas" if overdue else ""),
        "lpj_status_code": status, "lpj_overdue": overdue,
    }


def _hibah(ctx: Ctx, year: int) -> Built:
    due, today = lpj_due(year), ctx.now.astimezone(ctx.tz).date()
    holders = _holding_cases(ctx.session, GRANT, year)
    ids = [h.case.id for h in holders if h.case.id is not None]
    received, sp2d = _reported_on(ctx, ids), _last_sp2d(ctx.session, ids)
    rows = [_grant_row(h, received, sp2d, due, today) for h in holders]
    note = (f"Hibah yang disetujui, dicairkan atau ber-LPJ pada TA {year}. Status LPJ per "
            f"batas {format_date(due, weekday=False)}: tepat waktu bila LPJ diterima paling "
            "lambat tanggal itu (tanggal penerimaan menurut jejak audit), terlambat bila "
            "sesudahnya, belum diterima bila berkas masih berstatus Dicairkan.")
    return note, HIBAH_COLUMNS, rows, _sums(HIBAH_COLUMNS, rows)


# --- media ---------------------------------------------------------------------------------

MEDIA_COLUMNS = (
    Column("reference", "Nomor berkas"),
    Column("partner", "Perusahaan pers", width=32),
    Column("media", "Nama media", width=24),
    Column("npwp", "NPWP", width=22),
    Column("tier", "Kategori", width=9),
    Column("state", "Status", width=16),
    Column("spk_number", "Nomor SPK", width=28),
    Column("spk_date", "Tanggal SPK", Kind.DATE, width=12),
    Column("contract_value", "Nilai kontrak", Kind.MONEY, summed=True),
    Column("contract_start", "Awal kontrak", Kind.DATE, width=12),
    Column("contract_end", "Akhir kontrak", Kind.DATE, width=12),
    Column("termins", "Termin dibayar", Kind.INT, width=9, summed=True),
    Column("gross", "Bruto dibayar", Kind.MONEY, summed=True),
    Column("pph23", "PPh 23 dipotong", Kind.MONEY, summed=True),
    Column("ppn", "PPN dipungut", Kind.MONEY, summed=True),
    Column("net", "Netto ditransfer", Kind.MONEY, summed=True),
    Column("remaining", "Sisa nilai kontrak", Kind.MONEY, summed=True),
)


def _termins(session: Session, case_ids: list[int]) -> dict[int, tuple[int, int, int, int, int]]:
    """Per case: how many termins were paid, and their gross, PPh 23, PPN and net."""
    if not case_ids:
        return {}
    # Six columns: SQLAlchemy's own select (SQLModel's types stop at four).
    rows = session.execute(sql_select(
        col(Payment.case_id), func.count(), func.sum(Payment.gross), func.sum(Payment.pph23),
        func.sum(Payment.ppn), func.sum(Payment.net),
    ).where(col(Payment.case_id).in_(case_ids)).group_by(col(Payment.case_id))).all()
    return {row[0]: (int(row[1]), int(row[2] or 0), int(row[3] or 0), int(row[4] or 0),
                     int(row[5] or 0)) for row in rows}


def _media_row(holder: Holder, paid: tuple[int, int, int, int, int]) -> dict[str, Cell]:
    case, (count, gross, pph23, ppn, net) = holder.case, paid
    value = case.approved_amount  # the SPK's value
    return {
        "reference": case.reference, "partner": holder.party_name,
        "media": case.applicant_name, "npwp": holder.npwp, "tier": case.tier,
        "state": _state(MEDIA, case.state), "spk_number": case.data.get("spk_number"),
        "spk_date": _day(case.data.get("spk_date")), "contract_value": value,
        "contract_start": _day(case.data.get("contract_start")),
        "contract_end": _day(case.data.get("contract_end")),
        "termins": count, "gross": gross, "pph23": pph23, "ppn": ppn, "net": net,
        "remaining": None if value is None else value - gross,
    }


def _media(ctx: Ctx, year: int) -> Built:
    holders = _holding_cases(ctx.session, MEDIA, year)
    paid = _termins(ctx.session, [h.case.id for h in holders if h.case.id is not None])
    rows = [_media_row(h, paid.get(h.case.id or 0, (0, 0, 0, 0, 0))) for h in holders]
    note = (f"Kontrak publikasi media (SPK) TA {year} yang disetujui, dibayar atau selesai: "
            "termin dibayar (bruto), PPh 23 dan PPN yang dipotong/dipungut, netto yang "
            "ditransfer, dan sisa nilai kontrak (nilai SPK − bruto dibayar).")
    return note, MEDIA_COLUMNS, rows, _sums(MEDIA_COLUMNS, rows)


# --- pagu ----------------------------------------------------------------------------------

PAGU_COLUMNS = (
    Column("workflow", "Alur", width=30),
    Column("dpa_number", "Nomor DPA", width=32),
    Column("dpa_date", "Tanggal DPA", Kind.DATE, width=12),
    Column("pagu", "Pagu", Kind.MONEY, width=18, summed=True),
    Column("committed", "Terikat", Kind.MONEY, width=18, summed=True),
    Column("paid", "Dibayar (bruto)", Kind.MONEY, width=18, summed=True),
    Column("refunded", "Dikembalikan (STS)", Kind.MONEY, width=18, summed=True),
    Column("realised", "Realisasi", Kind.MONEY, width=18, summed=True),
    Column("remaining", "Sisa pagu", Kind.MONEY, width=18, summed=True),
    Column("realised_percent", "% realisasi", Kind.PERCENT, width=11),
)


def _percent(part: int, whole: int | None) -> float | None:
    return round(part * 100 / whole, 2) if whole else None


def _pagu(ctx: Ctx, year: int) -> Built:
    session = ctx.session
    budgets = {b.workflow: b.amount for b in session.exec(
        select(Budget).where(Budget.fiscal_year == year))}
    rows: list[dict[str, Cell]] = []
    for definition in DEFINITIONS.values():
        latest = session.exec(select(BudgetEntry).where(
            BudgetEntry.workflow == definition.name, BudgetEntry.fiscal_year == year,
        ).order_by(col(BudgetEntry.id).desc())).first()
        held = commitment(session, definition.name, year)
        pagu = budgets.get(definition.name)
        rows.append({
            "workflow": definition.label, "workflow_code": definition.name,
            "dpa_number": latest.dpa_number if latest else None,
            "dpa_date": latest.dpa_date if latest else None, "pagu": pagu,
            "committed": held.committed, "paid": held.paid, "refunded": held.refunded,
            "realised": held.realised,
            "remaining": None if pagu is None else pagu - held.committed + held.refunded,
            "realised_percent": _percent(held.realised, pagu),
        })
    totals = _sums(PAGU_COLUMNS, rows)
    pagu_total = totals.get("pagu")
    realised_total = totals.get("realised")
    if isinstance(pagu_total, int) and isinstance(realised_total, int):
        totals["realised_percent"] = _percent(realised_total, pagu_total)
    note = (f"Pagu TA {year} per alur menurut DPA terakhir. Terikat: nilai disetujui berkas "
            "yang memegang anggaran; realisasi: dibayar (bruto) − dikembalikan (STS dalam "
            "tahun anggaran); sisa: pagu − terikat + dikembalikan; % realisasi: realisasi "
            "dibagi pagu.")
    return note, PAGU_COLUMNS, rows, totals


RECAPS: Mapping[str, RecapKind] = {
    "hibah": RecapKind("hibah", "Rekap penerima hibah",
                       "Keputusan Bupati, NPHD, pencairan, penggunaan, pengembalian (STS) "
                       "dan status LPJ terhadap batas penyampaiannya", _hibah),
    "media": RecapKind("media", "Rekap mitra media",
                       "SPK, termin dibayar, PPh 23 dan PPN, netto, sisa nilai kontrak",
                       _media),
    "pagu": RecapKind("pagu", "Rekap realisasi pagu",
                      "Pagu menurut DPA, terikat, realisasi, pengembalian, sisa, % realisasi",
                      _pagu),
}
