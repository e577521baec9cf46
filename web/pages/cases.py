"""Case pages: the list, and the case page with every action on it (registration:
:mod:`web.pages.registration`).

Each POST calls the same service function as the API route, then redirects back to the case
(PRG); a refusal re-renders the case page, fresh from the database, with the reasons.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import col, select
from starlette.datastructures import UploadFile

from cases import audit
from cases.errors import BadInput, Conflict
from cases.http.attachments import attachment
from cases.http.errors import status_of
from cases.http.params import Id, QueryText
from cases.limits import TEXTS, checked_text, whole_number
from cases.models import Case, Document, User
from cases.permissions import may, read_only
from cases.services import cases as case_service
from cases.services import documents as document_service
from cases.services import letters as letter_service
from cases.services import listing
from cases.services.facts import paid_elsewhere
from cases.services.transitions import fire_transition
from cases.views import CaseView, TransitionView, case_rows, case_view
from web import case_data, forms, labels
from web.render import is_htmx, page, rupiah
from web.session import Page, PageDep, PostDep, Posted, redirect
from workflows import (
    DEFINITIONS,
    BerkasError,
    DocumentKind,
    FieldType,
    Role,
    TransitionSpec,
    WorkflowDefinition,
    WrongState,
    get_definition,
)
from workflows.deadlines import REMINDER_LABELS
from workflows.diagram import svg
from workflows.fields import FIRST_YEAR, LAST_YEAR, is_multiline
from workflows.letters import issuable
from workflows.payments import CLOSING_REASON

router = APIRouter()


@router.get("/cases")
def list_page(
    who: PageDep,
    workflow: QueryText = "",
    state: QueryText = "",
    q: QueryText = "",
    fiscal_year: QueryText = "",
    overdue: QueryText = "",
    sort: Literal["new", "due"] = "new",
    cursor: QueryText = "",
) -> Response:
    filters = {"workflow": workflow, "state": state, "q": q, "fiscal_year": fiscal_year,
               "overdue": overdue, "sort": sort}
    params = {k: v for k, v in filters.items() if v}
    query = listing.CaseQuery(
        workflow=workflow or None, state=state or None, q=q or None,
        fiscal_year=whole_number(fiscal_year, FIRST_YEAR, LAST_YEAR),
        overdue={"true": True, "false": False}.get(overdue), now=who.runtime.clock(),
        sort=sort, cursor=cursor or None,
    )
    rows: list[Case] = []
    next_cursor, error = None, ""
    try:
        if fiscal_year and query.fiscal_year is None:
            raise BadInput(f"Tahun anggaran harus {FIRST_YEAR}–{LAST_YEAR}", "invalid_input")
        rows, next_cursor = listing.list_cases(who.session, query)
    except BadInput as exc:
        error = exc.message
    next_url = f"/cases?{urlencode({**params, 'cursor': next_cursor})}" if next_cursor else None
    # A refused filter is a 422 page; HTMX swaps only 2xx answers, so its table says it.
    status = 422 if error and not is_htmx(who.request) else 200
    return page(who.request, "_case_table.html" if is_htmx(who.request) else "cases.html",
                _list_context(who, rows, query, next_url, error), who=who, status=status)


def _list_context(who: Page, rows: list[Case], query: listing.CaseQuery,
                  next_url: str | None, error: str) -> dict[str, Any]:
    return {
        "rows": case_rows(who.ctx, rows), "q": query, "next_url": next_url, "error": error,
        "workflows": list(DEFINITIONS.values()), "states": labels.state_options(),
    }


# --- the case page ------------------------------------------------------------------------

# The form "Ubah data pendaftaran", as ``open_trigger`` names it when it is refused.
DATA_FORM = "case-data"


def case_page(who: Page, case_id: int, *, status: int = 200, stale: bool = False,
              problem: BerkasError | None = None, open_trigger: str = "",
              typed: dict[str, str] | None = None, checked: int | None = None) -> Response:
    """The case as it is now in the database (so a refused or stale form never overwrites),
    read by the same view as the API's (``cases.views.case_view``). ``typed``: what the
    refused form held, shown again in it; ``checked``: the document whose refused check
    it was."""
    who.ctx.fresh()
    view = case_view(who.ctx, case_id)
    definition = get_definition(view.workflow)
    return page(who.request, "case.html", {
        **_case_context(who, view),
        "stale": stale, "problem": problem, "open_trigger": open_trigger,
        "problem_message": _problem_message(problem, definition, checked is not None)
        if problem else "",
        "typed": typed or {}, "checked": checked,
    }, who=who, status=status)


def _case_context(who: Page, view: CaseView) -> dict[str, Any]:
    """What the case page shows besides the view: its workflow, its party, its data as
    lines and blocks (and the form that corrects its registration data), its payments (each
    with the value its BAST accepted), its documents by gate and kind (and those of kinds it
    no longer defines), the documents each payment form may choose, the fields a form leaves
    out for this case, its timeline, and the officers it may be assigned to."""
    definition = get_definition(view.workflow)
    kinds = {d.code for d in definition.documents}
    transitions = [t for t in view.transitions if t.applies]
    late = case_data.late_fields(view, definition)
    return {
        "case": view, "wf": definition, "state": definition.state(view.state),
        "party_rows": case_data.party_rows(view.party),
        "data_rows": case_data.data_rows(view, definition, who.ctx.parameters),
        "blocks": case_data.shown_blocks(view, definition),
        "pay_cols": case_data.payment_columns(definition),
        "pay_sum": case_data.payment_summary(view, definition),
        "used": case_data.used_documents(view.payments),
        "doc_choices": case_data.document_choices(
            view.documents, view.payments, who.runtime.tz, definition,
            _paid_elsewhere(who, view.id, definition, transitions)),
        "doc_names": {d.id: d.filename for d in view.documents},
        "doc_values": case_data.document_values(view.documents),
        "closing_field": CLOSING_REASON, "closing_label": _closing_label(definition),
        "hidden_fields": late.hidden, "late_asked": late.asked,
        "data_inputs": case_data.data_form(view, definition), "data_form": DATA_FORM,
        "data_change": lambda payload: case_data.data_change(definition, payload),
        "transitions": transitions,
        "other_transitions": [t for t in view.transitions if not t.applies],
        "gates": _gates(definition), "documents": _by_kind(view.documents),
        "legacy_documents": [d for d in view.documents if d.kind not in kinds],
        "timeline": audit.entries(who.session, view.id),
        # Read only for whoever sees the form (kabid and admin, on an open case).
        "officers": _officers(who) if may(who.actor, "assign_case") and not view.terminal
        else [],
        "diagram": svg(definition, view.state),
        "max_mb": who.runtime.settings.max_upload_bytes // (1024 * 1024),
        **_letters_context(who, view, definition),
        "action_labels": {**labels.ACTION_LABELS, **LETTER_ACTIONS},
        "status_labels": labels.STATUS_LABELS,
        "reminder_labels": REMINDER_LABELS,
        "doc_labels": {d.code: d.label for d in definition.documents},
        "trigger_labels": {t.trigger: t.label for t in definition.transitions},
        "hints": labels.FIELD_HINTS, "multiline": is_multiline,
        "limits": TEXTS,
    }


# The case's audit entries of its issued documents, as its timeline names them.
LETTER_ACTIONS = {"letter_issued": "menerbitkan dokumen", "letter_revoked": "mencabut dokumen"}


def _letters_context(who: Page, view: CaseView, definition: WorkflowDefinition
                     ) -> dict[str, Any]:
    """The documents issued on the case (for whoever reads them), the kinds the viewer may
    issue in its state now ("Terbitkan"), and which of them the viewer may revoke."""
    shown = may(who.actor, "read_letters")
    views = letter_service.list_letters(who.ctx, view.id) if shown else []
    return {
        "letters": views,
        "letter_kinds": [] if read_only(who.actor) else list(
            issuable(definition, view.state, who.actor)),
        "revocable": {v.letter.id for v in views
                      if not read_only(who.actor) and letter_service.revocable(who.actor,
                                                                               v.letter)},
    }


def _paid_elsewhere(who: Page, case_id: int, definition: WorkflowDefinition,
                    transitions: Sequence[TransitionView]) -> frozenset[int]:
    """The case's documents whose bytes a payment used, read only for whoever is shown a
    form that chooses a document (the treasurer, with a payment allowed)."""
    asks = any(t.allowed and any(f.type is FieldType.DOCUMENT for f in spec.fields)
               for t in transitions if (spec := definition.transition(t.trigger)))
    return paid_elsewhere(who.session, case_id) if asks else frozenset()


def _closing_label(definition: WorkflowDefinition) -> str:
    """The closing reason's label inside the final payment's form, whose other half is the
    last termin: the definition's label without its "Atau:" (the form asks which half)."""
    spec = next((f for t in definition.transitions for f in t.fields
                 if f.name == CLOSING_REASON), None)
    if spec is None:
        return ""
    label = spec.label.removeprefix("Atau:").strip()
    return label[:1].upper() + label[1:]


# Refusals of a document's check, as the check form asks (the note, the value a BAST
# accepted); the service's own messages name the kind by its long label.
CHECK_MESSAGES = {
    "missing_note": "Catatan wajib diisi bila dokumen dinyatakan tidak memenuhi syarat (TMS)",
    "missing_value": "Nilai pekerjaan yang diterima (BAST) wajib diisi untuk menyatakan "
                     "BAST memenuhi syarat (MS)",
    "invalid_value": "Nilai pekerjaan yang diterima (BAST) harus angka Rupiah, "
                     "mis. 15.000.000",
    "invalid_amount": "Nilai pekerjaan yang diterima (BAST) harus lebih dari nol dan masuk "
                      "akal",
}


def _problem_message(problem: BerkasError, definition: WorkflowDefinition,
                     check: bool = False) -> str:
    """A refusal's message as officers read it: a transition by its label, never its code
    (the engine names the trigger in a wrong-state refusal); a check's, as its form asks."""
    if check and problem.code in CHECK_MESSAGES:
        return CHECK_MESSAGES[problem.code]
    if problem.code == "case_data_fixed":
        # The service names the fields it keeps by their codes: the page, by their labels.
        message = problem.message
        for field in definition.data_fields:
            message = re.sub(rf"\b{field.name}\b", field.label, message)
        return message
    if isinstance(problem, WrongState):
        spec = definition.transition(problem.trigger)
        label = spec.label if spec else problem.trigger
        state = next((s.label for s in definition.states if s.code == problem.state),
                     problem.state)
        return f"{label} tidak dapat dilakukan pada status {state}"
    return problem.message


@dataclass(frozen=True, slots=True)
class Gate:
    """The documents one gate needs, as the case page lists them ("Syarat …")."""

    code: str
    label: str
    kinds: list[tuple[DocumentKind, str]]  # each kind with its note ("bila …")


def _gates(definition: WorkflowDefinition) -> list[Gate]:
    return [Gate(gate, definition.gate_label(gate),
                 [(kind, _kind_note(definition, kind)) for kind in definition.documents
                  if kind.gate == gate])
            for gate in labels.gates_of(definition)]


def _kind_note(definition: WorkflowDefinition, kind: DocumentKind) -> str:
    """When a kind of document is needed, if not always: per termin, for some media, or
    when a guard says so."""
    if kind.per_payment:
        return "satu untuk setiap termin"
    if kind.required_when is not None:
        name, values = kind.required_when
        spec = next((s for s in definition.applicant_fields if s.name == name), None)
        shown = [spec.choice_label(v) if spec else v for v in values]
        return "hanya untuk " + ", ".join(shown)
    if kind.conditional:
        return "bila diperlukan"
    return ""


def _by_kind(documents: Sequence[Document]) -> dict[str, list[Document]]:
    grouped: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        grouped[doc.kind].append(doc)
    return grouped


def _officers(who: Page) -> list[User]:
    rows = who.session.exec(select(User).where(col(User.is_active).is_(True))
                            .order_by(col(User.full_name)))
    return [u for u in rows if {Role.OFFICER, Role.KABID} & set(u.roles)]


def refused(who: Page, case_id: int, exc: BerkasError, open_trigger: str = "",
            typed: dict[str, str] | None = None, checked: int | None = None) -> Response:
    """Re-render the case after a refusal: a stale version says so, others list reasons."""
    if isinstance(exc, Conflict) and exc.code == "stale_version":
        return case_page(who, case_id, status=409, stale=True)
    return case_page(who, case_id, status=status_of(exc), problem=exc,
                     open_trigger=open_trigger, typed=typed, checked=checked)


@router.get("/cases/{case_id}")
def show(who: PageDep, case_id: Id) -> Response:
    return case_page(who, case_id)


def _transition_data(spec: TransitionSpec, posted: Posted) -> dict[str, object]:
    """The transition's form as the service's input. A final payment is either the last
    termin or "nothing more to pay": the form's ``mode`` says which half of it counts (the
    service's guard still refuses both at once, sent by any other way)."""
    data = forms.field_values(spec.fields, posted.form, "data")
    if any(f.name == CLOSING_REASON for f in spec.fields):
        mode = posted.text("mode")
        if mode == "closing":
            data = {k: v for k, v in data.items() if k == CLOSING_REASON}
        elif mode == "payment":
            data.pop(CLOSING_REASON, None)
    return data


@router.post("/cases/{case_id}/transitions/{trigger}")
def transition(posted: PostDep, case_id: Id, trigger: str) -> Response:
    who = posted.page
    case = case_service.get_case(who.session, case_id)
    definition = get_definition(case.workflow)
    spec = definition.transition(trigger)
    version = whole_number(posted.text("version"), 1)
    typed = {k: v for k, v in posted.form.items()
             if isinstance(v, str) and (k.startswith("data.") or k in ("comment", "mode"))}
    try:
        if spec is None or version is None:
            raise BadInput("Formulir tidak lengkap; muat ulang halaman", "invalid_input")
        comment = checked_text("comment", "transition_comment", posted.text("comment"))
        done = fire_transition(who.ctx, case_id, trigger, version=version, comment=comment,
                               data=_transition_data(spec, posted))
    except BerkasError as exc:
        return refused(who, case_id, exc, open_trigger=trigger, typed=typed)
    label = definition.state(done.state).label
    return redirect(f"/cases/{case_id}", f"{spec.label}: {done.reference} kini {label}.")


@router.post("/cases/{case_id}/documents")
def upload(posted: PostDep, case_id: Id) -> Response:
    who = posted.page
    file, kind = posted.form.get("file"), posted.text("kind")
    try:
        if not isinstance(file, UploadFile):
            raise BadInput("Pilih berkas yang akan diunggah", "missing_file")
        limit = who.runtime.settings.max_upload_bytes
        content = file.file.read(limit + 1)
        doc = document_service.upload_document(who.ctx, case_id, kind, file.filename, content,
                                               limit)
    except BerkasError as exc:
        return refused(who, case_id, exc)
    return redirect(f"/cases/{case_id}", f"Dokumen {doc.filename} diunggah.")


@router.post("/cases/{case_id}/documents/{document_id}/check")
def check(posted: PostDep, case_id: Id, document_id: Id) -> Response:
    """MS or TMS. The value a BAST accepted counts only for MS (a TMS one states nothing
    a termin may be paid against), so it is read only then."""
    who = posted.page
    valid = posted.text("valid") == "true"
    typed = {k: posted.text(k) for k in ("note", "value")}
    value = forms.amount(typed["value"]) if valid and typed["value"].strip() else None
    try:
        if isinstance(value, str):
            raise BadInput("Nilai harus angka Rupiah", "invalid_value")
        doc = document_service.check_document(who.ctx, case_id, document_id, valid,
                                               typed["note"], value)
    except BerkasError as exc:
        return refused(who, case_id, exc, typed=typed, checked=document_id)
    verdict = labels.STATUS_LABELS["valid" if valid else "invalid"]
    accepted = f", nilai diterima {rupiah(doc.value)}" if doc.value is not None else ""
    return redirect(f"/cases/{case_id}", f"Dokumen {doc.filename}: {verdict}{accepted}.")


@router.get("/cases/{case_id}/documents/{document_id}")
def download(who: PageDep, case_id: Id, document_id: Id) -> Response:
    doc, content = document_service.read_document(who.session, case_id, document_id)
    return attachment(doc, content)


@router.post("/cases/{case_id}/comments")
def comment(posted: PostDep, case_id: Id) -> Response:
    try:
        case_service.add_comment(posted.page.ctx, case_id, posted.text("body"))
    except BerkasError as exc:
        return refused(posted.page, case_id, exc)
    return redirect(f"/cases/{case_id}", "Komentar ditambahkan.")


@router.post("/cases/{case_id}/data")
def change_data(posted: PostDep, case_id: Id) -> Response:
    """"Ubah data pendaftaran": correct or complete the registration data (a grant's
    Keputusan Bupati) until the case is approved. A field left empty keeps its value; a
    locked one (recorded before the review) is not sent."""
    who = posted.page
    case = case_service.get_case(who.session, case_id)
    definition = get_definition(case.workflow)
    version = whole_number(posted.text("version"), 1)
    typed = {k: v for k, v in posted.form.items()
             if isinstance(v, str) and k.startswith("data.")}
    try:
        if version is None:
            raise BadInput("Formulir tidak lengkap; muat ulang halaman", "invalid_input")
        changed = case_service.update_case_data(
            who.ctx, case_id, version=version,
            data=forms.field_values(definition.data_fields, posted.form, "data"))
    except BerkasError as exc:
        return refused(who, case_id, exc, open_trigger=DATA_FORM, typed=typed)
    if changed.version == version:
        return redirect(f"/cases/{case_id}", "Data pendaftaran tidak berubah.")
    return redirect(f"/cases/{case_id}", f"Data pendaftaran {changed.reference} diubah.")


@router.post("/cases/{case_id}/assign")
def assign(posted: PostDep, case_id: Id) -> Response:
    username = posted.text("username")
    try:
        case_service.assign_case(posted.page.ctx, case_id, username)
    except BerkasError as exc:
        return refused(posted.page, case_id, exc)
    return redirect(f"/cases/{case_id}", f"Berkas ditugaskan ke {username}.")
