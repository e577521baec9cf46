"""Parts both workflows share: the main line's returns, rejections and withdrawals, and the
words reminders use for what each state asks.

Both case types use the same trigger names so that the API and pages treat them alike.
"""

from __future__ import annotations

from workflows.definition import CaseState, FieldSpec, FieldType, Role, TransitionSpec

S = CaseState

# What whoever holds a state's deadline must do (``StateSpec.action``), as reminders and task
# notices say it (docs/domain.md, Deadlines). Both workflows word them alike.
CHECK_OR_RETURN = "verifikasi berkas, atau kembalikan untuk perbaikan"
FOLLOW_UP_REVISION = "tindak lanjuti perbaikan dari pemohon"
APPROVE_OR_REJECT = "setujui atau tolak"
RECORD_PAYMENT = "catat pembayaran (SPM, SP2D)"
RECORD_TERMINS = "catat pembayaran termin berikutnya atau terakhir (BAST, bukti tayang, SP2D)"
RECORD_FINAL_REPORT = "catat laporan akhir kerja sama"
RECORD_LPJ = "terima LPJ hibah"

# Legal bases every workflow cites (docs/domain.md).
SEPARATION_OF_DUTIES = "PP 60/2008 (SPIP, pemisahan fungsi); Permendagri 77/2020"
PMDN_77 = "Permendagri 77/2020"

OFFICERS = frozenset({Role.OFFICER, Role.KABID})
KADIS = frozenset({Role.KADIS})
TREASURER = frozenset({Role.TREASURER})

RETURN_FOR_REVISION = TransitionSpec(
    trigger="return_for_revision",
    label="Kembalikan untuk perbaikan",
    sources=(S.SUBMITTED,),
    dest=S.RETURNED,
    roles=OFFICERS,
    guards=("has_comment",),
    comment_required=True,
)

RESUBMIT = TransitionSpec(
    trigger="resubmit",
    label="Ajukan kembali",
    sources=(S.RETURNED,),
    dest=S.SUBMITTED,
    roles=OFFICERS,
    guards=("has_comment",),
    comment_required=True,
)

REJECT = TransitionSpec(
    trigger="reject",
    label="Tolak",
    sources=(S.REVIEWED,),
    dest=S.REJECTED,
    roles=KADIS,
    # Whoever reviewed a case does not decide on it either way (separation of duties).
    guards=("is_not_reviewer", "has_comment"),
    comment_required=True,
)

WITHDRAW = TransitionSpec(
    trigger="withdraw",
    label="Batalkan",
    sources=(S.SUBMITTED, S.RETURNED, S.REVIEWED),
    dest=S.WITHDRAWN,
    roles=frozenset({Role.OFFICER, Role.KABID, Role.KADIS}),
    guards=("has_comment",),
    comment_required=True,
)

APPROVED_AMOUNT = FieldSpec(
    "approved_amount", "Nilai yang disetujui (kosongkan: sesuai usulan)", FieldType.MONEY,
    column=True,
)

# The bases of the guards both workflows name alike.
COMMON_BASES = {
    "is_not_registrant": SEPARATION_OF_DUTIES,
    "is_not_reviewer": SEPARATION_OF_DUTIES,
    "is_not_approver": SEPARATION_OF_DUTIES,
    "is_within_budget": f"{PMDN_77} (DPA sebagai batas tertinggi belanja)",
    "is_sp2d_after_spm": f"{PMDN_77} (SPM, SP2D)",
}
