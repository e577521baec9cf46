"""Regional-budget grant ("Hibah"): this year's disbursement of a grant the Bupati decided,
e.g. to PWI Kabupaten Balangan.

The decision is the Bupati's (a Keputusan Bupati fixes recipient and amount); the Kadis
approves the disbursement once the NPHD is signed, the treasurer pays, and the recipient's
LPJ closes it. Legal basis (docs/domain.md): UU 23/2014 Pasal 298; PP 12/2019 Pasal 47–48;
Permendagri 77/2020, which replaced the Permendagri on hibah of 2011 and its amendments; the
Perbup on hibah procedures.
"""

from __future__ import annotations

from workflows.common import (
    APPROVE_OR_REJECT,
    APPROVED_AMOUNT,
    CHECK_OR_RETURN,
    COMMON_BASES,
    FOLLOW_UP_REVISION,
    KADIS,
    OFFICERS,
    PMDN_77,
    RECORD_LPJ,
    RECORD_PAYMENT,
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
    LetterKind,
    Role,
    StateSpec,
    TransitionSpec,
    WorkflowDefinition,
)
from workflows.payments import disbursement_fields

S = CaseState
HIBAH = f"{PMDN_77}; Perbup tata cara hibah"
KEPUTUSAN = "Keputusan Bupati penetapan penerima hibah; PP 12/2019 Pasal 47"
NPHD = f"{PMDN_77} (hibah dicairkan setelah NPHD ditandatangani); Perbup tata cara hibah"


def _doc(code: str, label: str, gate: str, basis: str = HIBAH) -> DocumentKind:
    return DocumentKind(code, label, gate, basis)


# A grant approved before the NPHD was asked at approval (revision 1) records it when paid;
# ``has_nphd`` refuses these fields on a case whose NPHD is already recorded.
LEGACY_NPHD = (
    FieldSpec("nphd_number", "Nomor NPHD (hanya bila belum dicatat saat persetujuan)",
              max_length=100, column=True),
    FieldSpec("nphd_date", "Tanggal NPHD (hanya bila belum dicatat saat persetujuan)",
              FieldType.DATE, column=True),
)

DOCUMENTS = (
    _doc("surat_permohonan_pencairan", "Surat permohonan pencairan hibah", "review"),
    _doc("proposal", "Proposal hibah", "review"),
    _doc("rab", "Rencana anggaran biaya (RAB)", "review"),
    _doc("akta_kemenkumham", "Akta pendirian dan SK pengesahan badan hukum (AHU)", "review"),
    _doc("sk_kepengurusan", "SK kepengurusan yang berlaku", "review"),
    _doc("npwp", "NPWP organisasi", "review"),
    _doc("ktp_pengurus", "KTP ketua, sekretaris, bendahara", "review"),
    _doc("surat_domisili", "Surat keterangan domisili", "review"),
    _doc("rekening", "Rekening bank atas nama organisasi", "review"),
    _doc("pakta_integritas", "Pakta integritas", "review"),
    _doc("pernyataan_tanggung_jawab", "Surat pernyataan tanggung jawab mutlak", "review"),
    _doc("nphd", "Naskah Perjanjian Hibah Daerah (NPHD) ditandatangani kedua pihak",
         "approve", NPHD),
    _doc("kuitansi", "Kuitansi bermeterai", "pay", PMDN_77),
    _doc("lpj", "Laporan pertanggungjawaban penggunaan hibah (LPJ)", "report"),
    _doc("pernyataan_penggunaan", "Pernyataan dana digunakan sesuai NPHD", "report"),
    DocumentKind("sts", "Surat tanda setoran (STS) sisa dana ke Kas Daerah", "report",
                 f"{PMDN_77} (pengembalian sisa dana)", conditional=True),
)

# The documents Berkas issues on a grant case (issue 15): the NPHD's draft for the Kadis
# (who signs the NPHD when the Bupati delegates it) and the LPJ's verification. Their
# classification codes (one per kind) are PLACEHOLDERS until the regency's archivist
# confirms them (Permendagri 83/2022).
LETTERS = (
    LetterKind("draf_nphd", "Naskah Perjanjian Hibah Daerah (Draf)", "draf_nphd.html",
               "400.14.3.1", KADIS, (S.REVIEWED,), NPHD),
    LetterKind("ba_verifikasi_lpj", "Berita Acara Verifikasi Laporan Pertanggungjawaban "
               "Hibah", "ba_verifikasi_lpj.html", "400.14.3.2", OFFICERS, (S.REPORTED,),
               f"{PMDN_77} (laporan penggunaan hibah)"),
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
        StateSpec(S.PAID, "Dicairkan", action=RECORD_LPJ, commits_budget=True,
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
            gate_label="evaluasi",
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
                "has_gate_documents",
                "has_required_fields",
                "is_approval_within_recommendation",
                "is_approval_within_decision",
                "is_within_budget",
                "has_no_overdue_report",
            ),
            fields=(
                FieldSpec("nphd_number", "Nomor NPHD", required=True, max_length=100,
                          column=True),
                FieldSpec("nphd_date", "Tanggal NPHD", FieldType.DATE, required=True,
                          column=True),
                APPROVED_AMOUNT,
            ),
            effects=("record_approver",),
            locks_budget=True,
            gate_label="persetujuan",
        ),
        REJECT,
        TransitionSpec(
            trigger="pay",
            label="Catat pencairan",
            sources=(S.APPROVED,),
            dest=S.PAID,
            roles=TREASURER,
            # The approver never records the payment (separation of duties).
            guards=("is_not_approver", "has_gate_documents", "has_required_fields",
                    "has_nphd", "is_payment_within_approval", "is_sp2d_after_spm",
                    "is_sp2d_after_nphd"),
            fields=(*disbursement_fields(), *LEGACY_NPHD),
            effects=("add_payment",),
            gate_label="pencairan",
            records_payment=True,
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
            fields=(
                FieldSpec("spent_amount", "Dana yang digunakan", FieldType.MONEY, True,
                          column=True),
                FieldSpec("refund_amount", "Sisa dana yang disetor (bila ada)", FieldType.MONEY),
                FieldSpec("refund_date", "Tanggal setor ke Kas Daerah", FieldType.DATE,
                          column=True),
            ),
            effects=("compute_refund",),
            gate_label="LPJ",
        ),
        WITHDRAW,
    ),
    documents=DOCUMENTS,
    applicant_fields=(
        FieldSpec("chair", "Ketua", required=True, max_length=200),
    ),
    data_fields=(
        FieldSpec("keputusan_number", "Nomor Keputusan Bupati", required=True, max_length=100),
        FieldSpec("keputusan_date", "Tanggal Keputusan Bupati", FieldType.DATE, required=True),
        FieldSpec("keputusan_amount", "Nilai hibah dalam Keputusan Bupati", FieldType.MONEY,
                  required=True),
        FieldSpec("purpose", "Peruntukan hibah", max_length=2000),
    ),
    deadlines=(
        DeadlineRule(S.SUBMITTED, Role.OFFICER, working_days=5),
        DeadlineRule(S.RETURNED, Role.OFFICER, working_days=10),
        DeadlineRule(S.REVIEWED, Role.KADIS, working_days=3),
        DeadlineRule(S.APPROVED, Role.TREASURER, working_days=10),
        DeadlineRule(S.PAID, Role.OFFICER, next_year_on=(1, 10)),
    ),
    applicant_name_field="",  # the party's name
    amount_label="Nilai yang diajukan (RAB)",
    warnings=("previous_year_grant",),
    registration_checks=("is_request_within_decision",),
    party_kind="organisation",
    bases={
        **COMMON_BASES,
        "has_required_fields": HIBAH,
        "is_recommendation_within_request": HIBAH,
        "is_approval_within_recommendation": HIBAH,
        "is_approval_within_decision": KEPUTUSAN,
        "has_no_overdue_report": f"{HIBAH} (LPJ hibah sebelumnya)",
        "is_payment_within_approval": NPHD,
        "is_sp2d_after_nphd": NPHD,
        "has_nphd": NPHD,
        "is_spending_within_payment": HIBAH,
        "has_refund_slip_when_underspent": f"{PMDN_77} (pengembalian sisa dana ke Kas Daerah)",
    },
    letters=LETTERS,
)
