"""Twenty people at once: one transition of one case happens once; different cases never wait
on each other's locks for nothing."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx

from tests.api.helpers import Api
from tests.guarantees.conftest import token

CLIENTS = 20


def fire_together(url: str, bearer: str, case_ids: list[int], versions: list[int],
                  triggers: list[str] | None = None) -> list[httpx.Response]:
    """Each client fires its trigger (return_for_revision unless told) on its case, all
    released at the same moment."""
    start = threading.Barrier(len(case_ids))

    def one(case_id: int, version: int, trigger: str) -> httpx.Response:
        with httpx.Client(timeout=60) as client:
            start.wait()
            return client.post(f"{url}/api/cases/{case_id}/transitions/{trigger}",
                               headers={"Authorization": f"Bearer {bearer}"},
                               json={"version": version, "comment": "NIB belum sesuai"})

    triggers = triggers or ["return_for_revision"] * len(case_ids)
    with ThreadPoolExecutor(len(case_ids)) as pool:
        return list(pool.map(one, case_ids, versions, triggers))


def test_twenty_clients_on_one_case_one_wins_the_rest_get_409(live_url: str, api: Api) -> None:
    case = api.create_media("rina")
    responses = fire_together(live_url, token(live_url, "fajar"), [case["id"]] * CLIENTS,
                              [case["version"]] * CLIENTS)
    assert Counter(r.status_code for r in responses) == {200: 1, 409: CLIENTS - 1}
    assert {r.json()["detail"]["code"] for r in responses if r.status_code == 409} == {
        "stale_version"}
    trail = api.get("siti", f"/api/cases/{case['id']}/audit").json()
    assert [e["to_state"] for e in trail if e["action"] == "transition"] == ["returned"]
    assert api.audit_check()["ok"] is True


def test_twenty_clients_on_twenty_cases_all_succeed(live_url: str, api: Api) -> None:
    cases = [api.create_media("rina") for _ in range(CLIENTS)]
    responses = fire_together(live_url, token(live_url, "fajar"), [c["id"] for c in cases],
                              [c["version"] for c in cases])
    assert [r.status_code for r in responses] == [200] * CLIENTS
    states = {api.case("rina", c["id"])["state"] for c in cases}
    assert states == {"returned"}


def test_returns_and_resubmissions_at_once_all_succeed(live_url: str, api: Api) -> None:
    """Opposite moves between the same two states, at the same moment: none may deadlock."""
    cases = [api.create_media("rina") for _ in range(CLIENTS)]
    for case in cases[::2]:
        returned = api.fire("fajar", case["id"], "return_for_revision", comment="NIB")
        assert returned.status_code == 200
    current = [api.case("rina", c["id"]) for c in cases]
    triggers = ["resubmit" if c["state"] == "returned" else "return_for_revision" for c in current]
    responses = fire_together(live_url, token(live_url, "fajar"), [c["id"] for c in current],
                              [c["version"] for c in current], triggers)
    assert [r.status_code for r in responses] == [200] * CLIENTS
    states = Counter(api.case("rina", c["id"])["state"] for c in cases)
    assert states == {"submitted": CLIENTS // 2, "returned": CLIENTS // 2}
