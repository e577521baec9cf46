"""Checks a new case must pass before it is registered, named by a definition's
``registration_checks`` like guards: pure functions over what the registration form gives."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from workflows.money import format_rupiah
from workflows.reasons import Reason


@dataclass(frozen=True, slots=True)
class Registration:
    """A case as registered: the amount requested, its applicant and data fields."""

    amount: int
    applicant: Mapping[str, object]
    data: Mapping[str, object]


RegistrationCheck = Callable[[Registration], list[Reason]]


def is_request_within_decision(new: Registration) -> list[Reason]:
    """A grant disburses what a Keputusan Bupati fixed: no more may be requested."""
    decided = new.data.get("keputusan_amount")
    if not isinstance(decided, int) or new.amount <= decided:
        return []
    return [Reason("over_decision",
                   f"case.amount: nilai yang diajukan melebihi nilai Keputusan Bupati "
                   f"({format_rupiah(decided)})",
                   basis="Keputusan Bupati penetapan penerima hibah; PP 12/2019 Pasal 47")]


REGISTRATION_CHECKS: Mapping[str, RegistrationCheck] = {
    "is_request_within_decision": is_request_within_decision,
}


def registration_problems(checks: tuple[str, ...], new: Registration) -> list[Reason]:
    """Every reason the checks named by ``checks`` refuse ``new``."""
    return [reason for name in checks for reason in REGISTRATION_CHECKS[name](new)]
