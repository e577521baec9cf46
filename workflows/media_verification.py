"""Media verification ("Verifikasi Media"): a press company applies for a publication contract.

Legal basis: UU 40/1999 Art. 9(2); Peraturan Dewan Pers 03/2019 and 01/2023; Permendagri
22/2020; rates and requirements by the regent's regulation (Perbup).
"""

from __future__ import annotations

from workflows.common import (
    APPROVE_OR_REJECT,
    APPROVED_AMOUNT,
    CHECK_OR_RETURN,
    FOLLOW_UP_REVISION,
    KADIS,
    OFFICERS,
    PAY_GUARDS,
    PAYMENT_FIELDS,
    RECORD_PAYMENT,
    RECORD_REPORT,
    REJECT,
    RESUBMIT,
    RETURN_FOR_REVISION,
    TREASURER,
    WITHDRAW,
)
from workflows.definition import (
    CaseState,
    DeadlineRule,
    DocumentKind,
    FieldSpec,
    FieldType,
    Role,
    StateSpec,
    TransitionSpec,
    WorkflowDefinition,
)

S = CaseState
DP_03_2019 = "Peraturan Dewan Pers 03/2019 (standar perusahaan pers)"
DP_01_2023 = "Peraturan Dewan Pers 01/2023 (pendataan perusahaan pers)"

DOCUMENTS = (
    DocumentKind("surat_permohonan", "Surat permohonan kerja sama", "review", "Perbup"),
    DocumentKind(
        "akta_pendirian",
        "Akta pendirian (bidang pers, KBLI) dan SK Kemenkumham",
        "review",
        "UU 40/1999 Pasal 9 ayat (2)",
    ),
    DocumentKind("nib", "Nomor Induk Berusaha (OSS)", "review", DP_03_2019),
    DocumentKind("npwp", "NPWP perusahaan", "review", DP_03_2019),
    DocumentKind("dewan_pers", "Bukti pendataan / verifikasi Dewan Pers", "review", DP_01_2023),
    DocumentKind("ukw_pemred", "Sertifikat UKW Utama pemimpin redaksi", "review", DP_03_2019),
    DocumentKind("box_redaksi", "Boks redaksi / susunan redaksi", "review", DP_03_2019),
    DocumentKind("kontrak", "Perjanjian kerja sama / SPK bertanda tangan", "pay",
                 "Permendagri 22/2020"),
    DocumentKind("rekening", "Rekening bank atas nama perusahaan", "pay", "Perbup"),
    DocumentKind("bukti_tayang", "Bukti tayang (tautan, kliping, log siaran)", "report", "Perbup"),
)

# Tiers follow the Dewan Pers status (A: factual, B: administrative, C: in process).
TIER_LABELS = {
    "A": "A (terverifikasi faktual)", "B": "B (terverifikasi administrasi)",
    "C": "C (dalam proses)",
}

MEDIA_VERIFICATION = WorkflowDefinition(
    name="media_verification",
    label="Verifikasi Media",
    reference_prefix="MV",
    initial=S.SUBMITTED,
    # Cells: the main line in the middle row, returns and withdrawals above, rejection
    # below, so that no arrow of the diagram crosses a box.
    states=(
        StateSpec(S.SUBMITTED, "Diajukan", action=CHECK_OR_RETURN, cell=(0, 1)),
        StateSpec(S.RETURNED, "Dikembalikan", action=FOLLOW_UP_REVISION, cell=(1, 0)),
        StateSpec(S.REVIEWED, "Terverifikasi", action=APPROVE_OR_REJECT, signoff=True,
                  cell=(1, 1)),
        StateSpec(S.APPROVED, "Disetujui Kadis", action=RECORD_PAYMENT, commits_budget=True,
                  cell=(2, 1)),
        StateSpec(S.REJECTED, "Ditolak", terminal=True, cell=(2, 2)),
        StateSpec(S.PAID, "Dibayar", action=RECORD_REPORT, commits_budget=True,
                  owes_report=True, cell=(3, 1)),
        StateSpec(S.REPORTED, "Dilaporkan", terminal=True, commits_budget=True, cell=(4, 1)),
        StateSpec(S.WITHDRAWN, "Dibatalkan", terminal=True, cell=(2, 0)),
    ),
    transitions=(
        TransitionSpec(
            trigger="review",
            label="Verifikasi",
            sources=(S.SUBMITTED,),
            dest=S.REVIEWED,
            roles=OFFICERS,
            guards=("is_not_registrant", "has_gate_documents", "has_required_fields"),
            fields=(FieldSpec("tier", "Tingkat media", FieldType.CHOICE, True, ("A", "B", "C"),
                              choice_labels=TIER_LABELS, column=True),),
            effects=("record_reviewer",),
            documents_must_be_valid=True,
            gate_label="verifikasi",
        ),
        RETURN_FOR_REVISION,
        RESUBMIT,
        TransitionSpec(
            trigger="approve",
            label="Setujui",
            sources=(S.REVIEWED,),
            dest=S.APPROVED,
            roles=KADIS,
            guards=(
                "is_not_reviewer",
                "is_approval_within_recommendation",
                "is_within_tier_ceiling",
                "is_within_budget",
            ),
            fields=(APPROVED_AMOUNT,),
            effects=("record_approver",),
            locks_budget=True,
        ),
        REJECT,
        TransitionSpec(
            trigger="pay",
            label="Catat pembayaran",
            sources=(S.APPROVED,),
            dest=S.PAID,
            roles=TREASURER,
            # The approver never records the payment (four eyes, docs/domain.md).
            guards=("is_not_approver", *PAY_GUARDS),
            fields=PAYMENT_FIELDS,
            gate_label="pembayaran",
        ),
        TransitionSpec(
            trigger="report",
            label="Catat bukti tayang",
            sources=(S.PAID,),
            dest=S.REPORTED,
            roles=OFFICERS,
            guards=("has_gate_documents",),
            gate_label="laporan",
        ),
        WITHDRAW,
    ),
    documents=DOCUMENTS,
    applicant_fields=(
        FieldSpec("company_name", "Nama perusahaan pers", required=True, max_length=200),
        FieldSpec("media_name", "Nama media", required=True, max_length=200),
        FieldSpec("media_type", "Jenis media", FieldType.CHOICE, True,
                  ("print", "online", "radio", "tv"), choice_labels={
                      "print": "Cetak", "online": "Daring (online)", "radio": "Radio",
                      "tv": "Televisi"}),
        FieldSpec("address", "Alamat", max_length=300),
        FieldSpec("editor_in_chief", "Pemimpin redaksi", required=True, max_length=200),
        FieldSpec("dewan_pers_status", "Status Dewan Pers", FieldType.CHOICE, True,
                  ("factual", "administrative", "in_process", "none"), choice_labels={
                      "factual": "Terverifikasi faktual",
                      "administrative": "Terverifikasi administrasi",
                      "in_process": "Dalam proses pendataan", "none": "Belum terdata"}),
    ),
    data_fields=(
        FieldSpec("contract_start", "Awal masa kontrak", FieldType.DATE),
        FieldSpec("contract_end", "Akhir masa kontrak", FieldType.DATE),
        FieldSpec("site_visit_note", "Catatan verifikasi faktual", max_length=2000),
    ),
    deadlines=(
        DeadlineRule(S.SUBMITTED, Role.OFFICER, working_days=5),
        DeadlineRule(S.RETURNED, Role.OFFICER, working_days=10),
        DeadlineRule(S.REVIEWED, Role.KADIS, working_days=3),
        DeadlineRule(S.APPROVED, Role.TREASURER, working_days=10),
        DeadlineRule(S.PAID, Role.OFFICER, calendar_days=30),
    ),
    applicant_name_field="media_name",
    amount_label="Nilai kontrak yang diusulkan",
    # Ceilings per tier (A: factual, B: administrative, C: in process), set by the Perbup.
    parameters={"tier_ceilings": {"A": 60_000_000, "B": 36_000_000, "C": 18_000_000}},
)
