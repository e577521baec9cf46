"""Documents Berkas issues (issue 15): who may issue which kind in which state, how the
issuer signs it, and how its number is built. Pure rules over the definition's
:class:`~workflows.definition.LetterKind` data; the service numbers, renders and stores.

Per the tata naskah dinas (Permendagri 1/2023) a document carries a number built from the
archive classification code of its kind and a sequence per kind and year, the place and
date, and a signature block: the signer's name, rank and NIP under the title of the
position they sign by, with "Plh."/"Plt." before it when they sign under a warrant.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import date

from workflows.acting import POSITION_TITLES
from workflows.definition import LetterKind, Role, WorkflowDefinition
from workflows.facts import Actor, FieldValue
from workflows.reasons import Reason

TATA_NASKAH = "Permendagri 1/2023 (tata naskah dinas)"

# How each role signs in its own right, highest position first: an issuer holding several
# of a kind's roles signs by the highest. The positions a warrant covers keep their titles
# (``workflows.acting.POSITION_TITLES``).
SIGNING_TITLES: Mapping[str, str] = {
    **POSITION_TITLES,
    Role.FINANCE: "Pejabat Penatausahaan Keuangan SKPD",
    Role.OFFICER: "Verifikator Bidang Pengelolaan Informasi dan Komunikasi Publik",
}
SIGNING_ORDER = (Role.KADIS, Role.KABID, Role.TREASURER, Role.FINANCE, Role.OFFICER)

# The placeholders a number pattern may use: the kind's classification code, the sequence
# and the year (``{code}/{seq}/Diskominfo/{year}``; ``{seq:03d}`` pads it).
NUMBER_FIELDS = frozenset({"code", "seq", "year"})


def refusals(kind: LetterKind, state: str, actor: Actor,
             state_labels: Mapping[str, str] | None = None) -> list[Reason]:
    """Why ``actor`` may not issue ``kind`` on a case in ``state`` now (empty: they may).
    A role they lack forbids (403); a state the kind is not issued in is a conflict (409)."""
    reasons = []
    if not actor.roles & kind.roles:
        roles = ", ".join(sorted(kind.roles))
        reasons.append(Reason("role_not_permitted",
                              f"{kind.label} diterbitkan oleh peran: {roles}",
                              forbids=True, basis=TATA_NASKAH))
    if state not in {s.value for s in kind.states}:
        labels = state_labels or {}
        allowed = ", ".join(labels.get(s.value, s.value) for s in kind.states)
        reasons.append(Reason("letter_not_in_state",
                              f"{kind.label} hanya dapat diterbitkan pada status: {allowed}",
                              basis=kind.legal_basis))
    return reasons


def issuable(definition: WorkflowDefinition, state: str, actor: Actor) -> tuple[LetterKind, ...]:
    """The kinds ``actor`` may issue on a case of ``definition`` in ``state``."""
    return tuple(k for k in definition.letters if not refusals(k, state, actor))


def may_revoke(kind: LetterKind | None, actor: Actor) -> bool:
    """Whoever may issue a kind may revoke one of it, and the administrator; a kind the
    workflow no longer declares only the administrator."""
    if Role.ADMIN in actor.own_roles:
        return True
    return kind is not None and bool(actor.roles & kind.roles)


def signer_title(kind: LetterKind, actor: Actor) -> str:
    """The title ``actor`` signs ``kind`` by: the capacity of the warrant they issue it
    under ("Plh. Kepala Dinas Komunikasi dan Informatika"), else their highest own role
    among the kind's."""
    warrant = actor.warrant_for(kind.roles)
    if warrant is not None:
        return warrant.capacity
    held = actor.own_roles & kind.roles
    role: str = next((r for r in SIGNING_ORDER if r in held), min(held, default=""))
    return SIGNING_TITLES.get(role, role)


def number_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot number documents (None when it can): it must hold ``{seq}``
    and ``{code}`` (each kind has a code and a sequence of its own: without both, two
    documents would share a number) and no other placeholder than those of
    :data:`NUMBER_FIELDS`."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError:
        return "pola nomor tidak dapat dibaca"
    unknown = sorted(names - NUMBER_FIELDS)
    if unknown:
        return ("pola nomor hanya boleh memuat {code}, {seq} dan {year}, bukan "
                + ", ".join(f"{{{name}}}" for name in unknown))
    missing = [f"{{{name}}}" for name in ("code", "seq") if name not in names]
    if missing:
        return f"pola nomor harus memuat {' dan '.join(missing)}"
    try:
        format_number(pattern, "000", 1, 2026)
    except (ValueError, IndexError, KeyError):
        return "pola nomor tidak dapat dibaca"
    return None


def format_number(pattern: str, code: str, seq: int, year: int) -> str:
    """``{code}/{seq}/Diskominfo/{year}`` → ``400.14.2.1/7/Diskominfo/2026``."""
    return pattern.format(code=code, seq=seq, year=year)


def period_reasons(kind: LetterKind, values: Mapping[str, FieldValue]) -> list[Reason]:
    """The end of a kind's period may not come before its start."""
    if kind.period is None:
        return []
    start, end = (values.get(name) for name in kind.period)
    if isinstance(start, date) and isinstance(end, date) and end < start:
        return [Reason("invalid_period", f"letter.{kind.period[1]}: akhir periode tidak "
                                         "boleh sebelum awal periode")]
    return []


def report_due(definition: WorkflowDefinition, fiscal_year: int) -> date | None:
    """When the recipient's report falls due, where the workflow fixes it by the calendar
    (a grant's LPJ by 10 January of the next year): what an NPHD binds them to."""
    for code in definition.report_owing_states():
        rule = definition.deadline(code)
        if rule is not None and rule.next_year_on is not None:
            month, day = rule.next_year_on
            return date(fiscal_year + 1, month, day)
    return None
