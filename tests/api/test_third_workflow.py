"""Issue 12, "A workflow is one module": a third workflow, declared only in the test suite
(``tests.event_support``), registered for one test and walked through the service layer and
the API on both databases, with no module outside the tests naming it.

The walk is written once, against :class:`Walker`; each way in (the service functions, the
JSON API, the pages: ``/cases/new`` and the case page's forms, through
``tests.web.helpers.Pages``) is one walker, and says the same five things the others say.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from cases.models import Deadline, User
from cases.services.budgets import list_budgets, set_budget
from cases.services.cases import NewCase, create_case, get_case
from cases.services.counts import state_counts
from cases.services.documents import check_document, upload_document
from cases.services.facts import case_flags
from cases.services.parties import NewParty, create_party
from cases.services.transitions import available_transitions, fire_transition
from cases.services.users import to_actor
from infra.runtime import Runtime
from notifications.models import Notification
from tests.api.helpers import ORGANISATION, PDF, Api
from tests.event_support import ACTIONS, APPLICANT, EVENT_SUPPORT, NAME, PROPOSAL, REPORT, E
from tests.web.helpers import Pages
from workflows import Actor, BerkasError, registered
from workflows.money import format_rupiah

AMOUNT = 5_000_000
DPA = {"dpa_number": "DPA/2026/2.16.01", "dpa_date": "2026-01-02"}


@dataclass(frozen=True, slots=True)
class Step:
    """What a way in answered: ``ok``, or the refusal's code and its reasons' codes."""

    code: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CaseView:
    state: str
    state_label: str
    reference: str
    data: dict[str, Any]
    approved_amount: int | None
    reviewed_by: str | None
    allowed: frozenset[str] = field(default_factory=frozenset)


class Walker(Protocol):
    def register(self, who: str) -> int: ...
    def upload(self, who: str, case_id: int, kind: str, *, check: bool) -> None: ...
    def fire(self, who: str, case_id: int, trigger: str, data: dict[str, Any] | None = None,
             comment: str = "") -> Step: ...
    def view(self, who: str, case_id: int) -> CaseView: ...
    def set_budget(self, amount: int) -> int: ...  # returns what the budget shows as used


@dataclass
class ServiceWalker:
    """The use cases of ``cases.services``, called as the API and pages call them."""

    runtime: Runtime
    party_id: int | None = None

    def _actor(self, session: Session, who: str) -> Actor:
        return to_actor(session.exec(select(User).where(User.username == who)).one())

    def _party(self, who: str) -> int:
        """The organisation applying, registered the first time."""
        if self.party_id is None:
            with self.runtime.sessions() as session:
                ctx = self.runtime.ctx(session, self._actor(session, who))
                self.party_id = create_party(ctx, NewParty(**ORGANISATION)).id
        assert self.party_id is not None
        return self.party_id

    def register(self, who: str) -> int:
        party_id = self._party(who)
        with self.runtime.sessions() as session:
            case = create_case(self.runtime.ctx(session, self._actor(session, who)), NewCase(
                workflow=NAME, title="Pelatihan jurnalistik 2026", fiscal_year=2026,
                amount=AMOUNT, applicant=APPLICANT, data={"venue": "Aula Diskominfo"},
                party_id=party_id))
            assert case.id is not None
            return case.id

    def upload(self, who: str, case_id: int, kind: str, *, check: bool) -> None:
        with self.runtime.sessions() as session:
            ctx = self.runtime.ctx(session, self._actor(session, who))
            doc = upload_document(ctx, case_id, kind, "dokumen.pdf", PDF, 10**6)
            if check:
                assert doc.id is not None
                check_document(ctx, case_id, doc.id, True, "sesuai asli")

    def fire(self, who: str, case_id: int, trigger: str, data: dict[str, Any] | None = None,
             comment: str = "") -> Step:
        with self.runtime.sessions() as session:
            version = get_case(session, case_id).version
            try:
                fire_transition(self.runtime.ctx(session, self._actor(session, who)), case_id,
                                trigger, version=version, comment=comment, data=data)
            except BerkasError as exc:
                return Step(exc.code, tuple(r.code for r in exc.reasons))
        return Step("ok")

    def view(self, who: str, case_id: int) -> CaseView:
        with self.runtime.sessions() as session:
            case = get_case(session, case_id)
            ctx = self.runtime.ctx(session, self._actor(session, who))
            allowed = frozenset(e.trigger for e in available_transitions(ctx, case) if e.allowed)
            reviewer = session.get(User, case.reviewed_by) if case.reviewed_by else None
            return CaseView(case.state, EVENT_SUPPORT.state(case.state).label, case.reference,
                            dict(case.data), case.approved_amount,
                            reviewer.username if reviewer else None, allowed)

    def set_budget(self, amount: int) -> int:
        with self.runtime.sessions() as session:
            return set_budget(self.runtime.ctx(session, self._actor(session, "fina")), NAME,
                              2026, amount, DPA["dpa_number"],
                              date.fromisoformat(DPA["dpa_date"])).used


@dataclass
class ApiWalker:
    """The JSON API, through TestClient."""

    api: Api

    def register(self, who: str) -> int:
        response = self.api.post(who, "/api/cases", json={
            "workflow": NAME, "title": "Pelatihan jurnalistik 2026", "fiscal_year": 2026,
            "amount": AMOUNT, "party_id": self.api.party(ORGANISATION), "applicant": APPLICANT,
            "data": {"venue": "Aula Diskominfo"}})
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def upload(self, who: str, case_id: int, kind: str, *, check: bool) -> None:
        if check:
            self.api.upload_valid(who, case_id, (kind,))
        else:
            assert self.api.upload(who, case_id, kind).status_code == 201

    def fire(self, who: str, case_id: int, trigger: str, data: dict[str, Any] | None = None,
             comment: str = "") -> Step:
        response = self.api.fire(who, case_id, trigger, comment, data)
        if response.status_code == 200:
            return Step("ok")
        detail = response.json()["detail"]
        return Step(detail["code"], tuple(r["code"] for r in detail["reasons"]))

    def view(self, who: str, case_id: int) -> CaseView:
        body = self.api.case(who, case_id)
        allowed = frozenset(t["trigger"] for t in body["available_transitions"] if t["allowed"])
        return CaseView(body["state"], body["state_label"], body["reference"], body["data"],
                        body["approved_amount"], body["reviewed_by"], allowed)

    def set_budget(self, amount: int) -> int:
        self.api.set_budget(NAME, amount)
        budgets = self.api.get("fina", "/api/budgets").json()
        return int(next(b["used"] for b in budgets if b["workflow"] == NAME))


def _found(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.DOTALL)
    assert match, pattern
    return html.unescape(match.group(1))


def _amount(text: str | None) -> int | None:
    """``Rp5.000.000`` as the pages write it, back to a number."""
    return None if text is None else int(text.removeprefix("Rp").replace(".", ""))


@dataclass
class PageWalker:
    """The pages, through TestClient as a browser: ``/cases/new``, the case page's forms and
    the budgets page, each person in their own session. What it sees it reads off the HTML."""

    client: TestClient
    browsers: dict[str, Pages] = field(default_factory=dict)
    party_id: int | None = None

    def _as(self, who: str) -> Pages:
        if who not in self.browsers:
            self.browsers[who] = Pages(TestClient(self.client.app))
            assert self.browsers[who].login(who).status_code == 303
        return self.browsers[who]

    def _party(self, who: str) -> int:
        """The organisation applying, registered on its page the first time."""
        if self.party_id is None:
            response = self._as(who).post("/parties", {
                f"party.{name}": value for name, value in ORGANISATION.items()},
                follow_redirects=False)
            assert response.status_code == 303, response.text
            self.party_id = int(response.headers["location"].rsplit("/", 1)[1])
        return self.party_id

    def register(self, who: str) -> int:
        response = self._as(who).post(f"/cases/new?workflow={NAME}", {
            "case.title": "Pelatihan jurnalistik 2026", "case.fiscal_year": "2026",
            "case.amount": format_rupiah(AMOUNT), "case.party_id": str(self._party(who)),
            "data.venue": "Aula Diskominfo",
            **{f"applicant.{name}": value for name, value in APPLICANT.items()},
        }, follow_redirects=False)
        assert response.status_code == 303, response.text
        return int(response.headers["location"].rsplit("/", 1)[1])

    def upload(self, who: str, case_id: int, kind: str, *, check: bool) -> None:
        browser = self._as(who)
        uploaded = browser.post(f"/cases/{case_id}/documents", {"kind": kind},
                                files={"file": ("dokumen.pdf", PDF, "application/pdf")},
                                follow_redirects=False)
        assert uploaded.status_code == 303, uploaded.text
        if check:
            page = browser.get(f"/cases/{case_id}").text
            newest = max(map(int, re.findall(rf"/cases/{case_id}/documents/(\d+)/check", page)))
            checked = browser.post(f"/cases/{case_id}/documents/{newest}/check",
                                   {"valid": "true", "note": "sesuai asli"},
                                   follow_redirects=False)
            assert checked.status_code == 303, checked.text

    def fire(self, who: str, case_id: int, trigger: str, data: dict[str, Any] | None = None,
             comment: str = "") -> Step:
        """Send the trigger's form as the case page holds it, even where the page shows the
        action disabled (as a form opened before the case changed would be sent)."""
        browser = self._as(who)
        version = _found(r'data-version="(\d+)"', browser.get(f"/cases/{case_id}").text)
        form = {"version": version, "comment": comment,
                **{f"data.{name}": value for name, value in (data or {}).items()}}
        response = browser.post(f"/cases/{case_id}/transitions/{trigger}", form,
                                follow_redirects=False)
        if response.status_code == 303:
            return Step("ok")
        problem = _found(r'(<div [^>]*id="problem".*?</div>)', response.text)
        return Step(_found(r'data-code="([^"]+)"', problem),
                    tuple(re.findall(r'<li data-reason="([^"]+)">', problem)))

    def view(self, who: str, case_id: int) -> CaseView:
        page = self._as(who).get(f"/cases/{case_id}").text
        state, label = re.findall(r'<span class="state state-(\w+)">([^<]+)</span>', page)[0]
        rows = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)</dd>",
                               _found(r'<dl class="data">(.*?)</dl>', page)))
        reviewer = rows.get("Diverifikasi oleh")
        return CaseView(
            state, html.unescape(label), _found(r"<h1>(\S+) ", page), _data(rows),
            _amount(rows.get("Nilai disetujui")),
            # The pages name people in full; the test staff's full names are their usernames.
            reviewer.lower() if reviewer else None,
            frozenset(re.findall(r'<summary class="button primary" data-trigger="(\w+)">', page)),
        )

    def set_budget(self, amount: int) -> int:
        finance = self._as("fina")
        saved = finance.post("/budgets", {"workflow": NAME, "fiscal_year": "2026",
                                          "amount": str(amount), **DPA}, follow_redirects=False)
        assert saved.status_code == 303, saved.text
        row = _found(rf'<tr id="pagu-{NAME}-2026">(.*?)</tr>', finance.get("/budgets").text)
        assert EVENT_SUPPORT.label in row
        # Pagu, committed (held by approved cases), refunded: nothing is refunded here.
        pagu, committed, refunded = re.findall(r'<td class="num">([^<]+)</td>', row)[:3]
        assert (_amount(pagu), _amount(refunded)) == (amount, 0)
        return _amount(committed) or 0


def _data(rows: dict[str, str]) -> dict[str, Any]:
    """The case's data as the page shows it, back to stored codes: the fields its definition
    keeps in the data (registered or recorded by a transition), by their labels."""
    specs = [*EVENT_SUPPORT.data_fields,
             *(f for t in EVENT_SUPPORT.transitions for f in t.fields if not f.column)]
    data: dict[str, Any] = {}
    for spec in specs:
        if spec.label in rows:
            codes = {spec.choice_label(c): c for c in spec.choices}
            data[spec.name] = codes.get(html.unescape(rows[spec.label]),
                                        html.unescape(rows[spec.label]))
    return data


WALKERS: dict[str, Callable[[pytest.FixtureRequest], Walker]] = {
    "service": lambda request: ServiceWalker(request.getfixturevalue("runtime")),
    "api": lambda request: ApiWalker(request.getfixturevalue("api")),
    "pages": lambda request: PageWalker(request.getfixturevalue("client")),
}


@pytest.fixture
def event_support() -> Iterator[None]:
    """The third workflow, registered for one test (and forgotten after it)."""
    with registered(EVENT_SUPPORT):
        yield


@pytest.fixture(params=sorted(WALKERS))
def walker(request: pytest.FixtureRequest, event_support: None, db_url: str) -> Walker:
    """Each way in, on each database (``db_url`` is named so that both are parametrized)."""
    return WALKERS[request.param](request)


def test_the_third_workflow_walks_from_proposal_to_closing(walker: Walker) -> None:
    case_id = walker.register("rina")
    case = walker.view("fajar", case_id)
    assert (case.state, case.state_label, case.reference) == ("proposed", "Diusulkan",
                                                              "DK-2026-0001")
    assert case.allowed == {"decline"}  # endorsing waits for the proposal
    scale = {"scale": "regency"}
    assert walker.fire("rina", case_id, "endorse", scale).code == "not_permitted"
    assert walker.fire("fajar", case_id, "endorse", scale) == Step("guards_unmet",
                                                                   ("missing_document",))
    walker.upload("rina", case_id, PROPOSAL, check=True)
    assert walker.view("fajar", case_id).allowed == {"endorse", "decline"}
    assert walker.fire("fajar", case_id, "endorse", {"scale": "nation"}).code == "invalid_input"
    assert walker.fire("fajar", case_id, "endorse", scale) == Step("ok")
    case = walker.view("ahmad", case_id)
    assert (case.state, case.reviewed_by, case.data["scale"]) == ("endorsed", "fajar", "regency")
    _fund(walker, case_id)
    assert walker.fire("rina", case_id, "close") == Step("guards_unmet", ("missing_document",))
    walker.upload("rina", case_id, REPORT, check=False)
    # Present is not enough at any gate: the report must be checked MS (docs/domain.md).
    assert walker.view("rina", case_id).allowed == frozenset()
    assert walker.fire("rina", case_id, "close") == Step("guards_unmet",
                                                         ("unchecked_document",))
    walker.upload("rina", case_id, REPORT, check=True)
    assert walker.view("rina", case_id).allowed == {"close"}
    assert walker.fire("rina", case_id, "close") == Step("ok")
    case = walker.view("rina", case_id)
    assert (case.state, case.allowed) == ("closed", frozenset())
    assert walker.set_budget(10_000_000) == AMOUNT  # a closed case still holds its money


def _fund(walker: Walker, case_id: int) -> None:
    """The Kadis funds the case once the budget is set and large enough; the funded amount
    is then held against the budget (``commits_budget``)."""
    assert walker.fire("ahmad", case_id, "fund") == Step("guards_unmet", ("no_budget",))
    assert walker.set_budget(AMOUNT - 1) == 0
    assert walker.fire("ahmad", case_id, "fund") == Step("guards_unmet", ("over_budget",))
    assert walker.set_budget(10_000_000) == 0
    assert walker.fire("ahmad", case_id, "fund") == Step("ok")
    case = walker.view("rina", case_id)
    assert (case.state, case.approved_amount) == ("funded", AMOUNT)
    assert case.allowed == frozenset()  # closing waits for the report
    assert walker.set_budget(10_000_000) == AMOUNT


def test_the_third_workflow_can_be_declined_with_a_reason(walker: Walker) -> None:
    case_id = walker.register("rina")
    assert walker.fire("fajar", case_id, "decline") == Step("guards_unmet", ("missing_reason",))
    assert walker.fire("fajar", case_id, "decline", comment="Di luar tema tahun ini").code == "ok"
    assert walker.view("rina", case_id).state == "declined"
    assert walker.fire("ahmad", case_id, "fund").code == "invalid_state"


def test_its_deadlines_notices_counts_and_warnings_come_from_its_definition(
    event_support: None, runtime: Runtime
) -> None:
    walker = ServiceWalker(runtime)
    case_id = walker.register("rina")
    walker.upload("rina", case_id, PROPOSAL, check=True)
    assert walker.fire("fajar", case_id, "endorse", {"scale": "village"}).code == "ok"
    with runtime.sessions() as session:
        deadlines = session.exec(select(Deadline).where(Deadline.case_id == case_id)
                                 .order_by(col(Deadline.id))).all()
        assert [(d.state, d.role, d.closed_by) for d in deadlines] == [
            ("proposed", "officer", "endorse"), ("endorsed", "kadis", None)]
        bodies = session.exec(select(Notification.body).where(
            Notification.case_id == case_id, Notification.kind == "task")).all()
        for state in (E.PROPOSED, E.ENDORSED):  # whoever must act next is told what to do
            assert any(f"Tindakan: {ACTIONS[state]}." in body for body in bodies), state
        counts = state_counts(session)
        assert (counts[(NAME, "proposed")], counts[(NAME, "endorsed")]) == (0, 1)
        assert case_flags(session, get_case(session, case_id)) == []
        assert [b.workflow for b in list_budgets(session)] == []


def test_the_api_describes_the_third_workflow_from_its_definition(
    event_support: None, api: Api
) -> None:
    body = api.get("rina", f"/api/workflows/{NAME}").json()
    assert [s["code"] for s in body["states"]] == [s.code for s in EVENT_SUPPORT.states]
    endorse = next(t for t in body["transitions"] if t["trigger"] == "endorse")
    assert endorse["required_documents"] == [PROPOSAL]
    assert endorse["fields"][0]["choices"] == ["village", "district", "regency"]
    assert NAME in {w["name"] for w in api.get("rina", "/api/workflows").json()}
    diagram = api.get("rina", f"/api/workflows/{NAME}/diagram", params={"current": "funded"})
    assert "endorsed --> funded : fund" in diagram.text
    assert "class funded current" in diagram.text
