from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from app import create_app
from infra.config import Settings
from tests.conftest import FakeClock, People
from tests.web.helpers import Pages


@pytest.fixture
def browser_for(settings: Settings, clock: FakeClock, people: People
                ) -> Iterator[Callable[[str], Pages]]:
    """A fresh cookie jar per person, logged in."""
    app = create_app(settings, clock)
    clients: list[TestClient] = []

    def make(username: str) -> Pages:
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        pages = Pages(client)
        assert pages.login(username).status_code == 303
        return pages

    yield make
    for client in clients:
        client.__exit__(None, None, None)
