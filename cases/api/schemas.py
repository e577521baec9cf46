"""Request and response bodies of the JSON API (the model families of the template)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from cases.http.params import ReasonOut
from cases.limits import MAX_INT32, TEXTS, length, lines, plausible
from cases.services.deadlines import DeadlineView
from workflows import MAX_AMOUNT
from workflows.fields import FIRST_YEAR, LAST_YEAR

Amount = Annotated[int, Field(strict=True, ge=0, le=MAX_AMOUNT)]
FiscalYear = Annotated[int, Field(strict=True, ge=FIRST_YEAR, le=LAST_YEAR)]
# Texts: as long as their column and as many lines as the length table says (cases.limits).
Title = Annotated[str, length("title", 1), lines("title")]
TransitionComment = Annotated[str, length("transition_comment"), lines("transition_comment")]
DocumentNote = Annotated[str, length("document_note"), lines("document_note")]
CommentBody = Annotated[str, length("comment", 1), lines("comment")]
SubmittedAt = Annotated[AwareDatetime, AfterValidator(plausible)]


def refuse_nul(value: object) -> object:
    """Raise on a NUL character anywhere in ``value`` (strings, keys, nested lists and dicts)."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("teks tidak boleh berisi karakter NUL")
    if isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(key)
            refuse_nul(item)
    elif isinstance(value, list):
        for item in value:
            refuse_nul(item)
    return value


class Strict(BaseModel):
    """Every request body: no unknown keys, and no NUL character in any text."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: object) -> object:
        return refuse_nul(data)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int


class UserOut(BaseModel):
    id: int
    username: str
    full_name: str
    email: str
    roles: list[str]
    is_active: bool
    rank: str = ""  # pangkat/golongan, as a signature block prints it
    nip: str = ""


class ProfileIn(Strict):
    """What a signature block prints beside the name: rank and NIP (18 digits, or empty)."""

    rank: Annotated[str, length("rank"), lines("rank")] = ""
    nip: Annotated[str, StringConstraints(strip_whitespace=True, max_length=24)] = ""


class ActingOut(BaseModel):
    """A warrant in force that lends its holder a position today (Plh./Plt.)."""

    warrant_id: int
    number: str
    kind: str
    role: str
    capacity: str
    valid_until: date


class MeOut(UserOut):
    """The caller: ``roles`` are their own; ``acting`` the positions a warrant lends them."""

    acting: list[ActingOut] = []


class StateOut(BaseModel):
    code: str
    label: str
    terminal: bool


class FieldOut(BaseModel):
    name: str
    label: str
    type: str
    required: bool
    choices: list[str]


class DocumentKindOut(BaseModel):
    code: str
    label: str
    gate: str
    legal_basis: str
    conditional: bool


class TransitionOut(BaseModel):
    trigger: str
    label: str
    source: list[str]
    dest: str
    roles: list[str]
    required_documents: list[str]
    comment_required: bool
    fields: list[FieldOut]


class DeadlineRuleOut(BaseModel):
    state: str
    role: str
    working_days: int | None
    calendar_days: int | None
    next_year_on: str | None


class WorkflowOut(BaseModel):
    name: str
    label: str
    reference_prefix: str
    amount_label: str
    states: list[StateOut]
    transitions: list[TransitionOut]
    documents: list[DocumentKindOut]
    applicant_fields: list[FieldOut]
    data_fields: list[FieldOut]
    deadlines: list[DeadlineRuleOut]


class CaseCreate(Strict):
    workflow: Annotated[str, StringConstraints(max_length=TEXTS["workflow"].max_length)]
    title: Title
    fiscal_year: FiscalYear
    amount: Amount
    party_id: int | None = Field(default=None, ge=1, le=MAX_INT32, strict=True, description=(
        "The registered party applying (POST /api/parties): a press company for media, "
        "an organisation for grants. Required."))
    applicant: dict[str, Any] = Field(default_factory=dict)
    data: dict[str, Any] = Field(default_factory=dict)
    submitted_at: SubmittedAt | None = Field(
        default=None, description=f"Back-dated registration (kabid, admin); needs a time zone, "
        f"in {FIRST_YEAR}–{LAST_YEAR} and not in the future."
    )


class CaseSummary(BaseModel):
    id: int
    reference: str
    workflow: str
    state: str
    state_label: str
    title: str
    applicant_name: str
    fiscal_year: int
    amount: int
    version: int
    assignee: str | None
    created_at: datetime
    updated_at: datetime
    # The read model's view of it (cases.views), shown as it is: no mirror to keep in step.
    deadline: DeadlineView | None = Field(default=None, description=(
        "The open deadline of a case: who must act (role), by when, and whether it is late."))


class CasesPage(BaseModel):
    items: list[CaseSummary]
    next_cursor: str | None


class DocumentOut(BaseModel):
    id: int
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    status: str
    note: str
    value: int | None = Field(description="The value it states, recorded when checked MS "
                              "(a BAST: the work accepted)")
    uploaded_at: datetime
    checked_at: datetime | None


class AvailableTransition(BaseModel):
    trigger: str
    label: str
    allowed: bool
    reasons: list[ReasonOut]


class TransitionResult(BaseModel):
    """What a transition answers by default: where the case now stands, its new version (for
    the next form) and what the caller may do next, with why not. The whole case is one
    ``GET /api/cases/{id}`` away, or in this answer with ``?view=full``."""

    id: int
    reference: str
    workflow: str
    state: str
    state_label: str
    version: int
    updated_at: datetime
    available_transitions: list[AvailableTransition]


class PartyRef(BaseModel):
    id: int
    kind: str
    name: str
    npwp: str | None
    nib: str | None
    is_pkp: bool


class PaymentOut(BaseModel):
    """One payment: a media termin, or a grant's disbursement (SPM, SP2D, amounts)."""

    seq: int
    final: bool
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
    recorded_by: str | None
    recorded_at: datetime


class CaseDetail(CaseSummary):
    applicant: dict[str, Any]
    data: dict[str, Any]
    recommended_amount: int | None
    approved_amount: int | None
    paid_amount: int | None
    spent_amount: int | None
    refunded_amount: int | None
    refund_date: date | None = Field(description="When the unspent money went back to the "
                                     "Kas Daerah (STS)")
    tier: str | None = Field(description="The media category, derived at review from the "
                             "Dewan Pers status")
    nphd_number: str | None
    nphd_date: date | None
    party: PartyRef | None
    payments: list[PaymentOut]
    registered_by: str | None
    reviewed_by: str | None
    approved_by: str | None
    flags: list[ReasonOut]
    documents: list[DocumentOut]
    available_transitions: list[AvailableTransition]


class TransitionIn(Strict):
    version: Annotated[int, Field(strict=True, ge=1, le=MAX_INT32)]
    comment: TransitionComment = ""
    data: dict[str, Any] = Field(default_factory=dict)


class CaseDataIn(Strict):
    version: Annotated[int, Field(strict=True, ge=1, le=MAX_INT32)]
    data: dict[str, Any] = Field(default_factory=dict)


class CheckIn(Strict):
    valid: Annotated[bool, Field(strict=True)]
    note: DocumentNote = ""
    value: Amount | None = Field(default=None, description=(
        "The value the document states, for kinds that state one (a BAST: the value of the "
        "work accepted); required to check such a kind MS."))


class AssignIn(Strict):
    username: Annotated[str, StringConstraints(min_length=1,
                                               max_length=TEXTS["username"].max_length)]


class CommentIn(Strict):
    body: CommentBody


class CommentOut(BaseModel):
    id: int
    case_id: int
    body: str
    created_at: datetime


class AuditEntryOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    comment: str
    payload: dict[str, Any]
    hash: str
    prev_hash: str


class UserIn(Strict):
    username: Annotated[str, length("username", 1), lines("username")]
    full_name: Annotated[str, length("full_name", 1), lines("full_name")]
    email: Annotated[str, length("email"), lines("email")] = ""
    roles: list[Annotated[str, StringConstraints(max_length=16)]] = Field(max_length=5)
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ActiveIn(Strict):
    active: Annotated[bool, Field(strict=True)]


class PasswordIn(Strict):
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]
