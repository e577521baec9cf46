from __future__ import annotations

from collections.abc import Iterator

import pytest

from app import create_app
from infra.config import Settings
from tests.conftest import PASSWORD, FakeClock, People
from tests.servers import ThreadServer, free_port


@pytest.fixture
def live_url(settings: Settings, clock: FakeClock, people: People) -> Iterator[str]:
    port = free_port()
    with ThreadServer(create_app(settings.model_copy(update={"port": port}), clock),
                      port) as server:
        yield server.url


def token(url: str, username: str) -> str:
    import httpx2 as httpx

    response = httpx.post(f"{url}/api/auth/token",
                          data={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])
