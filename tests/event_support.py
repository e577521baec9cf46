"""A third workflow that lives only in the test suite: "Dukungan kegiatan", the office's
support of a community event (a small grant for, say, a journalism workshop).

It proves issue 12's "A workflow is one module": everything the engine, the services, the
API, the diagrams and the reminders need is declared here, and no module outside the tests
names it. Its states are its own (not ``CaseState``); it has a guard that reads a document,
a deadline per open state, a choice field with labels, a budget it spends, and no diagram
cells (the diagram lays it out by itself).
"""

from __future__ import annotations

from enum import StrEnum

from workflows import (
    DeadlineRule,
    DocumentKind,
    FieldSpec,
    FieldType,
    Role,
    StateSpec,
    TransitionSpec,
    WorkflowDefinition,
)

NAME = "event_support"
OFFICERS = frozenset({Role.OFFICER, Role.KABID})
KADIS = frozenset({Role.KADIS})


class EventState(StrEnum):
    PROPOSED = "proposed"
    ENDORSED = "endorsed"
    FUNDED = "funded"
    DECLINED = "declined"
    CLOSED = "closed"


E = EventState
ACTIONS = {
    E.PROPOSED: "telaah proposal kegiatan",
    E.ENDORSED: "putuskan dukungan kegiatan",
    E.FUNDED: "terima laporan kegiatan",
}
SCALE_LABELS = {"village": "Tingkat desa", "district": "Tingkat kecamatan",
                "regency": "Tingkat kabupaten"}
KIND_LABELS = {"workshop": "Pelatihan jurnalistik", "festival": "Festival media"}

ENDORSE = TransitionSpec(
    trigger="endorse", label="Rekomendasikan", sources=(E.PROPOSED,), dest=E.ENDORSED,
    roles=OFFICERS,
    guards=("is_not_registrant", "has_gate_documents", "has_required_fields"),
    fields=(FieldSpec("scale", "Skala kegiatan", FieldType.CHOICE, True,
                      tuple(SCALE_LABELS), choice_labels=SCALE_LABELS),),
    effects=("record_reviewer",), gate_label="telaah",
)
FUND = TransitionSpec(
    trigger="fund", label="Danai", sources=(E.ENDORSED,), dest=E.FUNDED, roles=KADIS,
    guards=("is_not_reviewer", "is_within_budget"), effects=("record_approver",),
    locks_budget=True,
)
DECLINE = TransitionSpec(
    trigger="decline", label="Tolak dukungan", sources=(E.PROPOSED, E.ENDORSED),
    dest=E.DECLINED, roles=frozenset({*OFFICERS, Role.KADIS}), guards=("has_comment",),
    comment_required=True,
)
CLOSE = TransitionSpec(
    trigger="close", label="Terima laporan", sources=(E.FUNDED,), dest=E.CLOSED,
    roles=OFFICERS, guards=("has_gate_documents",), gate_label="laporan kegiatan",
)

EVENT_SUPPORT = WorkflowDefinition(
    name=NAME,
    label="Dukungan kegiatan",
    reference_prefix="DK",
    initial=E.PROPOSED,
    states=(
        StateSpec(E.PROPOSED, "Diusulkan", action=ACTIONS[E.PROPOSED]),
        StateSpec(E.ENDORSED, "Direkomendasikan", action=ACTIONS[E.ENDORSED]),
        StateSpec(E.FUNDED, "Didanai", action=ACTIONS[E.FUNDED], commits_budget=True),
        StateSpec(E.DECLINED, "Tidak didukung", terminal=True),
        StateSpec(E.CLOSED, "Selesai", terminal=True, commits_budget=True),
    ),
    transitions=(ENDORSE, FUND, DECLINE, CLOSE),
    documents=(
        DocumentKind("proposal_kegiatan", "Proposal kegiatan", "endorse"),
        DocumentKind("laporan_kegiatan", "Laporan dan dokumentasi kegiatan", "close"),
    ),
    applicant_fields=(
        FieldSpec("organiser", "Penyelenggara", required=True, max_length=200),
        FieldSpec("event_kind", "Jenis kegiatan", FieldType.CHOICE, True, tuple(KIND_LABELS),
                  choice_labels=KIND_LABELS),
    ),
    data_fields=(FieldSpec("venue", "Tempat kegiatan", max_length=200),),
    deadlines=(
        DeadlineRule(E.PROPOSED, Role.OFFICER, working_days=3),
        DeadlineRule(E.ENDORSED, Role.KADIS, working_days=2),
        DeadlineRule(E.FUNDED, Role.OFFICER, calendar_days=14),
    ),
    applicant_name_field="organiser",
    amount_label="Dukungan yang diminta",
)

APPLICANT = {"organiser": "Komunitas Jurnalis Paringin", "event_kind": "workshop"}
PROPOSAL, REPORT = "proposal_kegiatan", "laporan_kegiatan"
