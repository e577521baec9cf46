"""Use cases called directly: what they change, the events they raise, and what they refuse.

Each runs in one unit of work: the change, its audit entry, its deadlines and what the event
handlers write commit together or not at all.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app import handler_table
from cases.errors import Conflict
from cases.events import CaseRegistered, CaseTransitioned, OpenedDeadline
from cases.models import Comment
from cases.services.cases import assign_case, get_case
from cases.services.transitions import fire_transition
from infra.db import writer_lock
from infra.runtime import Runtime
from notifications.handlers import tell_who_acts_next
from tests.services.conftest import Desk, Followers
from workflows import Actor, BerkasError, GuardsUnmet

VALUES = (int, str, date, datetime, Actor, OpenedDeadline, type(None))


def state_of(runtime: Runtime, case_id: int) -> dict[str, Any]:
    """The case's rows as the database holds them now."""
    with runtime.engine.connect() as conn:
        def rows(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in conn.execute(text(sql), {"id": case_id})]
        return {
            "case": rows("SELECT state, version, updated_at, audit_seq FROM cases "
                         "WHERE id = :id"),
            "deadlines": rows("SELECT id, state, closed_at FROM deadlines WHERE case_id = :id "
                              "ORDER BY id"),
            "audit": rows("SELECT seq, hash FROM audit_entries WHERE case_id = :id ORDER BY seq"),
            "comments": rows("SELECT body FROM comments WHERE case_id = :id ORDER BY id"),
        }


def return_for_revision(desk: Desk, case_id: int, *, version: int = 1,
                        comment: str = "NIB belum sesuai") -> Any:
    return desk.call("fajar", fire_transition, case_id, "return_for_revision",
                     version=version, comment=comment)


def test_registering_a_case_raises_one_event_with_its_first_deadline(
    desk: Desk, followers: Followers
) -> None:
    case = desk.register("rina")
    [event] = followers.events
    assert isinstance(event, CaseRegistered)
    assert (event.case_id, event.reference, event.workflow) == (
        case.id, case.reference, "media_verification")
    assert event.actor.username == "rina"
    assert event.deadline is not None
    assert (event.deadline.state, event.deadline.role) == ("submitted", "officer")


def test_a_transition_raises_one_event_of_ids_and_values_not_rows(
    desk: Desk, followers: Followers
) -> None:
    case_id = desk.register().id
    followers.events.clear()
    return_for_revision(desk, case_id)
    [event] = followers.events
    assert isinstance(event, CaseTransitioned)
    assert (event.trigger, event.source, event.dest) == (
        "return_for_revision", "submitted", "returned")
    assert event.deadline is not None
    assert event.deadline.state == "returned"
    assert all(isinstance(getattr(event, f.name), VALUES) for f in fields(event))


def test_a_transition_refused_by_a_guard_changes_nothing_and_raises_no_event(
    desk: Desk, followers: Followers
) -> None:
    case_id = desk.register().id
    followers.events.clear()
    before = state_of(desk.runtime, case_id)
    with pytest.raises(GuardsUnmet) as refused:
        return_for_revision(desk, case_id, comment="")
    assert [r.code for r in refused.value.reasons] == ["missing_reason"]
    assert state_of(desk.runtime, case_id) == before
    assert followers.events == []


def test_a_stale_version_is_a_conflict_that_changes_nothing(
    desk: Desk, followers: Followers
) -> None:
    case_id = desk.register().id
    desk.call("siti", assign_case, case_id, "fajar")  # version 2 now
    followers.events.clear()
    before = state_of(desk.runtime, case_id)
    with pytest.raises(Conflict) as stale:
        return_for_revision(desk, case_id, version=1)
    assert stale.value.code == "stale_version"
    assert state_of(desk.runtime, case_id) == before
    assert followers.events == []


def test_a_failing_handler_rolls_the_whole_use_case_back(
    desk: Desk, followers: Followers
) -> None:
    case_id = desk.register().id
    before = state_of(desk.runtime, case_id)

    def fail(_session: Session, _event: object) -> None:
        raise RuntimeError("the inbox is down")

    followers.also = fail
    with pytest.raises(RuntimeError, match="inbox is down"):
        return_for_revision(desk, case_id)
    assert state_of(desk.runtime, case_id) == before


def test_what_a_handler_writes_commits_with_the_transition(
    desk: Desk, followers: Followers
) -> None:
    case_id = desk.register().id

    def note(session: Session, event: object) -> None:
        assert isinstance(event, CaseTransitioned)
        session.add(Comment(case_id=event.case_id, author_id=event.actor.user_id,
                            body=f"now {event.dest}", created_at=event.at))

    followers.also = note
    return_for_revision(desk, case_id)
    after = state_of(desk.runtime, case_id)
    assert after["case"][0][:2] == ("returned", 2)
    assert after["comments"] == [("now returned",)]


def test_the_handlers_run_after_the_state_change_inside_its_transaction(
    desk: Desk, followers: Followers
) -> None:
    """A handler reading the case through the use case's session sees the new state,
    which no other connection sees before the commit."""
    case_id = desk.register().id
    seen: list[tuple[str, list[tuple[Any, ...]]]] = []

    def look(session: Session, event: object) -> None:
        assert isinstance(event, CaseTransitioned)
        state = session.connection().execute(
            text("SELECT state FROM cases WHERE id = :id"), {"id": case_id}).scalar_one()
        seen.append((state, state_of(desk.runtime, case_id)["case"]))

    followers.also = look
    return_for_revision(desk, case_id)
    [(inside, outside)] = seen
    assert inside == "returned"
    if desk.runtime.engine.dialect.name == "postgresql":  # SQLite: a reader would wait
        assert outside[0][0] == "submitted"


def test_a_refused_use_case_leaves_the_writer_lock_free(desk: Desk) -> None:
    case_id = desk.register().id
    with pytest.raises(BerkasError):
        return_for_revision(desk, case_id, comment="")
    lock = writer_lock(desk.runtime.engine)
    assert lock is None or not lock.locked()
    return_for_revision(desk, case_id)  # the next use case is not held up


def test_fresh_reads_see_what_other_sessions_committed(desk: Desk) -> None:
    """What a refused form's page needs: without ``fresh`` a session answers from what it
    loaded before (and, on SQLite, from its snapshot), not from the database as it is."""
    case_id = desk.register().id
    with desk.runtime.sessions() as session:
        ctx = desk.ctx(session, "rina")
        case = get_case(session, case_id)
        assert case.version == 1
        return_for_revision(desk, case_id)  # in a session of its own
        assert get_case(session, case_id).version == 1  # as this session loaded it
        ctx.fresh()
        assert get_case(session, case_id).version == 2
        assert case.version == 2  # the object loaded before is read again


def test_every_domain_and_service_refusal_shares_one_root() -> None:
    from cases.errors import ServiceError
    from workflows import WorkflowError

    assert issubclass(ServiceError, BerkasError)
    assert issubclass(WorkflowError, BerkasError)


def test_the_bootstrap_sends_both_case_events_to_the_notice_handler() -> None:
    table = handler_table()
    assert set(table) == {CaseRegistered, CaseTransitioned}
    assert all(tuple(handlers) == (tell_who_acts_next,) for handlers in table.values())
