"""What a letter's template is given: the case as its definition describes it, whoever signs,
and what the issuer typed. Nothing here knows a kind or a workflow: a template picks what it
prints (a media BA its review documents, an NPHD the Keputusan Bupati), so a new kind is a
template and a line of its workflow's definition."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cases.models import Case, Document, Party, Payment
from cases.services.parties import npwp_display
from workflows import DocumentKind, DocumentStatus, FieldValue, WorkflowDefinition
from workflows.letters import report_due

RESULTS = {DocumentStatus.VALID: "MS", DocumentStatus.INVALID: "TMS",
           DocumentStatus.UNCHECKED: "Belum diperiksa"}
MISSING = "Belum diunggah"
_RANK = {DocumentStatus.VALID: 2, DocumentStatus.UNCHECKED: 1, DocumentStatus.INVALID: 0}


@dataclass(frozen=True, slots=True)
class Signer:
    """The signature block as printed: the issuer's name, rank and NIP under the title of
    the position they issue by (with "Plh."/"Plt." under a warrant)."""

    name: str
    rank: str
    nip: str
    title: str
    warrant_number: str = ""


@dataclass(frozen=True, slots=True)
class DocRow:
    """One required document of a gate as a Berita Acara lists it: its check (MS, TMS, not
    checked, missing) and the checker's note."""

    label: str
    result: str
    note: str
    ok: bool


@dataclass(frozen=True, slots=True)
class Facts:
    """The case's rows a letter reads."""

    case: Case
    party: Party | None
    documents: Sequence[Document]
    payments: Sequence[Payment]
    latest_comment: str = ""


def letter_context(definition: WorkflowDefinition, facts: Facts, signer: Signer, day: date,
                   given: Mapping[str, FieldValue]) -> dict[str, Any]:
    """The template's variables (``office``, ``number`` and ``title`` are added by the
    renderer)."""
    case = facts.case
    gates = _gates(definition, case, facts.documents)
    return {
        "case": case, "data": case.data, "workflow": definition.label,
        "applicant": case.applicant, "applicant_rows": _applicant_rows(definition, case),
        "party": facts.party, "npwp": npwp_display(facts.party.npwp if facts.party else None),
        "documents": gates, "complete": {gate: all(r.ok for r in rows)
                                         for gate, rows in gates.items()},
        "payments": list(facts.payments), "paid_total": sum(p.gross for p in facts.payments),
        "report_due": report_due(definition, case.fiscal_year),
        "latest_comment": facts.latest_comment,
        "signer": signer, "date": day, "input": dict(given),
    }


def _applicant_rows(definition: WorkflowDefinition, case: Case) -> list[tuple[str, str]]:
    rows = []
    for spec in definition.applicant_fields:
        value = case.applicant.get(spec.name)
        if value is not None and value != "":
            rows.append((spec.label, spec.choice_label(str(value))))
    return rows


def _gates(definition: WorkflowDefinition, case: Case, documents: Sequence[Document]
           ) -> dict[str, list[DocRow]]:
    """Each gate's documents: those it requires of this case, and the conditional ones the
    case holds (a BA of factual verification, an STS), with their best check."""
    by_kind: dict[str, list[Document]] = {}
    for doc in documents:
        by_kind.setdefault(doc.kind, []).append(doc)
    gates: dict[str, list[DocRow]] = {}
    for kind in definition.documents:
        required = kind.required_for(case.applicant)
        if kind.per_payment or (not required and kind.code not in by_kind):
            continue
        gates.setdefault(kind.gate, []).append(_row(kind, by_kind.get(kind.code, [])))
    return gates


def _row(kind: DocumentKind, uploads: list[Document]) -> DocRow:
    if not uploads:
        return DocRow(kind.label, MISSING, "", False)
    best = max(uploads, key=lambda d: (_RANK[DocumentStatus(d.status)], d.id or 0))
    status = DocumentStatus(best.status)
    return DocRow(kind.label, RESULTS[status], best.note, status is DocumentStatus.VALID)
