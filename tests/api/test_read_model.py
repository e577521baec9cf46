"""Issue 12, "One read model": the API and the pages render the same case view, and the move
to it changed nothing either shows.

A media case, two grant cases and a withdrawn media case are walked through their states as
real people (``tests.api.read_model_walk``); at each step the API's answers (the case's
detail as several people see it, each transition's, upload's, check's and assignment's
answer, the lists) and the pages (the case page, the lists, the dashboard, the sign-off
queue, the registration forms) are recorded and compared with the snapshots in
``tests/api/snapshots/``, taken from the code before the read model existed. The clock is
injected, so nothing in them is volatile but the CSRF token of each form, which is masked.
Pages are compared as people read them (whitespace a browser does not show is left out).

What was meant to change is applied to the old snapshot (or undone on the new answer) by a
named function, each saying what and why: :func:`_intended` (the sign-off queue words the
tier as its definition does), :data:`_DATA` (markup for scripts: the version and a refusal's
code) and :func:`_deadline_as_before` (the schema shows the read model's ``DeadlineView``).
To take new snapshots, run with ``BERKAS_UPDATE_SNAPSHOTS=1``, review the diff, and drop
those functions.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlmodel import select

from cases.models import Case, User
from cases.services.users import Names, to_actor
from cases.views import case_rows, case_view
from infra.runtime import Runtime
from tests.api.helpers import GRANT_REVIEW_DOCS, Api
from tests.api.read_model_walk import Recorder, grant, record
from tests.conftest import FakeClock

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("BERKAS_UPDATE_SNAPSHOTS") == "1"
CASE_SCHEMAS = ("CaseSummary", "CaseDetail", "CasesPage", "DeadlineOut", "DeadlineView",
                "DocumentOut", "AvailableTransition", "ReasonOut", "CaseCreate", "TransitionIn")


def _stored(name: str, recorded: dict[str, Any]) -> dict[str, Any]:
    """The snapshot ``name`` as taken before the read model (written from ``recorded`` when
    it is missing or ``BERKAS_UPDATE_SNAPSHOTS=1``)."""
    path = SNAPSHOTS / f"{name}.json"
    if UPDATE or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(recorded, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                        "utf-8")
        if not UPDATE:
            pytest.fail(f"{path} was missing: written; review it and run again")
    stored: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return stored


def _compare(recorded: dict[str, Any], expected: dict[str, Any]) -> None:
    # Step by step, so that a failure names the step and shows a readable diff.
    assert sorted(recorded) == sorted(expected)
    for key in sorted(expected):
        assert recorded[key] == expected[key], key


# Whitespace a browser shows as nothing: runs of it are one space, and none is shown around
# the block elements; the page is compared block by block, one to a line.
_BLOCK = ("dt|dd|li|ul|ol|dl|tr|td|th|thead|tbody|table|p|div|section|form|details|summary|"
          "option|select|h1|h2|header|caption|fieldset|legend|blockquote|main|footer|nav")
_AROUND_BLOCK = re.compile(rf"\s*(</?(?:{_BLOCK})\b[^>]*>)\s*")
# Markup no one reads, added for scripts (the page walk of issue 12): the case's version and
# a refusal's machine-readable code.
_DATA = re.compile(r' data-(?:code|version)="[^"]*"')


def _as_read(lines: list[str]) -> list[str]:
    """A page (its status, then its lines) as a person reads it, a block to a line."""
    text = _AROUND_BLOCK.sub(r"\n\1\n", " ".join(" ".join(lines[1:]).split()))
    return [lines[0], *(line for line in text.split("\n") if line)]


def _intended(key: str, page: list[str]) -> list[str]:
    """The page as it should read now, from the snapshot: the sign-off queue shows what the
    review recorded as the definition words it (the tier's label, not "Tingkat A")."""
    if "signoff" not in key:
        return page
    return ["A (terverifikasi faktual)" if line == "Tingkat A" else line for line in page]


def _deadline_as_before(described: dict[str, Any]) -> dict[str, Any]:
    """The case schemas with the deadline as it was described before: the responses now show
    the read model's ``DeadlineView`` itself, not ``DeadlineOut``, a copy of it field for
    field, and its description moved from that copy to the ``deadline`` fields."""
    text = json.dumps(described).replace('"#/components/schemas/DeadlineView"',
                                         '"#/components/schemas/DeadlineOut"')
    before: dict[str, Any] = json.loads(text)
    schemas = before["schemas"]
    view = schemas.pop("DeadlineView")
    for name in ("CaseSummary", "CaseDetail"):
        description = schemas[name]["properties"]["deadline"].pop("description")
    schemas["DeadlineOut"] = {**view, "title": "DeadlineOut", "description": description}
    return before


# The error statuses as the hardening issue words them now (cases.http.params), and before.
_ERRORS_BEFORE = {
    "Not logged in, the token expired, or the session was ended":
        "Not logged in, or the token expired",
    "Body or file too large (refused while it streams in)": "Request or file too large",
    "Too many login attempts from one address or on one account": "Too many failed logins",
}


def _errors_as_before(described: dict[str, Any]) -> dict[str, Any]:
    """The routes with their error statuses described as before the hardening issue."""
    text = json.dumps(described)
    for now, before in _ERRORS_BEFORE.items():
        text = text.replace(json.dumps(now), json.dumps(before))
    result: dict[str, Any] = json.loads(text)
    return result


@pytest.fixture
def recorded(api: Api, client: TestClient, clock: FakeClock) -> Recorder:
    rec = Recorder(api, client, clock)
    record(rec)
    return rec


def test_the_api_answers_exactly_what_it_answered_before_the_read_model(
    recorded: Recorder,
) -> None:
    answers = json.loads(json.dumps(recorded.answers))
    _compare(answers, _stored("api", answers))


def test_the_pages_show_exactly_what_they_showed_before_the_read_model(
    recorded: Recorder,
) -> None:
    stored = _stored("pages", recorded.pages)
    pages = {k: _as_read([_DATA.sub("", line) for line in v])
             for k, v in recorded.pages.items()}
    _compare(pages, {k: _intended(k, _as_read(v)) for k, v in stored.items()})


def test_the_api_describes_its_cases_as_before(client: TestClient) -> None:
    """The OpenAPI description of the case routes and the bodies they answer with."""
    described = client.get("/openapi.json").json()
    schemas = described["components"]["schemas"]
    cases = {
        "paths": {p: v for p, v in described["paths"].items() if p.startswith("/api/cases")},
        "schemas": {n: schemas[n] for n in CASE_SCHEMAS if n in schemas},
    }
    _compare(_errors_as_before(_deadline_as_before(cases)), _stored("openapi", cases))


# --- how many statements a case costs -----------------------------------------------------

@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements sent through ``engine`` while the block runs."""
    statements: list[str] = []

    def note(*args: Any) -> None:
        statements.append(" ".join(str(args[2]).split()))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _reviewed_grant(api: Api) -> int:
    api.set_budget("grant", 250_000_000)
    case_id = grant(api, 2026, 150_000_000)
    api.upload_valid("rina", case_id, GRANT_REVIEW_DOCS)
    assert api.fire("fajar", case_id, "review",
                    data={"recommended_amount": 125_000_000}).status_code == 200
    return case_id


def test_a_case_is_read_in_two_statements_and_what_its_guards_and_warnings_ask(
    api: Api, runtime: Runtime
) -> None:
    """Before the read model, the API's presenter and the case page each read the case, its
    people, its open deadline and its documents in four statements of their own."""
    media = api.create_media("rina")["id"]
    assert api.post("siti", f"/api/cases/{media}/assign", json={"username": "fajar"}
                    ).status_code == 200
    reviewed = _reviewed_grant(api)
    with runtime.sessions() as session:
        kadis = to_actor(session.exec(select(User).where(User.username == "ahmad")).one())
        ctx = runtime.ctx(session, kadis)
        with counted(runtime.engine) as statements:
            view = case_view(ctx, media)
        assert len(statements) == 2, statements  # the case and its people; its documents
        assert (view.assignee, view.registered_by) == (Names("fajar", "Fajar"),
                                                       Names("rina", "Rina"))
        with counted(runtime.engine) as statements:
            case_view(ctx, reviewed)
        # What its warning reads (the recipient's grant of last year) and the approval's
        # guards: the budget (its row and what is committed), the recipient's late reports.
        assert len(statements) == 2 + 1 + 3, statements
        cases = list(session.exec(select(Case)))
        with counted(runtime.engine) as statements:
            rows = case_rows(ctx, cases)
        assert len(statements) == 1, statements  # their deadlines and assignees together
        assert [r.assignee.username if r.assignee else None for r in rows] == ["fajar", None]
