"""What follows a case event: whoever must act next hears of it in the in-app inbox.

Each handler runs inside the transaction of the use case that raised the event (the unit of
work dispatches it before committing), so the notice commits with the transition or not at
all. ``app.bootstrap`` wires them to the event types they follow.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import Session

from cases.events import CaseEvent
from notifications import templates
from notifications.inbox import Channels, notify
from notifications.recipients import Recipients
from workflows.calendar import WITA

# In-app only, with links relative to the site: email is for reminders and the digest.
IN_APP = Channels(email=False, base_url="")
# The zone of warrant windows and absences (dates in WITA): the event carries an instant only.
_ZONE = ZoneInfo(WITA)


def tell_who_acts_next(session: Session, event: CaseEvent) -> None:
    """The people of the case's new deadline learn that it waits for them (not the actor),
    the official acting for its role that day among them."""
    deadline = event.deadline
    if deadline is None:
        return
    message = templates.new_task(event, deadline, IN_APP.base_url)
    recipients = Recipients(session, event.at.astimezone(_ZONE).date())
    for user in recipients.for_deadline(deadline.role, event.assignee_id):
        if user.id != event.actor.user_id:
            notify(session, IN_APP, user, key=f"task-{deadline.id}.u{user.id}", kind="task",
                   case_id=event.case_id, message=message, now=event.at)
