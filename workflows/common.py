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
RECORD_PAYMENT = "catat pembayaran (SP2D)"
RECORD_REPORT = "catat laporan (bukti tayang / LPJ)"

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
    guards=("has_comment",),
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

PAYMENT_FIELDS = (
    FieldSpec("sp2d_number", "Nomor SP2D", required=True, max_length=100, column=True),
    FieldSpec("paid_at", "Tanggal pembayaran", FieldType.DATE, required=True, column=True),
    FieldSpec("paid_amount", "Jumlah dibayar", FieldType.MONEY, required=True, column=True),
)

PAY_GUARDS = ("has_gate_documents", "has_required_fields", "is_payment_within_approval")
