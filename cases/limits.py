"""How long each stored text may be, and whether it may hold several lines: one table, read
by the API schemas, the page forms and the services, and sized to the columns of
:mod:`cases.models` (a test holds the table and the columns together).

A text longer than its column fails on PostgreSQL (a 500) and is silently kept on SQLite;
checked against this table first, it is a 422 naming the field on both (issue 11). The same
goes for numbers typed into a form or a URL: ids and versions are 32-bit columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

from cases.errors import BadInput
from workflows import Reason
from workflows.fields import control_problem, date_problem

MAX_INT32 = 2**31 - 1  # ids, versions, fiscal years: INTEGER columns


@dataclass(frozen=True, slots=True)
class TextLimit:
    """Where a text is stored (``table.column``), its length there, and whether it is a note
    of several lines rather than a one-line value (a name, a number, a title)."""

    column: str
    max_length: int
    multiline: bool = False


TEXTS: Mapping[str, TextLimit] = MappingProxyType({
    "workflow": TextLimit("cases.workflow", 64),
    "title": TextLimit("cases.title", 300),
    "applicant_name": TextLimit("cases.applicant_name", 200),
    "tier": TextLimit("cases.tier", 4),
    "sp2d_number": TextLimit("payments.sp2d_number", 100),
    "spm_number": TextLimit("payments.spm_number", 100),
    "nphd_number": TextLimit("cases.nphd_number", 100),
    "document_kind": TextLimit("documents.kind", 64),
    "document_note": TextLimit("documents.note", 2000, multiline=True),
    "comment": TextLimit("comments.body", 4000, multiline=True),
    # A transition's reason and a document check's note are kept in the audit trail too.
    "transition_comment": TextLimit("audit_entries.comment", 4000, multiline=True),
    "username": TextLimit("users.username", 64),
    "full_name": TextLimit("users.full_name", 200),
    "email": TextLimit("users.email", 254),
    "warrant_number": TextLimit("warrants.number", 100),
    "issuer_name": TextLimit("warrants.issuer_name", 200),
    "issuer_title": TextLimit("warrants.issuer_title", 200),
    "warrant_note": TextLimit("warrants.note", 2000, multiline=True),
    "revoke_reason": TextLimit("warrants.revoke_reason", 2000, multiline=True),
    "absence_note": TextLimit("absences.note", 500, multiline=True),
    "rank": TextLimit("users.rank", 100),
})


def text_problem(name: str, text: str) -> Reason | None:
    """Why ``text`` (already trimmed) may not be stored as the text ``name``, if it may not."""
    limit = TEXTS[name]
    if len(text) > limit.max_length:
        return Reason("too_long", f"paling banyak {limit.max_length} karakter")
    return control_problem(text, multiline=limit.multiline)


def checked_texts(texts: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """Each ``field: (name, text)`` trimmed, or :class:`BadInput` listing every problem with
    its ``field`` (``case.title: …``), so a form shows each next to its input."""
    reasons = []
    out: dict[str, str] = {}
    for field, (name, text) in texts.items():
        out[field] = text.strip()
        problem = text_problem(name, out[field])
        if problem is not None:
            reasons.append(Reason(problem.code, f"{field}: {problem.message}"))
    if reasons:
        raise BadInput("Isian terlalu panjang atau berisi karakter yang tidak sah",
                       "invalid_input", reasons)
    return out


def checked_text(field: str, name: str, text: str) -> str:
    """One text, trimmed, or :class:`BadInput` naming ``field`` (see :func:`checked_texts`)."""
    return checked_texts({field: (name, text)})[field]


def whole_number(text: str, low: int = 0, high: int = MAX_INT32) -> int | None:
    """Digits typed into a form or a URL as an int in ``low..high``; None if they are not.

    ASCII digits only: ``str.isdigit`` also says yes to ``²``, which ``int`` refuses (a 500
    before issue 11), and a number longer than any column would overflow the database."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(high)):
        return None
    number = int(text)
    return number if low <= number <= high else None


# --- the same rules as pydantic metadata, for the API's request bodies --------------------

def length(name: str, min_length: int = 0) -> StringConstraints:
    """Trimmed, and no longer than the column of the text ``name``."""
    return StringConstraints(strip_whitespace=True, min_length=min_length,
                             max_length=TEXTS[name].max_length)


def lines(name: str) -> AfterValidator:
    """No control character, and no line break unless the text ``name`` is a note."""
    multiline = TEXTS[name].multiline

    def check(text: str) -> str:
        problem = control_problem(text, multiline=multiline)
        if problem is not None:
            raise PydanticCustomError(problem.code, problem.message)
        return text

    return AfterValidator(check)


def plausible(moment: datetime) -> datetime:
    """A moment in the years Berkas serves: year 1 or 9999 overflows when moved to UTC."""
    problem = date_problem(moment.date())
    if problem is not None:
        raise PydanticCustomError(problem.code, problem.message)
    return moment
