"""Documents Berkas issues, on the pages (issue 15): "Terbitkan" on the case page, the
download, the revocation, and the public verification page its QR code opens.

The case page lists a case's documents and the kinds its viewer may issue now
(:mod:`web.pages.cases`); the forms post here, call the same use cases as the API
(``cases.services.letters``) and come back to the case (PRG), or re-render it with the
refusal. ``/v/{token}`` needs no session and shows only what the document is, never who
signed it or for how much.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from cases.http.attachments import attachment
from cases.http.deps import RuntimeDep, SessionDep
from cases.http.params import Id
from cases.letters import office_of
from cases.services import cases as case_service
from cases.services import letters as letter_service
from web import forms
from web.pages.cases import refused
from web.render import TEMPLATES
from web.session import PageDep, PostDep, redirect
from workflows import BerkasError, get_definition

router = APIRouter()

# The form of a kind on the case page, as ``open_trigger`` names it when it is refused.
FORM_PREFIX = "letter:"


@router.post("/cases/{case_id}/letters/{kind}")
def issue(posted: PostDep, case_id: Id, kind: Annotated[str, Path(max_length=64)]) -> Response:
    who = posted.page
    case = case_service.get_case(who.session, case_id)
    spec = get_definition(case.workflow).letter(kind)
    data = forms.field_values(spec.fields, posted.form, "data") if spec else {}
    typed = {k: v for k, v in posted.form.items() if isinstance(v, str) and k.startswith("data.")}
    try:
        letter = letter_service.issue_letter(who.ctx, office_of(who.runtime.settings), case_id,
                                             kind, data)
    except BerkasError as exc:
        return refused(who, case_id, exc, open_trigger=FORM_PREFIX + kind, typed=typed)
    return redirect(f"/cases/{case_id}#letters",
                    f"{letter.kind_label} diterbitkan dengan nomor {letter.number}.")


@router.get("/letters/{letter_id}")
def download(who: PageDep, letter_id: Id) -> Response:
    letter, content = letter_service.read_letter(who.ctx, letter_id)
    return attachment(letter, content)


@router.post("/letters/{letter_id}/revoke")
def revoke(posted: PostDep, letter_id: Id) -> Response:
    who = posted.page
    letter = letter_service.get_letter(who.ctx, letter_id)
    try:
        done = letter_service.revoke_letter(who.ctx, letter_id, posted.text("reason"))
    except BerkasError as exc:
        return refused(who, letter.case_id, exc, open_trigger=f"revoke:{letter_id}")
    return redirect(f"/cases/{done.case_id}#letters",
                    f"{done.kind_label} nomor {done.number} dicabut.")


@router.api_route("/v/{token:path}", methods=["GET", "HEAD"])
def verify(request: Request, runtime: RuntimeDep, session: SessionDep, token: str) -> Response:
    """The public verification page: what the document is and whether it still stands.
    Anything under ``/v/`` that is not a document's token, of any length or shape, gets the
    same plain 404 (never the login page, never a validation error)."""
    found = letter_service.verify(session, token, runtime.tz)
    # Its own minimal layout, without the app's navigation or anyone's session.
    return TEMPLATES.TemplateResponse(
        request, "verify.html", {"letter": found}, status_code=200 if found else 404,
        # A revocation shows at once (no cache keeps an answer); no search engine lists it.
        headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"})
