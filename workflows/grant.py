"""Regional-budget grant ("Hibah"), e.g. to PWI Kabupaten Balangan.

Legal basis: Permendagri 32/2011 as amended (14/2016, 13/2018, 123/2018, 99/2019),
Permendagri 77/2020 and the regent's regulation. Money moves only after the NPHD is signed.
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
PMDN_32 = "Permendagri 32/2011 jo. 99/2019"
PMDN_77 = "Permendagri 77/2020"


def _doc(code: str, label: str, gate: str, basis: str = PMDN_32) -> DocumentKind:
    return DocumentKind(code, label, gate, basis)


DOCUMENTS = (
    _doc("proposal", "Proposal hibah dan surat permohonan", "review"),
    _doc("rab", "Rencana anggaran biaya (RAB)", "review"),
    _doc("akta_kemenkumham", "Akta dan SK badan hukum Kemenkumham", "review"),
    _doc("sk_kepengurusan", "SK kepengurusan yang berlaku", "review"),
    _doc("npwp", "NPWP organisasi", "review"),
    _doc("ktp_pengurus", "KTP ketua, sekretaris, bendahara", "review"),
    _doc("surat_domisili", "Surat keterangan domisili", "review"),
    _doc("rekening", "Rekening bank atas nama organisasi", "review"),
    _doc("pernyataan_tanggung_jawab", "Surat pernyataan tanggung jawab", "review"),
    _doc("nphd", "Naskah Perjanjian Hibah Daerah (NPHD) bertanda tangan", "pay"),
    _doc("kuitansi", "Kuitansi bermeterai", "pay", PMDN_77),
    _doc("lpj", "Laporan penggunaan hibah (LPJ)", "report"),
    _doc("pernyataan_penggunaan", "Pernyataan dana digunakan sesuai NPHD", "report"),
    DocumentKind("sts", "Surat tanda setoran (STS) sisa dana", "report", PMDN_77, conditional=True),
)

GRANT = WorkflowDefinition(
    name="grant",
    label="Hibah",
    reference_prefix="HB",
    initial=S.SUBMITTED,
    # Cells: the main line in the middle row, returns and withdrawals above, rejection
    # below, so that no arrow of the diagram crosses a box.
    states=(
        StateSpec(S.SUBMITTED, "Diajukan", action=CHECK_OR_RETURN, cell=(0, 1)),
        StateSpec(S.RETURNED, "Dikembalikan", action=FOLLOW_UP_REVISION, cell=(1, 0)),
        StateSpec(S.REVIEWED, "Dievaluasi", action=APPROVE_OR_REJECT, signoff=True,
                  cell=(1, 1)),
        StateSpec(S.APPROVED, "Disetujui Kadis", action=RECORD_PAYMENT, commits_budget=True,
                  cell=(2, 1)),
        StateSpec(S.REJECTED, "Ditolak", terminal=True, cell=(2, 2)),
        # Awaiting the LPJ: an overdue one blocks the recipient's next grant.
        StateSpec(S.PAID, "Dicairkan", action=RECORD_REPORT, commits_budget=True,
                  owes_report=True, cell=(3, 1)),
        StateSpec(S.REPORTED, "LPJ diterima", terminal=True, commits_budget=True, cell=(4, 1)),
        StateSpec(S.WITHDRAWN, "Dibatalkan", terminal=True, cell=(2, 0)),
    ),
    transitions=(
        TransitionSpec(
            trigger="review",
            label="Evaluasi",
            sources=(S.SUBMITTED,),
            dest=S.REVIEWED,
            roles=OFFICERS,
            guards=(
                "is_not_registrant",
                "has_gate_documents",
                "has_required_fields",
                "is_recommendation_within_request",
            ),
            fields=(
                FieldSpec("recommended_amount", "Nilai rekomendasi", FieldType.MONEY, True,
                          column=True),
            ),
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
                "is_within_budget",
                "has_no_overdue_report",
            ),
            fields=(APPROVED_AMOUNT,),
            effects=("record_approver",),
            locks_budget=True,
        ),
        REJECT,
        TransitionSpec(
            trigger="pay",
            label="Catat pencairan",
            sources=(S.APPROVED,),
            dest=S.PAID,
            roles=TREASURER,
            # The approver never records the payment (four eyes, docs/domain.md).
            guards=("is_not_approver", *PAY_GUARDS),
            fields=(
                *PAYMENT_FIELDS,
                FieldSpec("nphd_number", "Nomor NPHD", max_length=100, column=True),
                FieldSpec("nphd_date", "Tanggal NPHD", FieldType.DATE, column=True),
            ),
            gate_label="pembayaran",
        ),
        TransitionSpec(
            trigger="report",
            label="Terima LPJ",
            sources=(S.PAID,),
            dest=S.REPORTED,
            roles=OFFICERS,
            guards=(
                "has_gate_documents",
                "has_required_fields",
                "is_spending_within_payment",
                "has_refund_slip_when_underspent",
            ),
            fields=(FieldSpec("spent_amount", "Dana yang digunakan", FieldType.MONEY, True,
                              column=True),),
            effects=("compute_refund",),
            gate_label="laporan",
        ),
        WITHDRAW,
    ),
    documents=DOCUMENTS,
    applicant_fields=(
        FieldSpec("organisation", "Organisasi penerima", required=True, max_length=200),
        FieldSpec("chair", "Ketua", required=True, max_length=200),
        FieldSpec("address", "Alamat sekretariat", max_length=300),
    ),
    data_fields=(FieldSpec("purpose", "Peruntukan hibah", max_length=2000),),
    deadlines=(
        DeadlineRule(S.SUBMITTED, Role.OFFICER, working_days=5),
        DeadlineRule(S.RETURNED, Role.OFFICER, working_days=10),
        DeadlineRule(S.REVIEWED, Role.KADIS, working_days=3),
        DeadlineRule(S.APPROVED, Role.TREASURER, working_days=10),
        DeadlineRule(S.PAID, Role.OFFICER, next_year_on=(1, 10)),
    ),
    applicant_name_field="organisation",
    amount_label="Nilai yang diajukan (RAB)",
    warnings=("previous_year_grant",),
)
