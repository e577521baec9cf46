"""Warnings: what the people deciding on a case should know, though nothing is refused.

A definition names its warnings (``WorkflowDefinition.warnings``) as it names its guards; each
is a pure function over the facts the service found in the applicant's other cases.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from workflows.definition import WorkflowDefinition
from workflows.reasons import Reason


@dataclass(frozen=True, slots=True)
class History:
    """The applicant's other cases of the same workflow, as far as warnings need them.

    ``previous_year_reference``: a case of the year before the case's own ``fiscal_year``
    that holds budget (None when there is none, or when no warning asked for it).
    """

    fiscal_year: int
    previous_year_reference: str | None = None


WarningRule = Callable[[History], list[Reason]]


def previous_year_grant(history: History) -> list[Reason]:
    """A grant is not mandatory, not binding and not continuous every year (PP 12/2019,
    Permendagri 77/2020), so a grant to the same party last year is pointed out."""
    if history.previous_year_reference is None:
        return []
    year, reference = history.fiscal_year - 1, history.previous_year_reference
    return [Reason("previous_year_grant",
                   f"penerima (NPWP yang sama) juga mendapat hibah tahun {year} ({reference})",
                   basis="PP 12/2019 Pasal 47; Permendagri 77/2020 (hibah tidak terus-menerus)")]


WARNINGS: Mapping[str, WarningRule] = {
    "previous_year_grant": previous_year_grant,
}


def warnings_for(definition: WorkflowDefinition, history: History) -> list[Reason]:
    """Every warning ``definition`` names, as it applies to ``history``."""
    return [reason for name in definition.warnings for reason in WARNINGS[name](history)]
