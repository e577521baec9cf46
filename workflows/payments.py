"""A payment as a transition's form gives it: the fields it fills, and the plain value the
service keeps as a payment row (``cases.models.Payment``).

SPM and SP2D per Permendagri 77/2020; for a media termin also the BAST (date and document),
the proof of publication, and the taxes withheld (PPh 23; PPN when the company is PKP).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from workflows.definition import FieldSpec, FieldType
from workflows.facts import FieldValue

CLOSING_REASON = "closing_reason"


def _spm_sp2d(required: bool) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("spm_number", "Nomor SPM", required=required, max_length=100),
        FieldSpec("spm_date", "Tanggal SPM", FieldType.DATE, required=required),
        FieldSpec("sp2d_number", "Nomor SP2D", required=required, max_length=100),
        FieldSpec("sp2d_date", "Tanggal SP2D", FieldType.DATE, required=required),
    )


def termin_fields(required: bool) -> tuple[FieldSpec, ...]:
    """The form of a media termin: SPM, SP2D, BAST, proof of publication and amounts."""
    return (
        *_spm_sp2d(required),
        FieldSpec("bast_document_id", "BAST / BA pemeriksaan termin ini", FieldType.DOCUMENT,
                  required, document_kind="bast"),
        FieldSpec("bast_date", "Tanggal BAST", FieldType.DATE, required=required),
        FieldSpec("publication_document_id", "Bukti tayang termin ini", FieldType.DOCUMENT,
                  required, document_kind="bukti_tayang"),
        FieldSpec("gross", "Nilai bruto termin", FieldType.MONEY, required=required),
        FieldSpec("pph23", "PPh Pasal 23 dipotong", FieldType.MONEY),
        FieldSpec("ppn", "PPN dipungut (hanya bila PKP)", FieldType.MONEY),
        FieldSpec("net", "Nilai bersih ditransfer", FieldType.MONEY, required=required),
    )


def disbursement_fields() -> tuple[FieldSpec, ...]:
    """The form of a grant's disbursement: SPM, SP2D and the amount transferred (LS)."""
    return (*_spm_sp2d(True),
            FieldSpec("gross", "Jumlah dicairkan", FieldType.MONEY, required=True))


PAYMENT_FIELD_NAMES = frozenset(f.name for f in termin_fields(True))


@dataclass(frozen=True, slots=True)
class PaymentInput:
    """One payment as recorded: what the treasurer typed, with ``net`` defaulting to gross
    (a grant has no tax withheld)."""

    spm_number: str | None
    spm_date: date | None
    sp2d_number: str
    sp2d_date: date
    gross: int
    pph23: int
    ppn: int
    net: int
    bast_document_id: int | None
    bast_date: date | None
    publication_document_id: int | None


def payment_of(data: Mapping[str, FieldValue | None]) -> PaymentInput | None:
    """The payment a transition's typed ``data`` records, or None (a final payment with a
    closing reason records none)."""
    gross, number, day = data.get("gross"), data.get("sp2d_number"), data.get("sp2d_date")
    if not isinstance(gross, int) or not isinstance(number, str) or not isinstance(day, date):
        return None

    def text(name: str) -> str | None:
        value = data.get(name)
        return value if isinstance(value, str) else None

    def day_of(name: str) -> date | None:
        value = data.get(name)
        return value if isinstance(value, date) else None

    def number_of(name: str) -> int | None:
        value = data.get(name)
        return value if isinstance(value, int) else None

    net = number_of("net")
    return PaymentInput(
        spm_number=text("spm_number"), spm_date=day_of("spm_date"), sp2d_number=number,
        sp2d_date=day, gross=gross, pph23=number_of("pph23") or 0, ppn=number_of("ppn") or 0,
        net=gross if net is None else net,
        bast_document_id=number_of("bast_document_id"), bast_date=day_of("bast_date"),
        publication_document_id=number_of("publication_document_id"),
    )
