"""What follows a case event: whoever must act next hears of it in the in-app inbox.

Runs inside the use case's transaction (``cases.events``), so the notice commits with the
transition or not at all.
"""

from __future__ import annotations

from sqlmodel import Session

from cases.events import CaseEvent, subscribe
from cases.services.deadlines import Recipients
from notifications import templates
from notifications.inbox import Channels, notify

# In-app only, with links relative to the site: email is for reminders and the digest.
IN_APP = Channels(email=False, base_url="")


def tell_who_acts_next(session: Session, event: CaseEvent) -> None:
    """The people of the case's new deadline learn that it waits for them (not the actor)."""
    deadline, case = event.deadline, event.case
    if deadline is None:
        return
    message = templates.new_task(case, deadline, IN_APP.base_url)
    for user in Recipients(session).for_deadline(deadline.role, case.assignee_id):
        if user.id != event.actor.user_id:
            notify(session, IN_APP, user, key=f"task-{deadline.id}.u{user.id}", kind="task",
                   case_id=case.id, message=message, now=event.at)


def install() -> None:
    """Subscribe the handlers to the case events (idempotent)."""
    subscribe(tell_who_acts_next)
