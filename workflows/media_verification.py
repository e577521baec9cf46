"""Media publication ("Kerja Sama Publikasi Media"): the regency buys publication services
from a press company (belanja jasa publikasi), paid per termin only after delivery.

Legal basis (docs/domain.md): UU 40/1999 Art. 9(2); Peraturan Dewan Pers 03/2019 and 01/2023;
UU 32/2002 Art. 33 (IPP); Perpres 16/2018 jo. 12/2021 (pengadaan langsung, SPK); UU 1/2004
Art. 21(1) (no payment before the service is received); Permendagri 77/2020 (SPP-LS, SPM,
SP2D); the Perbup on standard unit prices (SSH).
"""

from __future__ import annotations

from workflows.common import (
    APPROVE_OR_REJECT,
    CHECK_OR_RETURN,
    COMMON_BASES,
    FOLLOW_UP_REVISION,
    KADIS,
    OFFICERS,
    PMDN_77,
    RECORD_FINAL_REPORT,
    RECORD_TERMINS,
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
from workflows.payments import CLOSING_REASON, termin_fields

S = CaseState
UU_PERS = "UU 40/1999 Pasal 9 ayat (2)"
DP_03_2019 = "Peraturan Dewan Pers 03/2019 (standar perusahaan pers)"
DP_01_2023 = "Peraturan Dewan Pers 01/2023 (pendataan dan verifikasi perusahaan pers)"
UU_PENYIARAN = "UU 32/2002 Pasal 33 (izin penyelenggaraan penyiaran)"
PENGADAAN = "Perpres 16/2018 jo. Perpres 12/2021 (pengadaan langsung, SPK)"
UU_PERBEND = "UU 1/2004 Pasal 21 ayat (1) (tidak dibayar sebelum jasa diterima)"
SSH = "Perbup standar satuan harga (SSH)"

DOCUMENTS = (
    DocumentKind("surat_permohonan", "Surat permohonan kerja sama publikasi", "review",
                 PENGADAAN),
    DocumentKind("akta_pendirian", "Akta pendirian (bidang pers, KBLI) dan SK pengesahan (AHU)",
                 "review", UU_PERS),
    DocumentKind("nib", "Nomor Induk Berusaha (OSS)", "review", DP_03_2019),
    DocumentKind("npwp", "NPWP perusahaan", "review", DP_03_2019),
    DocumentKind("dewan_pers", "Bukti pendataan / verifikasi Dewan Pers (atau surat "
                 "pernyataan untuk kategori C)", "review", DP_01_2023),
    DocumentKind("ukw_pemred", "Sertifikat UKW Utama pemimpin redaksi", "review", DP_03_2019),
    DocumentKind("box_redaksi", "Boks redaksi / susunan redaksi", "review", DP_03_2019),
    DocumentKind("rekening", "Rekening bank atas nama perusahaan", "review", PMDN_77),
    DocumentKind("ipp", "Izin penyelenggaraan penyiaran (IPP)", "review", UU_PENYIARAN,
                 required_when=("media_type", ("radio", "tv"))),
    DocumentKind("ba_verifikasi_faktual", "Berita acara verifikasi faktual", "review",
                 DP_01_2023, conditional=True),
    DocumentKind("spk", "SPK / surat perjanjian bertanda tangan", "payment", PENGADAAN),
    DocumentKind("bast", "BAST / berita acara pemeriksaan pekerjaan (per termin)", "payment",
                 UU_PERBEND, per_payment=True, valued=True),
    DocumentKind("bukti_tayang", "Bukti tayang termin (tautan, kliping, log siaran)",
                 "payment", UU_PERBEND, per_payment=True),
    DocumentKind("laporan_akhir", "Laporan akhir: rekap publikasi dan evaluasi mitra", "report",
                 PENGADAAN),
)

# The documents Berkas issues on a media case (issue 15), each with its archive
# classification code, which its number carries: one code per kind, so that two kinds never
# share a number. The codes are PLACEHOLDERS until the regency's archivist confirms them
# (Permendagri 83/2022).
LETTERS = (
    LetterKind("ba_hasil_verifikasi", "Berita Acara Hasil Verifikasi Perusahaan Pers",
               "ba_hasil_verifikasi.html", "400.14.2.1", OFFICERS,
               (S.SUBMITTED, S.RETURNED, S.REVIEWED, S.APPROVED, S.PAID, S.REPORTED,
                S.REJECTED), DP_01_2023),
    LetterKind("pemberitahuan_hasil_verifikasi", "Surat Pemberitahuan Hasil Verifikasi",
               "pemberitahuan_hasil_verifikasi.html", "400.14.2.2", KADIS,
               (S.RETURNED, S.REVIEWED, S.APPROVED), DP_01_2023),
    LetterKind("ba_pemeriksaan", "Berita Acara Pemeriksaan dan Serah Terima Pekerjaan",
               "ba_pemeriksaan.html", "400.14.2.3", frozenset({Role.KABID, Role.KADIS}),
               (S.APPROVED,), UU_PERBEND, fields=(
                   FieldSpec("period_start", "Awal periode termin", FieldType.DATE,
                             required=True),
                   FieldSpec("period_end", "Akhir periode termin", FieldType.DATE,
                             required=True),
                   FieldSpec("publications", "Publikasi yang diperiksa (judul, tanggal "
                             "tayang, tautan)", required=True, max_length=4000),
                   FieldSpec("value", "Nilai pekerjaan yang diterima", FieldType.MONEY,
                             required=True),
               ), period=("period_start", "period_end")),
)

STATUS_LABELS = {
    "factual": "Terverifikasi faktual", "administrative": "Terverifikasi administrasi",
    "in_process": "Dalam proses pendataan", "none": "Belum terdata",
}

# Guards that pay a termin, and the final one (docs/domain.md, record_payment and pay).
TERMIN_GUARDS = (
    "is_not_approver",
    "has_gate_documents",
    "has_payment_documents",
    "is_bast_within_contract",
    "is_spm_after_bast",
    "is_sp2d_after_bast",
    "is_sp2d_after_spm",
    "is_net_consistent",
    "is_ppn_only_from_pkp",
    "is_ppn_collected_from_pkp",
    "is_within_contract_value",
)

MEDIA_VERIFICATION = WorkflowDefinition(
    name="media_verification",
    label="Kerja Sama Publikasi Media",
    reference_prefix="MV",
    initial=S.SUBMITTED,
    # Cells: the main line in the middle row, returns and withdrawals above, rejection
    # below, so that no arrow of the diagram crosses a box.
    states=(
        StateSpec(S.SUBMITTED, "Diajukan", action=CHECK_OR_RETURN, cell=(0, 1)),
        StateSpec(S.RETURNED, "Dikembalikan", action=FOLLOW_UP_REVISION, cell=(1, 0)),
        StateSpec(S.REVIEWED, "Terverifikasi", action=APPROVE_OR_REJECT, signoff=True,
                  cell=(1, 1)),
        StateSpec(S.APPROVED, "Disetujui Kadis", action=RECORD_TERMINS, commits_budget=True,
                  cell=(2, 1)),
        StateSpec(S.REJECTED, "Ditolak", terminal=True, cell=(2, 2)),
        StateSpec(S.PAID, "Dibayar", action=RECORD_FINAL_REPORT, commits_budget=True,
                  cell=(3, 1)),
        StateSpec(S.REPORTED, "Selesai", terminal=True, commits_budget=True, cell=(4, 1)),
        StateSpec(S.WITHDRAWN, "Dibatalkan", terminal=True, cell=(2, 0)),
    ),
    transitions=(
        TransitionSpec(
            trigger="review",
            label="Verifikasi",
            sources=(S.SUBMITTED,),
            dest=S.REVIEWED,
            roles=OFFICERS,
            guards=("is_not_registrant", "has_gate_documents", "has_factual_verification",
                    "has_eligible_category", "is_within_category_ceiling"),
            fields=(FieldSpec("site_visit_note", "Catatan kunjungan lapangan (verifikasi "
                              "faktual; kosongkan bila BA verifikasi faktual diunggah)",
                              max_length=2000),),
            effects=("record_reviewer", "derive_category"),
            gate_label="verifikasi",
        ),
        RETURN_FOR_REVISION,
        RESUBMIT,
        TransitionSpec(
            trigger="approve",
            label="Setujui dan catat SPK",
            sources=(S.REVIEWED,),
            dest=S.APPROVED,
            roles=KADIS,
            guards=("is_not_reviewer", "has_required_fields", "is_contract_period_valid",
                    "is_approval_within_recommendation", "is_within_budget"),
            fields=(
                FieldSpec("spk_number", "Nomor SPK", required=True, max_length=100),
                FieldSpec("spk_date", "Tanggal SPK", FieldType.DATE, required=True),
                FieldSpec("approved_amount", "Nilai SPK", FieldType.MONEY, required=True,
                          column=True),
                FieldSpec("contract_start", "Awal masa kontrak", FieldType.DATE, required=True),
                FieldSpec("contract_end", "Akhir masa kontrak", FieldType.DATE, required=True),
            ),
            effects=("record_approver",),
            locks_budget=True,
        ),
        REJECT,
        TransitionSpec(
            trigger="record_payment",
            label="Catat pembayaran termin",
            sources=(S.APPROVED,),
            dest=S.APPROVED,
            roles=TREASURER,
            guards=("has_required_fields", *TERMIN_GUARDS),
            fields=termin_fields(required=True),
            effects=("add_payment",),
            gate_label="pembayaran",
            document_gate="payment",
            records_payment=True,
        ),
        TransitionSpec(
            trigger="pay",
            label="Catat pembayaran termin terakhir",
            sources=(S.APPROVED,),
            dest=S.PAID,
            roles=TREASURER,
            guards=("has_payment_or_closing_reason", *TERMIN_GUARDS),
            fields=(*termin_fields(required=False),
                    FieldSpec(CLOSING_REASON, "Atau: alasan penutupan pembayaran (sisa "
                              "kontrak tidak dibayar)", max_length=2000)),
            effects=("add_payment",),
            gate_label="pembayaran",
            document_gate="payment",
            records_payment=True,
        ),
        TransitionSpec(
            trigger="report",
            label="Catat laporan akhir",
            sources=(S.PAID,),
            dest=S.REPORTED,
            roles=OFFICERS,
            guards=("has_gate_documents", "has_required_fields"),
            fields=(FieldSpec("evaluation", "Evaluasi mitra media", required=True,
                              max_length=2000),),
            gate_label="laporan akhir",
        ),
        WITHDRAW,
    ),
    documents=DOCUMENTS,
    applicant_fields=(
        FieldSpec("media_name", "Nama media", required=True, max_length=200),
        FieldSpec("media_type", "Jenis media", FieldType.CHOICE, True,
                  ("print", "online", "radio", "tv"), choice_labels={
                      "print": "Cetak", "online": "Daring (online)", "radio": "Radio",
                      "tv": "Televisi"}),
        FieldSpec("editor_in_chief", "Pemimpin redaksi", required=True, max_length=200),
        FieldSpec("dewan_pers_status", "Status Dewan Pers", FieldType.CHOICE, True,
                  tuple(STATUS_LABELS), choice_labels=STATUS_LABELS),
    ),
    data_fields=(),
    deadlines=(
        DeadlineRule(S.SUBMITTED, Role.OFFICER, working_days=5),
        DeadlineRule(S.RETURNED, Role.OFFICER, working_days=10),
        DeadlineRule(S.REVIEWED, Role.KADIS, working_days=3),
        DeadlineRule(S.APPROVED, Role.TREASURER, working_days=10, after_field="contract_end"),
        DeadlineRule(S.PAID, Role.OFFICER, working_days=10),
    ),
    applicant_name_field="media_name",
    amount_label="Nilai kontrak yang diusulkan",
    party_kind="company",
    parameters={
        # Dewan Pers status → category; "none" maps to no category (not eligible) unless the
        # deployment's settings give it one (the Perbup allows it).
        "category_by_status": {"factual": "A", "administrative": "B", "in_process": "C"},
        # PLACEHOLDERS until the Perbup's SSH is entered in the settings: ceiling per category.
        "category_ceilings": {"A": 60_000_000, "B": 36_000_000, "C": 18_000_000},
        # A PKP's invoice above this is one whose PPN the treasurer collects (PMK 59/2022).
        "ppn": {"collection_threshold": 2_000_000},
    },
    bases={
        **COMMON_BASES,
        "has_factual_verification": DP_01_2023,
        "has_eligible_category": DP_01_2023,
        "is_within_category_ceiling": SSH,
        "has_required_fields": PENGADAAN,
        "is_contract_period_valid": PENGADAAN,
        "is_approval_within_recommendation": PENGADAAN,
        "has_payment_documents": UU_PERBEND,
        "is_sp2d_after_bast": UU_PERBEND,
        "is_net_consistent": "UU 36/2008 Pasal 23 (PPh 23); UU 42/2009 jo. UU 7/2021 (PPN)",
        "is_ppn_only_from_pkp": "UU 42/2009 jo. UU 7/2021 (PPN)",
        "is_ppn_collected_from_pkp": "UU 42/2009 jo. UU 7/2021; PMK 59/2022 (instansi "
                                     "pemerintah sebagai pemungut PPN)",
        "is_bast_within_contract": UU_PERBEND,
        "is_spm_after_bast": f"{PMDN_77} (SPP-LS dilampiri BAST)",
        "is_within_contract_value": PENGADAAN,
        "has_payment_or_closing_reason": PMDN_77,
    },
    letters=LETTERS,
)
