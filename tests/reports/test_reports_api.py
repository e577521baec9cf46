"""GET /api/reports/time-in-stage and /api/reports/money, on both databases: figures on cases
walked with the clock moved between transitions (tests/reports/scenario.py), the money equal
to the budgets' own view, bad parameters refused with stable codes, and who may read."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import Api
from tests.conftest import FakeClock
from tests.reports.scenario import DUE, REPORT, WED_18, move_to, walk

READERS = ("rina", "siti", "ahmad", "dewi", "fina", "audra")


def _report(api: Api, who: str = "ahmad", path: str = REPORT) -> dict[str, Any]:
    response = api.get(who, path)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _stage(body: dict[str, Any], state: str) -> dict[str, Any]:
    return next(s for s in body["stages"] if s["state"] == state)


def test_time_in_stage_gives_median_and_p90_of_finished_stays_in_working_days(
    api: Api, clock: FakeClock
) -> None:
    walk(api, clock)
    body = _report(api)
    assert (body["workflow"], body["label"], body["fiscal_year"]) == (
        "media_verification", "Kerja Sama Publikasi Media", 2026)
    assert body["as_of"].startswith("2026-02-18T01:00:00")
    submitted = _stage(body, "submitted")
    assert submitted["label"] == "Diajukan"
    # 1, 3 and 8 working days; the last across a weekend, cuti bersama and Imlek.
    assert submitted["finished"] == {"count": 3, "median": 3.0, "p90": 7.0, "longest": 8}
    # D is still there: counted beside the figures, not in them.
    assert (submitted["open_count"], submitted["open_oldest"]) == (1, 8)


def test_open_stays_are_counted_apart_and_terminal_states_are_left_out(
    api: Api, clock: FakeClock
) -> None:
    walk(api, clock)
    body = _report(api)
    returned = _stage(body, "returned")
    assert returned["finished"] == {"count": 0, "median": None, "p90": None, "longest": None}
    assert (returned["open_count"], returned["open_oldest"]) == (3, 7)
    assert [s["state"] for s in body["stages"]] == [
        "submitted", "returned", "reviewed", "approved", "paid"]


def test_time_in_stage_per_officer_names_who_moved_the_cases_out(
    api: Api, clock: FakeClock
) -> None:
    walk(api, clock)
    officers = [(o["name"], o["state"], o["label"], o["finished"])
                for o in _report(api)["officers"]]
    assert officers == [
        ("Fajar", "submitted", "Diajukan",
         {"count": 2, "median": 2.0, "p90": 2.8, "longest": 3}),
        ("Siti", "submitted", "Diajukan",
         {"count": 1, "median": 8.0, "p90": 8.0, "longest": 8}),
    ]


def test_a_deadline_missed_is_listed_closed_late_or_open_past_due(
    api: Api, clock: FakeClock
) -> None:
    walked = walk(api, clock)
    breaches = _report(api)["breaches"]
    assert [(b["case_id"], b["reference"], b["state"], b["label"], b["role"], b["due_date"],
             b["is_open"], b["working_days_late"]) for b in breaches] == [
        (walked.c, "MV-2026-0003", "submitted", "Diajukan", "officer", DUE.isoformat(),
         False, 3),
        (walked.d, "MV-2026-0004", "submitted", "Diajukan", "officer", DUE.isoformat(),
         True, 3),
    ]
    assert breaches[0]["closed_at"].startswith(WED_18.isoformat())
    assert breaches[1]["closed_at"] is None


def test_the_report_is_of_one_workflow_and_one_fiscal_year(
    api: Api, clock: FakeClock
) -> None:
    walk(api, clock)
    grant = _report(api, path="/api/reports/time-in-stage?workflow=grant&fiscal_year=2026")
    assert _stage(grant, "submitted")["finished"] == {
        "count": 1, "median": 8.0, "p90": 8.0, "longest": 8}
    assert [(b["reference"], b["working_days_late"]) for b in grant["breaches"]] == [
        ("HB-2026-0001", 3)]
    last_year = _report(api, path="/api/reports/time-in-stage?workflow=media_verification"
                                   "&fiscal_year=2025")
    assert _stage(last_year, "submitted")["finished"]["count"] == 1
    assert [(o["name"], o["finished"]["median"]) for o in last_year["officers"]] == [
        ("Siti", 1.0)]
    assert last_year["breaches"] == []


def test_without_parameters_the_report_is_of_the_first_workflow_and_this_year(
    api: Api, clock: FakeClock
) -> None:
    walk(api, clock)
    body = _report(api, path="/api/reports/time-in-stage")
    assert (body["workflow"], body["fiscal_year"]) == ("media_verification", 2026)
    assert _report(api, path="/api/reports/money")["fiscal_year"] == 2026


def test_a_later_clock_makes_an_open_deadline_later_by_working_days_only(
    api: Api, clock: FakeClock
) -> None:
    walked = walk(api, clock)
    lateness = []
    for day in (20, 21, 22, 23):  # Friday, the weekend, Monday
        move_to(api, clock, WED_18.replace(day=day))
        late = {b["case_id"]: b["working_days_late"] for b in _report(api)["breaches"]}
        lateness.append((late[walked.c], late[walked.d]))
    # C was closed on the 18th: it stays as late as it was; D counts 12, 13, 18, 19, 20, 23.
    assert lateness == [(3, 5), (3, 5), (3, 5), (3, 6)]


def _budgets_of(api: Api, year: int) -> list[dict[str, Any]]:
    fields = ("workflow", "amount", "committed", "refunded", "realised", "remaining")
    return [{k: b[k] for k in fields} for b in api.get("fina", "/api/budgets").json()
            if b["fiscal_year"] == year]


def test_money_equals_the_budgets_view_of_the_year(api: Api, clock: FakeClock) -> None:
    case_id = api.to_paid_grant(150_000_000, 125_000_000)
    api.upload_valid("rina", case_id, ("lpj", "pernyataan_penggunaan", "sts"))
    reported = api.fire("fajar", case_id, "report", data={
        "spent_amount": 100_000_000, "refund_amount": 25_000_000,
        "refund_date": "2026-02-04"})
    assert reported.status_code == 200, reported.text
    api.set_budget("grant", 900_000_000, fiscal_year=2025)
    body = _report(api, "fina", "/api/reports/money?fiscal_year=2026")
    rows = [{k: v for k, v in b.items() if k != "label"} for b in body["budgets"]]
    assert rows == _budgets_of(api, 2026)
    assert rows == [{"workflow": "grant", "amount": 500_000_000, "committed": 125_000_000,
                     "refunded": 25_000_000, "realised": 100_000_000,
                     "remaining": 400_000_000}]
    assert body["budgets"][0]["label"] == "Hibah"
    assert body["without_pagu"] == ["media_verification"]
    api.set_budget("media_verification", 600_000_000)
    again = _report(api, "audra", "/api/reports/money?fiscal_year=2026")
    assert [b["workflow"] for b in again["budgets"]] == ["media_verification", "grant"]
    assert again["without_pagu"] == []
    assert [{k: v for k, v in b.items() if k != "label"} for b in again["budgets"]] == \
        sorted(_budgets_of(api, 2026), key=lambda b: b["workflow"] != "media_verification")


@pytest.mark.parametrize(("query", "code"), [
    ("/time-in-stage?workflow=nope", "unknown_workflow"),
    ("/time-in-stage?fiscal_year=dua%20ribu", "invalid_fiscal_year"),
    ("/time-in-stage?fiscal_year=1999", "invalid_fiscal_year"),
    ("/time-in-stage?fiscal_year=%C2%B2", "invalid_fiscal_year"),
    ("/money?fiscal_year=2101", "invalid_fiscal_year"),
    ("/money?fiscal_year=-1", "invalid_fiscal_year"),
])
def test_bad_parameters_are_refused_with_a_stable_code(api: Api, query: str, code: str) -> None:
    response = api.get("ahmad", f"/api/reports{query}")
    assert response.status_code == 422, response.text
    assert response.json()["detail"]["code"] == code


def test_every_reader_may_read_the_reports_and_the_admin_may_not(api: Api) -> None:
    for who in READERS:
        for path in ("/api/reports/time-in-stage", "/api/reports/money"):
            assert api.get(who, path).status_code == 200, (who, path)
    for path in ("/api/reports/time-in-stage?workflow=nope", "/api/reports/money"):
        refused = api.get("admin", path)
        assert refused.status_code == 403, refused.text
        assert refused.json()["detail"]["code"] == "role_not_permitted"


def test_the_reports_are_refused_without_a_login(api: Api) -> None:
    for path in ("/api/reports/time-in-stage", "/api/reports/money"):
        response = api.client.get(path)
        assert response.status_code == 401
        assert response.json()["detail"]["code"] == "not_authenticated"
