"""Numbers and dates from the outside that no column or timestamp can hold are a 4xx with a
stable code, never a 500 (issue 11): cursors, versions, back-dated registrations, dates."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.api.helpers import COMPANY, DECISION, GRANT_APPLICANT, MEDIA_APPLICANT, ORGANISATION, Api


def cursor(*parts: object) -> str:
    raw = "c:" + ":".join(str(p) for p in parts)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def detail(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()["detail"]
    return body


@pytest.mark.parametrize(("sort", "parts"), [
    ("new", (2**63,)),
    ("new", (2**31,)),
    ("new", ("²",)),
    ("due", (10**30, 1)),
    ("due", (2**63, 2**63)),
    ("due", (1_770_000_000_000_000, 2**63)),
    ("due", (10**18, 1)),
])
def test_a_forged_page_cursor_is_refused_as_bad_input(
    api: Api, sort: str, parts: tuple[object, ...]
) -> None:
    api.create_media()
    response = api.get("rina", "/api/cases", params={"sort": sort, "cursor": cursor(*parts)})
    assert response.status_code == 422, response.text
    assert detail(response)["code"] == "invalid_cursor"


def test_cursors_by_due_date_still_walk_every_case_once(api: Api) -> None:
    ids = {api.create_media()["id"] for _ in range(3)}
    seen: list[int] = []
    params = {"sort": "due", "limit": "1"}
    while True:
        page = api.get("rina", "/api/cases", params=params).json()
        seen += [item["id"] for item in page["items"]]
        if not page["next_cursor"]:
            break
        params["cursor"] = page["next_cursor"]
    assert sorted(seen) == sorted(ids)


def registration(api: Api, submitted_at: str) -> dict[str, Any]:
    return {"workflow": "media_verification", "title": "Kertas", "fiscal_year": 2026,
            "amount": 1_000_000, "party_id": api.party(COMPANY), "applicant": MEDIA_APPLICANT,
            "submitted_at": submitted_at}


@pytest.mark.parametrize(("submitted_at", "reason"), [
    ("0001-01-01T00:00:00+08:00", "date_out_of_range"),
    ("9999-12-31T23:00:00-05:00", "date_out_of_range"),
    ("1999-12-31T09:00:00+08:00", "date_out_of_range"),
    ("2026-01-20T09:00:00", "timezone_aware"),
])
def test_a_back_dated_registration_needs_a_plausible_date_with_a_time_zone(
    api: Api, submitted_at: str, reason: str
) -> None:
    response = api.post("siti", "/api/cases", json=registration(api, submitted_at))
    assert response.status_code == 422, response.text
    assert detail(response)["code"] == "invalid_request"
    assert [r["code"] for r in detail(response)["reasons"]] == [reason]
    assert api.get("siti", "/api/cases").json()["items"] == []


def test_a_registration_dated_in_the_future_is_refused(api: Api) -> None:
    response = api.post("siti", "/api/cases",
                        json=registration(api, "2026-03-01T09:00:00+08:00"))
    assert response.status_code == 422, response.text
    assert detail(response)["code"] == "submitted_in_future"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_a_date_field_outside_the_plausible_years_is_refused(api: Api, day: str) -> None:
    """The date of the Keputusan Bupati a grant disburses (a date of the registration)."""
    body = {**registration(api, "2026-01-20T09:00:00+08:00"), "workflow": "grant",
            "party_id": api.party(ORGANISATION), "amount": 100_000_000,
            "applicant": GRANT_APPLICANT, "data": {**DECISION, "keputusan_date": day}}
    response = api.post("siti", "/api/cases", json=body)
    assert response.status_code == 422, response.text
    assert detail(response)["code"] == "invalid_input"
    assert [(r["code"], r["message"].split(":")[0]) for r in detail(response)["reasons"]] == [
        ("date_out_of_range", "data.keputusan_date")]


def test_a_version_beyond_any_column_is_bad_input_not_a_stale_version(api: Api) -> None:
    case_id = api.create_media()["id"]
    response = api.fire("fajar", case_id, "return_for_revision", comment="NIB", version=2**31)
    assert response.status_code == 422, response.text
    assert detail(response)["code"] == "invalid_request"
