"""Guards of a payment (docs/domain.md): a media termin paid only against its own BAST and
proof of publication, both MS and never used by an earlier termin (UU 1/2004 Art. 21(1)); the
SP2D dated on or after the BAST and the SPM; gross less PPh 23 and PPN is net; PPN only from
a PKP; the sum of gross within the contract value.

The payment's fields are named as in :mod:`workflows.payments`.
"""

from __future__ import annotations

from collections.abc import Mapping

from workflows.definition import FieldType
from workflows.facts import DocumentStatus
from workflows.guard_context import GuardContext, GuardEntry
from workflows.money import format_rupiah
from workflows.payments import CLOSING_REASON, PAYMENT_FIELD_NAMES
from workflows.reasons import Reason


def has_payment_documents(ctx: GuardContext) -> list[Reason]:
    """Every document a payment names is the case's own, of the right kind, MS, and paid
    by no earlier payment."""
    reasons: list[Reason] = []
    for spec in ctx.transition.fields:
        doc_id = ctx.input.data.get(spec.name)
        if spec.type is not FieldType.DOCUMENT or not isinstance(doc_id, int):
            continue
        kind = ctx.workflow.document(spec.document_kind)
        label = kind.label if kind else spec.label
        upload = ctx.facts.uploads.get(doc_id)
        if upload is None or upload.kind != spec.document_kind:
            reasons.append(Reason("missing_document",
                                  f"{label}: dokumen {doc_id} tidak ada pada berkas ini"))
        elif upload.status is not DocumentStatus.VALID:
            reasons.append(Reason("invalid_document" if upload.status is DocumentStatus.INVALID
                                  else "unchecked_document",
                                  f"{label} (dokumen {doc_id}) belum memenuhi syarat (MS)"))
        elif doc_id in ctx.facts.paid_documents:
            reasons.append(Reason("document_already_paid",
                                  f"{label} (dokumen {doc_id}) sudah dipakai termin sebelumnya"))
        elif doc_id in ctx.facts.paid_elsewhere:
            reasons.append(Reason("document_already_paid",
                                  f"{label} (dokumen {doc_id}): berkas yang sama persis sudah "
                                  "dipakai untuk pembayaran lain"))
        elif kind is not None and kind.valued:
            reasons += _within_stated_value(ctx, label, doc_id, upload.value)
    return reasons


def _within_stated_value(ctx: GuardContext, label: str, doc_id: int,
                         value: int | None) -> list[Reason]:
    """A termin pays at most what its BAST accepted, as recorded when it was checked."""
    gross = ctx.money("gross")
    if value is None:
        return [Reason("missing_document_value",
                       f"{label} (dokumen {doc_id}): nilai pekerjaan yang diterima belum "
                       "dicatat saat pemeriksaan")]
    if gross is None or gross <= value:
        return []
    return [Reason("over_accepted_value",
                   f"bruto melebihi nilai yang diterima dalam {label} ({format_rupiah(value)})")]


def _not_before(ctx: GuardContext, later: str, earlier: str, code: str,
                message: str) -> list[Reason]:
    after, before = ctx.day(later), ctx.day(earlier)
    if after is None or before is None or after >= before:
        return []
    return [Reason(code, message)]


def is_spm_after_bast(ctx: GuardContext) -> list[Reason]:
    """The SPP-LS goes with the BAST: the SPM is not dated before it."""
    return _not_before(ctx, "spm_date", "bast_date", "spm_before_bast",
                       "tanggal SPM sebelum tanggal BAST")


def is_bast_within_contract(ctx: GuardContext) -> list[Reason]:
    """Work is accepted under the contract: the BAST is not dated before the SPK or the
    contract's start."""
    bast = ctx.day("bast_date")
    starts = [d for d in (ctx.facts.data_date("spk_date"),
                          ctx.facts.data_date("contract_start")) if d is not None]
    if bast is None or not starts or bast >= max(starts):
        return []
    return [Reason("bast_before_contract", "tanggal BAST sebelum SPK atau awal masa kontrak")]


def is_sp2d_after_bast(ctx: GuardContext) -> list[Reason]:
    return _not_before(ctx, "sp2d_date", "bast_date", "sp2d_before_bast",
                       "tanggal SP2D sebelum tanggal BAST: jasa belum diterima")


def is_sp2d_after_spm(ctx: GuardContext) -> list[Reason]:
    return _not_before(ctx, "sp2d_date", "spm_date", "sp2d_before_spm",
                       "tanggal SP2D sebelum tanggal SPM")


def is_net_consistent(ctx: GuardContext) -> list[Reason]:
    """Net is gross less the taxes withheld (PPh 23, PPN), and something is paid."""
    gross, net = ctx.money("gross"), ctx.money("net")
    if gross is None or net is None:
        return []
    if gross < 1 or net < 1:
        return [Reason("nothing_to_pay", "nilai bruto dan neto termin harus lebih dari nol")]
    expected = gross - (ctx.money("pph23") or 0) - (ctx.money("ppn") or 0)
    if net == expected:
        return []
    return [Reason("net_mismatch", "nilai bersih harus bruto dikurangi PPh 23 dan PPN "
                   f"({format_rupiah(expected)})")]


def is_ppn_only_from_pkp(ctx: GuardContext) -> list[Reason]:
    if not ctx.money("ppn") or ctx.facts.party_is_pkp:
        return []
    return [Reason("ppn_not_pkp", "PPN dipungut padahal perusahaan bukan PKP")]


def is_ppn_collected_from_pkp(ctx: GuardContext) -> list[Reason]:
    """A government treasurer collects the PPN of a PKP's invoice above the threshold."""
    gross = ctx.money("gross")
    threshold = ctx.parameter("ppn").get("collection_threshold", PPN_THRESHOLD)
    if (not ctx.facts.party_is_pkp or gross is None or not isinstance(threshold, int)
            or gross <= threshold or ctx.money("ppn")):
        return []
    return [Reason("ppn_missing",
                   f"perusahaan PKP: PPN wajib dipungut untuk pembayaran di atas "
                   f"{format_rupiah(threshold)}")]


PPN_THRESHOLD = 2_000_000


def is_within_contract_value(ctx: GuardContext) -> list[Reason]:
    """The gross of every termin together stays within the contract (SPK) value."""
    gross = ctx.money("gross")
    contract = ctx.facts.approved_amount or 0
    paid = ctx.facts.paid_amount or 0
    if gross is None or paid + gross <= contract:
        return []
    return [Reason("over_contract",
                   f"jumlah termin melebihi nilai kontrak ({format_rupiah(contract)}; "
                   f"sudah dibayar {format_rupiah(paid)})")]


def has_payment_or_closing_reason(ctx: GuardContext) -> list[Reason]:
    """The final payment is either a last termin, with every payment field, or "nothing more
    to pay" with the reason, after at least one termin."""
    given = [name for name in PAYMENT_FIELD_NAMES if name in ctx.input.data]
    closing = str(ctx.input.data.get(CLOSING_REASON, "")).strip()
    if closing and given:
        return [Reason("payment_and_closing",
                       "isi pembayaran termin terakhir atau alasan tidak ada lagi yang dibayar, "
                       "bukan keduanya")]
    if closing:
        return [] if ctx.facts.payments else [
            Reason("nothing_paid", "belum ada termin yang dibayar")]
    return [Reason("missing_field", f"{spec.name}: {spec.label} wajib diisi")
            for spec in ctx.transition.fields
            if spec.name in PAYMENT_FIELD_NAMES and spec.name not in ctx.input.data
            and spec.name not in OPTIONAL_AMOUNTS]


OPTIONAL_AMOUNTS = frozenset({"pph23", "ppn"})

PAYMENT_GUARDS: Mapping[str, GuardEntry] = {
    "has_payment_documents": GuardEntry(has_payment_documents, needs_input=True),
    "is_sp2d_after_bast": GuardEntry(is_sp2d_after_bast, needs_input=True),
    "is_spm_after_bast": GuardEntry(is_spm_after_bast, needs_input=True),
    "is_bast_within_contract": GuardEntry(is_bast_within_contract, needs_input=True),
    "is_ppn_collected_from_pkp": GuardEntry(is_ppn_collected_from_pkp, needs_input=True),
    "is_sp2d_after_spm": GuardEntry(is_sp2d_after_spm, needs_input=True),
    "is_net_consistent": GuardEntry(is_net_consistent, needs_input=True),
    "is_ppn_only_from_pkp": GuardEntry(is_ppn_only_from_pkp, needs_input=True),
    "is_within_contract_value": GuardEntry(is_within_contract_value, needs_input=True),
    "has_payment_or_closing_reason": GuardEntry(has_payment_or_closing_reason, True),
}
