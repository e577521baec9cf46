"""The auditor (Inspektorat, BPK) reads everything and changes nothing (docs/domain.md, Who
uses it).

The routes are enumerated from the app, not listed by hand: a new page or API route is read by
the auditor (a GET answers 200 with real ids), and a new route that changes something refuses
the auditor (403) and leaves every table as it was, or this test fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlmodel import select

from app import create_app
from cases.models import Case, Document, Party, User
from cases.permissions import PERMISSIONS, READ_ONLY_MAY_SEND, READERS
from infra.config import Settings
from infra.runtime import Runtime
from tests.api.helpers import PDF, Api
from tests.conftest import FakeClock, People
from tests.routes import flat_routes
from tests.web.helpers import Pages
from workflows import DEFINITIONS, Role

AUDITOR = "audra"
MUTATING = {"POST", "PUT", "PATCH", "DELETE"}

# The auditor may log in and out like anyone: these are not called (a logout would end the
# session the test runs on; a login is no change to the records).
AUTH = {("POST", "/api/auth/token"), ("POST", "/login"), ("POST", "/logout"),
        ("POST", "/api/auth/logout")}
# What keeps the auditor's own account going, and the whole-log audit check (it only reads
# the log; "verify_audit" includes the auditor). These may answer the auditor, but must still
# change none of the records compared below. Widening this is a decision: it must match
# cases.permissions.READ_ONLY_MAY_SEND, checked below.
SELF_SERVICE = {
    ("POST", "/api/me/password"),
    ("POST", "/api/notifications/read-all"), ("POST", "/api/notifications/{notification_id}/read"),
    ("POST", "/notifications/read-all"), ("POST", "/notifications/{notification_id}/read"),
    ("POST", "/api/audit/checks"), ("POST", "/admin/audit/checks"),
}
# Reads that are not the auditor's, each for a reason; they answer 403, not an error page.
NOT_THE_AUDITORS = {
    ("GET", "/signoff"): "the Kadis's own decision queue (reviewed cases are in /cases)",
    ("GET", "/parties/new"): "the form that registers a party (officer, kabid)",
    ("GET", "/cases/new"): "the form that registers a case (officer, kabid)",
    ("GET", "/cases/new/parties"): "the parties to choose from when registering a case",
    ("GET", "/admin/users"): "user administration (admin only)",
    ("GET", "/api/users"): "user administration (admin only)",
    ("GET", "/admin/emails"): "the email outbox (admin only)",
    ("GET", "/api/admin/emails"): "the email outbox (admin only)",
}
# Public routes (no session needed): read, but not the records; a redirect is fine here.
PUBLIC = {("GET", "/healthz"), ("GET", "/login"), ("GET", "/favicon.ico"),
          ("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/docs/oauth2-redirect"),
          ("GET", "/redoc"), ("GET", "/v/{token:path}")}
# The records an auditor must not be able to change, compared before and after.
TABLES = ("cases", "documents", "audit_entries", "comments", "budgets", "budget_entries",
          "parties", "payments", "users", "deadlines", "warrants", "warrant_scans", "absences")


def routes(client: TestClient) -> list[tuple[str, str]]:
    return [(method, path) for path, methods in flat_routes(client.app)  # type: ignore[arg-type]
            for method in sorted(methods - {"HEAD"})
            if not path.startswith("/static")]


def dump(runtime: Runtime) -> dict[str, list[tuple[Any, ...]]]:
    with runtime.engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
        return {table: [tuple(row) for row in connection.execute(
            text(f"SELECT * FROM {table} ORDER BY 1"))]  # the names are constants
            for table in TABLES if table in present}


def _case_row(runtime: Runtime, party_id: int) -> int:
    """A media case written directly, for when registration through the API is mid-change."""
    now = datetime(2026, 2, 4, 1, 0, tzinfo=UTC)
    with runtime.sessions() as session:
        rina = session.exec(select(User).where(User.username == "rina")).one()
        case = Case(reference="MV-2026-9001", workflow="media_verification", state="submitted",
                    fiscal_year=2026, title="Kerja sama publikasi 2026", applicant={},
                    applicant_name="PT Balangan Media Utama", data={}, amount=45_000_000,
                    party_id=party_id, registered_by=rina.id, created_at=now, updated_at=now)
        session.add(case)
        session.commit()
        assert case.id is not None
        return case.id


def _party(runtime: Runtime, api: Api) -> int:
    with runtime.sessions() as session:
        found = session.exec(select(Party.id)).first()
        if found is not None:
            return found
    response = api.post("rina", "/api/parties", json={
        "kind": "company", "name": "PT Balangan Media Utama", "npwp": "012345678901000",
        "nib": "1234567890123", "address": "Paringin"})
    if response.status_code == 201:
        return int(response.json()["id"])
    with runtime.sessions() as session:  # the parties API is mid-change: the row itself
        party = Party(kind="company", name="PT Balangan Media Utama", npwp="0012345678901000",
                      nib="1234567890123", created_at=datetime(2026, 2, 4, tzinfo=UTC),
                      updated_at=datetime(2026, 2, 4, tzinfo=UTC))
        session.add(party)
        session.commit()
        assert party.id is not None
        return party.id


def world(api: Api, runtime: Runtime) -> dict[str, object]:
    """Real rows for every path parameter: a case with a document, a comment and an audit
    trail, its party, a pagu, a user, an audit check run."""
    api.set_budget("media_verification", 600_000_000)
    try:
        case_id = int(api.create_media("rina")["id"])
    except AssertionError:  # registration is being changed: the row itself
        case_id = _case_row(runtime, _party(runtime, api))
    with runtime.sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None
        party_id = case.party_id or _party(runtime, api)
        rina = session.exec(select(User).where(User.username == "rina")).one()
    uploaded = api.upload("rina", case_id, "surat_permohonan")
    assert uploaded.status_code == 201, uploaded.text
    commented = api.post("rina", f"/api/cases/{case_id}/comments", json={"body": "Catatan"})
    assert commented.status_code in (200, 201), commented.text
    run = api.post("admin", "/api/audit/checks")
    assert run.status_code == 202, run.text
    warrant_id, absence_id = _warrant_and_absence(api)
    # A document Berkas issued on the case: its id, its kind, its public verification token.
    letter = api.post("fajar", f"/api/cases/{case_id}/letters/ba_hasil_verifikasi")
    assert letter.status_code == 201, letter.text
    with runtime.sessions() as session:
        assert session.exec(select(Document).where(Document.case_id == case_id)).first()
    return {"case_id": case_id, "document_id": uploaded.json()["id"], "party_id": party_id,
            "user_id": rina.id, "run_id": run.json()["id"], "name": "media_verification",
            "workflow": "media_verification", "fiscal_year": 2026, "trigger": "review",
            "notification_id": 1, "warrant_id": warrant_id, "absence_id": absence_id,
            "letter_id": letter.json()["id"], "kind": "ba_hasil_verifikasi",
            "token": letter.json()["verify_url"].rsplit("/", 1)[1],
            "recap": "hibah"}


def _warrant_and_absence(api: Api) -> tuple[int, int]:
    """A Plh. Kadis warrant (siti for ahmad) with its scan, and the Kadis's absence."""
    users = {u["username"]: u["id"] for u in api.get("admin", "/api/users").json()}
    warrant = api.post("admin", "/api/warrants", data={
        "kind": "plh", "number": "800/1/SETDA/2026", "issued_on": "2026-02-03",
        "issuer_name": "Sekda", "issuer_title": "Sekretaris Daerah", "role": "kadis",
        "covered_user_id": str(users["ahmad"]), "acting_user_id": str(users["siti"]),
        "valid_from": "2026-02-04", "valid_until": "2026-02-06"},
        files={"file": ("sp.pdf", PDF, "application/pdf")})
    assert warrant.status_code == 201, warrant.text
    absence = api.post("ahmad", "/api/absences", json={"starts_on": "2026-02-04",
                                                       "ends_on": "2026-02-06"})
    assert absence.status_code == 201, absence.text
    return int(warrant.json()["id"]), int(absence.json()["id"])


def url_of(path: str, ids: dict[str, object]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in ids:
            pytest.fail(f"no real value for the path parameter {{{name}}} of {path}: add one "
                        "to world()")
        return str(ids[name])

    return re.sub(r"\{([^}:]+)(?::[^}]+)?\}", fill, path)


@pytest.fixture
def auditor_pages(settings: Settings, clock: FakeClock, people: People) -> Iterator[Pages]:
    # A page that fails is reported with the others (a 500 in the list), not raised.
    with TestClient(create_app(settings, clock), raise_server_exceptions=False) as client:
        pages = Pages(client)
        assert pages.login(AUDITOR).status_code == 303
        yield pages


def test_the_auditor_reads_every_page_and_api_route(
    api: Api, runtime: Runtime, auditor_pages: Pages
) -> None:
    ids = world(api, runtime)
    reads = [(m, p) for m, p in routes(api.client) if m == "GET"]
    assert len(reads) > 30  # the enumeration found the app's routes, new ones included
    assert set(NOT_THE_AUDITORS) <= set(reads), "a refused read is gone: update the list"
    before = dump(runtime)
    wrong: list[tuple[object, ...]] = []
    for method, path in reads:
        url = url_of(path, ids)
        if path.startswith("/api") or path in ("/openapi.json", "/healthz"):
            response = api.get(AUDITOR, url)
        else:
            response = auditor_pages.get(url, follow_redirects=False)
        if (method, path) in NOT_THE_AUDITORS:
            ok = response.status_code == 403
        elif (method, path) in PUBLIC:
            ok = response.status_code < 400
        else:
            ok = response.status_code == 200
        if not ok:
            wrong.append((method, path, response.status_code, response.text[:200]))
    assert wrong == []
    assert dump(runtime) == before


def test_every_route_that_changes_something_refuses_the_auditor(
    api: Api, runtime: Runtime, auditor_pages: Pages
) -> None:
    ids = world(api, runtime)
    sends = [(m, p) for m, p in routes(api.client) if m in MUTATING]
    assert len(sends) > 20  # the enumeration found the app's routes, new ones included
    assert {("PUT", "/api/budgets/{workflow}/{fiscal_year}"), ("POST", "/budgets"),
            ("POST", "/api/cases/{case_id}/transitions/{trigger}")} <= set(sends)
    before = dump(runtime)
    wrong: list[tuple[object, ...]] = []
    for method, path in sends:
        if (method, path) in AUTH:
            continue
        url = url_of(path, ids)
        if path.startswith("/api"):
            response = api.client.request(method, url, headers=api.headers(AUDITOR), json={})
        else:
            response = auditor_pages.client.request(
                method, url, data={"csrf": auditor_pages.csrf}, follow_redirects=False)
        where = (method, path, response.status_code, response.text[:200])
        if (method, path) in SELF_SERVICE:
            if response.status_code >= 500:
                wrong.append(where)
        elif response.status_code != 403 or (path.startswith("/api") and response.json()[
                "detail"]["code"] != "role_not_permitted"):
            wrong.append(where)
        if dump(runtime) != before:
            wrong.append((*where[:3], "changed the records"))
            before = dump(runtime)
    assert wrong == []
    # Still logged in, still reading: the refusals ended no session.
    assert api.get(AUDITOR, f"/api/cases/{ids['case_id']}").status_code == 200


def test_what_the_auditor_may_send_is_this_list_and_no_more() -> None:
    expected = SELF_SERVICE | {("POST", "/logout"), ("POST", "/api/auth/logout")}
    assert expected == READ_ONLY_MAY_SEND


def test_no_transition_and_no_changing_permission_names_the_auditor() -> None:
    """The second line behind the route-level refusal: the auditor holds no transition and
    no permission that changes a record, only the reading ones."""
    for definition in DEFINITIONS.values():
        for spec in definition.transitions:
            assert Role.AUDITOR not in spec.roles, (definition.name, spec.trigger)
    reading = {"read_parties", "read_budgets", "read_warrants", "verify_audit",
               "read_system_audit", "read_letters", "export_cases", "read_recaps",
               "read_reports"}
    assert {action for action, roles in PERMISSIONS.items()
            if Role.AUDITOR in roles} == reading
    assert {Role.AUDITOR, Role.FINANCE} <= READERS
