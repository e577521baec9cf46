"""The in-app inbox: who hears of what, and reading it."""

from __future__ import annotations

from datetime import date

from infra.runtime import Runtime
from notifications.runner import run_reminders
from tests.api.helpers import MEDIA_REVIEW_DOCS, SITE_VISIT, Api
from tests.conftest import FakeClock
from tests.notifications.conftest import at


def titles(api: Api, who: str) -> list[str]:
    return [n["title"] for n in api.get(who, "/api/notifications").json()["items"]]


def test_whoever_must_act_next_is_told_but_not_the_actor(api: Api, clock: FakeClock) -> None:
    clock.now = at(date(2026, 2, 10))
    api.set_budget("media_verification", 600_000_000)
    case_id = api.create_media("rina")["id"]
    assert titles(api, "fajar") == ["Menunggu tindakan Anda: MV-2026-0001 — Balangan Pos"]
    assert titles(api, "rina") == []
    assert titles(api, "ahmad") == []

    api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS)
    assert api.fire("fajar", case_id, "review", data=SITE_VISIT).status_code == 200
    assert titles(api, "ahmad") == ["Menunggu tindakan Anda: MV-2026-0001 — Balangan Pos"]


def test_reminders_reach_the_inbox_and_reading_them_lowers_the_unread_count(
    api: Api, runtime: Runtime, clock: FakeClock
) -> None:
    clock.now = at(date(2026, 2, 10))
    api.create_media("rina")
    clock.now = at(date(2026, 2, 18))
    api.forget_tokens()
    run_reminders(runtime)

    inbox = api.get("fajar", "/api/notifications").json()
    assert inbox["unread"] == 2
    assert [n["kind"] for n in inbox["items"]] == ["due_soon", "task"]
    newest = inbox["items"][0]["id"]

    read = api.post("fajar", f"/api/notifications/{newest}/read")
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    assert api.get("fajar", "/api/notifications").json()["unread"] == 1
    assert [n["kind"] for n in api.get("fajar", "/api/notifications",
                                        params={"unread": "true"}).json()["items"]] == ["task"]

    someone_elses = api.post("rina", f"/api/notifications/{newest}/read")
    assert someone_elses.status_code == 404
    assert someone_elses.json()["detail"]["code"] == "notification_not_found"

    assert api.post("fajar", "/api/notifications/read-all").json() == {"marked": 1}
    assert api.get("fajar", "/api/notifications").json()["unread"] == 0
