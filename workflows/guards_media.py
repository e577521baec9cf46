"""Guards of a media publication's review: the category follows the Dewan Pers status, the
proposal stays under the category's ceiling, and someone has seen the newsroom.

Parameters (``WorkflowDefinition.parameters``, overridable by the settings):
``category_by_status`` maps a Dewan Pers status to a category (a status it does not map, or
maps to "", is not eligible); ``category_ceilings`` gives each category's ceiling (SSH).
"""

from __future__ import annotations

from collections.abc import Mapping

from workflows.guard_context import GuardContext, GuardEntry, document_reasons
from workflows.money import format_rupiah
from workflows.reasons import Reason

FACTUAL_REPORT = "ba_verifikasi_faktual"


def derived_category(ctx: GuardContext) -> str | None:
    """The category the applicant's Dewan Pers status gives, or None: not eligible."""
    status = str(ctx.facts.applicant.get("dewan_pers_status", ""))
    category = ctx.parameter("category_by_status").get(status, "")
    return str(category) or None


def has_eligible_category(ctx: GuardContext) -> list[Reason]:
    if derived_category(ctx) is not None:
        return []
    return [Reason("not_eligible_category",
                   "status Dewan Pers perusahaan ini tidak memenuhi syarat kategori media")]


def is_within_category_ceiling(ctx: GuardContext) -> list[Reason]:
    """The proposed contract value stays under the ceiling of the derived category."""
    category = derived_category(ctx)
    if category is None:
        return []
    ceiling = ctx.parameter("category_ceilings").get(category)
    if not isinstance(ceiling, int) or ctx.facts.amount <= ceiling:
        return []
    return [Reason("over_category_ceiling",
                   f"nilai usulan melebihi plafon kategori {category} ({format_rupiah(ceiling)})")]


def has_factual_verification(ctx: GuardContext) -> list[Reason]:
    """A site-visit note typed at review, or an MS Berita Acara of factual verification."""
    note = ctx.input.data.get("site_visit_note")
    if isinstance(note, str) and note.strip():
        return []
    kind = ctx.workflow.document(FACTUAL_REPORT)
    status = ctx.facts.documents.get(FACTUAL_REPORT)
    if kind is not None and not document_reasons(kind, status):
        return []
    return [Reason("missing_factual_verification",
                   "verifikasi faktual belum dicatat: isi catatan kunjungan lapangan atau "
                   "unggah BA verifikasi faktual yang memenuhi syarat")]


def is_contract_period_valid(ctx: GuardContext) -> list[Reason]:
    """The contract runs forward, within the fiscal year it is paid from (a single-year
    contract under the year's DPA)."""
    start, end = ctx.day("contract_start"), ctx.day("contract_end")
    if start is None or end is None:
        return []
    if start > end:
        return [Reason("invalid_period", "akhir masa kontrak sebelum awalnya")]
    year = ctx.facts.fiscal_year
    if year and not (start.year == end.year == year):
        return [Reason("invalid_period", f"masa kontrak harus dalam tahun anggaran {year}")]
    return []


MEDIA_GUARDS: Mapping[str, GuardEntry] = {
    "has_eligible_category": GuardEntry(has_eligible_category),
    "is_within_category_ceiling": GuardEntry(is_within_category_ceiling),
    "has_factual_verification": GuardEntry(has_factual_verification, needs_input=True),
    "is_contract_period_valid": GuardEntry(is_contract_period_valid, needs_input=True),
}
