"""Budget ceilings (pagu) per workflow and fiscal year, entered by finance from the DPA.

Finance (PPK-SKPD) enters a year's pagu from the DPA, with its number and date; a revision
after the APBD-P is a new entry. Every entry is kept (``BudgetEntry``, never updated); the
``Budget`` row holds the current pagu, and is the row approvals lock (docs/domain.md, Budget).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import structlog
from sqlalchemy import func
from sqlmodel import Session, col, select

from cases import system_audit
from cases.errors import BadInput
from cases.models import Budget, BudgetEntry, User
from cases.permissions import require
from cases.services.facts import commitment
from cases.unit_of_work import unit_of_work
from infra.context import Ctx
from infra.db import dialect_insert
from workflows import MAX_AMOUNT, Reason, UnknownWorkflow, get_definition
from workflows.fields import FIRST_YEAR, LAST_YEAR, control_problem

log = structlog.get_logger(__name__)

DPA_NUMBER_MAX = 100  # budget_entries.dpa_number
NOTE_MAX = 500  # budget_entries.note
BASIS = "Permendagri 77/2020: pagu belanja menurut DPA-SKPD"


@dataclass(frozen=True, slots=True)
class BudgetView:
    """A year's pagu and what the cases hold against it.

    ``amount``: the pagu (the latest entry); ``committed``: approved amounts of the cases that
    hold budget; ``refunded``: what came back by STS; ``realised``: paid (gross) less refunds;
    ``remaining``: pagu − committed + refunded (refunds are credited back to the pagu)."""

    workflow: str
    fiscal_year: int
    amount: int
    committed: int
    refunded: int
    realised: int
    remaining: int
    dpa_number: str
    dpa_date: date | None
    entries: int

    @property
    def used(self) -> int:
        """What the cases hold net of refunds (the API's ``used``, kept for its clients)."""
        return self.committed - self.refunded


@dataclass(frozen=True, slots=True)
class BudgetEntryView:
    """One entry of a year's pagu, with who entered it. ``seq`` 1 is the first entry from the
    DPA, later ones are revisions; ``previous_amount`` is the pagu the entry replaced."""

    id: int
    seq: int
    workflow: str
    fiscal_year: int
    amount: int
    previous_amount: int | None
    dpa_number: str
    dpa_date: date | None
    note: str
    entered_by: int | None
    entered_by_username: str
    entered_by_name: str
    entered_at: datetime


def known_workflow(workflow: str) -> str:
    """``workflow`` if it names a workflow, else BadInput ``unknown_workflow`` (a name typed
    by a person or put in a URL)."""
    try:
        return get_definition(workflow).name
    except UnknownWorkflow as exc:
        raise BadInput(exc.message, "unknown_workflow") from None


def set_budget(ctx: Ctx, workflow: str, fiscal_year: int, amount: int, dpa_number: str,
               dpa_date: date | None, note: str = "") -> BudgetView:
    """Enter the pagu of ``workflow`` in ``fiscal_year`` from the DPA (number and date): the
    first entry of the year, or a revision (after the APBD-P), which becomes the pagu.

    The ``Budget`` row is written by one upsert, not a read then an insert: ten first saves
    at once (two tabs, a double click) found no row, all inserted, and all but one hit the
    unique constraint (a 500 on PostgreSQL; issue 11). The upsert also takes the row lock
    that approvals wait on. The entry and the system audit record commit with it."""
    require(ctx.actor, "set_budget")
    workflow = known_workflow(workflow)
    dpa_number, note = dpa_number.strip(), note.strip()
    _check(ctx, fiscal_year, amount, dpa_number, dpa_date, note)
    assert dpa_date is not None  # _check refuses a missing date
    values = {"amount": amount, "updated_at": ctx.now, "updated_by": ctx.actor.user_id}
    with unit_of_work(ctx) as uow:
        insert = dialect_insert(uow.session, Budget).values(
            workflow=workflow, fiscal_year=fiscal_year, **values)
        uow.session.execute(insert.on_conflict_do_update(
            index_elements=[col(Budget.workflow), col(Budget.fiscal_year)], set_=values))
        budget = uow.session.exec(select(Budget).where(
            Budget.workflow == workflow, Budget.fiscal_year == fiscal_year
        ).execution_options(populate_existing=True)).one()
        uow.session.add(BudgetEntry(
            workflow=workflow, fiscal_year=fiscal_year, amount=amount, dpa_number=dpa_number,
            dpa_date=dpa_date, note=note, entered_by=ctx.actor.user_id, entered_at=ctx.now))
        uow.session.flush()
        system_audit.record(uow.session, actor=ctx.actor, action="budget_set", at=ctx.now,
                            target=f"{workflow}/{fiscal_year}", payload={
                                "amount": amount, "dpa_number": dpa_number,
                                "dpa_date": dpa_date.isoformat(), "note": note})
    log.info("budget.set", workflow=workflow, fiscal_year=fiscal_year, amount=amount,
             dpa_number=dpa_number, actor=ctx.actor.username)
    return _view(ctx.session, budget)


def _check(ctx: Ctx, fiscal_year: int, amount: int, dpa_number: str, dpa_date: date | None,
           note: str) -> None:
    """Every problem of an entry at once, each with a stable code. A missing DPA number or
    date is ``dpa_required``: a pagu is entered from the DPA, never without it."""
    missing = []
    if not dpa_number:
        missing.append(Reason("dpa_number_required", "Nomor DPA wajib diisi", basis=BASIS))
    if dpa_date is None:
        missing.append(Reason("dpa_date_required", "Tanggal DPA wajib diisi", basis=BASIS))
    if missing:
        raise BadInput("Pagu dicatat dari DPA: nomor dan tanggal DPA wajib diisi",
                       "dpa_required", missing)
    assert dpa_date is not None
    reasons = []
    if not FIRST_YEAR <= fiscal_year <= LAST_YEAR:
        reasons.append(Reason("invalid_fiscal_year",
                              f"Tahun anggaran harus antara {FIRST_YEAR} dan {LAST_YEAR}"))
    if not 0 <= amount <= MAX_AMOUNT:
        reasons.append(Reason("invalid_amount", "Nilai pagu harus bilangan bulat rupiah, "
                              "tidak negatif dan tidak melebihi batas"))
    if len(dpa_number) > DPA_NUMBER_MAX:
        reasons.append(Reason("dpa_number_too_long",
                              f"Nomor DPA paling banyak {DPA_NUMBER_MAX} karakter"))
    elif control_problem(dpa_number, multiline=False) is not None:
        reasons.append(Reason("dpa_number_invalid", "Nomor DPA harus satu baris tanpa "
                              "karakter kendali"))
    if len(note) > NOTE_MAX:
        reasons.append(Reason("note_too_long", f"Catatan paling banyak {NOTE_MAX} karakter"))
    elif control_problem(note, multiline=True) is not None:
        reasons.append(Reason("note_invalid", "Catatan berisi karakter yang tidak sah"))
    today = ctx.now.astimezone(ctx.tz).date()
    if dpa_date > today:
        reasons.append(Reason("dpa_date_implausible",
                              "Tanggal DPA tidak boleh setelah hari ini", basis=BASIS))
    elif not fiscal_year - 1 <= dpa_date.year <= fiscal_year:
        reasons.append(Reason("dpa_date_implausible",
                              f"Tanggal DPA untuk TA {fiscal_year} harus pada tahun "
                              f"{fiscal_year - 1} atau {fiscal_year}", basis=BASIS))
    if reasons:
        raise BadInput("Isian pagu tidak valid", "invalid_budget", reasons)


def list_budgets(session: Session) -> list[BudgetView]:
    """Every year's pagu, by year then workflow, with its latest DPA entry."""
    budgets = session.exec(select(Budget).order_by(col(Budget.fiscal_year),
                                                   col(Budget.workflow))).all()
    counts = {(w, y): (int(n), last) for w, y, n, last in session.exec(
        select(BudgetEntry.workflow, BudgetEntry.fiscal_year, func.count(),
               func.max(BudgetEntry.id)).group_by(
            col(BudgetEntry.workflow), col(BudgetEntry.fiscal_year)))}
    last_ids = [last for _, last in counts.values()]
    latest = {(e.workflow, e.fiscal_year): e for e in session.exec(
        select(BudgetEntry).where(col(BudgetEntry.id).in_(last_ids)))} if last_ids else {}
    return [_view(session, b, latest.get((b.workflow, b.fiscal_year)),
                  counts.get((b.workflow, b.fiscal_year), (0, None))[0]) for b in budgets]


def budget_history(session: Session, workflow: str, fiscal_year: int) -> list[BudgetEntryView]:
    """The entries of ``workflow``'s pagu in ``fiscal_year``, newest first, each with who
    entered it; empty when the year has no pagu yet."""
    workflow = known_workflow(workflow)
    rows = session.exec(
        select(BudgetEntry, User.username, User.full_name)
        .join(User, col(User.id) == col(BudgetEntry.entered_by), isouter=True)
        .where(BudgetEntry.workflow == workflow, BudgetEntry.fiscal_year == fiscal_year)
        .order_by(col(BudgetEntry.id))
    ).all()
    out: list[BudgetEntryView] = []
    previous: int | None = None
    for seq, (entry, username, full_name) in enumerate(rows, start=1):
        assert entry.id is not None
        out.append(BudgetEntryView(
            id=entry.id, seq=seq, workflow=entry.workflow, fiscal_year=entry.fiscal_year,
            amount=entry.amount, previous_amount=previous, dpa_number=entry.dpa_number,
            dpa_date=entry.dpa_date, note=entry.note, entered_by=entry.entered_by,
            entered_by_username=username or "", entered_by_name=full_name or "",
            entered_at=entry.entered_at))
        previous = entry.amount
    return out[::-1]


def _view(session: Session, budget: Budget, latest: BudgetEntry | None = None,
          entries: int | None = None) -> BudgetView:
    if entries is None:  # one budget: read its entries here
        latest = session.exec(select(BudgetEntry).where(
            BudgetEntry.workflow == budget.workflow,
            BudgetEntry.fiscal_year == budget.fiscal_year,
        ).order_by(col(BudgetEntry.id).desc())).first()
        entries = session.exec(select(func.count()).select_from(BudgetEntry).where(
            BudgetEntry.workflow == budget.workflow,
            BudgetEntry.fiscal_year == budget.fiscal_year)).one()
    held = commitment(session, budget.workflow, budget.fiscal_year)
    return BudgetView(
        workflow=budget.workflow, fiscal_year=budget.fiscal_year, amount=budget.amount,
        committed=held.committed, refunded=held.refunded, realised=held.realised,
        remaining=budget.amount - held.committed + held.refunded,
        dpa_number=latest.dpa_number if latest else "",
        dpa_date=latest.dpa_date if latest else None, entries=int(entries))
