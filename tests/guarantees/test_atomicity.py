"""One use case, one transaction: a failure at any step before commit leaves the case, its
deadlines, its audit and its notifications exactly as they were."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

import notifications.handlers
from cases import audit
from cases.models import User
from cases.repository import DeadlineRepository
from cases.services.transitions import fire_transition
from cases.services.users import to_actor
from infra.runtime import Runtime
from tests.api.helpers import Api


class Injected(RuntimeError):
    pass


def snapshot(runtime: Runtime, case_id: int) -> dict[str, Any]:
    with runtime.engine.connect() as conn:
        def rows(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in conn.execute(text(sql), {"id": case_id})]
        return {
            "case": rows("SELECT state, version, updated_at FROM cases WHERE id = :id"),
            "deadlines": rows("SELECT id, state, closed_at, next_check_at FROM deadlines "
                              "WHERE case_id = :id ORDER BY id"),
            "audit": rows("SELECT seq, hash FROM audit_entries WHERE case_id = :id ORDER BY seq"),
            "notifications": rows("SELECT id, user_id, key FROM notifications "
                                  "WHERE case_id = :id ORDER BY id"),
        }


# Each step of a transition, and the notice its event's handler writes before the commit.
STEPS: dict[str, tuple[object, str]] = {
    "append": (audit, "append"),
    "close_deadlines": (DeadlineRepository, "close"),
    "open_deadline": (DeadlineRepository, "open"),
    "notify": (notifications.handlers, "notify"),
}


@pytest.mark.parametrize("step", list(STEPS))
def test_a_failure_before_commit_leaves_everything_as_it_was(
    api: Api, runtime: Runtime, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    case_id = api.create_media("rina")["id"]
    before = snapshot(runtime, case_id)
    assert before["deadlines"]
    assert before["notifications"]

    def fail(*_args: object, **_kwargs: object) -> None:
        raise Injected(step)

    target, name = STEPS[step]
    monkeypatch.setattr(target, name, fail)
    with runtime.sessions() as session:
        fajar = to_actor(session.exec(select(User).where(User.username == "fajar")).one())
        with pytest.raises(Injected):
            fire_transition(runtime.ctx(session, fajar), case_id, "return_for_revision",
                            version=1, comment="NIB belum sesuai")
    assert snapshot(runtime, case_id) == before
