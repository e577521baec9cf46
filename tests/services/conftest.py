"""The service tier: use cases called directly, without HTTP, on a real database (both
backends), with a fake handler table in place of the notifications (fakes over mocks)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlmodel import Session, select

from cases.events import CaseRegistered, CaseTransitioned
from cases.models import Case, User
from cases.services.cases import NewCase, create_case
from cases.services.parties import NewParty, create_party
from cases.services.users import to_actor
from infra.config import Settings
from infra.context import Ctx
from infra.runtime import Runtime
from infra.unit_of_work import HandlerTable
from tests.api.helpers import COMPANY, MEDIA_APPLICANT
from tests.conftest import FakeClock


@dataclass
class Followers:
    """A fake handler table: records every event it is handed, and runs ``also`` (if set)
    as one more handler, which a test may make write or fail."""

    events: list[object] = field(default_factory=list)
    also: Callable[[Session, Any], None] | None = None

    def record(self, session: Session, event: object) -> None:
        self.events.append(event)
        if self.also is not None:
            self.also(session, event)

    def table(self) -> HandlerTable:
        return {CaseRegistered: (self.record,), CaseTransitioned: (self.record,)}


@dataclass
class Desk:
    """Calls the use cases as the entrypoints do: one session and one context per call."""

    runtime: Runtime
    company_id: int | None = None

    def ctx(self, session: Session, who: str) -> Ctx:
        user = session.exec(select(User).where(User.username == who)).one()
        return self.runtime.ctx(session, to_actor(user))

    def call(self, who: str, use_case: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with self.runtime.sessions() as session:
            return use_case(self.ctx(session, who), *args, **kwargs)

    def company(self, who: str = "rina") -> int:
        """The press company applying (registered the first time it is asked for)."""
        if self.company_id is None:
            party = self.call(who, create_party, NewParty(**COMPANY))
            self.company_id = party.id
        assert self.company_id is not None
        return self.company_id

    def register(self, who: str = "rina") -> Case:
        return self.call(who, create_case, NewCase(
            workflow="media_verification", title="Kerja sama publikasi 2026",
            fiscal_year=2026, amount=45_000_000, applicant=MEDIA_APPLICANT, data={},
            party_id=self.company(who)))


@pytest.fixture
def followers() -> Followers:
    return Followers()


@pytest.fixture
def desk(settings: Settings, clock: FakeClock, followers: Followers) -> Iterator[Desk]:
    runtime = Runtime.build(settings, clock, handlers=followers.table())
    yield Desk(runtime)
    runtime.engine.dispose()
